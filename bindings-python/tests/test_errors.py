"""The exception classes: hierarchy, structured reason, pickling."""

from __future__ import annotations

import pickle

import pytest

import sigverify


def test_hierarchy() -> None:
    assert issubclass(sigverify.Error, Exception)
    assert issubclass(sigverify.VerificationError, sigverify.Error)
    assert issubclass(sigverify.VerificationError, ValueError)
    assert issubclass(sigverify.InvalidInput, sigverify.Error)
    assert issubclass(sigverify.InvalidInput, ValueError)
    assert not issubclass(sigverify.InvalidInput, sigverify.VerificationError)
    assert not issubclass(sigverify.VerificationError, sigverify.InvalidInput)
    for cls in (sigverify.Error, sigverify.VerificationError, sigverify.InvalidInput):
        assert cls.__module__ == "sigverify"
        assert cls.__doc__


def test_structured_reason(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes) -> None:
    with pytest.raises(ValueError) as info:  # catchable as a builtin
        verifier.verify(bundle, b"another artifact", policy=policy)
    e = info.value
    assert isinstance(e, sigverify.VerificationError)
    assert e.code == "artifact-mismatch"
    assert e.check == "artifact"
    assert e.message == str(e) == e.args[0]
    assert str(e).startswith("artifact check failed: ")
    assert repr(e).startswith("VerificationError(") and "code='artifact-mismatch'" in repr(e)


def test_pickle_round_trip(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes) -> None:
    try:
        verifier.verify(bundle, b"x", policy=policy)
    except sigverify.Error as e:
        copy = pickle.loads(pickle.dumps(e))
        assert type(copy) is type(e)
        assert (copy.code, copy.check, str(copy)) == (e.code, e.check, str(e))
    else:
        pytest.fail("verified a wrong artifact")


def test_constructible_by_callers() -> None:
    e = sigverify.VerificationError("nope", code="policy-mismatch", check="policy")
    assert (e.code, e.check, str(e)) == ("policy-mismatch", "policy", "nope")
    base = sigverify.Error("x")
    assert (base.code, base.check) == ("error", None)
