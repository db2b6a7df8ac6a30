#!/usr/bin/env bash
# Wall time of the Koda profile's HTTP checks (`--only http`: the port-80 redirect, HSTS,
# security headers, the session cookie, the sign-in pages' CSP, and the control plane's own
# /health, asked on this host at its port) against a loopback nginx serving a Koda-like site,
# median of RUNS runs. Also times
# `testssl --headers` on the same server when testssl is installed (apt-get install testssl.sh).
# Target (issue 9): under 100 ms.
#
#   scripts/bench-http.sh            # RUNS=20 by default
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
TESTSSL_RUNS=${TESTSSL_RUNS:-3}

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "installing nginx (needed as the benchmark's server)" >&2
  apt-get update -qq && apt-get install -y -qq nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/rampart

work=$(mktemp -d)
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

HOST=koda.test
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj /CN=bench-ca -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$HOST" \
  -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:%s\n' "$HOST" > "$work/ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
  -CAcreateserial -days 90 -extfile "$work/ext" -out "$work/server.pem" 2>/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tls_port=$(free_port)
plain_port=$(free_port)
control_plane_port=$(free_port)
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
sec='add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
    add_header X-Content-Type-Options nosniff always;
    add_header Content-Security-Policy "default-src '"'self'"'; script-src '"'self'"' '"'unsafe-inline'"'; frame-ancestors '"'none'"'" always;'
cat > "$work/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work;
  uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen 127.0.0.1:$plain_port; return 301 https://\$host:$tls_port\$request_uri; }
  server {
    listen 127.0.0.1:$tls_port ssl;
    ssl_certificate $work/server.pem;
    ssl_certificate_key $work/server.key;
    $sec
    location = / { return 200 "home"; }
    location = /login {
      $sec
      add_header Set-Cookie "koda_operator_session=x; Path=/; Secure; HttpOnly; SameSite=Strict" always;
      return 200 "sign in";
    }
    location / { return 307 /setup; }
  }
  server {
    listen 127.0.0.1:$control_plane_port;
    location = /health { default_type application/json; return 200 '{"status":"healthy","workers":[]}'; }
  }
}
CONF
"$NGINX" -c "$work/nginx.conf" -e "$work/error.log"
for port in "$tls_port" "$plain_port" "$control_plane_port"; do
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
done

printf 'KODA_ENV=production\nWEB_OPERATOR_SESSION_SECRET=%s\n' "$(openssl rand -hex 32)" > "$work/.env"
chmod 600 "$work/.env"
cat > "$work/koda-bench.toml" <<TOML
name = "koda-bench"
title = "Koda, with the redirect and the control plane on the benchmark's ports"
extends = "koda"

[[check]]
id = "http.redirect"
title = "Plain HTTP redirects permanently to HTTPS on the same host"
kind = "http.redirect"
port = $plain_port
severity = "high"
remediation = "Redirect with 301."

[[check]]
id = "koda.control-plane-health"
title = "The control plane's /health answers a healthy JSON status"
kind = "http.health"
service_port = $control_plane_port
path = "/health"
json = { status = ["ok", "healthy"] }
severity = "medium"
remediation = "Check the control plane."
TOML

python3 - "$BIN" "$tls_port" "$work" "$RUNS" "$TESTSSL_RUNS" "$HOST" <<'PY'
import json, shutil, statistics, subprocess, sys, time
binary, port, work, runs, testssl_runs, host = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
cmd = [binary, "audit", "--profile-file", f"{work}/koda-bench.toml", "--root", work,
       "--url", f"https://{host}:{port}", "--resolve", f"{host}:{port}:127.0.0.1",
       "--ca-file", f"{work}/ca.pem", "--only", "http", "--json"]

def timed(c):
    start = time.perf_counter()
    out = subprocess.run(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return (time.perf_counter() - start) * 1000, out

times, last = [], None
for _ in range(runs):
    ms, last = timed(cmd)
    times.append(ms)
report = json.loads(last.stdout)
statuses = {}
for f in report["findings"]:
    statuses[f["status"]] = statuses.get(f["status"], 0) + 1
median = statistics.median(times)
print(f"rampart Koda HTTP checks ({len(report['findings'])} findings), {runs} runs: "
      f"min {min(times):.1f} ms, median {median:.1f} ms, max {max(times):.1f} ms  "
      f"(statuses {statuses}, exit {last.returncode})")
print(f"target < 100 ms: {'OK' if median < 100 else 'OVER TARGET'}")

testssl = shutil.which("testssl") or shutil.which("testssl.sh")
if not testssl:
    print("testssl not installed (apt-get install testssl.sh): no comparison")
    sys.exit(0)
ttimes = []
for _ in range(testssl_runs):
    # The address itself and --nodns none: testssl makes no DNS query, only loopback traffic.
    ms, out = timed([testssl, "--headers", "--quiet", "--color", "0", "--warnings", "off",
                     "--nodns", "none", f"https://127.0.0.1:{port}/"])
    text = out.stdout.decode(errors="replace")
    if "Strict Transport Security" not in text:
        print("testssl did not report the headers:", (text + out.stderr.decode(errors="replace"))[-500:])
        sys.exit(1)
    ttimes.append(ms)
tmed = statistics.median(ttimes)
print(f"testssl --headers, {testssl_runs} runs: median {tmed:.1f} ms (exit {out.returncode})")
print(f"ratio: rampart is {tmed / median:.1f}x faster")
PY
