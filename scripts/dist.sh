#!/usr/bin/env bash
# Builds every distributable of sigverify for the machine it runs on, into dist/ (emptied first):
#
#   dist/sigverify-VERSION.tar.gz                         Python sdist (maturin sdist)
#   dist/sigverify-VERSION-cp39-abi3-PLATFORM.whl         Python abi3 wheel, built FROM that sdist
#   dist/sigverify-VERSION.tgz                            npm: the main package (npm pack), with the
#                                                         per-platform packages as optionalDependencies
#   dist/sigverify-PLATFORM-VERSION.tgz                   npm: this machine's prebuilt addon
#                                                         (e.g. sigverify-linux-x64-gnu-0.1.0.tgz)
#   dist/sigverify-VERSION-ARCH-linux-gnu.tar.gz          C: header, libsigverify.so (+ SONAME links),
#                                                         .a, pkg-config file, LICENSE, README (Linux)
#   dist/sigverify-VERSION.crate                          Rust: the core crate (cargo package)
#   dist/SHA256SUMS
#
#   bash scripts/dist.sh
#
# The release workflow (.github/workflows/release.yml) runs this same script on each platform;
# scripts/test dist runs it and then installs each output the way a user would.
# Needs: cargo (1.88+), a C compiler, python3 (>= 3.9, with venv), node (20+) and npm. maturin is
# installed, pinned, into .tools/dist-venv (git-ignored); @napi-rs/cli from bindings-node's lock.
# Environment: SIGVERIFY_MATURIN_ARGS, extra arguments for `maturin build` (the release workflow
# uses it for the manylinux compatibility level); PYTHON (default python3).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
step() { printf '\n==> dist: %s\n' "$*"; }
die() { echo "dist.sh: $*" >&2; exit 1; }

MATURIN_VERSION=1.16.0
tools=(cargo node npm "${PYTHON:-python3}" tar)
[ "$(uname -s)" = Linux ] && tools+=(cc)   # the C archive; elsewhere the toolchain's own compiler
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || die "$tool is not installed (needed to build the distributables)"
done
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ -n "$version" ] || die "no version in Cargo.toml"
for f in bindings-node/package.json bindings-node/npm/*/package.json; do
  v=$(node -p "require('./$f').version")
  [ "$v" = "$version" ] || die "$f has version $v, the workspace $version (run \`napi version\` in bindings-node)"
done
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
dist=$repo/dist
rm -rf "$dist"
mkdir -p "$dist"
work=$(mktemp -d "${TMPDIR:-/tmp}/sigverify-dist.XXXXXX")
trap 'rm -rf "$work"' EXIT

step "build tools: maturin $MATURIN_VERSION in .tools/dist-venv"
venv=$repo/.tools/dist-venv
[ -d "$venv" ] || "${PYTHON:-python3}" -m venv "$venv"
vbin=$venv/bin
[ -d "$venv/Scripts" ] && vbin=$venv/Scripts   # Windows
maturin=$vbin/maturin
if [ "$("$maturin" --version 2>/dev/null)" != "maturin $MATURIN_VERSION" ]; then
  "$vbin/python" -m pip install --quiet --disable-pip-version-check "maturin==$MATURIN_VERSION"
fi
"$maturin" --version

# ---- Python ---------------------------------------------------------------------------------
step "Python sdist (maturin sdist)"
"$maturin" sdist --manifest-path bindings-python/Cargo.toml --out "$dist"
sdist=$dist/sigverify-$version.tar.gz
[ -f "$sdist" ] || die "maturin sdist wrote no $sdist"

step "Python abi3 wheel, built from the unpacked sdist (proves that the sdist builds)"
tar -xzf "$sdist" -C "$work"
# shellcheck disable=SC2086 # SIGVERIFY_MATURIN_ARGS is a list of words
(cd "$work/sigverify-$version" && "$maturin" build --release --out "$dist" ${SIGVERIFY_MATURIN_ARGS:-})
ls "$dist"/sigverify-"$version"-cp39-abi3-*.whl >/dev/null 2>&1 || die "no abi3 wheel in $dist"

# ---- Node -----------------------------------------------------------------------------------
step "Node addon (napi build --platform --release, through bindings-node/install.js)"
if ! [ -f bindings-node/node_modules/@napi-rs/cli/package.json ]; then
  (cd bindings-node && npm ci --ignore-scripts --no-audit --no-fund)
fi
node bindings-node/install.js
# The napi-rs platform name of this machine, as binding.js looks it up.
platform=$(node -p "const p = process.platform; p + '-' + process.arch + (p === 'linux' ? '-gnu' : p === 'win32' ? '-msvc' : '')")
addon=bindings-node/sigverify.$platform.node
pkgdir=bindings-node/npm/$platform
[ -f "$addon" ] || die "napi build wrote no $addon"
[ -f "$pkgdir/package.json" ] || die "no platform package for $platform in bindings-node/npm/ (add its target to napi.targets in package.json, then \`napi create-npm-dirs\`)"

step "npm pack: the platform package $(node -p "require('./$pkgdir/package.json').name")"
mkdir -p "$work/npm-platform"
cp "$pkgdir/package.json" "$pkgdir/README.md" "$work/npm-platform/"
cp -L LICENSE "$work/npm-platform/LICENSE"
cp "$addon" "$work/npm-platform/"
(cd "$work/npm-platform" && npm pack --silent --pack-destination "$dist" >/dev/null)

step "npm pack: the main package sigverify (optionalDependencies: every platform package)"
mkdir -p "$work/npm-main"
(cd bindings-node && cp package.json README.md $(node -p "require('./package.json').files.join(' ')") "$work/npm-main/")
cp -L LICENSE "$work/npm-main/LICENSE"
# What `napi pre-publish` adds at publish time, done here so that the tarball is the one published:
# one optional dependency per platform package, at exactly this version.
node -e '
  const fs = require("node:fs"), path = require("node:path")
  const [stage, npmDir] = process.argv.slice(1)
  const pkg = JSON.parse(fs.readFileSync(path.join(stage, "package.json"), "utf8"))
  pkg.optionalDependencies = {}
  for (const d of fs.readdirSync(npmDir).sort()) {
    const p = JSON.parse(fs.readFileSync(path.join(npmDir, d, "package.json"), "utf8"))
    pkg.optionalDependencies[p.name] = p.version
  }
  // No install script (the addon is prebuilt) and none of the checkout-only scripts.
  delete pkg.devDependencies
  delete pkg.scripts
  fs.writeFileSync(path.join(stage, "package.json"), JSON.stringify(pkg, null, 2) + "\n")
' "$work/npm-main" bindings-node/npm
(cd "$work/npm-main" && npm pack --silent --pack-destination "$dist" >/dev/null)
[ -f "$dist/sigverify-$version.tgz" ] || die "npm pack wrote no sigverify-$version.tgz"

# ---- C --------------------------------------------------------------------------------------
if [ "$(uname -s)" = Linux ]; then
  step "C release archive (ffi/archive.sh)"
  bash ffi/archive.sh "$dist"
else
  echo "dist.sh: the C archive is made on Linux only (ffi/install.sh installs an ELF .so); none for $(uname -s)"
fi

# ---- Rust -----------------------------------------------------------------------------------
step "Rust: cargo package -p sigverify (the core crate; verified by building it unpacked)"
cargo package -p sigverify --locked
cp "$CARGO_TARGET_DIR/package/sigverify-$version.crate" "$dist/"

step "dist/"
(cd "$dist" && sha256sum -- * > SHA256SUMS 2>/dev/null || shasum -a 256 -- * > SHA256SUMS)
ls -l "$dist"
