#!/usr/bin/env bash
# The Node package's tests, from a clean clone:
#   1. npm ci: installs the devDependencies pinned in package-lock.json and runs the package's
#      install script, which builds the addon from source (napi build --release);
#   2. the committed index.d.ts and binding.js must be what the build generated;
#   3. npm test: node:test over the shared conformance vectors, the ecosystem samples (as
#      bundles and through pypi/npm/github), TUF updates, malformed input and the API, plus the
#      TypeScript check of test/usage.ts;
#   4. the TypeScript check on its own (npm run typecheck), so that its output is in the log.
# Needs Node 20+, npm, a Rust toolchain (1.88+) and a C compiler; the vectors from
# ../shared/vectors beside the project (or $SIGVERIFY_CONFORMANCE_DIR,
# $SIGVERIFY_ECOSYSTEMS_DIR and $SIGVERIFY_TUF_DIR): without them the suite fails loudly.
#
#   bash bindings-node/test.sh
set -euo pipefail
cd "$(dirname "$0")"
step() { printf '\n==> %s\n' "$*"; }

step "npm ci (builds the addon in release mode through the install script)"
if [ -f package-lock.json ]; then
  npm ci --foreground-scripts --no-audit --no-fund
else
  npm install --foreground-scripts --no-audit --no-fund
fi

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  step "the committed index.d.ts and binding.js are up to date"
  if ! git diff --exit-code -- index.d.ts binding.js; then
    echo "index.d.ts or binding.js differs from what napi build generated: commit the regenerated files" >&2
    exit 1
  fi
fi

step "npm test"
npm test

step "tsc --noEmit (test/usage.ts against index.d.ts)"
npm run --silent typecheck
echo "typecheck: ok"
