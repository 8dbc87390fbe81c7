#!/usr/bin/env bash
# Refuses to release unless the tag and the repository match what the packages say:
#
#   bash scripts/release-check.sh TAG OWNER/REPO       (the release workflow: github.ref_name,
#                                                      github.repository)
#
# - TAG is vVERSION, VERSION the workspace's (Cargo.toml), bindings-node/package.json's and every
#   bindings-node/npm/*/package.json's;
# - the repository in Cargo.toml, bindings-node/package.json and bindings-python/pyproject.toml is
#   https://github.com/OWNER/REPO: npm's provenance refuses a package whose repository is not the
#   one that built it, and scripts/dogfood.sh pins the identity of that repository's workflow.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bash scripts/release-check.sh TAG OWNER/REPO" >&2; exit 2; }
cd "$(dirname "$0")/.."
tag=$1
url=https://github.com/$2
fail=0
bad() { echo "release-check: $*" >&2; fail=1; }
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ "$tag" = "v$version" ] || bad "the tag $tag is not v$version (the version in Cargo.toml)"
for f in bindings-node/package.json bindings-node/npm/*/package.json; do
  v=$(node -p "require('./$f').version")
  [ "$v" = "$version" ] || bad "$f has version $v, not $version"
done
grep -qx "repository = \"$url\"" Cargo.toml || bad "Cargo.toml: repository is not \"$url\""
r=$(node -p "require('./bindings-node/package.json').repository.url")
[ "$r" = "git+$url.git" ] || bad "bindings-node/package.json: repository.url is $r, not git+$url.git"
grep -q "^Source = \"$url\"$" bindings-python/pyproject.toml || bad "bindings-python/pyproject.toml: Source is not \"$url\""
[ $fail = 0 ] && echo "release-check: $tag of $url"
exit $fail
