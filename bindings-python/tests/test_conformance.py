"""Every sigstore-conformance case through the Python API, in both forms (artifact bytes and
``sha256:`` digest), as the Rust suite runs them, with the same exceptions file."""

from __future__ import annotations

import pytest

import sigverify
from _vectors import Case, conformance_cases, conformance_dir, conformance_exceptions, require_present

CASES = conformance_cases()
EXCEPTIONS = conformance_exceptions()


def _outcome(case: Case, form: str) -> sigverify.VerificationResult | sigverify.Error:
    try:
        verifier = sigverify.Verifier(case.root())
        policy = case.policy()
        if form == "bytes":
            return verifier.verify(case.bundle.read_bytes(), case.artifact.read_bytes(), policy=policy)
        return verifier.verify(case.bundle, digest=case.digest(), policy=policy)
    except sigverify.Error as e:
        return e


@pytest.mark.parametrize("form", ["bytes", "digest"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, form: str) -> None:
    require_present(case.name, conformance_dir())
    outcome = _outcome(case, form)
    as_expected = isinstance(outcome, sigverify.Error) == case.must_fail
    if case.name in EXCEPTIONS:
        assert not as_expected, (
            f"{case.name} is listed in tests/conformance-exceptions.json "
            f"({EXCEPTIONS[case.name]}) but now behaves as expected: remove the exception"
        )
        return
    if case.must_fail:
        assert isinstance(outcome, sigverify.Error), f"{case.name} [{form}]: verified, must be rejected"
        # Rejections are classified, never a bare Error (that is for internal errors only).
        assert isinstance(outcome, (sigverify.VerificationError, sigverify.InvalidInput)), repr(outcome)
        assert outcome.code != "internal-error"
    else:
        assert isinstance(outcome, sigverify.VerificationResult), f"{case.name} [{form}]: {outcome!r}"


def test_exceptions_name_cases() -> None:
    names = {c.name for c in CASES}
    for name in EXCEPTIONS:
        assert name in names, f"exception {name} names no case"


# Rejections happen for the reason the case is about (code and check), not by accident.
EXPECTED_REJECTIONS = {
    "bundle-malformed-json_fail": (sigverify.InvalidInput, "invalid-json", "bundle-format"),
    "bundle-unknown-version_fail": (sigverify.InvalidInput, "unsupported-media-type", "bundle-format"),
    "bundle-invalid-base64-signature_fail": (sigverify.VerificationError, "invalid-encoding", "bundle-format"),
    "set-invalid-signature_fail": (sigverify.VerificationError, "signature-invalid", "transparency-log"),
    "invalid-checkpoint-signature_fail": (sigverify.VerificationError, "signature-invalid", "transparency-log"),
    "signature-mismatch_fail": (sigverify.VerificationError, "signature-invalid", "signature"),
    "dsse-invalid-sig_fail": (sigverify.VerificationError, "signature-invalid", "signature"),
    "wrong-material_fail": (sigverify.VerificationError, "artifact-mismatch", "artifact"),
    "intoto-expired-certificate_fail": (sigverify.VerificationError, "time-outside-validity", "certificate"),
    "invalid-ct-key_fail": (sigverify.VerificationError, "certificate-transparency", "certificate-transparency"),
    "managed-key-no-key_fail": (sigverify.VerificationError, "policy-mismatch", "policy"),
    "rekor2-no-timestamp_fail": (sigverify.VerificationError, "verified-time", "verified-time"),
    "trust-root-tlog-missing-validity-start_fail": (sigverify.InvalidInput, "invalid-trusted-root", "trusted-root"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_REJECTIONS))
def test_rejection_names_its_check(name: str) -> None:
    cases = {c.name: c for c in CASES}
    require_present(next(iter(cases)), conformance_dir())
    assert name in cases, f"conformance case {name} is missing"
    cls, code, check = EXPECTED_REJECTIONS[name]
    for form in ("bytes", "digest"):
        outcome = _outcome(cases[name], form)
        assert isinstance(outcome, cls), f"{name} [{form}]: {outcome!r}"
        assert (outcome.code, outcome.check) == (code, check), f"{name} [{form}]: {outcome!r}"
        assert str(outcome).startswith(f"{check} check failed: "), str(outcome)


def test_verify_many_agrees_with_verify() -> None:
    """All cases that share the public-good root, in one parallel call, give the same verdicts
    and codes as one verify() each."""
    cases = [c for c in CASES if c.trusted_root is None and c.key is None]
    assert cases
    require_present(cases[0].name, conformance_dir())
    verifier = sigverify.Verifier(sigverify.TrustedRoot.public_good())
    items = [(c.bundle, c.artifact.read_bytes(), c.policy()) for c in cases]
    results = verifier.verify_many(items, jobs=2)
    assert len(results) == len(cases)
    for case, got in zip(cases, results):
        single = _outcome(case, "bytes")
        assert type(got) is type(single), case.name
        if isinstance(got, sigverify.Error):
            assert isinstance(single, sigverify.Error)
            assert (got.code, got.check, str(got)) == (single.code, single.check, str(single))
