#!/usr/bin/env bash
# Wall time of rampart's TLS + certificate audit of one loopback nginx, and of sslyze's default
# scan of the same server when sslyze is installed (`pip install sslyze`).
# Target (issue 8, with suite enumeration, renegotiation and client simulation): median under
# 50 ms, and at least 10x faster than sslyze's default scan (which enumerates suites too).
# SSLYZE=/path/to/sslyze picks an sslyze outside PATH (e.g. in a virtualenv).
#
#   scripts/bench-tls.sh            # RUNS=20 by default
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
SSLYZE_RUNS=${SSLYZE_RUNS:-3}

if ! command -v nginx >/dev/null 2>&1; then
  echo "installing nginx (needed as the benchmark's server)" >&2
  apt-get update -qq && apt-get install -y -qq nginx >/dev/null
fi
NGINX=$(command -v nginx)

cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/rampart

work=$(mktemp -d)
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A private CA and a server certificate for localhost, as an operator's staging setup would have.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj /CN=bench-ca -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$work/ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
  -CAcreateserial -days 90 -extfile "$work/ext" -out "$work/server.pem" 2>/dev/null
cat "$work/server.pem" "$work/ca.pem" > "$work/chain.pem"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work;
  uwsgi_temp_path $work; scgi_temp_path $work;
  server {
    listen 127.0.0.1:$port ssl;
    server_name localhost;
    ssl_certificate $work/chain.pem;
    ssl_certificate_key $work/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { return 200 "ok\n"; }
  }
}
CONF
"$NGINX" -c "$work/nginx.conf" -e "$work/error.log"
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

python3 - "$BIN" "$port" "$work" "$RUNS" "$SSLYZE_RUNS" <<'PY'
import json, os, shutil, statistics, subprocess, sys, time
binary, port, work, runs, sslyze_runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
cmd = [binary, "audit", "--profile", "baseline", "--root", work,
       "--url", f"https://localhost:{port}", "--resolve", f"localhost:{port}:127.0.0.1",
       "--ca-file", f"{work}/ca.pem", "--only", "tls", "--only", "certificate", "--json"]

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
print(f"rampart TLS+certificate audit, {runs} runs: min {min(times):.1f} ms, "
      f"median {median:.1f} ms, max {max(times):.1f} ms  (findings {statuses}, exit {last.returncode})")
print(f"target < 50 ms: {'OK' if median < 50 else 'OVER TARGET'}")

sslyze = os.environ.get("SSLYZE") or shutil.which("sslyze")
if not sslyze:
    print("sslyze not installed (pip install sslyze): no comparison")
    sys.exit(0)
stimes = []
for _ in range(sslyze_runs):
    ms, out = timed([sslyze, "--quiet", f"localhost:{port}{{127.0.0.1}}"])
    # sslyze exits 1 when the server is not Mozilla-compliant (our private CA is not trusted
    # by it); that still is a completed scan. Anything else means it did not scan.
    text = out.stdout.decode(errors="replace")
    if out.returncode not in (0, 1) or "compliant" not in text.lower():
        print("sslyze did not complete:", (text + out.stderr.decode(errors="replace"))[-500:])
        sys.exit(1)
    stimes.append(ms)
smed = statistics.median(stimes)
print(f"sslyze default scan, {sslyze_runs} runs: median {smed:.1f} ms")
print(f"rampart median {median:.1f} ms vs sslyze median {smed:.1f} ms: "
      f"rampart is {smed / median:.1f}x faster (target >= 10x): "
      f"{'OK' if smed / median >= 10 else 'UNDER TARGET'}")
PY
