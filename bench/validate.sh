#!/usr/bin/env bash
# Time and peak memory of project-file validation on large files (RELIABILITY.md, issue 14):
# a valid 50 MB file (374,000 monitors) and a 56 MB file with 120 errors (419,000 monitors,
# every 3,491st with the typo `intervall`). Uses the rampart-config example that loads a file
# exactly as `rampart validate` does, so only that crate is built in release.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/bench-validate}
mkdir -p "$out"
python3 - "$out" <<'PY'
import sys
def gen(path, n, errors):
    step = n // errors if errors else 0
    with open(path, 'w') as f:
        f.write('[project]\nname = "big"\n\n[scope]\nhosts = ["127.0.0.1"]\n\n')
        for i in range(n):
            key = 'intervall' if errors and i % step == 0 and i // step < errors else 'interval'
            f.write(f'[[monitors]]\nname = "monitor-{i:07d}"\nurl = "http://127.0.0.1:8080/api/health/{i}"\n'
                    f'{key} = "30s"\ntimeout = "5s"\nstatus = [200]\n\n')
gen(sys.argv[1] + '/valid-50mb.toml', 374000, 0)
gen(sys.argv[1] + '/errors-56mb.toml', 419000, 120)
PY
cargo build --release -q -p rampart-config --example validate_file
for f in valid-50mb.toml errors-56mb.toml; do
  echo "== $f ($(stat -c %s "$out/$f") bytes)"
  /usr/bin/time -v target/release/examples/validate_file "$out/$f" 2>&1 \
    | grep -E '^valid|errors;|Elapsed|Maximum resident' | cut -c1-120 || true
done
