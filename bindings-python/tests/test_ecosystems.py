"""Real signatures as their ecosystems publish them (PyPI PEP 740 and provenance objects, npm
provenance and publish attestations, GitHub attestations from the public-good and GitHub
instances): each verifies with its true signer, by digest and, where the artifact is included,
by bytes and by path; a near-miss identity is refused."""

from __future__ import annotations

import datetime

import pytest

import sigverify
from _vectors import Sample, ecosystem_exceptions, ecosystem_samples, ecosystems_dir, require_present

SAMPLES = ecosystem_samples(excluding="generic")
REFUSED = sorted(ecosystem_exceptions("generic").items())


@pytest.mark.parametrize("name, reason", REFUSED, ids=[n for n, _ in REFUSED])
def test_listed_sample_is_refused_as_a_plain_bundle(name: str, reason: str) -> None:
    """The samples that only their ecosystem's entry point verifies (tests/ecosystem-exceptions.json)
    are refused as plain bundles; one that starts verifying must come off the list."""
    folder = ecosystems_dir() / name
    assert folder.is_dir(), f"exception {name} names no sample"
    sample = Sample(name, folder, {})
    identity, issuer = (folder / "identity").read_text().strip(), (folder / "issuer").read_text().strip()
    key = folder / "public_key.pem"
    verifier = sigverify.Verifier(sigverify.TrustedRoot.github(), tlog_threshold=0, timestamp_threshold=1, sct_threshold=0) if (folder / "trusted_root.json").is_file() else sigverify.Verifier(sigverify.TrustedRoot.public_good())
    with pytest.raises(sigverify.Error):
        policy = sigverify.Policy.key(key.read_bytes()) if key.is_file() else sigverify.Policy.identity(identity, issuer)
        verifier.verify(sample.bundle, digest=sample.digest, policy=policy)


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_sample_verifies(sample: Sample) -> None:
    require_present(sample.name, ecosystems_dir())
    assert sample.meta["expect"] == "pass"
    verifier = sample.verifier()
    policy = sample.policy()
    result = verifier.verify(sample.bundle, digest=sample.digest, policy=policy)
    forms = [result]
    if sample.artifact is not None:
        forms.append(verifier.verify(sample.bundle.read_bytes(), sample.artifact.read_bytes(), policy=policy))
        forms.append(verifier.verify(sample.bundle.read_text(), sample.artifact, policy=policy))
    for r in forms:
        assert r.to_json() == result.to_json()
    assert result.statement is not None, "every sample is an in-toto attestation"
    assert result.statement.predicate_type == sample.meta["predicate_type"]
    alg, _, hexdigest = sample.digest.partition(":")
    assert any(s.digest.get(alg) == hexdigest for s in result.statement.subjects)
    assert result.earliest_time.tzinfo is not None
    assert result.earliest_time < datetime.datetime.now(datetime.timezone.utc)
    if sample.meta.get("root") == "github":
        assert result.log_entries == []
        assert [t.source for t in result.verified_times] == ["rfc3161-timestamp"]
    else:
        assert result.log_entries, sample.name
    if result.signer_type == "certificate":
        assert result.identity == (sample.folder / "identity").read_text().strip()
        assert result.issuer == (sample.folder / "issuer").read_text().strip()


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_sample_near_miss_identity_is_refused(sample: Sample) -> None:
    require_present(sample.name, ecosystems_dir())
    if (sample.folder / "public_key.pem").is_file():
        # Signed with the registry's key: an identity policy cannot be satisfied.
        policy = sigverify.Policy.identity("https://github.com/npm/cli", "https://token.actions.githubusercontent.com")
    else:
        identity = (sample.folder / "identity").read_text().strip()
        issuer = (sample.folder / "issuer").read_text().strip()
        policy = sigverify.Policy.identity(identity + "x", issuer)
    with pytest.raises(sigverify.VerificationError) as info:
        sample.verifier().verify(sample.bundle, digest=sample.digest, policy=policy)
    assert info.value.code == "policy-mismatch"
    assert info.value.check == "policy"


def test_github_root_starts_from_githubs_thresholds() -> None:
    """GitHub's instance has no transparency log and no CT log: a verifier of its embedded root
    starts from GitHub's thresholds (as the CLI's --instance github and C do), and a log
    threshold it can never meet is refused when the verifier is built."""
    v = sigverify.Verifier(sigverify.TrustedRoot.github())
    assert (v.tlog_threshold, v.timestamp_threshold, v.sct_threshold) == (0, 1, 0)
    with pytest.raises(sigverify.InvalidInput) as info:
        sigverify.Verifier(sigverify.TrustedRoot.github(), tlog_threshold=1)
    assert info.value.code == "invalid-options"


def test_github_bundle_against_public_good_is_refused() -> None:
    github = [s for s in SAMPLES if s.meta.get("root") == "github"]
    assert github, "the ecosystem samples have a GitHub-instance attestation"
    sample = github[0]
    verifier = sigverify.Verifier(sigverify.TrustedRoot.public_good())
    with pytest.raises(sigverify.VerificationError):
        verifier.verify(sample.bundle, digest=sample.digest, policy=sample.policy())
