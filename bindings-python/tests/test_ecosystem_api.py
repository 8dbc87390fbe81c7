"""The ecosystem adapters (sigverify.pypi, sigverify.npm, sigverify.github, sigverify.model): every
real sample of the shared vectors through its ecosystem's own API, from its own object (PEP 740
attestation, Integrity API provenance object, npm attestations response, GitHub JSON lines or
bundle, a signed model directory), in every artifact form; then near misses (another file name, digest, version, repository, publisher,
instance; an npm registry key outside its validity window, an unknown key id) and bad arguments.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import urllib.parse
from pathlib import Path
from typing import Any, Callable, Literal, Optional, cast

import pytest

import sigverify
from _conda import check_conda_sample
from _vectors import Sample, conformance_dir, ecosystem_exceptions, ecosystem_samples, ecosystems_dir, require_present

SAMPLES = ecosystem_samples()
RELEASE_PREDICATE = "https://in-toto.io/attestation/release/"
ADAPTER_SAMPLES = [
    s for s in ecosystem_samples(excluding="adapter") if not str(s.meta.get("predicate_type", "")).startswith(RELEASE_PREDICATE)
]
"""The samples of the attestation adapters; GitHub release attestations have their own
(``sigverify.github.verify_release``, tests/test_github_release.py and ``_check_release_sample``)."""
MODEL_IGNORE_PATHS = {"model-signing-v1.0.1-sigstore": ["ignore-me"]}
"""Paths the verification of a model sample ignores besides its signature's own: those that
sigstore/model-transparency's test passes (scripts/tests/test-verify-v1.0.1-sigstore.sh:
`--ignore-paths ignore-me`, which its predicate does not list)."""
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
NPM_PUBLISH = "https://github.com/npm/attestation/tree/main/specs/publish/v0.1"


def _sample(ecosystem: str, fmt: Optional[str] = None) -> Sample:
    """The first sample of an ecosystem (and format); the suite fails if there is none."""
    require_present(SAMPLES[0].name, ecosystems_dir())
    for s in ADAPTER_SAMPLES:
        if s.meta.get("ecosystem") == ecosystem and (fmt is None or s.meta.get("format") == fmt):
            return s
    pytest.fail(f"no {ecosystem} {fmt or ''} sample in {ecosystems_dir()}", pytrace=False)


@pytest.fixture(scope="module")
def public_good() -> sigverify.Verifier:
    return sigverify.Verifier(sigverify.TrustedRoot.public_good())


def _same(results: list[sigverify.VerificationResult]) -> None:
    assert len({r.to_json() for r in results}) == 1


def _flip(digest: str) -> str:
    alg, _, hexdigest = digest.partition(":")
    return f"{alg}:{'0' if hexdigest[0] != '0' else '1'}{hexdigest[1:]}"


def _code(call: Callable[[], object]) -> tuple[str, Optional[str]]:
    """The (code, check) of the exception `call` raises; fails if it returns."""
    try:
        call()
    except sigverify.Error as e:
        return e.code, e.check
    pytest.fail("expected an exception")


# ----------------------------------------------------------------------------------------------
# PyPI


def _dist_name(sample: Sample) -> str:
    name = sample.original.name
    for suffix in (".provenance", ".publish.attestation"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    pytest.fail(f"{sample.name}: {name} is neither a provenance object nor a PEP 740 attestation")


def _publisher(sample: Sample) -> str:
    tp = sample.meta["trusted_publisher"]
    assert isinstance(tp, dict), sample.name
    if tp["kind"] == "GitHub":
        return f"github:{tp['repository']}/{tp['workflow']}"
    if tp["kind"] == "GitLab":
        return f"gitlab:{tp['repository']}/{tp['workflow_filepath']}"
    pytest.fail(f"{sample.name}: unknown trusted publisher {tp}")


def _pypi(
    sample: Sample, verifier: sigverify.Verifier, **kwargs: Any
) -> list[sigverify.VerificationResult]:
    """verify_provenance or verify_attestation (as a one-element list), per the sample's format."""
    if sample.meta["format"] == "pypi-provenance":
        return sigverify.pypi.verify_provenance(verifier, sample.original, **kwargs)
    assert sample.meta["format"] == "pep740", sample.name
    return [sigverify.pypi.verify_attestation(verifier, sample.original, **kwargs)]


def _pypi_samples() -> list[Sample]:
    return [s for s in SAMPLES if s.meta.get("ecosystem") == "pypi"]


def _npm_package(sample: Sample) -> str:
    """NAME@VERSION, from the statement's package URL (pkg:npm/NAME@VERSION)."""
    bundle = json.loads(sample.bundle.read_text())
    statement = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    names = [s["name"] for s in statement["subject"]]
    assert len(names) == 1 and names[0].startswith("pkg:npm/"), names
    return urllib.parse.unquote(names[0][len("pkg:npm/") :])


def _integrity(digest: str) -> str:
    alg, _, hexdigest = digest.partition(":")
    assert alg == "sha512"
    return "sha512-" + base64.b64encode(bytes.fromhex(hexdigest)).decode()


def _repository(result: sigverify.VerificationResult) -> str:
    """OWNER/REPO of a GitHub Actions certificate (claim 1.12, or 1.5 in older certificates)."""
    claims = result.claims
    uri = claims.get("sourceRepositoryURI")
    if uri is not None:
        assert uri.startswith("https://github.com/"), uri
        return uri[len("https://github.com/") :]
    return claims["githubWorkflowRepository"]


