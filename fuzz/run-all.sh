#!/bin/sh
# Runs every fuzz target for a bounded time, one after the other (the machine is shared), and
# prints one line per target: executions, coverage (edges), features, crashes.
#   fuzz/run-all.sh [SECONDS_PER_TARGET]      (default 120)
# New corpus entries go to target/fuzz-work/<target>, not into the seed corpus in the repo;
# a crash leaves its input in fuzz/artifacts/<target>/.
set -u
secs=${1:-120}
here=$(cd "$(dirname "$0")" && pwd)
work="$here/../target/fuzz-work"
cd "$here" || exit 2
printf '%-18s %12s %8s %8s %s\n' target executions cov ft result
for t in $(ls fuzz_targets | sed 's/\.rs$//'); do
    mkdir -p "$work/$t"
    log="$work/$t.log"
    cargo +nightly fuzz run -O "$t" "$work/$t" "corpus/$t" -- \
        -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
        >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    if [ $rc -eq 0 ]; then result=ok; else result="CRASH (exit $rc, see $log)"; fi
    printf '%-18s %12s %8s %8s %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
