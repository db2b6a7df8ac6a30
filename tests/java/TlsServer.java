// A JSSE TLS server for the tests: what a stock Java 17 service does (client-initiated
// renegotiation allowed), and what only a JDK can still serve (3DES suites).
// Usage: java TlsServer.java KEYSTORE.p12 PASSWORD PORT SUITES|default
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

public class TlsServer {
    public static void main(String[] args) throws Exception {
        char[] password = args[1].toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(args[0])) {
            keys.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
            .createServerSocket(Integer.parseInt(args[2]), 50, InetAddress.getLoopbackAddress());
        if (!args[3].equals("default")) {
            server.setEnabledCipherSuites(args[3].split(","));
        }
        System.out.println("listening");
        System.out.flush();
        while (true) {
            SSLSocket socket = (SSLSocket) server.accept();
            new Thread(() -> {
                try (SSLSocket s = socket) {
                    s.setSoTimeout(10000);
                    InputStream in = s.getInputStream();
                    byte[] buffer = new byte[4096];
                    while (in.read(buffer) >= 0) {
                    }
                } catch (Exception ignored) {
                    // The probes hang up mid-handshake on purpose.
                }
            }).start();
        }
    }
}