def _workflow(identity: str) -> str:
    """OWNER/REPO/.github/workflows/FILE.yml from a GitHub workflow identity (SAN)."""
    assert identity.startswith("https://github.com/") and "@" in identity, identity
    return identity[len("https://github.com/") :].split("@", 1)[0]


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_sample_through_its_ecosystem(sample: Sample, public_good: sigverify.Verifier, tmp_path: Path) -> None:
    """Every sample, from its ecosystem's own object, in every artifact form the API takes."""
    require_present(sample.name, ecosystems_dir())
    assert sample.meta["expect"] == "pass"
    pending = ecosystem_exceptions("adapter")
    if sample.name in pending:
        pytest.xfail(pending[sample.name])
    ecosystem = sample.meta["ecosystem"]
    if ecosystem == "pypi":
        _check_pypi_sample(sample, public_good, tmp_path)
    elif ecosystem == "npm":
        _check_npm_sample(sample, public_good)
    elif ecosystem == "github-attestations" and str(sample.meta.get("predicate_type", "")).startswith(RELEASE_PREDICATE):
        _check_release_sample(sample)
    elif ecosystem == "github-attestations":
        _check_github_sample(sample, public_good)
    elif ecosystem == "model-signing":
        _check_model_sample(sample, public_good)
    elif ecosystem == "conda":
        check_conda_sample(sample, public_good, tmp_path)
    elif ecosystem == "bazel-bcr":
        _check_bcr_sample(sample)
    else:
        pytest.fail(f"{sample.name}: no Python ecosystem API for {ecosystem!r}; add one to this test")


def _check_bcr_sample(sample: Sample) -> None:
    """A BCR file attestation through sigverify.bcr (tests/test_bcr.py has the near misses)."""
    [jsonl] = sorted(sample.folder.glob("*.intoto.jsonl"))
    name = jsonl.name[: -len(".intoto.jsonl")]
    assert sample.artifact is not None
    repository = "aspect-build/rules_lint"
    files: list[Any] = [sample.artifact, sample.artifact.read_bytes()]
    for file in files:
        [f] = sigverify.bcr.verify(file=file, name=name, bundle=jsonl, repository=repository).files
        assert (f.signer_workflow, f.result.identity, f.result.issuer) == (sample.identity, sample.identity, sample.issuer)
    with pytest.raises(sigverify.VerificationError):
        sigverify.bcr.verify(file=sample.artifact, name="MODULE.bazel", bundle=jsonl, repository=repository)
def _check_release_sample(sample: Sample) -> None:
    """A GitHub immutable-release attestation: through sigverify.github.verify_release, its
    repository and tag read from the statement's purl subject (tests/test_github_release.py has
    the near misses)."""
    import base64

    bundle = json.loads(sample.bundle.read_text())
    statement = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    purl = next(s["uri"] for s in statement["subject"] if str(s.get("uri", "")).startswith("pkg:github/"))
    repository, _, tag = purl.removeprefix("pkg:github/").partition("@")
    name = next(s["name"] for s in statement["subject"] if s.get("digest", {}).get("sha256") == sample.digest.partition(":")[2])
    for kwargs in ({}, {"digest": sample.digest, "filename": name}):
        r = sigverify.github.verify_release(sample.bundle, repository=repository, tag=tag, **kwargs)
        assert r.identity == sample.identity


def _check_pypi_sample(sample: Sample, verifier: sigverify.Verifier, tmp_path: Path) -> None:
    filename, publisher = _dist_name(sample), _publisher(sample)
    forms: list[dict[str, Any]] = [{"digest": sample.digest, "filename": filename}]
    if sample.artifact is not None:
        forms.append({"dist": sample.artifact.read_bytes(), "filename": filename})
        forms.append({"dist": sample.artifact, "filename": filename})  # hashed as a stream
        # The file name of a path is the distribution's name.
        named = tmp_path / filename
        named.write_bytes(sample.artifact.read_bytes())
        forms.append({"dist": named})
    signers: list[dict[str, Any]] = [
        {"publisher": publisher},
        {"policy": sigverify.Policy.identity(sample.identity, sample.issuer)},
    ]
    if sample.meta["format"] == "pypi-provenance":
        signers.append({"publisher_from_provenance": True})
    results = [r for form in forms for signer in signers for r in _pypi(sample, verifier, **form, **signer)]
    assert results
    for r in results:
        assert (r.identity, r.issuer) == (sample.identity, sample.issuer)
        assert r.statement is not None and r.statement.predicate_type == sample.meta["predicate_type"]
        [subject] = r.statement.subjects
        assert subject.digest["sha256"] == sample.digest.partition(":")[2]
        assert subject.name == filename
    # The same attestation as a plain bundle (bundle.json) verifies the same way.
    plain = verifier.verify(sample.bundle, digest=sample.digest, policy=sample.policy())
    assert plain.statement is not None and results[0].statement is not None
    assert plain.statement.subjects[0].name == results[0].statement.subjects[0].name


