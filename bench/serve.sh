#!/usr/bin/env bash
# bench/serve.sh — `rampart serve`'s status page, JSON and a badge with 1,000 monitors and 30 days
# of one-minute history (about 43 million observations) on SQLite and PostgreSQL side by side, and
# serve's memory. Builds the release binary, starts a throwaway PostgreSQL (scripts/pg-test-server;
# or uses RAMPART_BENCH_PG when set) and runs bench/serve_bench.py, which keeps the histories in
# target/bench-data/serve (several GB each; pass --drop to delete them after measuring).
# Usage: bench/serve.sh [--monitors N] [--days D] [--requests R] [--backends sqlite,postgres] [--drop]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p rampart-cli
if [ -z "${RAMPART_BENCH_PG:-}" ]; then
  RAMPART_BENCH_PG=$(scripts/pg-test-server start)
  trap 'scripts/pg-test-server stop >/dev/null 2>&1 || true' EXIT
fi
RAMPART_BENCH_PG="$RAMPART_BENCH_PG" python3 bench/serve_bench.py --rampart target/release/rampart "$@"
