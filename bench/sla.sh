#!/usr/bin/env bash
# SLA pillar benchmark: rampart monitor vs prometheus-blackbox-exporter (Debian) probing the same
# local nginx at the same rate with fresh connections, in one run. Prints both and the ratio.
#   bench/sla.sh                    # 1,000 probes/s, 40 s per tool
#   BENCH_RATE=200 BENCH_SECONDS=30 bench/sla.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p rampart-cli >/dev/null
exec python3 bench/sla_bench.py "$(pwd)/target/release/rampart"