def _check_npm_sample(sample: Sample, verifier: sigverify.Verifier) -> None:
    package = _npm_package(sample)
    forms: list[dict[str, Any]] = [{"digest": sample.digest}, {"integrity": _integrity(sample.digest)}]
    if sample.artifact is not None:
        forms += [{"tarball": sample.artifact}, {"tarball": sample.artifact.read_bytes()}]
    outcomes = [sigverify.npm.verify(verifier, sample.original, package=package, **form) for form in forms]
    for o in outcomes:
        assert isinstance(o, sigverify.npm.Verification)
        assert o.package == package and package in repr(o)
    first = outcomes[0]
    if sample.meta["predicate_type"] == NPM_PUBLISH:
        r = first.publish
        assert r is not None
        assert r.signer_type == "key" and r.identity is None
        # Signed by the registry key that the bundle names, which is the sample's public key.
        hint = json.loads(sample.bundle.read_text())["verificationMaterial"]["publicKey"]["hint"]
        assert sample.identity == "key:" + hint
        plain = verifier.verify(sample.bundle, digest=sample.digest, policy=sample.policy())
        assert plain.key_sha256 == r.key_sha256
        publishes = [o.publish for o in outcomes]
        assert all(p is not None for p in publishes)
        _same([p for p in publishes if p is not None])
    else:
        r = first.provenance
        assert r is not None
        assert (r.identity, r.issuer) == (sample.identity, sample.issuer)
        provenances = [o.provenance for o in outcomes]
        _same([p for p in provenances if p is not None])
        # Pinned to its source repository.
        pinned = sigverify.npm.verify(verifier, sample.original, digest=sample.digest, package=package, repository=_repository(r))
        assert pinned.provenance is not None and pinned.provenance.identity == sample.identity
    assert r.statement is not None and r.statement.predicate_type == sample.meta["predicate_type"]
    purl = "pkg:npm/" + ("%40" + package[1:] if package.startswith("@") else package)
    assert r.statement.subjects[0].name == purl
    assert r.statement.subjects[0].digest["sha512"] == sample.digest.partition(":")[2]


def _github_verifiers(sample: Sample, public_good: sigverify.Verifier) -> dict[str, sigverify.Verifier]:
    if sample.meta.get("root") == "github":
        return {"public_good": public_good, "github_instance": sample.verifier()}
    return {"public_good": public_good}


def _without_policy_checks(r: sigverify.VerificationResult) -> dict[str, Any]:
    d = r.to_dict()
    assert "policy" in d
    del d["policy"]
    return d


def _check_github_sample(sample: Sample, public_good: sigverify.Verifier) -> None:
    plain = sample.verifier().verify(sample.bundle, digest=sample.digest, policy=sample.policy())
    repository, workflow = _repository(plain), _workflow(sample.identity)
    owner = repository.split("/")[0]
    instance = "github" if sample.meta.get("root") == "github" else "public-good"
    calls: list[dict[str, Any]] = [
        {"repository": repository},
        {"repository": repository, "signer_workflow": workflow},
        {"repository": repository, "signer_workflow": sample.identity[len("https://github.com/") :]},  # @REF
        {"owner": owner},
        {"owner": owner, "signer_workflow": workflow},
        {"policy": sigverify.Policy.identity(sample.identity, sample.issuer)},
        {"policy": sigverify.Policy.github(repository=repository, signer_workflow=workflow)},
        {"repository": repository, "instance": instance},
        {"repository": repository, **_github_verifiers(sample, public_good)},
    ]
    bundle_forms: list[Any] = [sample.original, sample.original.read_bytes(), sample.original.read_text(), sample.bundle]
    results = [sigverify.github.verify(b, digest=sample.digest, **calls[0]) for b in bundle_forms]
    results += [sigverify.github.verify(sample.original, digest=sample.digest, **c) for c in calls]
    if sample.artifact is not None:
        results.append(sigverify.github.verify(sample.original, sample.artifact, repository=repository))
    expected = _without_policy_checks(plain)
    for r in results:
        assert (r.identity, r.issuer) == (sample.identity, sample.issuer)
        assert _without_policy_checks(r) == expected
    # The other trust domain is refused when forced.
    other: Literal["public-good", "github"] = "public-good" if instance == "github" else "github"
    with pytest.raises(sigverify.VerificationError):
        sigverify.github.verify(sample.original, digest=sample.digest, repository=repository, instance=other)


def _check_model_sample(sample: Sample, verifier: sigverify.Verifier) -> None:
    """A signed model directory (`model/`, its `model.sig` inside), by the sample's method: its
    public key (a managed key), else its identity and issuer (keyless)."""
    model = sample.folder / "model"
    assert (model / "model.sig").read_bytes() == sample.original.read_bytes() == sample.bundle.read_bytes()
    ignore = MODEL_IGNORE_PATHS.get(sample.name, [])
    key = sample.folder / "public_key.pem"
    signers: list[dict[str, Any]]
    if key.is_file():
        signers = [{"key": key}, {"key": key.read_bytes()}, {"key": key.read_text()}]
        method = "key"
    else:
        signers = [
            {"identity": sample.identity, "issuer": sample.issuer},
            {"identity": sample.identity, "issuer": sample.issuer, "verifier": verifier},
            {"policy": sigverify.Policy.identity(sample.identity, sample.issuer)},
            {"policy": sample.policy(), "verifier": sample.verifier()},
        ]
        method = "sigstore"
    forms: list[dict[str, Any]] = [
        {"model": model},
        {"model": str(model)},
        {"model": model, "signature": model / "model.sig"},
        # The sample's copy of the signature, beside the model: model/model.sig is then a file.
        {"model": model, "signature": sample.original, "ignore_paths": [*ignore, "model.sig"]},
    ]
    results = []
    for form in forms:
        form.setdefault("ignore_paths", ignore)
        for signer in signers:
            results.append(sigverify.model.verify(**form, **signer))
    assert len({r.to_json() for r in results}) == 1
    r = results[0]
    assert r.manifest_digest == sample.digest
    assert r.signing_method == method
    statement = json.loads(base64.b64decode(json.loads(sample.bundle.read_text())["dsseEnvelope"]["payload"]))
    assert statement["predicateType"] == sample.meta["predicate_type"]
    assert r.model_name == statement["subject"][0]["name"]
    assert r.resources == len(statement["predicate"]["resources"])
    if method == "sigstore":
        assert r.result is not None and (r.result.identity, r.result.issuer) == (sample.identity, sample.issuer)
    else:
        assert r.result is None and sample.identity == "key:" + json.loads(sample.bundle.read_text())["verificationMaterial"]["publicKey"]["hint"]
    # Near misses: another signer; and without the ignore paths, the unsigned file is named.
    other: dict[str, Any] = (
        {"identity": "someone@example.com", "issuer": sample.issuer}
        if method == "sigstore"
        else {"key": conformance_dir() / "managed-key-happy-path" / "key.pub"}  # it signed no model
    )
    assert _code(lambda: sigverify.model.verify(model, ignore_paths=ignore, **other)) == ("policy-mismatch", "policy")
    if ignore:
        with pytest.raises(sigverify.VerificationError) as info:
            sigverify.model.verify(model, **signers[0])
        assert info.value.code == "artifact-mismatch"
        assert all(f"model file {p}: expected no such file" in str(info.value) for p in ignore), str(info.value)


