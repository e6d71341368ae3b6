#!/usr/bin/env bash
# bench/serve.sh — `rampart serve`'s status page and JSON with 1,000 monitors and 30 days of
# one-minute history (about 43 million observations) on SQLite and PostgreSQL side by side, and
# serve's memory. Builds the release binary, starts a throwaway PostgreSQL (scripts/pg-test-server)
# and runs bench/serve_bench.py. Usage: bench/serve.sh [--monitors N] [--days D] [--requests R]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p rampart-cli
url=$(scripts/pg-test-server start)
trap 'scripts/pg-test-server stop >/dev/null 2>&1 || true' EXIT
RAMPART_BENCH_PG="$url" python3 bench/serve_bench.py --rampart target/release/rampart "$@"
