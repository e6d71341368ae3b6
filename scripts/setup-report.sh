#!/usr/bin/env bash
# Fetches the SARIF 2.1.0 JSON schema (shipped in Microsoft's @microsoft/jest-sarif npm package,
# MIT) into target/test-data/ for the SARIF validation test. Nothing is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/test-data/sarif-schema-2.1.0.json
[ -s "$out" ] && exit 0
command -v npm >/dev/null || { echo "npm not found: the SARIF schema test will SKIP" >&2; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null 2>&1 && tar xzf ./*.tgz) \
  || { echo "could not fetch @microsoft/jest-sarif: the SARIF schema test will SKIP" >&2; exit 0; }
mkdir -p "$(dirname "$out")"
cp "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$out"
echo "SARIF schema: $out"
