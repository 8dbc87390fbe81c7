#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets, fuzz/corpus/<target>/, from the shared vectors
# (../shared/vectors, or $SIGVERIFY_VECTORS_DIR) and from the testkit's output (its `dump`
# example: valid bundles of every shape and one bundle per fault). Nothing is copied into the
# repository: the corpora are generated, and git-ignored.
#
#   bash fuzz/seed.sh            (run.sh calls it when fuzz/corpus is missing)
#
# Needs python3 and cargo. Fails loudly when the vectors are missing.
set -euo pipefail
cd "$(dirname "$0")"
FUZZ="$PWD"
ROOT="$(cd .. && pwd)"
VECTORS="${SIGVERIFY_VECTORS_DIR:-$ROOT/../shared/vectors}"
if [ ! -d "$VECTORS/conformance" ] || [ ! -d "$VECTORS/ecosystems" ]; then
  echo "SEEDS NOT BUILT: no vectors at $VECTORS (set SIGVERIFY_VECTORS_DIR)" >&2
  exit 1
fi
command -v python3 >/dev/null || { echo "seed.sh needs python3" >&2; exit 1; }

DUMP="$(mktemp -d "${TMPDIR:-/tmp}/sigverify-fuzz-dump.XXXXXX")"
trap 'rm -rf "$DUMP"' EXIT
echo "==> testkit bundles (cargo run -p sigverify-testkit --example dump)"
(cd "$ROOT" && cargo run -q -p sigverify-testkit --example dump -- "$DUMP" >/dev/null)

python3 - "$VECTORS" "$DUMP" "$FUZZ/corpus" "$ROOT" <<'PY'
import base64, glob, hashlib, json, os, re, sys

vectors, dump, out, root = sys.argv[1:5]
counts = {}

