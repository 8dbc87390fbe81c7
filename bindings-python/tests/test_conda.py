"""sigverify.conda.verify: the real sample of the shared vectors in every form (package bytes,
path, digest and file name; bundle or .v0.sigs sidecar; repository or identity), a near miss of
each check (another file, digest, channel, repository, workflow, a sidecar where one bundle
fails), and missing or conflicting arguments with the codes C and Node give."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

import sigverify
from _conda import check_conda_sample, known, sidecar
from _vectors import Sample, ecosystem_samples, ecosystems_dir, require_present

CONDA = [s for s in ecosystem_samples() if s.meta.get("ecosystem") == "conda"]


@pytest.fixture(scope="module")
def verifier() -> sigverify.Verifier:
    return sigverify.Verifier(sigverify.TrustedRoot.public_good())


@pytest.fixture(scope="module")
def sample() -> Sample:
    require_present(CASE, ecosystems_dir())
    [s] = [s for s in CONDA if s.name == CASE]
    return s


CASE = "conda-signed-package-2.1.0-attestation"


def _code(call: Callable[[], object]) -> tuple[str, Optional[str], type]:
    try:
        call()
    except sigverify.Error as e:
        return e.code, e.check, type(e)
    pytest.fail("expected an exception")


def _tampered(bundle: dict[str, Any]) -> dict[str, Any]:
    bad = copy.deepcopy(bundle)
    sig = bad["dsseEnvelope"]["signatures"][0]["sig"]
    bad["dsseEnvelope"]["signatures"][0]["sig"] = sig[:20] + ("B" if sig[20] == "A" else "A") + sig[21:]
    return bad


def test_the_sample_in_every_form(sample: Sample, verifier: sigverify.Verifier, tmp_path: Path) -> None:
    check_conda_sample(sample, verifier, tmp_path)


def test_near_misses(sample: Sample, verifier: sigverify.Verifier) -> None:
    k = known(sample)
    good: dict[str, Any] = {
        "digest": sample.digest,
        "filename": k["filename"],
        "bundle": sample.original,
        "repository": k["repository"],
        "signer_workflow": k["signer_workflow"],
        "channel": k["channel"],
    }
    assert len(sigverify.conda.verify(verifier, **good)) == 1
    flipped = sample.digest[:7] + ("1" if sample.digest[7] == "0" else "0") + sample.digest[8:]
    bundle = json.loads(sample.original.read_text())
    misses: list[tuple[dict[str, Any], str, str]] = [
        ({"filename": "signed-package-2.1.1-hb0f4dca_0.conda"}, "artifact-mismatch", "artifact"),
        ({"digest": flipped}, "artifact-mismatch", "artifact"),
        ({"channel": "https://prefix.dev/conda-forge"}, "policy-mismatch", "policy"),
        ({"repository": "prefix-dev/other"}, "policy-mismatch", "policy"),
        ({"signer_workflow": "release.yml"}, "policy-mismatch", "policy"),
        ({"bundle": None, "sigs": sidecar(bundle, _tampered(bundle))}, "signature-invalid", "signature"),
        ({"bundle": None, "sigs": sidecar(_tampered(bundle), bundle)}, "signature-invalid", "signature"),
    ]
    for change, code, check in misses:
        got = _code(lambda: sigverify.conda.verify(verifier, **{**good, **change}))
        assert got == (code, check, sigverify.VerificationError), change


def test_arguments(sample: Sample, verifier: sigverify.Verifier) -> None:
    k = known(sample)
    good: dict[str, Any] = {
        "digest": sample.digest,
        "filename": k["filename"],
        "bundle": sample.original,
        "repository": k["repository"],
    }
    arg = "invalid-argument"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"digest": None}, arg),
        ({"package": b"x"}, arg),
        ({"filename": None}, arg),
        ({"filename": ""}, arg),
        ({"bundle": None}, arg),
        ({"sigs": b"[]"}, arg),
        ({"repository": None}, arg),
        ({"identity": sample.identity, "issuer": sample.issuer}, arg),
        ({"repository": None, "signer_workflow": "a.yml", "identity": sample.identity, "issuer": sample.issuer}, arg),
        ({"repository": None, "identity": sample.identity}, arg),
        ({"repository": 7}, arg),
        ({"channel": 7}, arg),
        ({"bundle": 7}, arg),
        ({"package": "x.conda", "digest": None}, arg),
        ({"filename": "signed-package.whl"}, "invalid-artifact"),
        ({"digest": "sha512:" + "ab" * 64}, "invalid-artifact"),
        ({"repository": ""}, "invalid-policy"),
        ({"channel": "prefix.dev/sigstore-example"}, "invalid-policy"),
        ({"bundle": b"[{}]"}, "invalid-json"),
        ({"bundle": None, "sigs": b"{}"}, "invalid-json"),
        ({"bundle": Path("/nonexistent/x.json")}, "io-error"),
    ]
    for change, code in cases:
        got = _code(lambda: sigverify.conda.verify(verifier, **{**good, **change}))
        assert got[0] == code and got[2] is sigverify.InvalidInput, (change, got)
