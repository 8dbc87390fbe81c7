#!/usr/bin/env bash
# `sigverify pylock` against PEP 751 locks written by a real lock tool: installs the newest uv
# from PyPI into tests/.venv-locktools (git-ignored; its install failing fails this script), then
# runs tests/pylock.py with the sigverify binary (default target/release/sigverify).
#
#   bash tests/pylock.sh [BINARY]
#
# Needs python3 with venv and the shared ecosystem samples (../shared/vectors/ecosystems, or
# SIGVERIFY_ECOSYSTEMS_DIR): without them the suite FAILS, it never skips.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
bin="${1:-$repo/target/release/sigverify}"
venv="$here/.venv-locktools"
[ -x "$bin" ] || { echo "no sigverify binary at $bin (run: cargo build --release)" >&2; exit 1; }
if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "uv>=0.8"
echo "lock tool: $("$venv/bin/uv" --version)"
exec "$venv/bin/python" "$here/pylock.py" "$bin" "$venv/bin/uv"