# ----------------------------------------------------------------------------------------------
# Near misses


@pytest.mark.parametrize("sample", _pypi_samples() or SAMPLES[:1], ids=lambda s: s.name)
def test_pypi_near_misses(sample: Sample, public_good: sigverify.Verifier) -> None:
    require_present(sample.name, ecosystems_dir())
    assert sample.meta.get("ecosystem") == "pypi", "no PyPI sample"
    filename, publisher = _dist_name(sample), _publisher(sample)
    ok: dict[str, Any] = {"digest": sample.digest, "filename": filename, "publisher": publisher}
    assert _pypi(sample, public_good, **ok)
    # PyPI normalises project names: another spelling of the same project verifies.
    project, _, rest = filename.partition("-")
    respelt = project.replace("_", ".").title() + "-" + rest
    assert respelt != filename
    assert _pypi(sample, public_good, **{**ok, "filename": respelt})

    def refused(**change: Any) -> tuple[str, Optional[str]]:
        return _code(lambda: _pypi(sample, public_good, **{**ok, **change}))

    # Another file: version, type, project.
    version = rest.split(".tar.gz")[0].split("-")[0]
    bumped = version[:-1] + str((int(version[-1]) + 1) % 10)
    assert refused(filename=filename.replace(version, bumped)) == ("artifact-mismatch", "artifact")
    assert refused(filename=filename.replace(".tar.gz", ".zip")) == ("artifact-mismatch", "artifact")
    assert refused(filename="x" + filename) == ("artifact-mismatch", "artifact")
    # Another digest.
    assert refused(digest=_flip(sample.digest)) == ("artifact-mismatch", "artifact")
    if sample.artifact is not None:
        data = sample.artifact.read_bytes()
        assert _code(lambda: _pypi(sample, public_good, dist=data + b"\0", filename=filename, publisher=publisher))[0] == "artifact-mismatch"
    # Another publisher: repository, workflow, provider.
    kind, _, path = publisher.partition(":")
    owner, repo, workflow = path.split("/", 2)
    for other in [
        f"{kind}:{owner}/{repo}x/{workflow}",
        f"{kind}:{owner}x/{repo}/{workflow}",
        f"{kind}:{owner}/{repo}/x{workflow}",
        f"{'gitlab' if kind == 'github' else 'github'}:{owner}/{repo}/{workflow.split('/')[-1]}",
        "google:someone@example.com",
    ]:
        assert refused(publisher=other) == ("policy-mismatch", "policy"), other
    assert refused(publisher=None, policy=sigverify.Policy.identity(sample.identity + "x", sample.issuer))[0] == "policy-mismatch"
    # A malformed publisher is invalid input, before anything is read.
    for bad in ["github:owner/repo", "bitbucket:o/r/w", "github", "google:no-at-sign"]:
        assert refused(publisher=bad) == ("invalid-policy", "policy"), bad


def test_pypi_pep740_is_not_a_provenance_object(public_good: sigverify.Verifier) -> None:
    pep740, prov = _sample("pypi", "pep740"), _sample("pypi", "pypi-provenance")
    with pytest.raises(sigverify.InvalidInput) as info:
        sigverify.pypi.verify_provenance(public_good, pep740.original, digest=pep740.digest, filename=_dist_name(pep740), publisher=_publisher(pep740))
    assert info.value.code == "invalid-json"
    with pytest.raises(sigverify.InvalidInput) as info:
        sigverify.pypi.verify_attestation(public_good, prov.original, digest=prov.digest, filename=_dist_name(prov), publisher=_publisher(prov))
    assert info.value.code == "invalid-json"
    # One attestation of the provenance object is a PEP 740 attestation.
    doc = json.loads(prov.original.read_text())
    attestation = json.dumps(doc["attestation_bundles"][0]["attestations"][0])
    r = sigverify.pypi.verify_attestation(public_good, attestation, digest=prov.digest, filename=_dist_name(prov), publisher=_publisher(prov))
    assert r.identity == prov.identity
    # A provenance object whose publisher is another one: refused with publisher_from_provenance.
    doc["attestation_bundles"][0]["publisher"]["repository"] += "x"
    with pytest.raises(sigverify.VerificationError) as verr:
        sigverify.pypi.verify_provenance(public_good, json.dumps(doc), digest=prov.digest, filename=_dist_name(prov), publisher_from_provenance=True)
    assert verr.value.code == "policy-mismatch"


