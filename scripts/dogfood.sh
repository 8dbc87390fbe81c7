#!/usr/bin/env bash
# Verifies sigverify's own released artifacts with sigverify: each must have been built and
# published by this repository's release workflow at the release's tag, and by nothing else.
#
#   bash scripts/dogfood.sh VERSION                 download release VERSION and verify it
#   bash scripts/dogfood.sh --from DIR VERSION      verify what DIR holds (no network)
#
# The pins (what a user of sigverify should pin too), for the repository R, e.g. OWNER/sigverify:
#   identity  https://github.com/R/.github/workflows/release.yml@refs/tags/vVERSION
#   issuer    https://token.actions.githubusercontent.com
# checked on
#   PyPI      every file of sigverify VERSION (sdist, wheels), with its PEP 740 provenance from the
#             Integrity API: `sigverify pypi verify FILE --provenance FILE.provenance --identity
#             ID --issuer URL` (the exact workflow identity, at the tag)
#   npm       sigverify@VERSION and each platform package: `sigverify npm verify TGZ --attestations
#             F --package NAME@VERSION --repository R` (npm's own policy: provenance and the
#             registry's publish attestation), then its SLSA provenance bundle against the exact
#             identity (`sigverify verify BUNDLE --digest sha512:HEX --identity ID --issuer URL`)
#   GitHub    each C archive of the release with its artifact attestation: `sigverify github verify
#             ARCHIVE --bundle ARCHIVE.jsonl --repo R --signer-workflow R/.github/workflows/
#             release.yml@refs/tags/vVERSION`
# Downloads (curl, python3) come from pypi.org, registry.npmjs.org and api.github.com: it runs
# against a published release only. DIR, for --from (or written with --keep DIR), holds
#   pypi/FILE + pypi/FILE.provenance
#   npm/NAME@VERSION.attestations.json + npm/NAME-VERSION.tgz (or NAME-VERSION.tgz.digest: sha512:HEX)
#   github/FILE + github/FILE.jsonl (or FILE.digest: sha256:HEX instead of FILE)
# Options: --repo OWNER/REPO (default: the GitHub repository in Cargo.toml), --workflow FILE
# (default release.yml), --ref REF (default refs/tags/vVERSION): the pins, changed only to check
# another project's artifacts of the same shape (tests/dist.sh does); --sigverify BIN (default
# sigverify on PATH, else target/release/sigverify). Exit 0 only when every artifact found
# verified and (without --from) all three registries had artifacts.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
usage() {
  echo "usage: bash scripts/dogfood.sh [--repo OWNER/REPO] [--workflow FILE] [--ref REF] [--from DIR | --keep DIR] [--sigverify BIN] VERSION" >&2
  exit 2
}
repo= workflow=release.yml ref= from= keep= bin= version=
while [ $# -gt 0 ]; do
  case "$1" in
    --repo) repo=${2:?}; shift 2 ;;
    --workflow) workflow=${2:?}; shift 2 ;;
    --ref) ref=${2:?}; shift 2 ;;
    --from) from=${2:?}; shift 2 ;;
    --keep) keep=${2:?}; shift 2 ;;
    --sigverify) bin=${2:?}; shift 2 ;;
    -*) usage ;;
    *) [ -z "$version" ] || usage; version=$1; shift ;;
  esac
done
[ -n "$version" ] || usage
if [ -z "$repo" ]; then
  url=$(sed -n 's/^repository = "\(.*\)"$/\1/p' "$repo_root/Cargo.toml" | head -n 1)
  case "$url" in
    https://github.com/*/*) repo=${url#https://github.com/} ;;
    *) echo "dogfood.sh: Cargo.toml's repository ($url) is not a GitHub repository: give --repo OWNER/REPO" >&2; exit 2 ;;
  esac
fi
ref=${ref:-refs/tags/v$version}
identity=https://github.com/$repo/.github/workflows/$workflow@$ref
issuer=https://token.actions.githubusercontent.com
if [ -z "$bin" ]; then
  bin=$(command -v sigverify || echo "$repo_root/target/release/sigverify")
fi
[ -x "$bin" ] || { echo "dogfood.sh: no sigverify binary ($bin): install it or give --sigverify BIN" >&2; exit 2; }
command -v python3 >/dev/null || { echo "dogfood.sh: python3 is needed (to read JSON)" >&2; exit 2; }
echo "dogfood: sigverify $version of github.com/$repo"
echo "  identity $identity"
echo "  issuer   $issuer"

work=$(mktemp -d "${TMPDIR:-/tmp}/sigverify-dogfood.XXXXXX")
trap 'rm -rf "$work"' EXIT
json() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); $2" "$1" "${@:3}"; }

