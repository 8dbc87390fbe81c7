#!/usr/bin/env bash
# Runs every sigstore-conformance verification case through a sigverify binary, exactly as the
# suite's CLI protocol does (see ../shared/vectors/conformance/SOURCE.md), in both forms:
# the artifact file and its `sha256:HEX` digest.
#
#   tests/conformance.sh [BINARY]    (default: target/release/sigverify)
#
# Vectors: $SIGVERIFY_CONFORMANCE_DIR, else ../shared/vectors/conformance beside the project.
# A missing folder is a failure, never a silent pass. Known exceptions (with reasons) are listed
# in tests/conformance-exceptions.json; a listed case that behaves as expected fails too.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/target/release/sigverify}
dir=${SIGVERIFY_CONFORMANCE_DIR:-$here/../shared/vectors/conformance}
exceptions=$here/tests/conformance-exceptions.json
if [ ! -d "$dir" ]; then
  echo "CONFORMANCE SUITE DID NOT RUN: $dir does not exist (set SIGVERIFY_CONFORMANCE_DIR)" >&2
  exit 1
fi
if [ ! -x "$bin" ]; then
  echo "no sigverify binary at $bin (run: cargo build --release)" >&2
  exit 1
fi
default_id=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
default_iss=https://token.actions.githubusercontent.com
pass=0; fail=0; cases=0
for d in "$dir"/*/; do
  n=$(basename "$d")
  [ -f "$d/bundle.sigstore.json" ] || continue
  cases=$((cases + 1))
  art=$d/artifact; [ -f "$art" ] || art=$dir/a.txt
  args=(verify-bundle --bundle "$d/bundle.sigstore.json")
  if [ -f "$d/key.pub" ]; then
    args+=(--key "$d/key.pub")
  else
    id=$default_id; [ -f "$d/identity" ] && id=$(cat "$d/identity")
    iss=$default_iss; [ -f "$d/issuer" ] && iss=$(cat "$d/issuer")
    args+=(--certificate-identity "$id" --certificate-oidc-issuer "$iss")
  fi
  [ -f "$d/trusted_root.json" ] && args+=(--trusted-root "$d/trusted_root.json")
  excepted=0; grep -q "\"$n\"" "$exceptions" && excepted=1
  for form in artifact digest; do
    if [ $form = artifact ]; then target=$art; else target=sha256:$(sha256sum "$art" | cut -d' ' -f1); fi
    out=$("$bin" "${args[@]}" "$target" 2>&1); rc=$?
    case "$n" in *_fail) ok=$([ $rc -ne 0 ] && echo 1 || echo 0) ;; *) ok=$([ $rc -eq 0 ] && echo 1 || echo 0) ;; esac
    if [ "$ok" != "$((1 - excepted))" ]; then
      fail=$((fail + 1))
      echo "FAIL $n [$form] exit $rc (excepted=$excepted): $out" | head -c 600; echo
    else
      pass=$((pass + 1))
    fi
  done
done
if [ $cases -eq 0 ]; then
  echo "CONFORMANCE SUITE DID NOT RUN: no cases in $dir" >&2
  exit 1
fi
echo "conformance: $cases cases through $bin"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