def _npm() -> tuple[Sample, str]:
    sample = _sample("npm")
    return sample, _npm_package(sample)


def test_npm_near_misses(public_good: sigverify.Verifier) -> None:
    sample, package = _npm()
    response = sample.original
    outcome = sigverify.npm.verify(public_good, response, digest=sample.digest, package=package)
    assert outcome.provenance is not None and outcome.publish is not None
    repository = _repository(outcome.provenance)

    def refused(**change: Any) -> tuple[str, Optional[str]]:
        kwargs: dict[str, Any] = {"digest": sample.digest, "package": package, **change}
        return _code(lambda: sigverify.npm.verify(public_good, response, **kwargs))

    owner, repo = repository.split("/")
    assert refused(repository=f"{owner}/{repo}x") == ("policy-mismatch", "policy")
    assert refused(repository=f"{owner}x/{repo}") == ("policy-mismatch", "policy")
    name, _, version = package.rpartition("@")
    assert refused(package=f"{name}@{version}1") == ("artifact-mismatch", "artifact")
    assert refused(package=f"{name}x@{version}") == ("artifact-mismatch", "artifact")
    assert refused(package=f"@scope/{name}@{version}") == ("artifact-mismatch", "artifact")
    assert refused(digest=_flip(sample.digest)) == ("artifact-mismatch", "artifact")
    assert refused(digest=None, integrity=_integrity(_flip(sample.digest))) == ("artifact-mismatch", "artifact")
    assert refused(package=name) == ("invalid-artifact", "artifact")
    assert refused(digest=None, integrity="sha256-AAAA") == ("invalid-artifact", "artifact")
    assert refused(digest="sha256:" + "00" * 32) == ("invalid-artifact", "artifact")


def _keys_json(change: Callable[[dict[str, Any]], None]) -> sigverify.npm.RegistryKeys:
    """The embedded keys, changed: the embedded document is the core's roots/npm-keys.json."""
    from _vectors import REPO

    doc = json.loads((REPO / "core" / "roots" / "npm-keys.json").read_text())
    for key in doc["keys"]:
        change(key)
    return sigverify.npm.RegistryKeys.from_json(json.dumps(doc))


def test_npm_registry_keys(public_good: sigverify.Verifier) -> None:
    sample, package = _npm()

    def verify(keys: Optional[sigverify.npm.RegistryKeys] = None, response: Any = None) -> sigverify.npm.Verification:
        return sigverify.npm.verify(public_good, response or sample.original, digest=sample.digest, package=package, keys=keys)

    embedded = sigverify.npm.RegistryKeys.embedded()
    assert repr(embedded) == "RegistryKeys.embedded()"
    assert verify(embedded).publish is not None
    same = _keys_json(lambda k: None)
    assert repr(same) == "RegistryKeys.from_json(...)"
    assert verify(same).publish is not None

    # The entry was logged in 2023: a key whose window ends before, or starts after, is refused.
    def end(k: dict[str, Any]) -> None:
        k["publicKey"]["validFor"]["end"] = "2023-01-01T00:00:00.000Z"

    def start(k: dict[str, Any]) -> None:
        k["publicKey"]["validFor"]["start"] = "2024-01-01T00:00:00.000Z"

    for change in (end, start):
        with pytest.raises(sigverify.VerificationError) as info:
            verify(_keys_json(change))
        assert info.value.code == "time-outside-validity"
        assert "npm registry key" in str(info.value)

    # A key of another usage only (npm:signatures) does not sign attestations.
    def signatures_only(k: dict[str, Any]) -> None:
        k["keyUsage"] = "npm:signatures"

    with pytest.raises(sigverify.VerificationError) as info:
        verify(_keys_json(signatures_only))
    assert (info.value.code, info.value.check) == ("policy-mismatch", "policy")

    # An unknown key id in the publish attestation.
    doc = json.loads(sample.original.read_text())
    hints = [a for a in doc["attestations"] if a["predicateType"] == NPM_PUBLISH]
    assert hints, "the npm response has a publish attestation"
    unknown = copy.deepcopy(doc)
    for a in unknown["attestations"]:
        if a["predicateType"] == NPM_PUBLISH:
            a["bundle"]["verificationMaterial"]["publicKey"]["hint"] = "SHA256:unknown"
    with pytest.raises(sigverify.VerificationError) as info:
        verify(response=json.dumps(unknown).encode())
    assert (info.value.code, info.value.check) == ("policy-mismatch", "policy")
    assert "SHA256:unknown" in str(info.value)

    # Every attestation must verify: a broken provenance signature fails the whole response.
    broken = copy.deepcopy(doc)
    for a in broken["attestations"]:
        if a["predicateType"] != NPM_PUBLISH:
            sig = a["bundle"]["dsseEnvelope"]["signatures"][0]["sig"]
            a["bundle"]["dsseEnvelope"]["signatures"][0]["sig"] = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    with pytest.raises(sigverify.VerificationError):
        verify(response=json.dumps(broken))

    # Malformed keys documents.
    bads: list[str | bytes] = ["{", "{}", '{"keys": [{"keyId": "x"}]}', b"[]"]
    for bad in bads:
        with pytest.raises(sigverify.InvalidInput) as ierr:
            sigverify.npm.RegistryKeys.from_json(bad)
        assert ierr.value.code == "invalid-json", bad
    with pytest.raises(sigverify.InvalidInput) as ierr:
        sigverify.npm.RegistryKeys.from_json(cast(Any, 5))
    assert ierr.value.code == "invalid-argument"


