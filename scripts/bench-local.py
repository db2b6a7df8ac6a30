#!/usr/bin/env python3
"""Wall time of a local-only audit (no --url) of every built-in profile.

Runs the release binary against the example install of each product, RUNS times, and prints
min / median / max wall time per profile. Target (issue 2): under 50 ms.

    python3 scripts/bench-local.py            # builds the release binary first
"""
import os
import statistics
import subprocess
import sys
import time

RUNS = int(os.environ.get("RUNS", "30"))
TARGET_MS = 50.0
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET_DIR = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
BINARY = os.path.join(TARGET_DIR, "release", "rampart")
PROFILES = ["baseline", "omnidev", "cliproxyapi", "rediflow", "ocmt", "koda"]


def main() -> int:
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    worst = 0.0
    print(f"{'profile':<12} {'findings':>8} {'min ms':>8} {'median':>8} {'max ms':>8}")
    for profile in PROFILES:
        root = os.path.join(REPO, "examples", profile if profile != "baseline" else "koda")
        cmd = [BINARY, "audit", "--profile", profile, "--root", root, "--json"]
        times = []
        findings = 0
        for _ in range(RUNS):
            start = time.perf_counter()
            out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            times.append((time.perf_counter() - start) * 1000)
            if out.returncode not in (0, 1):
                print(f"{profile}: exit {out.returncode}", file=sys.stderr)
                return 2
            findings = out.stdout.count(b'"id":')
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"{profile:<12} {findings:>8} {min(times):>8.1f} {median:>8.1f} {max(times):>8.1f}")
    verdict = "OK" if worst < TARGET_MS else "OVER TARGET"
    print(f"slowest median {worst:.1f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
