#!/usr/bin/env bash
# Every C-side check of libsigverify, from a clean checkout:
#
#   bash ffi/test.sh            (bash ffi/test.sh --bless rewrites a stale include/sigverify.h)
#
#  1. cbindgen, pinned, installed into .tools/ of this repository if it is not there yet
#  2. the release build of the C library (cargo build -p sigverify-ffi --release)
#  3. include/sigverify.h regenerated and compared with the committed one: stale fails
#  4. the header alone compiles as C99, C11 and C++11 with -Wall -Wextra -Werror -Wpedantic
#  5. ffi/install.sh into a temporary prefix; everything below links through its sigverify.pc
#  6. tests/c/*.c compiled with -Wall -Wextra -Werror -Wpedantic, and run: the ABI contract
#     (test_api), every conformance vector (test_conformance), the ecosystem samples
#     (test_ecosystems), TUF updates (test_tuf), 8 threads sharing one verifier (test_threads),
#     the table of argument cases shared with Python and Node (test_argument_cases, over
#     argument_cases.h, which tests/c/argument_cases.py generates from tests/argument-cases.json);
#     test_api once more linked statically against libsigverify.a
#  7. each again under valgrind: no error, no leak (definite, indirect or possible)
#  8. the C example of ffi/README.md, compiled with `cc app.c $(pkg-config --cflags --libs
#     sigverify)` exactly as documented, run on a good and a bad conformance vector
# The last line is "ffi: N passed, N failed"; the exit status is non-zero on any failure.
#
# Needs a C compiler (cc), pkg-config, valgrind and python3, and the conformance vectors in
# ../shared/vectors/conformance beside the repository (or $SIGVERIFY_CONFORMANCE_DIR): without
# them the suite fails loudly, it never passes by not running.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

CBINDGEN_VERSION=0.29.4
bless=0
[ "${1:-}" = --bless ] && bless=1

TALLY=ffi
. "$repo/scripts/tally.sh"
# Adds a test program's own "name: N passed, M failed" line to the totals.
count() {
  local line p f
  line=$(grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1)
  if [ -z "$line" ]; then
    bad "$2 printed no result line"
    return
  fi
  p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
  f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
  passed=$((passed + p))
  failed=$((failed + f))
}

for tool in cc pkg-config valgrind python3; do
  command -v "$tool" >/dev/null || fatal "$tool is not installed (Debian: apt-get install gcc pkg-config valgrind python3)"
done
vectors=${SIGVERIFY_CONFORMANCE_DIR:-$repo/../shared/vectors/conformance}
[ -f "$vectors/happy-path-v0.3/bundle.sigstore.json" ] \
  || fatal "CONFORMANCE VECTORS MISSING: $vectors (set SIGVERIFY_CONFORMANCE_DIR)"