def test_npm_tarball_from_a_path(public_good: sigverify.Verifier, tmp_path: Path) -> None:
    """A tarball given as a path is hashed (sha512, as a stream): another file is refused."""
    sample, package = _npm()
    tarball = tmp_path / "package.tgz"
    tarball.write_bytes(b"not the tarball")
    with pytest.raises(sigverify.VerificationError) as info:
        sigverify.npm.verify(public_good, sample.original, tarball, package=package)
    assert info.value.code == "artifact-mismatch"
    assert hashlib.sha512(b"not the tarball").hexdigest() in str(info.value)
    with pytest.raises(sigverify.InvalidInput) as ierr:
        sigverify.npm.verify(public_good, sample.original, tmp_path / "missing.tgz", package=package)
    assert ierr.value.code == "io-error" and isinstance(ierr.value.__cause__, FileNotFoundError)


def test_github_near_misses(public_good: sigverify.Verifier, tmp_path: Path) -> None:
    for sample in [s for s in ADAPTER_SAMPLES if s.meta.get("ecosystem") == "github-attestations"]:
        plain = sample.verifier().verify(sample.bundle, digest=sample.digest, policy=sample.policy())
        repository, workflow = _repository(plain), _workflow(sample.identity)
        owner, repo = repository.split("/")

        def refused(**kwargs: Any) -> tuple[str, Optional[str]]:
            call: dict[str, Any] = {"digest": sample.digest, **kwargs}
            return _code(lambda: sigverify.github.verify(sample.original, **call))

        assert refused(repository=f"{owner}/{repo}x") == ("policy-mismatch", "policy")
        assert refused(repository=f"{owner}/{repo[:-1]}") == ("policy-mismatch", "policy")
        assert refused(owner=owner + "x") == ("policy-mismatch", "policy")
        assert refused(repository=repository, signer_workflow=workflow.replace(".yml", "2.yml")) == ("policy-mismatch", "policy")
        assert refused(repository=repository, signer_workflow=workflow + "@refs/heads/other") == ("policy-mismatch", "policy")
        assert refused(policy=sigverify.Policy.github(repository=repository, source_ref="refs/heads/x")) == ("policy-mismatch", "policy")
        assert refused(repository=repository, digest=_flip(sample.digest)) == ("artifact-mismatch", "artifact")
        other = tmp_path / "other.whl"
        other.write_bytes(b"another artifact")
        assert _code(lambda: sigverify.github.verify(sample.original, other, repository=repository)) == ("artifact-mismatch", "artifact")
        # A Homebrew bottle is built by Homebrew/homebrew-core: these attestations are not.
        assert _code(lambda: sigverify.github.verify_homebrew_bottle(sample.original, digest=sample.digest, name="x.bottle.tar.gz"))[0] == "policy-mismatch"
        assert _code(lambda: sigverify.github.verify_homebrew_bottle(sample.original, other)) == ("artifact-mismatch", "artifact")


# ----------------------------------------------------------------------------------------------
# Arguments


def _pypi_call(public_good: sigverify.Verifier, **change: Any) -> Callable[[], object]:
    sample = _sample("pypi", "pypi-provenance")
    kwargs: dict[str, Any] = {"digest": sample.digest, "filename": _dist_name(sample), "publisher": _publisher(sample), **change}
    original = kwargs.pop("provenance", sample.original)
    return lambda: sigverify.pypi.verify_provenance(public_good, original, **kwargs)


@pytest.mark.parametrize(
    "change, code, needle",
    [
        ({"dist": b"x"}, "invalid-argument", "not both"),
        ({"digest": None}, "invalid-argument", "is required"),
        ({"digest": None, "dist": b"x", "filename": None}, "invalid-argument", "filename is required"),
        ({"filename": None}, "invalid-argument", "filename is required"),
        ({"filename": ""}, "invalid-argument", "must not be empty"),
        ({"digest": None, "dist": "dist.tar.gz"}, "invalid-argument", "str is ambiguous"),
        ({"digest": None, "dist": 5}, "invalid-argument", "found int"),
        ({"digest": "sha512:" + "00" * 64}, "invalid-artifact", "expected a sha256:HEX digest"),
        ({"digest": "sha256:zz"}, "invalid-artifact", ""),
        ({"digest": b"sha256:00"}, "invalid-argument", "found bytes"),
        ({"publisher": None}, "invalid-argument", "publisher ("),
        ({"policy": sigverify.Policy.without_identity_unsafe()}, "invalid-argument", "only one of"),
        ({"publisher_from_provenance": True}, "invalid-argument", "only one of"),
        ({"publisher": None, "policy": "identity"}, "invalid-argument", "expected a sigverify.Policy"),
        ({"publisher": "github:o/r"}, "invalid-policy", "github:OWNER/REPO/WORKFLOW"),
        ({"provenance": 5}, "invalid-argument", "provenance: expected bytes, str (JSON text) or os.PathLike"),
        ({"provenance": b"{"}, "invalid-json", ""),
        ({"provenance": b'{"version": 2}'}, "invalid-json", "version"),
        ({"provenance": b'{"version": 1, "attestation_bundles": []}'}, "invalid-json", "empty"),
        ({"provenance": Path("/nonexistent/x.provenance")}, "io-error", "/nonexistent/x.provenance"),
        ({"provenance": "[" * 100_000}, "limit-exceeded", ""),
        ({"provenance": b" " * (16 * 1024 * 1024 + 1)}, "limit-exceeded", ""),
    ],
)
def test_pypi_bad_arguments(public_good: sigverify.Verifier, change: dict[str, Any], code: str, needle: str) -> None:
    with pytest.raises(sigverify.InvalidInput) as info:
        _pypi_call(public_good, **change)()
    assert info.value.code == code, str(info.value)
    assert needle in str(info.value)


