#!/usr/bin/env bash
# Makes the C release archive of libsigverify for this machine (Linux):
#
#   bash ffi/archive.sh OUTDIR      -> OUTDIR/sigverify-VERSION-ARCH-linux-gnu.tar.gz
#
# One top-level folder, sigverify-VERSION-ARCH-linux-gnu/, laid out as ffi/install.sh installs
# (it is made by ffi/install.sh, from the existing or a fresh `cargo build -p sigverify-ffi
# --release`):
#   include/sigverify.h
#   lib/libsigverify.so.VERSION, lib/libsigverify.so.0.MINOR (the SONAME), lib/libsigverify.so
#   lib/libsigverify.a
#   lib/pkgconfig/sigverify.pc     relocatable: prefix=${pcfiledir}/../..
#   LICENSE, README.md (ffi/README.md: the API, an example, the result codes)
# so that, wherever it is unpacked,
#   PKG_CONFIG_PATH=DIR/lib/pkgconfig cc app.c $(pkg-config --cflags --libs sigverify)
# builds a program (run it with DIR/lib on the run-time search path: LD_LIBRARY_PATH, -Wl,-rpath
# or ldconfig; or link statically with `pkg-config --static --libs` and lib/libsigverify.a).
set -euo pipefail
[ $# -eq 1 ] && [ -n "$1" ] || { echo "usage: bash ffi/archive.sh OUTDIR" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
[ "$(uname -s)" = Linux ] || { echo "archive.sh: the C archive is made on Linux only" >&2; exit 1; }
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
name=sigverify-$version-$(uname -m)-linux-gnu
work=$(mktemp -d "${TMPDIR:-/tmp}/sigverify-archive.XXXXXX")
trap 'rm -rf "$work"' EXIT

bash "$repo/ffi/install.sh" "$work/$name"
pc=$work/$name/lib/pkgconfig/sigverify.pc
# Relocatable: pkg-config sets ${pcfiledir} to the folder the .pc file is found in.
sed -i -e 's|^prefix=.*|prefix=${pcfiledir}/../..|' -e 's|^libdir=.*|libdir=${prefix}/lib|' "$pc"
grep -q '^prefix=${pcfiledir}/../..$' "$pc" || { echo "archive.sh: could not make $pc relocatable" >&2; exit 1; }
cp -L "$repo/LICENSE" "$work/$name/LICENSE"
cp "$repo/ffi/README.md" "$work/$name/README.md"
# Reproducible: sorted names, fixed owner and the last commit's time.
mtime=$(git -C "$repo" log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" -C "$work" -czf "$out/$name.tar.gz" "$name"
echo "archive.sh: $out/$name.tar.gz"
tar -tzvf "$out/$name.tar.gz"
