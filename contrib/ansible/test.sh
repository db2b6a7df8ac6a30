#!/usr/bin/env bash
# Runs rampart.yml against localhost (-c local) on a flawed and a clean fixture install and
# checks the play's verdict and the fetched reports. Usage: test.sh PATH/TO/rampart
# Only the secrets and files checks run: the host checks would judge the machine running this.
set -euo pipefail
bin=$(realpath "${1:?usage: test.sh PATH/TO/rampart}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/flawed" "$work/clean"
printf 'TOKEN=changeme\n' > "$work/flawed/.env"; chmod 644 "$work/flawed/.env"
printf 'TOKEN=9f2c4e7a1b3d5f6081a2c3e4f5a6b7c8\n' > "$work/clean/.env"; chmod 600 "$work/clean/.env"
printf 'localhost ansible_connection=local ansible_python_interpreter=%s\n' "$(command -v python3)" > "$work/inventory"

play() {
  ansible-playbook -i "$work/inventory" "$here/rampart.yml" \
    -e "rampart_bin=$bin" -e rampart_profile=baseline -e "rampart_root=$1" \
    -e "rampart_reports_dir=$work/reports-$2" \
    -e '{"rampart_extra_args": ["--only", "secrets", "--only", "files"]}' > "$work/$2.log" 2>&1
}

if play "$work/flawed" flawed; then
  echo "FAIL: the play passed on a flawed install"; cat "$work/flawed.log"; exit 1
fi
grep -q 'rampart gated localhost' "$work/flawed.log" || { cat "$work/flawed.log"; exit 1; }
grep -q 'secrets.env-file-mode' "$work/flawed.log" || { cat "$work/flawed.log"; exit 1; }
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["summary"]["fail"] >= 1, r["summary"]' \
  "$work/reports-flawed/localhost.json"
grep -q changeme "$work/reports-flawed/localhost.json" && { echo "FAIL: secret in report"; exit 1; }

play "$work/clean" clean || { echo "FAIL: the play failed on a clean install"; cat "$work/clean.log"; exit 1; }
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["summary"]["fail"] == 0, r["summary"]' \
  "$work/reports-clean/localhost.json"
echo "ansible playbook: 2 passed, 0 failed"