def test_pypi_attestation_needs_a_signer(public_good: sigverify.Verifier) -> None:
    sample = _sample("pypi", "pep740")
    for signer in [{}, {"publisher_from_provenance": True}]:
        with pytest.raises(TypeError if signer else sigverify.InvalidInput):
            cast(Any, sigverify.pypi.verify_attestation)(public_good, sample.original, digest=sample.digest, filename=_dist_name(sample), **signer)
    with pytest.raises(TypeError):
        cast(Any, sigverify.pypi.verify_attestation)("verifier", sample.original, digest=sample.digest, filename=_dist_name(sample), publisher=_publisher(sample))


@pytest.mark.parametrize(
    "change, code, needle",
    [
        ({"digest": None}, "invalid-argument", "exactly one of"),
        ({"integrity": "sha512-AAAA"}, "invalid-argument", "exactly one of"),
        ({"tarball": b"x"}, "invalid-argument", "exactly one of"),
        ({"digest": None, "integrity": b"sha512-AAAA"}, "invalid-argument", "found bytes"),
        ({"digest": None, "integrity": "sha512-AAAA"}, "invalid-artifact", "64 bytes"),
        ({"digest": None, "tarball": "package.tgz"}, "invalid-argument", "str is ambiguous"),
        ({"attestations": b"{}"}, "invalid-json", "attestations"),
        ({"attestations": b'{"attestations": []}'}, "invalid-json", "1 to 16"),
        ({"attestations": ["x"]}, "invalid-argument", "found list"),
        ({"package": "no-version"}, "invalid-artifact", "NAME@VERSION"),
    ],
)
def test_npm_bad_arguments(public_good: sigverify.Verifier, change: dict[str, Any], code: str, needle: str) -> None:
    sample, package = _npm()
    kwargs: dict[str, Any] = {"digest": sample.digest, "package": package, **change}
    attestations = kwargs.pop("attestations", sample.original)
    with pytest.raises(sigverify.InvalidInput) as info:
        sigverify.npm.verify(public_good, attestations, **kwargs)
    assert info.value.code == code, str(info.value)
    assert needle in str(info.value)


def test_npm_keys_argument_type(public_good: sigverify.Verifier) -> None:
    sample, package = _npm()
    with pytest.raises(TypeError):
        sigverify.npm.verify(public_good, sample.original, digest=sample.digest, package=package, keys=cast(Any, "{}"))
    with pytest.raises(TypeError):
        cast(Any, sigverify.npm.verify)(public_good, sample.original, digest=sample.digest)  # no package


@pytest.mark.parametrize(
    "change, code, needle",
    [
        ({"repository": None}, "invalid-argument", "is required"),
        ({"policy": sigverify.Policy.without_identity_unsafe()}, "invalid-argument", "not both"),
        ({"instance": "staging"}, "invalid-argument", "instance"),
        ({"repository": "owner"}, "invalid-policy", "OWNER/REPO"),
        ({"digest": None}, "invalid-argument", "is required"),
        ({"artifact": b"x"}, "invalid-argument", "not both"),
        ({"bundles": b""}, "invalid-json", ""),
        ({"bundles": b"{\n"}, "invalid-json", ""),
        ({"bundles": "\n".join(["[]"] * 3)}, "invalid-json", ""),
    ],
)
def test_github_bad_arguments(change: dict[str, Any], code: str, needle: str) -> None:
    sample = _sample("github-attestations")
    kwargs: dict[str, Any] = {"digest": sample.digest, "repository": "o/r", **change}
    bundles = kwargs.pop("bundles", sample.original)
    with pytest.raises(sigverify.InvalidInput) as info:
        sigverify.github.verify(bundles, **kwargs)
    assert info.value.code == code, str(info.value)
    assert needle in str(info.value)


def test_github_lines_that_are_not_bundles() -> None:
    """As with Verifier.verify(b"{}"): JSON without a media type is a malformed bundle."""
    sample = _sample("github-attestations")
    with pytest.raises(sigverify.VerificationError) as info:
        sigverify.github.verify("{}\n{}\n", digest=sample.digest, repository="o/r")
    assert (info.value.code, info.value.check) == ("invalid-bundle", "bundle-format")


def test_homebrew_bottle_arguments() -> None:
    sample = _sample("github-attestations")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"digest": sample.digest}, "name is required"),
        ({"bottle": b"x"}, "name is required"),
        ({}, "is required"),
        ({"bottle": b"x", "digest": sample.digest, "name": "b"}, "not both"),
    ]
    for kwargs, needle in cases:
        with pytest.raises(sigverify.InvalidInput) as info:
            sigverify.github.verify_homebrew_bottle(sample.original, **kwargs)
        assert info.value.code == "invalid-argument" and needle in str(info.value), kwargs


# ----------------------------------------------------------------------------------------------
# Policy helpers


