#!/usr/bin/env bash
# Installs the web applications the scan tests attack, into target/test-venv (or $RAMPART_TEST_VENV):
#  - sqlmap's regression server vulnserver.py (PyPI sqlmap, pinned: the file changes between releases)
#  - MiniTwit, the original Flask example app, from the PyPI source package of Flask 0.12.5
# Idempotent: does nothing when both are already there. Needs python3 with venv and PyPI access.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${RAMPART_TEST_VENV:-$(pwd)/target/test-venv}"
cache="$(pwd)/target/web-targets"
mkdir -p "$cache"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
py="$venv/bin/python"

if ! "$py" -c 'import sqlmap' 2>/dev/null; then
  "$venv/bin/pip" install -q "sqlmap==1.10.10"
fi

# MiniTwit lives in its own venv: it needs old Flask/Werkzeug pins that must not leak into others.
mt_venv="$cache/minitwit-venv"
if [ ! -e "$cache/minitwit/.installed" ]; then
  rm -rf "$cache/minitwit" "$cache/flask-src" "$mt_venv"
  mkdir -p "$cache/flask-src"
  "$venv/bin/pip" download -q --no-deps --no-binary :all: "flask==0.12.5" -d "$cache/flask-src"
  tar -xzf "$cache"/flask-src/Flask-0.12.5.tar.gz -C "$cache/flask-src"
  cp -r "$cache/flask-src/Flask-0.12.5/examples/minitwit" "$cache/minitwit"
  python3 -m venv "$mt_venv"
  "$mt_venv/bin/pip" install -q "flask==0.12.5" "werkzeug==0.16.1" "jinja2==2.11.3" \
    "markupsafe==2.0.1" "itsdangerous==1.1.0" "click<8"
  "$mt_venv/bin/pip" install -q -e "$cache/minitwit"
  touch "$cache/minitwit/.installed"
fi
chmod -R a+rX "$cache" "$venv"
echo "web targets ready: sqlmap in $venv, MiniTwit in $mt_venv"