if [ -z "$from" ]; then
  command -v curl >/dev/null || { echo "dogfood.sh: curl is needed to download the release" >&2; exit 2; }
  from=${keep:-$work/release}
  mkdir -p "$from/pypi" "$from/npm" "$from/github"
  get() { curl --proto '=https' -fsSL --retry 3 -o "$2" "$1"; }
  echo "downloading: PyPI sigverify $version"
  get "https://pypi.org/pypi/sigverify/$version/json" "$work/pypi.json"
  json "$work/pypi.json" 'print("\n".join(u["filename"] + " " + u["url"] for u in d["urls"]))' > "$work/pypi.list"
  while read -r file url; do
    get "$url" "$from/pypi/$file"
    get "https://pypi.org/integrity/sigverify/$version/$file/provenance" "$from/pypi/$file.provenance"
  done < "$work/pypi.list"
  echo "downloading: npm sigverify@$version and its platform packages"
  get "https://registry.npmjs.org/sigverify/$version" "$work/npm.json"
  json "$work/npm.json" 'print("\n".join(["sigverify " + d["version"]] + [k + " " + v for k, v in d.get("optionalDependencies", {}).items()]))' > "$work/npm.list"
  while read -r name v; do
    get "https://registry.npmjs.org/$name/$v" "$work/$name.json"
    get "$(json "$work/$name.json" 'print(d["dist"]["tarball"])')" "$from/npm/$name-$v.tgz"
    get "https://registry.npmjs.org/-/npm/v1/attestations/$name@$v" "$from/npm/$name@$v.attestations.json"
  done < "$work/npm.list"
  echo "downloading: the GitHub release v$version's C archives and their attestations"
  get "https://api.github.com/repos/$repo/releases/tags/v$version" "$work/release.json"
  json "$work/release.json" 'print("\n".join(a["name"] + " " + a["browser_download_url"] for a in d["assets"] if a["name"].endswith("-linux-gnu.tar.gz")))' > "$work/github.list"
  while read -r file url; do
    get "$url" "$from/github/$file"
    digest=$(sha256sum "$from/github/$file" | cut -d' ' -f1)
    get "https://api.github.com/repos/$repo/attestations/sha256:$digest" "$work/att.json"
    json "$work/att.json" 'print("\n".join(json.dumps(a["bundle"]) for a in d["attestations"]))' > "$from/github/$file.jsonl"
  done < "$work/github.list"
  required=1
else
  [ -d "$from" ] || { echo "dogfood.sh: $from is not a folder" >&2; exit 2; }
  required=0
fi

passed=0 failed=0 pypi=0 npm=0 github=0
run() { # run WHAT COMMAND...
  local what=$1
  shift
  echo "+ $*"
  if "$@"; then passed=$((passed + 1)); echo "ok: $what"; else failed=$((failed + 1)); echo "FAILED: $what" >&2; fi
}

for p in "$from"/pypi/*.provenance; do
  [ -f "$p" ] || continue
  pypi=$((pypi + 1))
  run "PyPI $(basename "${p%.provenance}")" \
    "$bin" pypi verify "${p%.provenance}" --provenance "$p" --identity "$identity" --issuer "$issuer"
done

for a in "$from"/npm/*.attestations.json; do
  [ -f "$a" ] || continue
  npm=$((npm + 1))
  spec=$(basename "$a" .attestations.json)             # NAME@VERSION
  tgz=$from/npm/${spec%@*}-${spec##*@}.tgz
  if [ -f "$tgz" ]; then
    digest=sha512:$(sha512sum "$tgz" | cut -d' ' -f1)
    artifact=("$tgz")
  elif [ -f "$tgz.digest" ]; then
    digest=$(cat "$tgz.digest")
    artifact=(--digest "$digest")
  else
    failed=$((failed + 1)); echo "FAILED: npm $spec: neither $tgz nor $tgz.digest" >&2; continue
  fi
  run "npm $spec: npm's policy, repository $repo" \
    "$bin" npm verify "${artifact[@]}" --attestations "$a" --package "$spec" --repository "$repo"
  json "$a" '
b = [x["bundle"] for x in d["attestations"] if x["predicateType"].startswith("https://slsa.dev/provenance/")]
if len(b) != 1: sys.exit("expected one SLSA provenance attestation, found %d" % len(b))
json.dump(b[0], open(sys.argv[2], "w"))' "$work/provenance.json" || { failed=$((failed + 1)); continue; }
  run "npm $spec: its SLSA provenance was signed by $identity" \
    "$bin" verify "$work/provenance.json" --digest "$digest" --identity "$identity" --issuer "$issuer"
done

for j in "$from"/github/*.jsonl; do
  [ -f "$j" ] || continue
  github=$((github + 1))
  file=${j%.jsonl}
  if [ -f "$file" ]; then artifact=("$file"); elif [ -f "$file.digest" ]; then artifact=(--digest "$(cat "$file.digest")"); else
    failed=$((failed + 1)); echo "FAILED: github $(basename "$file"): neither the file nor $file.digest" >&2; continue
  fi
  run "GitHub attestation of $(basename "$file")" \
    "$bin" github verify "${artifact[@]}" --bundle "$j" --repo "$repo" --signer-workflow "$repo/.github/workflows/$workflow@$ref"
done

echo "dogfood: $passed passed, $failed failed (PyPI files $pypi, npm packages $npm, C archives $github)"
[ $((pypi + npm + github)) -gt 0 ] || { echo "dogfood.sh: nothing to verify in $from" >&2; exit 1; }
if [ $required = 1 ] && { [ $pypi = 0 ] || [ $npm = 0 ] || [ $github = 0 ]; }; then
  echo "dogfood.sh: the release lacks PyPI files, npm packages or C archives" >&2
  exit 1
fi
[ $failed -eq 0 ]