def test_policy_github_and_gitlab(public_good: sigverify.Verifier) -> None:
    gh = [s for s in ADAPTER_SAMPLES if s.meta.get("ecosystem") == "github-attestations"]
    assert gh, "no GitHub sample"
    for sample in gh:
        v = sample.verifier()
        plain = v.verify(sample.bundle, digest=sample.digest, policy=sample.policy())
        repository, workflow = _repository(plain), _workflow(sample.identity)
        policy = sigverify.Policy.github(
            repository=repository,
            signer_workflow=workflow,
            source_ref=plain.claims["sourceRepositoryRef"],
            source_digest=plain.claims["sourceRepositoryDigest"].upper(),
            deny_self_hosted_runners=plain.claims["runnerEnvironment"] == "github-hosted",
            predicate_type=str(sample.meta["predicate_type"]),
        )
        r = v.verify(sample.bundle, digest=sample.digest, policy=policy)
        checked = {c.claim: c.found for c in r.policy_checks}
        assert checked["sourceRepositoryURI"] == "https://github.com/" + repository
        assert checked["buildSignerURI"] == sample.identity
        assert checked["issuer"] == GITHUB_ISSUER
        assert "statement.predicateType" in checked
        assert f"repository={repository!r}".replace("'", '"') in repr(policy)
        # The same requirements as a document.
        doc = sigverify.Policy.from_json(json.dumps({"version": 1, "github": {"repository": repository, "signerWorkflow": workflow}}))
        assert v.verify(sample.bundle, digest=sample.digest, policy=doc).identity == sample.identity
        for near in [
            sigverify.Policy.github(repository=repository + "x"),
            sigverify.Policy.github(owner=repository.split("/")[0] + "x"),
            sigverify.Policy.github(repository=repository, source_ref="refs/heads/elsewhere"),
            sigverify.Policy.github(repository=repository, predicate_type="https://example.com/other"),
            sigverify.Policy.gitlab(project=repository),
        ]:
            with pytest.raises(sigverify.VerificationError) as info:
                v.verify(sample.bundle, digest=sample.digest, policy=near)
            assert info.value.code == "policy-mismatch", repr(near)
    gl = [s for s in SAMPLES if s.issuer == "https://gitlab.com"]
    assert gl, "no GitLab sample"
    for sample in gl:
        plain = public_good.verify(sample.bundle, digest=sample.digest, policy=sample.policy())
        project = plain.claims["sourceRepositoryURI"][len("https://gitlab.com/") :]
        config = sample.identity[len("https://gitlab.com/") :]
        policy = sigverify.Policy.gitlab(project=project, namespace=project.split("/")[0], signer_config=config)
        assert public_good.verify(sample.bundle, digest=sample.digest, policy=policy).issuer == "https://gitlab.com"
        with pytest.raises(sigverify.VerificationError):
            public_good.verify(sample.bundle, digest=sample.digest, policy=sigverify.Policy.gitlab(project=project + "x"))
        with pytest.raises(sigverify.VerificationError):
            public_good.verify(sample.bundle, digest=sample.digest, policy=sigverify.Policy.github(repository=project))


@pytest.mark.parametrize(
    "build, code, needle",
    [
        (lambda: sigverify.Policy.github(), "invalid-policy", "github.repository, github.owner or github.signerWorkflow"),
        (lambda: sigverify.Policy.github(source_ref="refs/heads/main", deny_self_hosted_runners=True), "invalid-policy", "does not name who signed"),
        (lambda: sigverify.Policy.gitlab(source_ref="x"), "invalid-policy", "gitlab.project, gitlab.namespace or"),
        (lambda: sigverify.Policy.github(repository="owner"), "invalid-policy", "$.github.repository"),
        (lambda: sigverify.Policy.github(owner="a/b"), "invalid-policy", "$.github.owner"),
        (lambda: sigverify.Policy.github(signer_workflow="o/r/release.yml"), "invalid-policy", "$.github.signerWorkflow"),
        (lambda: sigverify.Policy.gitlab(project="group"), "invalid-policy", "$.gitlab.project"),
        (lambda: sigverify.Policy.gitlab(signer_config="g/p/.gitlab-ci.yml"), "invalid-policy", "$.gitlab.signerConfig"),
    ],
)
def test_policy_helpers_refuse(build: Callable[[], sigverify.Policy], code: str, needle: str) -> None:
    with pytest.raises(sigverify.InvalidInput) as info:
        build()
    assert info.value.code == code
    assert needle in str(info.value)


def test_policy_helpers_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        cast(Any, sigverify.Policy.github)("o/r")
    with pytest.raises(TypeError):
        cast(Any, sigverify.Policy.github)(repository=5)


def test_module_exports() -> None:
    assert sigverify.pypi.__all__ == ["verify_attestation", "verify_provenance"]
    assert sigverify.npm.__all__ == ["RegistryKeys", "Verification", "verify"]
    assert sigverify.github.__all__ == ["verify", "verify_homebrew_bottle", "verify_release"]
    assert sigverify.npm.RegistryKeys.__module__ == "sigverify.npm"
    assert sigverify.npm.Verification.__name__ == "Verification"
    assert sigverify.pypi.verify_attestation.__name__ == "verify_attestation"
    assert sigverify.github.verify.__name__ == "verify"
    for cls in (sigverify.npm.RegistryKeys, sigverify.npm.Verification):
        with pytest.raises(TypeError):
            cast(Any, cls)()
        with pytest.raises(TypeError):
            type("Sub", (cls,), {})
