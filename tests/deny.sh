#!/usr/bin/env bash
# cargo-deny over the workspace (deny.toml): licences, banned and duplicate crates, sources, and
# security advisories.
#
#   bash tests/deny.sh
#
# Installs a pinned cargo-deny into .tools/ (git-ignored) from crates.io when it is missing.
# The advisory check needs the RustSec database, a git repository on GitHub; where it cannot be
# fetched (this workplace reaches package registries only), the script says so loudly and runs
# `check licenses bans sources` alone, which needs nothing but the registry index.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=0.20.2
TOOLS="$PWD/.tools"
export PATH="$TOOLS/bin:$PATH"

if ! cargo-deny --version 2>/dev/null | grep -q " $VERSION\$"; then
  echo "==> installing cargo-deny $VERSION into $TOOLS"
  cargo install cargo-deny --version "$VERSION" --locked --root "$TOOLS"
fi

LOG="$(mktemp "${TMPDIR:-/tmp}/sigverify-deny-fetch.XXXXXX")"
trap 'rm -f "$LOG"' EXIT
if timeout 180 cargo deny fetch db >"$LOG" 2>&1; then
  cargo deny check
else
  reason=$(grep -m 1 -E 'fatal|ERROR|error' "$LOG" || tail -n 1 "$LOG")
  echo "NOTE: the RustSec advisory database could not be fetched ($reason);" \
       "security advisories were NOT checked. Checking licences, bans and sources only." >&2
  cargo deny check licenses bans sources
fi
