# Pass/fail tallies of the shell test scripts (tests/dist.sh, ffi/test.sh), sourced after
# setting TALLY to the script's name: its last line is "TALLY: N passed, M failed".
# shellcheck shell=bash
passed=0
failed=0
step() { printf '\n==> %s\n' "$*"; }
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAILED: $*" >&2; }
fatal() {
  echo "FATAL: $*" >&2
  echo "$TALLY: $passed passed, $((failed + 1)) failed"
  exit 1
}
