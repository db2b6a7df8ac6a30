#!/usr/bin/env bash
# Wall time and peak RSS of rampart's full TCP connect scan of 127.0.0.1 (all 65535 ports),
# and of nmap's connect scan of the same address when nmap is installed (it is not required).
# Goal (issue 10): at least as fast as `nmap -sT -p- -n -Pn 127.0.0.1`; aim for twice as fast.
# Only 127.0.0.1 is scanned.
#
#   scripts/bench-ports.sh            # RUNS=5 by default
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
NMAP_RUNS=${NMAP_RUNS:-$RUNS}

cargo build --release --quiet
BIN=$(realpath "${CARGO_TARGET_DIR:-target}/release/rampart")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$BIN" "$work" "$RUNS" "$NMAP_RUNS" <<'PY'
import json, os, shutil, statistics, subprocess, sys, time

binary, work, runs, nmap_runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

def timed(cmd):
    """Wall milliseconds, peak RSS in MiB (GNU time's %M when present), and the result."""
    rss_file = f"{work}/rss"
    wrapped = [GNU_TIME, "-f", "%M", "-o", rss_file] + cmd if GNU_TIME else cmd
    start = time.perf_counter()
    out = subprocess.run(wrapped, capture_output=True, text=True, cwd=work)
    ms = (time.perf_counter() - start) * 1000
    peak = 0.0
    if GNU_TIME:
        with open(rss_file) as f:
            peak = int(f.read().split()[-1]) / 1024
    return ms, peak, out

cmd = [binary, "audit", "--profile", "baseline", "--host", "127.0.0.1", "--ports", "all",
       "--only", "exposure", "--json"]
times, rss, last = [], 0.0, None
for _ in range(runs):
    ms, peak, last = timed(cmd)
    if last.returncode not in (0, 1):
        sys.exit(f"rampart failed (exit {last.returncode}): {last.stderr}")
    times.append(ms)
    rss = max(rss, peak)
report = json.loads(last.stdout)
scan = [f for f in report["findings"] if f["id"] == "exposure.ports"]
errors = [f for f in scan if f["status"] == "error"]
if errors:
    sys.exit(f"the scan did not finish: {errors[0]['message']}")
opened = sorted(f["location"]["port"] for f in scan
                if f["actual"] == "open" and f.get("location", {}).get("port"))
median = statistics.median(times)
print(f"rampart --ports all on 127.0.0.1, {runs} runs: min {min(times):.0f} ms, "
      f"median {median:.0f} ms, max {max(times):.0f} ms; peak RSS {rss:.1f} MiB; "
      f"open ports seen: {opened}")

nmap = shutil.which("nmap")
if not nmap:
    print("nmap not installed: no comparison (apt-get install nmap to compare)")
    sys.exit(0)
ntimes, nrss = [], 0.0
for _ in range(nmap_runs):
    ms, peak, out = timed([nmap, "-sT", "-p-", "-n", "-Pn", "-oG", "-", "127.0.0.1"])
    if out.returncode != 0:
        sys.exit(f"nmap failed: {out.stderr}")
    ntimes.append(ms)
    nrss = max(nrss, peak)
nmed = statistics.median(ntimes)
print(f"nmap -sT -p- -n -Pn 127.0.0.1, {nmap_runs} runs: min {min(ntimes):.0f} ms, "
      f"median {nmed:.0f} ms, max {max(ntimes):.0f} ms; peak RSS {nrss:.1f} MiB")
ratio = nmed / median
verdict = "OK" if ratio >= 1 else "SLOWER THAN NMAP"
print(f"ratio: rampart is {ratio:.2f}x nmap's speed (goal >= 1, aim 2): {verdict}")
PY
