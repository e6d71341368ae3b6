#!/usr/bin/env bash
# Fetches third-party labelled logs the log tests read, without installing anything:
#  - fail2ban's Debian package, unpacked (not installed: no service starts) into
#    target/third-party/fail2ban. Its tests/files/logs/* are real log lines labelled by
#    fail2ban's maintainers (failure or not, from which host). GPL-2+: read in place, never
#    copied into this repository. Pinned to the version whose labels the tests were checked
#    against (Debian bookworm's 1.0.2-2): another version's labels may differ, so it is not
#    fetched (the tests then print SKIP) rather than judged by labels nobody has read.
# Idempotent; prints a warning and exits 0 when apt cannot download (the test then prints SKIP).
set -euo pipefail
cd "$(dirname "$0")/.."
dest="$(pwd)/target/third-party/fail2ban"
version="1.0.2-2"
[ "$(cat "$dest/.unpacked" 2>/dev/null)" = "$version" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "warning: no apt-get: fail2ban's labelled test logs are not fetched (their test will SKIP)" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download writes into the current directory; as root it warns that _apt cannot
# write there, which is harmless.
if ! (cd "$work" && apt-get download -qq "fail2ban=$version" >/dev/null 2>&1); then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || true
  fi
  if ! (cd "$work" && apt-get download -qq "fail2ban=$version" >/dev/null 2>&1); then
    echo "warning: cannot download fail2ban $version's Debian package: its labelled test logs are absent (their tests will SKIP)" >&2
    exit 0
  fi
fi
rm -rf "$dest"
mkdir -p "$dest"
dpkg-deb -x "$work"/fail2ban_*.deb "$dest"
echo "$version" > "$dest/.unpacked"
echo "fail2ban's labelled test logs: $dest/usr/lib/python3/dist-packages/fail2ban/tests/files/logs"
