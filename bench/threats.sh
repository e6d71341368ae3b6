#!/usr/bin/env bash
# Threat generation benchmark: a synthetic model of 10,000 data flows (1,000 elements of mixed
# kinds, three trust boundaries, HTTPS/HTTP/generic flows) generated with the built-in rules.
# There is no reference tool for Linux (TMT is Windows-only), so this prints absolute times and
# threats per second. Usage: bench/threats.sh [FLOWS]
set -euo pipefail
cd "$(dirname "$0")/.."
flows=${1:-10000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
model="$dir/big.dfd.toml"

python3 - "$flows" > "$model" <<'PY'
import sys
flows = int(sys.argv[1])
elements = max(10, flows // 10)
kinds = ["process", "web-application", "web-server", "external-entity", "browser", "human-user",
         "data-store", "sql-database", "file-system", "native-application"]
print('[meta]\nname = "synthetic benchmark model"\n')
for i in range(elements):
    print(f'[[element]]\nid = "e{i}"\nname = "Element {i}"\nkind = "{kinds[i % len(kinds)]}"\n')
flow_kinds = ["data-flow", "https", "http", "data-flow"]
for j in range(flows):
    s = (j * 7) % elements
    t = (j * 13 + 1) % elements
    if s == t:
        t = (t + 1) % elements
    print(f'[[flow]]\nid = "f{j}"\nname = "Flow {j}"\nsource = "e{s}"\ntarget = "e{t}"\nkind = "{flow_kinds[j % 4]}"\n')
third = elements // 3
print('[[boundary]]\nid = "dmz"\nname = "DMZ"\ncontains = [' + ", ".join(f'"e{i}"' for i in range(third)) + ']\n')
print('[[boundary]]\nid = "core"\nname = "Core"\nkind = "corpnet-trust-boundary"\ncontains = [' + ", ".join(f'"e{i}"' for i in range(third, 2 * third)) + ']\n')
print('[[boundary]]\nid = "host"\nname = "Host"\nkind = "machine-trust-boundary"\ncrossed_by = [' + ", ".join(f'"f{j}"' for j in range(0, flows, 5)) + ']\n')
PY

echo "model: $flows flows, $(grep -c '^\[\[element\]\]' "$model") elements ($(du -h "$model" | cut -f1))"
cargo build --release -q -p rampart-threat --example bench_generate
echo "== library: load model, then generate (best of 5)"
target/release/examples/bench_generate "$model" 5

# The whole command, end to end, when the CLI is built with the threats subcommand.
if cargo build --release -q -p rampart-cli 2>/dev/null && target/release/rampart threats --help >/dev/null 2>&1; then
  echo "== rampart threats report --format json (whole command: parse, validate, generate, render, write; best of 3)"
  best=""
  for run in 1 2 3; do
    # bash's `time` gives wall, user and system seconds of the one command.
    t=$( { TIMEFORMAT='%R %U %S'; time RAMPART_LOG=warn target/release/rampart threats report --model "$model" --format json --output "$dir/out.json" >/dev/null; } 2>&1 )
    echo "run $run: wall/user/sys s = $t"
    wall=${t%% *}
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$wall" "$best"; then
      best=$wall
    fi
  done
  n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["threats"]))' "$dir/out.json")
  size=$(du -h "$dir/out.json" | cut -f1)
  python3 -c "import sys; t=float(sys.argv[1]); n=int(sys.argv[2]); print(f'threats={n} json={sys.argv[3]} best_wall={t*1000:.0f}ms threats_per_s={n/t:.0f}')" "$best" "$n" "$size"
  echo "== where the time goes (rampart -v: one line per step)"
  RAMPART_LOG=info target/release/rampart threats report --model "$model" --format json --output "$dir/out.json" 2>&1 >/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/^/  /'
fi
echo "reference: none (Microsoft TMT runs on Windows only); ratio not applicable"
