"""The conda sample of the shared vectors through ``sigverify.conda.verify`` in every form the
API takes (used by test_ecosystem_api.py and test_conda.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import sigverify
from _vectors import Sample

# What the sample's publisher set up on prefix.dev (its README: trusted publishing from
# prefix-dev / sigstore-example / action.yaml, to the channel sigstore-example).
KNOWN = {
    "conda-signed-package-2.1.0-attestation": {
        "filename": "signed-package-2.1.0-hb0f4dca_0.conda",
        "repository": "prefix-dev/sigstore-example",
        "signer_workflow": "action.yaml",
        "channel": "https://prefix.dev/sigstore-example",
    }
}


def known(sample: Sample) -> dict[str, str]:
    if sample.name not in KNOWN:
        pytest.fail(f"{sample.name}: a conda sample this suite does not know; add it to KNOWN")
    return KNOWN[sample.name]


def sidecar(*bundles: Any) -> bytes:
    return json.dumps(list(bundles)).encode()


def check_conda_sample(sample: Sample, verifier: sigverify.Verifier, tmp_path: Path) -> None:
    k = known(sample)
    filename = k["filename"]
    assert sample.artifact is not None, sample.name
    named = tmp_path / filename
    named.write_bytes(sample.artifact.read_bytes())
    bundle = json.loads(sample.original.read_text())
    sigs_file = tmp_path / f"{filename}.v0.sigs"
    sigs_file.write_bytes(sidecar(bundle, bundle))
    packages: list[dict[str, Any]] = [
        {"digest": sample.digest, "filename": filename},
        {"package": sample.artifact.read_bytes(), "filename": filename},
        {"package": sample.artifact, "filename": filename},  # hashed as a stream
        {"package": named},  # its file name is the package's
    ]
    documents: list[tuple[dict[str, Any], int]] = [
        ({"bundle": sample.original}, 1),
        ({"bundle": sample.original.read_bytes()}, 1),
        ({"bundle": sample.original.read_text()}, 1),
        ({"sigs": sigs_file}, 2),
        ({"sigs": sidecar(bundle)}, 1),
    ]
    signers: list[dict[str, Any]] = [
        {"repository": k["repository"]},
        {"repository": k["repository"], "signer_workflow": k["signer_workflow"], "channel": k["channel"]},
        {"identity": sample.identity, "issuer": sample.issuer, "channel": k["channel"]},
    ]
    for p in packages:
        for d, count in documents:
            for s in signers:
                results = sigverify.conda.verify(verifier, **p, **d, **s)
                assert len(results) == count, (p, d, s)
                for r in results:
                    assert (r.identity, r.issuer) == (sample.identity, sample.issuer)
                    assert r.statement is not None
                    assert r.statement.predicate_type == sample.meta["predicate_type"]
                    [subject] = r.statement.subjects
                    assert subject.name == filename
                    assert subject.digest["sha256"] == sample.digest.partition(":")[2]