def seed(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    counts[target] = counts.get(target, 0) + 1

def read(p):
    with open(p, "rb") as f:
        return f.read()

def b64(s):
    try:
        return base64.b64decode(s, validate=True)
    except Exception:
        return None

bundles = sorted(
    glob.glob(f"{vectors}/conformance/*/bundle.sigstore.json")
    + glob.glob(f"{vectors}/ecosystems/*/bundle.json")
    + glob.glob(f"{vectors}/ecosystems/*/*.sigstore.json")
    + glob.glob(f"{dump}/*.sigstore.json")
)
roots = sorted(
    glob.glob(f"{vectors}/conformance/*/trusted_root.json")
    + glob.glob(f"{vectors}/ecosystems/*/trusted_root.json")
    + glob.glob(f"{vectors}/../trust/**/trusted_root.json", recursive=True)
    + glob.glob(f"{dump}/trusted_root*.json")
    + glob.glob(f"{root}/core/roots/*trusted_root.json")
)

for p in bundles:
    raw = read(p)
    for t in ("bundle_json", "verify_bundle", "github_attestations"):
        seed(t, raw)
    try:
        b = json.loads(raw)
    except ValueError:
        continue  # a conformance case of malformed JSON: a seed as it is
    if not isinstance(b, dict):
        continue
    vm = b.get("verificationMaterial") or {}
    certs = [(vm.get("certificate") or {}).get("rawBytes")]
    certs += [c.get("rawBytes") for c in ((vm.get("x509CertificateChain") or {}).get("certificates") or [])]
    for c in certs:
        if c and b64(c) is not None:
            seed("certificate_der", b64(c))
    for e in vm.get("tlogEntries") or []:
        cp = ((e.get("inclusionProof") or {}).get("checkpoint") or {}).get("envelope")
        if cp:
            seed("checkpoint", cp)
    for ts in ((vm.get("timestampVerificationData") or {}).get("rfc3161Timestamps") or []):
        d = b64(ts.get("signedTimestamp") or "")
        if d:
            seed("rfc3161_timestamp", d)
    env = b.get("dsseEnvelope")
    if isinstance(env, dict):
        seed("dsse_envelope", json.dumps(env))
        payload = b64(env.get("payload") or "")
        if payload:
            seed("intoto_statement", payload)

for p in roots:
    raw = read(p)
    seed("trusted_root_json", raw)
    try:
        r = json.loads(raw)
    except ValueError:
        continue
    for ca in (r.get("certificateAuthorities") or []) + (r.get("timestampAuthorities") or []):
        for c in ((ca.get("certChain") or {}).get("certificates") or []):
            d = b64(c.get("rawBytes") or "")
            if d:
                seed("certificate_der", d)

# PEP 740 attestations, also those inside Integrity API provenance objects (and the objects).
for p in glob.glob(f"{vectors}/ecosystems/*/*.publish.attestation"):
    seed("pep740_attestation", read(p))
for p in glob.glob(f"{vectors}/ecosystems/*/*.provenance"):
    raw = read(p)
    seed("pep740_attestation", raw)
    for ab in json.loads(raw).get("attestation_bundles") or []:
        for a in ab.get("attestations") or []:
            seed("pep740_attestation", json.dumps(a))
for p in glob.glob(f"{vectors}/ecosystems/*/valid-sigstore-attestations.json"):
    seed("npm_attestations", read(p))
for p in glob.glob(f"{vectors}/ecosystems/*/*.jsonl"):
    seed("github_attestations", read(p))
# conda publish attestations: the bundle, and as a .v0.sigs sidecar of one and of two.
for p in glob.glob(f"{vectors}/ecosystems/*/conda-attestation.sigstore.json"):
    raw = read(p)
    seed("conda_sidecar", raw)
    seed("conda_sidecar", b"[" + raw + b"]")
    seed("conda_sidecar", b"[" + raw + b"," + raw + b"]")
# PEP 751 locks: the specification's example shape, with and without recorded identities.
lock = (b'lock-version = "1.0"\ncreated-by = "uv"\n\n[[packages]]\nname = "a"\nversion = "1"\n'
        b'sdist = { url = "file:///d/a-1.tar.gz", hashes = { sha256 = "00" } }\n'
        b'wheels = [{ name = "a-1-py3-none-any.whl", hashes = { sha256 = "11" } }]\n')
seed("pylock", lock)
seed("pylock", lock + b'[[packages.attestation-identities]]\nkind = "GitHub"\nrepository = "o/r"\nworkflow = "w.yml"\n\n[tool.uv]\nx = 1\n')
# GitHub immutable-release attestations (their bundle.json).
for p in glob.glob(f"{vectors}/ecosystems/github-immutable-release-*/bundle.json"):
    seed("github_release", read(p))

# Policy documents: the JSON examples of the documentation, and one per part of the schema.
for doc in [f"{root}/README.md", f"{root}/docs/policy.md"]:
    if os.path.exists(doc):
        for block in re.findall(r"```json\n(.*?)```", read(doc).decode(), re.S):
            if '"version"' in block:
                seed("policy_document", block)
ID = "https://github.com/sigverify/test/.github/workflows/release.yml@refs/heads/main"
ISS = "https://token.actions.githubusercontent.com"
for p in [
    {"version": 1, "identity": ID, "issuer": ISS},
    {"version": 1, "identity": {"regex": "https://github\\.com/sigverify/.+"}, "issuer": {"glob": "https://*.githubusercontent.com"}},
    {"version": 1, "identity": {"anyOf": [{"exact": ID}, {"glob": "**"}]}, "issuer": {"allOf": [ISS, {"regex": ".*"}]}},
    {"version": 1, "github": {"repository": "sigverify/test", "owner": "sigverify", "signerWorkflow": "sigverify/test/.github/workflows/release.yml@refs/heads/main", "sourceRef": "refs/heads/main", "sourceDigest": "00", "denySelfHostedRunners": True}},
    {"version": 1, "gitlab": {"project": "a/b", "namespace": "a", "signerConfig": "a/b//.gitlab-ci.yml@refs/heads/main", "denySelfHostedRunners": True}},
    {"version": 1, "identity": ID, "issuer": ISS, "claims": {"sourceRepositoryURI": {"glob": "https://github.com/**"}, "1.3.6.1.4.1.57264.1.11": "github-hosted"}},
    {"version": 1, "identity": ID, "issuer": ISS, "statement": {"predicateType": "https://slsa.dev/provenance/v1", "builderId": {"glob": "**"}, "buildType": {"regex": ".*"}, "sourceRepository": "x", "sourceRef": "y", "resolvedDependencyDigest": "sha256:00"}},
    {"version": 1, "issuer": ISS, "allOf": [{"claims": {"buildTrigger": "push"}}], "anyOf": [{"github": {"owner": "sigverify"}}, {"gitlab": {"namespace": "x"}}]},
    {"version": 1, "key": read(f"{dump}/managed_key.pem").decode()},
    {"version": 1, "unsafeAnyIdentity": True},
]:
    seed("policy_document", json.dumps(p))

for t in sorted(counts):
    print(f"  {t}: {len(os.listdir(os.path.join(out, t)))} seeds")
PY
