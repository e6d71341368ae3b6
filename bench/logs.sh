#!/usr/bin/env bash
# Log analysis benchmark: rampart (every detector on) vs GoAccess vs `wc -l`, on the same
# generated ~1 GB nginx `combined` log (5 M lines), in one run. Prints throughput, peak memory
# and the ratios. Usage: bench/logs.sh [LINES] (default 5000000). Needs goaccess (Debian).
# BENCH_BASE=path/to/logs_analyze compares two commits instead: that build of the library's
# `logs_analyze` example (another commit's, built in its own worktree) and this one's, run
# alternately with `wc -l` (no CLI, no GoAccess), with wall time, CPU time and peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES="${1:-5000000}"
WORK="${RAMPART_BENCH_DIR:-${TMPDIR:-/tmp}/rampart-bench-logs}"
mkdir -p "$WORK"
LOG="$WORK/combined-$LINES.log"

BASE="${BENCH_BASE:-}"
# Two builds: with `--example`, cargo builds only the example, not the `rampart` binary.
[ -n "$BASE" ] || cargo build --release -q -p rampart-cli
cargo build --release -q -p rampart-logs --example gen_combined_log --example logs_analyze
RAMPART=target/release/rampart
[ -n "$BASE" ] || [ -x "$RAMPART" ] || { echo "no $RAMPART" >&2; exit 1; }
[ -f "$LOG" ] || target/release/examples/gen_combined_log "$LOG" "$LINES"
BYTES=$(stat -c %s "$LOG")
cat "$LOG" > /dev/null # page cache warm for every tool alike

measure() { # name, command...; prints "seconds maxrss_kb user_s sys_s"
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/$name.time" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || {
    echo "$name failed:"; tail -5 "$WORK/$name.err"; exit 1; }
  cat "$WORK/$name.time" | tail -1
}

# The fast tools run ROUNDS times, alternating, and their medians count: a 1-2 s run on a shared
# machine measures its neighbours too. GoAccess (about a minute) runs once.
ROUNDS="${BENCH_ROUNDS:-5}"
if [ -n "$BASE" ]; then
  : > "$WORK/wc.all"; : > "$WORK/base.all"; : > "$WORK/this.all"
  for i in $(seq "$ROUNDS"); do
    measure wc wc -l "$LOG" >> "$WORK/wc.all"
    measure base "$BASE" --format json "$LOG" >> "$WORK/base.all"
    measure this target/release/examples/logs_analyze --format json "$LOG" >> "$WORK/this.all"
  done
  python3 - "$WORK" "$BYTES" "$BASE" <<'PY'
import json, statistics, sys
work, b, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
print(f"file: {b / 1e6:.0f} MB; base: {base}; this: target/release/examples/logs_analyze")
for n in ["wc", "base", "this"]:
    rows = [list(map(float, l.split())) for l in open(f"{work}/{n}.all") if l.strip()]
    wall = statistics.median(r[0] for r in rows)
    cpu = statistics.median(r[2] + r[3] for r in rows)
    usr = statistics.median(r[2] for r in rows)
    sys_ = statistics.median(r[3] for r in rows)
    peak = [int(r[1] / 1024) for r in rows]
    print(f"{n:<5} wall median {wall:.2f} s (runs {', '.join(f'{r[0]:.2f}' for r in rows)}); "
          f"CPU median {cpu:.2f} s (user {usr:.2f} + sys {sys_:.2f}); peak {min(peak)}-{max(peak)} MB")
for n in ["base", "this"]:
    try:
        print(f"{n} incidents: {len(json.load(open(f'{work}/{n}.out'))['incidents'])}")
    except Exception as e:
        print(f"{n} incidents: ? ({e})")
PY
  exit 0
fi
: > "$WORK/wc.all"; : > "$WORK/rampart.all"
for i in $(seq "$ROUNDS"); do
  measure wc wc -l "$LOG" >> "$WORK/wc.all"
  measure rampart "$RAMPART" -p /nonexistent.toml logs analyze --format json "$LOG" >> "$WORK/rampart.all"
done
median() { sort -g "$1" | awk '{s[NR]=$1; if ($2>m) m=$2} END{print s[int((NR+1)/2)], m}'; }
read -r WC_S WC_KB <<<"$(median "$WORK/wc.all")"
read -r RA_S RA_KB <<<"$(median "$WORK/rampart.all")"
echo "rampart runs (s, KB): $(tr '\n' ';' < "$WORK/rampart.all")"
echo "wc -l runs (s, KB):   $(tr '\n' ';' < "$WORK/wc.all")"
if command -v goaccess > /dev/null; then
  read -r GA_S GA_KB <<<"$(measure goaccess goaccess "$LOG" --log-format=COMBINED --no-progress -o "$WORK/goaccess.json")"
else
  echo "SKIP: goaccess not installed"; GA_S=0; GA_KB=0
fi
INCIDENTS=$(python3 -c "import json,sys; print(len(json.load(open('$WORK/rampart.out'))['incidents']))" 2>/dev/null || echo "?")

python3 - "$BYTES" "$LINES" "$WC_S" "$WC_KB" "$RA_S" "$RA_KB" "$GA_S" "$GA_KB" "$INCIDENTS" <<'PY'
import sys
b, lines, wc, wckb, ra, rakb, ga, gakb, inc = sys.argv[1:]
b = int(b); mb = b / 1e6
row = lambda n, s, kb: print(f"{n:<10} {float(s):8.2f} s {mb/max(float(s),1e-9):9.1f} MB/s {int(kb)/1024:8.1f} MB peak")
print(f"file: {mb:.0f} MB, {lines} lines; rampart incidents: {inc}")
row("wc -l", wc, wckb)
row("rampart", ra, rakb)
if float(ga) > 0:
    row("goaccess", ga, gakb)
    print(f"rampart vs goaccess throughput: {float(ga)/float(ra):.1f}x (goal >= 50x)")
print(f"rampart time / wc -l time: {float(ra)/float(wc):.1f}x (goal <= 10x)")
print(f"rampart peak memory: {int(rakb)/1024:.0f} MB (goal < 200 MB)")
PY
