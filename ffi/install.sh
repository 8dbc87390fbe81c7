#!/usr/bin/env bash
# Builds libsigverify (release) and installs it with its header and pkg-config file:
#
#   bash ffi/install.sh PREFIX            e.g. /usr/local, /opt/sigverify or "$HOME/.local"
#
# installs
#   PREFIX/include/sigverify.h
#   PREFIX/lib/libsigverify.so.VERSION    with the symlinks libsigverify.so.0.MINOR (its SONAME)
#                                         and libsigverify.so
#   PREFIX/lib/libsigverify.a
#   PREFIX/lib/pkgconfig/sigverify.pc
# after which `cc app.c $(pkg-config --cflags --libs sigverify)` works (add
# PREFIX/lib/pkgconfig to PKG_CONFIG_PATH when PREFIX is not one pkg-config searches, and
# PREFIX/lib to the run-time search path: ldconfig, LD_LIBRARY_PATH or -Wl,-rpath).
#
# Environment: LIBDIR (default PREFIX/lib), DESTDIR (staged install for packagers: files go
# under DESTDIR/PREFIX, the .pc file still says PREFIX), SIGVERIFY_NO_BUILD=1 to install the
# existing target/release build without running cargo, CARGO_TARGET_DIR as cargo reads it.
set -euo pipefail
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: bash ffi/install.sh PREFIX" >&2
  exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=$1
case "$prefix" in /*) ;; *) prefix=$(cd "$prefix" 2>/dev/null && pwd || echo "$PWD/$prefix") ;; esac
libdir=${LIBDIR:-$prefix/lib}
dest=${DESTDIR:-}
target=${CARGO_TARGET_DIR:-$repo/target}
case "$target" in /*) ;; *) target=$repo/$target ;; esac
release=$target/release

if [ "${SIGVERIFY_NO_BUILD:-0}" != 1 ]; then
  (cd "$repo" && cargo build -p sigverify-ffi --release)
fi
for f in libsigverify.so libsigverify.a; do
  [ -f "$release/$f" ] || { echo "install.sh: $release/$f is missing (build it first)" >&2; exit 1; }
done

# The version and the SONAME come from the crate (ffi/build.rs sets the SONAME).
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
[ -n "$version" ] || { echo "install.sh: no version in $repo/Cargo.toml" >&2; exit 1; }
major=${version%%.*}
rest=${version#*.}
minor=${rest%%.*}
if [ "$major" = 0 ]; then soname=libsigverify.so.0.$minor; else soname=libsigverify.so.$major; fi

install -d "$dest$prefix/include" "$dest$libdir/pkgconfig"
install -m 0644 "$repo/include/sigverify.h" "$dest$prefix/include/sigverify.h"
install -m 0755 "$release/libsigverify.so" "$dest$libdir/libsigverify.so.$version"
ln -sf "libsigverify.so.$version" "$dest$libdir/$soname"
ln -sf "$soname" "$dest$libdir/libsigverify.so"
install -m 0644 "$release/libsigverify.a" "$dest$libdir/libsigverify.a"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@LIBDIR@|$libdir|g" -e "s|@VERSION@|$version|g" \
  "$repo/ffi/sigverify.pc.in" > "$dest$libdir/pkgconfig/sigverify.pc"
chmod 0644 "$dest$libdir/pkgconfig/sigverify.pc"
echo "installed libsigverify $version into $dest$prefix (pkg-config: $libdir/pkgconfig/sigverify.pc)"
