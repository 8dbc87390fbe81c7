"""The Python API: results, argument forms, policies, trusted roots, verifier options."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any, Callable, List, cast

import pytest

import sigverify
from _vectors import DEFAULT_IDENTITY, DEFAULT_ISSUER

SIGNED_AT = datetime.datetime(2024, 3, 19, 17, 26, 26, tzinfo=datetime.timezone.utc)


def test_exports() -> None:
    assert set(sigverify.__all__) == {
        "ArgumentTypeError",
        "CheckedClaim",
        "Error",
        "InvalidInput",
        "LogEntry",
        "Policy",
        "Statement",
        "Subject",
        "TrustedRoot",
        "VerificationError",
        "VerificationResult",
        "VerifiedTime",
        "Verifier",
        "__version__",
        "bcr",
        "conda",
        "github",
        "model",
        "npm",
        "pylock",
        "pypi",
        "tuf",
    }
    assert sigverify.__version__.count(".") == 2
    for name in sigverify.__all__:
        obj = getattr(sigverify, name)
        if isinstance(obj, type):
            assert obj.__module__ == "sigverify", name


def test_certificate_result(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes) -> None:
    r = verifier.verify(bundle, artifact, policy=policy)
    assert r.signer_type == "certificate"
    assert r.identity == DEFAULT_IDENTITY
    assert r.identity_type == "uri"
    assert r.issuer == DEFAULT_ISSUER
    assert r.claims["sourceRepositoryURI"] == "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon"
    assert r.claims["runnerEnvironment"] == "github-hosted"
    assert r.claim_oids["1.3.6.1.4.1.57264.1.12"] == r.claims["sourceRepositoryURI"]
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in r.claims.items())
    r.claims["sourceRepositoryURI"] = "tampered"  # a copy: the result is immutable
    assert r.claims["sourceRepositoryURI"] != "tampered"
    assert r.certificate is not None and r.certificate[:1] == b"\x30"
    assert r.key_sha256 is None
    assert r.bundle_version == "0.3"
    assert r.signature_digest_algorithm == "sha256"
    assert r.media_type == json.loads(bundle)["mediaType"]
    assert r.backend == verifier.backend == "aws-lc-rs"
    assert r.statement is None

    [t] = r.verified_times
    assert isinstance(t, sigverify.VerifiedTime)
    assert t.time == SIGNED_AT and t.time.tzinfo is not None
    assert t.time.utcoffset() == datetime.timedelta(0)
    assert t.unix == int(SIGNED_AT.timestamp())
    assert t.source == "transparency-log"
    assert t.log_url == "https://rekor.sigstore.dev"
    assert isinstance(t.log_index, int)
    assert t.authority is None
    assert r.earliest_time == SIGNED_AT

    [e] = r.log_entries
    assert isinstance(e, sigverify.LogEntry)
    assert (e.kind, e.version) == ("hashedrekord", "0.0.1")
    assert e.log_url == "https://rekor.sigstore.dev"
    assert e.log_index == t.log_index
    assert len(e.log_id) == 64
    assert e.integrated_time == SIGNED_AT
    assert e.inclusion_proof is True
    assert e.checkpoint_origin is not None
    assert re.fullmatch(r"rekor\.sigstore\.dev - [0-9]+", e.checkpoint_origin)
    assert e.cosigned_by == []

    checks = {c.claim: c for c in r.policy_checks}
    assert isinstance(checks["identity"], sigverify.CheckedClaim)
    assert checks["identity"].found == DEFAULT_IDENTITY
    assert DEFAULT_IDENTITY in checks["identity"].expected
    assert checks["issuer"].found == DEFAULT_ISSUER
    assert "identity" in repr(checks["identity"])

    doc = json.loads(r.to_json())
    assert doc == r.to_dict()
    assert doc["verified"] is True
    assert doc["signer"]["identity"] == r.identity
    assert doc["verifiedTimes"][0]["unix"] == t.unix
    assert DEFAULT_IDENTITY in repr(r)
    assert "transparency-log" in repr(t)
    assert "hashedrekord" in repr(e)


def test_dsse_statement(verifier: sigverify.Verifier, policy: sigverify.Policy, dsse_bundle: bytes, artifact: bytes) -> None:
    r = verifier.verify(dsse_bundle, artifact, policy=policy)
    s = r.statement
    assert isinstance(s, sigverify.Statement)
    assert s.type.startswith("https://in-toto.io/Statement/")
    assert s.predicate_type
    [subject] = [x for x in s.subjects if x.digest.get("sha256") == hashlib.sha256(artifact).hexdigest()]
    assert isinstance(subject, sigverify.Subject)
    assert subject.name
    assert r.to_dict()["statement"]["predicateType"] == s.predicate_type
    assert r.to_dict()["statement"]["predicate"] == s.predicate
    assert "Statement" in repr(s) and "Subject" in repr(subject)


def test_managed_key(verifier: sigverify.Verifier, vectors: Path, artifact: bytes) -> None:
    case = vectors / "managed-key-happy-path"
    policy = sigverify.Policy.key((case / "key.pub").read_bytes())
    r = verifier.verify(case / "bundle.sigstore.json", artifact, policy=policy)
    assert r.signer_type == "key"
    assert r.identity is None and r.issuer is None and r.identity_type is None
    assert r.claims == {} and r.claim_oids == {}
    assert r.certificate is None
    assert r.key_sha256 is not None and len(r.key_sha256) == 64
    assert r.key_sha256 in repr(r)
    # The key as str works too, and a certificate policy refuses a key-signed bundle.
    assert verifier.verify(case / "bundle.sigstore.json", artifact, policy=sigverify.Policy.key((case / "key.pub").read_text())).key_sha256 == r.key_sha256
    with pytest.raises(sigverify.VerificationError) as info:
        verifier.verify(case / "bundle.sigstore.json", artifact, policy=sigverify.Policy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER))
    assert (info.value.code, info.value.check) == ("policy-mismatch", "policy")


class _PathLike:
    """An os.PathLike that is not a pathlib.Path."""

    def __init__(self, p: Path) -> None:
        self.p = p

    def __fspath__(self) -> str:
        return str(self.p)


def test_bundle_forms(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle_path: Path, bundle: bytes, artifact: bytes) -> None:
    expected = verifier.verify(bundle, artifact, policy=policy).to_json()
    forms: list[Any] = [
        bytearray(bundle),
        memoryview(bundle),
        bundle.decode(),
        bundle_path,
        _PathLike(bundle_path),
    ]
    for form in forms:
        assert verifier.verify(form, artifact, policy=policy).to_json() == expected, type(form)


def test_artifact_forms(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes, artifact_path: Path) -> None:
    expected = verifier.verify(bundle, artifact, policy=policy).to_json()
    forms: list[Any] = [bytearray(artifact), memoryview(artifact), artifact_path, _PathLike(artifact_path)]
    for form in forms:
        assert verifier.verify(bundle, form, policy=policy).to_json() == expected, type(form)
    digest = "sha256:" + hashlib.sha256(artifact).hexdigest()
    assert verifier.verify(bundle, digest=digest, policy=policy).to_json() == expected
    assert verifier.verify(bundle, None, digest=digest.upper().replace("SHA256", "sha256"), policy=policy).to_json() == expected


def test_wrong_artifact(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes) -> None:
    with pytest.raises(sigverify.VerificationError) as info:
        verifier.verify(bundle, artifact + b"x", policy=policy)
    assert (info.value.code, info.value.check) == ("artifact-mismatch", "artifact")
    with pytest.raises(sigverify.VerificationError) as info:
        verifier.verify(bundle, digest="sha256:" + "00" * 32, policy=policy)
    assert info.value.code == "artifact-mismatch"
    assert "00" * 32 in str(info.value)


@pytest.mark.parametrize(
    "digest, code",
    [
        ("sha256:zz", "invalid-artifact"),
        ("sha256:abcd", "invalid-artifact"),
        ("md5:" + "00" * 16, "invalid-artifact"),
        ("no-colon", "invalid-artifact"),
        ("", "invalid-artifact"),
        ("sha512:" + "00" * 64, "invalid-artifact"),  # the key signs SHA-256 digests
    ],
)
def test_bad_digest(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, digest: str, code: str) -> None:
    with pytest.raises(sigverify.InvalidInput) as info:
        verifier.verify(bundle, digest=digest, policy=policy)
    assert info.value.code == code
    assert info.value.check == "artifact"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"artifact": b"x", "digest": "sha256:" + "00" * 32}, "not both"),
        ({}, "is required"),
        ({"artifact": "a.txt"}, "str is ambiguous"),
        ({"artifact": 12}, "found int"),
        ({"artifact": ["a"]}, "found list"),
        ({"digest": b"sha256:00"}, "found bytes"),
        ({"artifact": b"x", "policy": None}, "policy is required"),
        ({"artifact": b"x", "policy": "identity"}, "expected a sigverify.Policy"),
    ],
)
def test_bad_arguments(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, kwargs: dict[str, Any], message: str) -> None:
    call: dict[str, Any] = {"policy": policy, **kwargs}
    with pytest.raises(sigverify.InvalidInput) as info:
        verifier.verify(bundle, **call)
    assert info.value.code == "invalid-argument"
    assert info.value.check is None
    assert message in str(info.value)


@pytest.mark.parametrize("value", [12, None, ["{}"], {"mediaType": "x"}, 1.5, object()])
def test_bundle_of_wrong_type(verifier: sigverify.Verifier, policy: sigverify.Policy, artifact: bytes, value: object) -> None:
    with pytest.raises(sigverify.InvalidInput) as info:
        verifier.verify(cast(Any, value), artifact, policy=policy)
    assert info.value.code == "invalid-argument"
    assert "bundle: expected bytes, str (JSON text) or os.PathLike" in str(info.value)


def test_str_bundle_naming_a_file(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle_path: Path, artifact: bytes) -> None:
    with pytest.raises(sigverify.InvalidInput) as info:
        verifier.verify(str(bundle_path), artifact, policy=policy)
    assert info.value.code == "invalid-argument"
    assert "pathlib.Path" in str(info.value)


def test_missing_keyword_policy_is_a_type_error(verifier: sigverify.Verifier, bundle: bytes, artifact: bytes) -> None:
    with pytest.raises(TypeError):
        cast(Any, verifier).verify(bundle, artifact)


def test_unreadable_files(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(sigverify.InvalidInput) as info:
        verifier.verify(missing, artifact, policy=policy)
    assert info.value.code == "io-error" and info.value.check is None
    assert isinstance(info.value.__cause__, FileNotFoundError)
    assert str(missing) in str(info.value)
    with pytest.raises(sigverify.InvalidInput) as info:
        verifier.verify(bundle, tmp_path, policy=policy)  # a directory
    assert info.value.code == "io-error"
    assert isinstance(info.value.__cause__, OSError)


def test_identity_policy_mismatch(verifier: sigverify.Verifier, bundle: bytes, artifact: bytes) -> None:
    for identity, issuer, expected in [
        (DEFAULT_IDENTITY + "x", DEFAULT_ISSUER, DEFAULT_IDENTITY + "x"),
        (DEFAULT_IDENTITY[:-1], DEFAULT_ISSUER, DEFAULT_IDENTITY[:-1] + '"'),
        (DEFAULT_IDENTITY, DEFAULT_ISSUER + "/", DEFAULT_ISSUER + "/"),
        (DEFAULT_IDENTITY, "https://accounts.google.com", "https://accounts.google.com"),
    ]:
        with pytest.raises(sigverify.VerificationError) as info:
            verifier.verify(bundle, artifact, policy=sigverify.Policy.identity(identity, issuer))
        assert (info.value.code, info.value.check) == ("policy-mismatch", "policy")
        # The message names the expected and the found value.
        assert expected in str(info.value)


def test_policy_identity_refuses_empty_values() -> None:
    for identity, issuer in [("", DEFAULT_ISSUER), (DEFAULT_IDENTITY, ""), ("", "")]:
        with pytest.raises(sigverify.InvalidInput) as info:
            sigverify.Policy.identity(identity, issuer)
        assert info.value.code == "invalid-policy"


@pytest.mark.parametrize(
    "doc",
    [
        {"version": 1, "github": {"sourceRef": "refs/heads/main"}},
        {"version": 1, "github": {"denySelfHostedRunners": True}},
        {"version": 1, "issuer": DEFAULT_ISSUER, "claims": {"sourceRepositoryRef": "refs/heads/main"}},
        {"version": 1, "issuer": DEFAULT_ISSUER, "identity": {"regex": ".*"}},
        {"version": 1, "issuer": DEFAULT_ISSUER, "claims": {"sourceRepositoryURI": {"glob": "**"}}},
    ],
)
def test_policy_that_names_no_signer_is_refused(doc: dict[str, object]) -> None:
    with pytest.raises(sigverify.InvalidInput) as info:
        sigverify.Policy.from_json(json.dumps(doc))
    assert info.value.code == "invalid-policy"
    assert "does not name who signed" in str(info.value)


def test_policy_without_identity_unsafe(verifier: sigverify.Verifier, bundle: bytes, artifact: bytes) -> None:
    policy = sigverify.Policy.without_identity_unsafe()
    assert "unsafe" in repr(policy)
    assert verifier.verify(bundle, artifact, policy=policy).identity == DEFAULT_IDENTITY


def test_policy_documents(verifier: sigverify.Verifier, bundle: bytes, artifact: bytes, vectors: Path) -> None:
    doc = {"version": 1, "identity": DEFAULT_IDENTITY, "issuer": {"exact": DEFAULT_ISSUER}}
    for data in (json.dumps(doc), json.dumps(doc).encode()):
        assert verifier.verify(bundle, artifact, policy=sigverify.Policy.from_json(data)).identity == DEFAULT_IDENTITY
    key = (vectors / "managed-key-happy-path" / "key.pub").read_text()
    p = sigverify.Policy.from_json(json.dumps({"version": 1, "key": key}))
    assert verifier.verify(vectors / "managed-key-happy-path" / "bundle.sigstore.json", artifact, policy=p).signer_type == "key"
    with pytest.raises(sigverify.VerificationError):
        verifier.verify(bundle, artifact, policy=sigverify.Policy.from_json(json.dumps({**doc, "identity": "https://x"})))


def test_policy_document_matchers(verifier: sigverify.Verifier, bundle: bytes, artifact: bytes) -> None:
    """The policy documents of the core (docs/policy.md): GitHub shorthands, anchored patterns."""
    repo = "sigstore-conformance/extremely-dangerous-public-oidc-beacon"
    doc: dict[str, Any] = {
        "version": 1,
        "github": {"repository": repo, "signerWorkflow": f"{repo}/.github/workflows/extremely-dangerous-oidc-beacon.yml", "denySelfHostedRunners": True},
        "claims": {"sourceRepositoryRef": {"glob": "refs/heads/*"}},
    }
    r = verifier.verify(bundle, artifact, policy=sigverify.Policy.from_json(json.dumps(doc)))
    checked = {c.claim: c.found for c in r.policy_checks}
    assert checked["sourceRepositoryURI"] == f"https://github.com/{repo}"
    assert checked["sourceRepositoryRef"] == "refs/heads/main"
    assert checked["runnerEnvironment"] == "github-hosted"
    for near_miss in (
        {"github": {"repository": repo + "-fork"}},
        {"github": {"repository": "sigstore-conformance/extremely-dangerous"}},
        {"claims": {"sourceRepositoryRef": {"regex": "main"}}},  # anchored: no substring match
        {"claims": {"sourceRepositoryRef": {"glob": "refs/tags/*"}}},
        {"identity": {"regex": "https://github.com/sigstore-conformance/.*"}, "issuer": "https://accounts.google.com"},
    ):
        policy = sigverify.Policy.from_json(json.dumps({**doc, **near_miss}))
        with pytest.raises(sigverify.VerificationError) as info:
            verifier.verify(bundle, artifact, policy=policy)
        assert info.value.code == "policy-mismatch", near_miss


@pytest.mark.parametrize(
    "data, code, needle",
    [
        ('{"version": 1, "identity": "a"}', "invalid-policy", "$.issuer"),
        ('{"identity": "a", "issuer": "b"}', "invalid-policy", "$.version"),
        ('{"version": 2, "identity": "a", "issuer": "b"}', "invalid-policy", "$.version"),
        ('{"version": 1, "identity": "a", "issuer": "b", "issuer_regexp": ".*"}', "invalid-policy", "$.issuer_regexp"),
        ('{"version": 1, "identity": 5, "issuer": "b"}', "invalid-policy", "$.identity"),
        ('{"version": 1, "key": "nope"}', "invalid-policy", "$.key"),
        ("[]", "invalid-policy", "$"),
        ("{", "invalid-json", "policy"),
        ("[" * 100_000, "limit-exceeded", "depth"),
        (b"\xff\xfe", "invalid-json", "policy"),
    ],
)
def test_invalid_policy_documents(data: str | bytes, code: str, needle: str) -> None:
    with pytest.raises(sigverify.InvalidInput) as info:
        sigverify.Policy.from_json(data)
    assert info.value.code == code, str(info.value)
    assert needle in str(info.value)


@pytest.mark.parametrize("pem", [b"", b"nope", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", b"\xff"])
def test_invalid_keys(pem: str | bytes) -> None:
    with pytest.raises(sigverify.InvalidInput) as info:
        sigverify.Policy.key(pem)
    assert info.value.code in {"invalid-certificate", "invalid-encoding"}, info.value


@pytest.mark.parametrize("value", [None, 5, ["x"]])
def test_documents_of_wrong_type(value: object) -> None:
    for load in (sigverify.Policy.from_json, sigverify.Policy.key, sigverify.TrustedRoot.from_json):
        with pytest.raises(sigverify.InvalidInput) as info:
            load(cast(Any, value))
        assert info.value.code == "invalid-argument"


def test_trusted_roots(vectors: Path) -> None:
    for root, name in [
        (sigverify.TrustedRoot.public_good(), "public-good"),
        (sigverify.TrustedRoot.staging(), "staging"),
        (sigverify.TrustedRoot.github(), "github"),
    ]:
        assert root.name == name
        assert root.certificate_authority_count >= 1
        assert name.replace("-", "_") in repr(root)
    assert sigverify.TrustedRoot.public_good().tlog_count >= 1
    assert sigverify.TrustedRoot.public_good().ctlog_count >= 1
    assert sigverify.TrustedRoot.github().tlog_count == 0
    assert sigverify.TrustedRoot.github().timestamp_authority_count >= 1
    data = (vectors / "intoto-with-custom-trust-root" / "trusted_root.json").read_bytes()
    for form in (data, data.decode(), bytearray(data)):
        root = sigverify.TrustedRoot.from_json(form)
        assert root.name is None
        assert "TrustedRoot" in repr(root)


@pytest.mark.parametrize(
    "data, code",
    [
        (b"{", "invalid-json"),
        (b"[]", "invalid-json"),
        (b"{}", "invalid-trusted-root"),
        (b'{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.9"}', "invalid-trusted-root"),
        (b"[" * 100_000, "limit-exceeded"),
        (b" " * (16 * 1024 * 1024 + 1), "limit-exceeded"),
    ],
)
def test_invalid_trusted_roots(data: bytes, code: str) -> None:
    with pytest.raises(sigverify.InvalidInput) as info:
        sigverify.TrustedRoot.from_json(data)
    assert info.value.code == code
    assert info.value.check in {"trusted-root", "limits"}


def test_verifier_options(policy: sigverify.Policy, bundle: bytes, artifact: bytes) -> None:
    root = sigverify.TrustedRoot.public_good()
    v = sigverify.Verifier(root)
    assert (v.tlog_threshold, v.timestamp_threshold, v.sct_threshold, v.witness_threshold) == (1, 0, 1, None)
    assert "tlog_threshold=1" in repr(v)
    with pytest.raises(sigverify.VerificationError) as info:
        sigverify.Verifier(root, tlog_threshold=2).verify(bundle, artifact, policy=policy)
    assert (info.value.code, info.value.check) == ("transparency-log", "transparency-log")
    with pytest.raises(sigverify.VerificationError) as info:
        sigverify.Verifier(root, timestamp_threshold=1).verify(bundle, artifact, policy=policy)
    assert (info.value.code, info.value.check) == ("timestamp", "timestamp")
    with pytest.raises(sigverify.VerificationError) as info:
        sigverify.Verifier(root, sct_threshold=5).verify(bundle, artifact, policy=policy)
    assert info.value.code == "certificate-transparency"
    assert sigverify.Verifier(root, tlog_threshold=0, sct_threshold=0).verify(bundle, artifact, policy=policy).identity


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tlog_threshold": -1},
        {"sct_threshold": 10_000},
        {"timestamp_threshold": -5},
        {"witness_threshold": 1},
        {"witnesses": ["not a key"]},
        {"witnesses": []},
    ],
)
def test_invalid_verifier_options(kwargs: dict[str, Any]) -> None:
    with pytest.raises(sigverify.InvalidInput):
        sigverify.Verifier(sigverify.TrustedRoot.public_good(), **kwargs)


def test_verifier_argument_types() -> None:
    # A wrong type is sigverify's invalid-argument (the code C and Node give) and a TypeError.
    calls: List[Callable[[], object]] = [
        lambda: sigverify.Verifier(cast(Any, "public-good")),
        lambda: sigverify.Verifier(sigverify.TrustedRoot.public_good(), tlog_threshold=cast(Any, "1")),
        lambda: sigverify.Verifier(sigverify.TrustedRoot.public_good(), tlog_threshold=cast(Any, 1.5)),
        lambda: sigverify.Verifier(sigverify.TrustedRoot.public_good(), witnesses=cast(Any, "key")),
        lambda: sigverify.Policy.identity(cast(Any, None), "https://issuer.example"),
        lambda: sigverify.Policy.identity("a@example.com", cast(Any, 7)),
    ]
    for call in calls:
        with pytest.raises(sigverify.ArgumentTypeError) as info:
            call()
        assert isinstance(info.value, TypeError) and isinstance(info.value, sigverify.InvalidInput)
        assert info.value.code == "invalid-argument" and info.value.check is None
    # Python's own note names the argument.
    with pytest.raises(sigverify.ArgumentTypeError) as info:
        sigverify.Verifier(sigverify.TrustedRoot.public_good(), sct_threshold=cast(Any, "2"))
    if sys.version_info >= (3, 11):  # exception notes are Python 3.11+
        assert any("sct_threshold" in n for n in getattr(info.value, "__notes__", [])), info.value
    # Left out entirely, a required argument is Python's plain TypeError, before sigverify runs.
    with pytest.raises(TypeError) as missing:
        cast(Any, sigverify.Verifier)()
    assert not isinstance(missing.value, sigverify.Error)


def test_objects_are_immutable(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes) -> None:
    r = verifier.verify(bundle, artifact, policy=policy)
    for obj, attr in [(r, "identity"), (verifier, "tlog_threshold"), (r.verified_times[0], "time"), (policy, "x")]:
        with pytest.raises(AttributeError):
            setattr(obj, attr, "changed")
    for cls in (sigverify.Verifier, sigverify.VerificationResult, sigverify.Policy, sigverify.TrustedRoot):
        with pytest.raises(TypeError):
            type("Sub", (cls,), {})
    with pytest.raises(TypeError):
        cast(Any, sigverify.VerificationResult)()


def test_clock_is_the_system_clock(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes) -> None:
    # Verified times are checked against "now": the bundle was signed in the past, so it passes;
    # the conformance case integrated-time-in-future_fail covers the other side.
    r = verifier.verify(bundle, artifact, policy=policy)
    assert r.earliest_time < datetime.datetime.now(datetime.timezone.utc)



def test_path_artifacts(verifier: sigverify.Verifier, policy: sigverify.Policy, vectors: Path, artifact_path: Path, artifact: bytes) -> None:
    """A path artifact is hashed as a stream when one digest suffices for the bundle (DSSE
    statements; message signatures whose key signs SHA-256 digests), else read (a managed key):
    the result is the same as from the bytes."""
    cases = [
        (vectors / "happy-path-intoto-in-dsse-v3" / "bundle.sigstore.json", policy),
        (vectors / "happy-path-v0.3" / "bundle.sigstore.json", policy),
        (vectors / "managed-key-happy-path" / "bundle.sigstore.json", sigverify.Policy.key((vectors / "managed-key-happy-path" / "key.pub").read_bytes())),
    ]
    for bundle_path, p in cases:
        from_bytes = verifier.verify(bundle_path, artifact, policy=p).to_json()
        assert verifier.verify(bundle_path, artifact_path, policy=p).to_json() == from_bytes, bundle_path.parent.name
        with pytest.raises(sigverify.InvalidInput) as info:
            verifier.verify(bundle_path, artifact_path.parent / "missing.txt", policy=p)
        assert info.value.code == "io-error"


# Public witnesses (C2SP cosignature/v1 keys, as published by their operators at
# witness-network.org) that cosigned the checkpoint of the rekor2-dsse-happy-path case.
WITNESSES = [
    "witness.navigli.sunlight.geomys.org+a3e00fe2+BNy/co4C1Hn1p+INwJrfUlgz7W55dSZReusH/GhUhJ/G",
    "witness.stagemole.eu+67f7aea0+BEqSG3yu9YrmcM3BHvQYTxwFj3uSWakQepafafpUqklv",
    "staging.witness.transparency.goog/ring-any-bells+2e1a8dc9+BG5JTpLc3FJtwzgh1Uv+Qelz9qeOH2bfWjS1s0s+y4rL",
]


def _vkey(name: str, key: bytes) -> str:
    """A C2SP verifier key (cosignature/v1, type 0x04) for `key`, with its key id."""
    key_id = hashlib.sha256(name.encode() + b"\n\x04" + key).digest()[:4]
    encoded = base64.b64encode(b"\x04" + key).decode()
    return f"{name}+{key_id.hex()}+{encoded}"


def test_witness_policy(vectors: Path, artifact: bytes, policy: sigverify.Policy) -> None:
    case = vectors / "rekor2-dsse-happy-path"
    root = sigverify.TrustedRoot.from_json((case / "trusted_root.json").read_bytes())
    bundle = case / "bundle.sigstore.json"
    names = [w.split("+")[0] for w in WITNESSES]
    for k in (None, 1, 2, 3):
        v = sigverify.Verifier(root, witnesses=WITNESSES, witness_threshold=k)
        assert v.witness_threshold == (k or 3)
        r = v.verify(bundle, artifact, policy=policy)
        assert [e.cosigned_by for e in r.log_entries] == [names]
    # Without a witness policy, nothing is reported as cosigned.
    r = sigverify.Verifier(root).verify(bundle, artifact, policy=policy)
    assert [e.cosigned_by for e in r.log_entries] == [[]]
    # A witness that did not cosign: the threshold counts only verified cosignatures.
    absent = _vkey("witness.example/absent", bytes(range(32)))
    v = sigverify.Verifier(root, witnesses=[*WITNESSES, absent], witness_threshold=3)
    assert [e.cosigned_by for e in v.verify(bundle, artifact, policy=policy).log_entries] == [names]
    for witnesses, k in [([*WITNESSES, absent], 4), ([absent], None)]:
        with pytest.raises(sigverify.VerificationError) as info:
            sigverify.Verifier(root, witnesses=witnesses, witness_threshold=k).verify(bundle, artifact, policy=policy)
        assert (info.value.code, info.value.check) == ("transparency-log", "transparency-log")
    # A known witness name with another key (its cosignature does not verify with it).
    impostor = _vkey("witness.stagemole.eu", bytes(32))
    with pytest.raises(sigverify.VerificationError):
        sigverify.Verifier(root, witnesses=[impostor]).verify(bundle, artifact, policy=policy)
    # A key id that does not match the key is refused when the verifier is built.
    name, _, key = WITNESSES[0].split("+", 2)
    with pytest.raises(sigverify.InvalidInput):
        sigverify.Verifier(root, witnesses=[f"{name}+{'0' * 8}+{key}"])
    with pytest.raises(sigverify.InvalidInput):
        sigverify.Verifier(root, witnesses=WITNESSES, witness_threshold=4)
