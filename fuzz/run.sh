#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time; fails on any crash, panic, timeout or
# out-of-memory (libFuzzer's exit code), leaving the input in fuzz/artifacts/<target>/.
#
#   bash fuzz/run.sh [SECONDS] [TARGET...]     (default: 30 seconds each, every target)
#
# Installs a pinned cargo-fuzz into .tools/ (git-ignored) when it is missing, builds the seed
# corpora with seed.sh when fuzz/corpus/ is missing, and builds all targets once. cargo-fuzz
# needs nightly features (-Zsanitizer=address): the nightly toolchain when rustup has one, else
# the stable compiler with RUSTC_BOOTSTRAP=1 (its AddressSanitizer runtime ships with rust-std);
# SIGVERIFY_FUZZ_TOOLCHAIN=nightly|stable chooses explicitly.
set -euo pipefail
cd "$(dirname "$0")"
SECS="${1:-30}"
shift || true
ROOT="$(cd .. && pwd)"
VERSION=0.13.2
export PATH="$ROOT/.tools/bin:$PATH"

if ! cargo-fuzz --version 2>/dev/null | grep -q " $VERSION\$"; then
  echo "==> installing cargo-fuzz $VERSION into $ROOT/.tools"
  cargo install cargo-fuzz --version "$VERSION" --locked --root "$ROOT/.tools"
fi

if [ -n "${SIGVERIFY_FUZZ_TOOLCHAIN:-}" ]; then
  TOOLCHAIN="$SIGVERIFY_FUZZ_TOOLCHAIN"
elif rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  TOOLCHAIN=nightly
else
  TOOLCHAIN=stable
  echo "NOTE: no nightly toolchain; building with stable and RUSTC_BOOTSTRAP=1" >&2
fi
if [ "$TOOLCHAIN" != nightly ]; then
  export RUSTC_BOOTSTRAP=1
fi
fuzz() { cargo "+$TOOLCHAIN" fuzz "$@"; }

[ -d corpus ] || bash seed.sh

echo "==> building the fuzz targets ($TOOLCHAIN)"
fuzz build

if [ "$#" -gt 0 ]; then
  TARGETS=("$@")
else
  mapfile -t TARGETS < <(fuzz list)
fi
mkdir -p logs
failed=()
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  printf '==> %-22s %ss ... ' "$t" "$SECS"
  # -rss_limit_mb: every limit in core/src/limits.rs keeps real work far below it.
  if fuzz run "$t" "corpus/$t" -- -max_total_time="$SECS" -timeout=20 -rss_limit_mb=2048 \
       -print_final_stats=1 >"logs/$t.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "logs/$t.log" | tail -n 1 | grep -o '[0-9]*' || echo '?')
    echo "ok ($runs runs, coverage $cov)"
  else
    echo "FAILED (see fuzz/logs/$t.log and fuzz/artifacts/$t/)"
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY|assert' "logs/$t.log" | head -n 5 || true
    failed+=("$t")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz/run.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz/run.sh: ${#TARGETS[@]} targets, ${SECS}s each, no crash"