export SIGVERIFY_CONFORMANCE_DIR=$(cd "$vectors" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/sigverify-ffi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

step "cbindgen $CBINDGEN_VERSION (pinned, in .tools/)"
cbindgen=$repo/.tools/bin/cbindgen
if ! [ -x "$cbindgen" ] || [ "$("$cbindgen" --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]; then
  cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --root "$repo/.tools" \
    || fatal "cannot install cbindgen $CBINDGEN_VERSION"
fi
"$cbindgen" --version

step "release build: cargo build -p sigverify-ffi --release"
cargo build -p sigverify-ffi --release || fatal "the release build failed"

step "include/sigverify.h is what cbindgen generates"
"$cbindgen" --quiet --config ffi/cbindgen.toml --crate sigverify-ffi --output "$work/sigverify.h" \
  || fatal "cbindgen failed"
if cmp -s "$work/sigverify.h" include/sigverify.h; then
  ok "include/sigverify.h is up to date"
elif [ $bless = 1 ]; then
  mkdir -p include && cp "$work/sigverify.h" include/sigverify.h
  ok "include/sigverify.h rewritten (--bless)"
else
  diff -u include/sigverify.h "$work/sigverify.h" | head -n 60 >&2
  bad "include/sigverify.h is stale: run 'bash ffi/test.sh --bless' and commit it"
fi

step "the header alone, as C99, C11 and C++11"
printf '#include "sigverify.h"\nint main(void) { return sigverify_version() == 0; }\n' > "$work/h.c"
for std in c99 c11; do
  if cc -std=$std -Wall -Wextra -Werror -Wpedantic -Iinclude -fsyntax-only "$work/h.c"; then
    ok "header compiles as $std"
  else
    bad "header does not compile as $std"
  fi
done
if command -v c++ >/dev/null; then
  if c++ -std=c++11 -Wall -Wextra -Werror -Wpedantic -Iinclude -fsyntax-only -x c++ "$work/h.c"; then
    ok "header compiles as C++11"
  else
    bad "header does not compile as C++11"
  fi
fi

step "install into a temporary prefix (bash ffi/install.sh PREFIX)"
prefix=$work/prefix
SIGVERIFY_NO_BUILD=1 bash ffi/install.sh "$prefix" || fatal "ffi/install.sh failed"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
pc_cflags=$(pkg-config --cflags sigverify) || fatal "pkg-config does not find sigverify"
pc_libs=$(pkg-config --libs sigverify)
echo "pkg-config: $pc_cflags $pc_libs ($(pkg-config --modversion sigverify))"
[ "$(pkg-config --modversion sigverify)" = "$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)" ] \
  && ok "sigverify.pc has the crate's version" || bad "sigverify.pc version"
if readelf -d "$prefix/lib/libsigverify.so" 2>/dev/null | grep -q 'SONAME.*libsigverify\.so\.'; then
  ok "libsigverify.so has a versioned SONAME"
else
  bad "libsigverify.so has no versioned SONAME"
fi
exported=$(nm -D --defined-only "$prefix/lib/libsigverify.so" | awk '$2 == "T" {print $3}')
if [ -n "$exported" ] && ! echo "$exported" | grep -qv '^sigverify_'; then
  ok "the library exports only sigverify_* functions ($(echo "$exported" | wc -l))"
else
  bad "the library exports symbols other than sigverify_*: $(echo "$exported" | grep -v '^sigverify_' | head -5 | tr '\n' ' ')"
fi
# Declarations start in column 0 with a lower-case letter; comments and typedefs do not match.
declared=$(grep -E '^[a-z].*\bsigverify_[a-z_0-9]+\(' include/sigverify.h | grep -oE 'sigverify_[a-z_0-9]+\(' | tr -d '(')
[ -n "$declared" ] || bad "no functions found in include/sigverify.h"
for f in $declared; do
  echo "$exported" | grep -qx "$f" || bad "$f is declared in the header but not exported"
done

step "the argument cases as C: tests/c/argument_cases.py tests/argument-cases.json"
python3 tests/c/argument_cases.py tests/argument-cases.json "$work/argument-cases" \
  || fatal "tests/c/argument_cases.py could not turn tests/argument-cases.json into C"

step "compile tests/c/*.c (-Wall -Wextra -Werror -Wpedantic)"
cflags=(-std=c11 -O1 -g -Wall -Wextra -Werror -Wpedantic -pthread -I"$work/argument-cases")
rpath=-Wl,-rpath,$prefix/lib
tests=()
for src in tests/c/*.c; do
  name=$(basename "$src" .c)
  # shellcheck disable=SC2086
  if cc "${cflags[@]}" $pc_cflags -o "$work/$name" "$src" $pc_libs "$rpath"; then
    ok "compiled $name"
    tests+=("$name")
  else
    bad "$name does not compile"
  fi
done
[ ${#tests[@]} -gt 0 ] || fatal "no C tests in tests/c"
static_libs=$(pkg-config --static --libs-only-l sigverify | sed 's/-lsigverify//')
# shellcheck disable=SC2086
if cc "${cflags[@]}" $pc_cflags -o "$work/test_api_static" tests/c/test_api.c \
  "$prefix/lib/libsigverify.a" $static_libs; then
  ok "compiled test_api against libsigverify.a"
  tests+=(test_api_static)
else
  bad "test_api does not link statically"
fi

step "run the C tests"
for t in "${tests[@]}"; do
  start=$(date +%s)
  "$work/$t" > "$work/$t.out" 2> "$work/$t.err"
  rc=$?
  grep -E 'passed, [0-9]+ failed|^conformance:' "$work/$t.out"
  cat "$work/$t.err" >&2
  count "$work/$t.out" "$t"
  if [ $rc -eq 0 ]; then ok "$t ($(($(date +%s) - start))s)"; else bad "$t exited with $rc"; fi
done

step "the C tests under valgrind (no error, no leak)"
vg=(valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible
  --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes
  --suppressions=tests/c/valgrind.supp)
for t in "${tests[@]}"; do
  [ "$t" = test_api_static ] && continue
  start=$(date +%s)
  "${vg[@]}" --log-file="$work/$t.vg" "$work/$t" > "$work/$t.vgout" 2>&1
  rc=$?
  if [ $rc -eq 0 ] && ! [ -s "$work/$t.vg" ]; then
    ok "$t under valgrind: clean ($(($(date +%s) - start))s)"
  else
    head -n 80 "$work/$t.vg" >&2
    grep -E 'FAIL|passed, [0-9]+ failed' "$work/$t.vgout" | head -n 20 >&2
    bad "$t under valgrind (exit $rc)"
  fi
done

step "the C example of ffi/README.md, built with pkg-config as documented"
awk '/^```c$/ {on = 1; next} /^```$/ {if (on) exit} on' ffi/README.md > "$work/app.c"
if ! [ -s "$work/app.c" ]; then
  bad "ffi/README.md has no \`\`\`c example"
else
  (cd "$work" && cc -Wall -Wextra -Werror app.c $(pkg-config --cflags --libs sigverify) -o app) \
    && ok "the README example compiles with \$(pkg-config --cflags --libs sigverify)" \
    || bad "the README example does not compile"
  identity=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
  issuer=https://token.actions.githubusercontent.com
  if [ -x "$work/app" ]; then
    run() { LD_LIBRARY_PATH=$prefix/lib "$@"; }
    out=$(run "$work/app" "$vectors/happy-path-v0.3/bundle.sigstore.json" "$vectors/a.txt" "$identity" "$issuer" 2>&1)
    rc=$?
    echo "$out"
    if [ $rc -eq 0 ] && echo "$out" | grep -qF "signed by $identity"; then
      ok "the README example verifies happy-path-v0.3"
    else
      bad "the README example on happy-path-v0.3 (exit $rc)"
    fi
    out=$(run "$work/app" "$vectors/signature-mismatch_fail/bundle.sigstore.json" "$vectors/a.txt" "$identity" "$issuer" 2>&1)
    rc=$?
    echo "$out"
    if [ $rc -eq 1 ] && echo "$out" | grep -q "signature-invalid"; then
      ok "the README example rejects signature-mismatch_fail with exit 1"
    else
      bad "the README example on signature-mismatch_fail (exit $rc, expected 1)"
    fi
    out=$(run "$work/app" "$vectors/happy-path-v0.3/bundle.sigstore.json" "$vectors/a.txt" https://example.com/other "$issuer" 2>&1)
    rc=$?
    echo "$out"
    if [ $rc -eq 1 ] && echo "$out" | grep -q 'expected "https://example.com/other"'; then
      ok "the README example names expected and found on a policy mismatch"
    else
      bad "the README example on a policy mismatch (exit $rc)"
    fi
    if LD_LIBRARY_PATH=$prefix/lib "${vg[@]}" --log-file="$work/app.vg" "$work/app" \
      "$vectors/happy-path-v0.3/bundle.sigstore.json" "$vectors/a.txt" "$identity" "$issuer" >/dev/null 2>&1 \
      && ! [ -s "$work/app.vg" ]; then
      ok "the README example under valgrind: clean"
    else
      head -n 40 "$work/app.vg" >&2
      bad "the README example under valgrind"
    fi
  fi
fi

echo
echo "ffi: $passed passed, $failed failed"
[ $failed -eq 0 ]
