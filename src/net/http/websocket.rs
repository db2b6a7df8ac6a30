//! The WebSocket opening handshake (RFC 6455 section 4.1): the headers of an upgrade request
//! and the check of the server's `Sec-WebSocket-Accept`. After the answer the connection is
//! dropped: no frame is ever sent.

use std::sync::OnceLock;

/// Appended to the key before hashing (RFC 6455 section 1.3).
const ACCEPT_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The headers that turn a GET into an upgrade request.
pub fn request_headers() -> [(&'static str, &'static str); 4] {
    [
        ("connection", "Upgrade"),
        ("upgrade", "websocket"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", key()),
    ]
}

/// Whether `accept` is the answer to this process's key: a `101` without it is not a real
/// WebSocket handshake (a proxy or a server that echoes the status without speaking the
/// protocol).
pub fn accept_is_valid(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| a.trim() == expected_accept(key()))
}

/// One nonce per process: requests stay equal (each distinct one is made once per audit),
/// and a nonce only has to be unpredictable to caches, not secret.
fn key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut nonce = [0u8; 16];
        let random = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce);
        if random.is_err() {
            // No system randomness: a time-based nonce still differs between runs.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            nonce = nanos.to_le_bytes();
        }
        base64(&nonce)
    })
}

fn expected_accept(key: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        format!("{key}{ACCEPT_GUID}").as_bytes(),
    );
    base64(digest.as_ref())
}

/// Standard base64 with padding (RFC 4648 section 4), the only encoding the handshake uses.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6455_sample_accept() {
        // The worked example of RFC 6455 section 1.3.
        assert_eq!(
            expected_accept("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn base64_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_key_is_sixteen_bytes_and_its_accept_validates() {
        assert_eq!(key().len(), 24);
        assert!(accept_is_valid(Some(&expected_accept(key()))));
        assert!(!accept_is_valid(Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")));
        assert!(!accept_is_valid(None));
    }
}
