from __future__ import annotations

from pathlib import Path

import pytest

import sigverify
from _vectors import DEFAULT_IDENTITY, DEFAULT_ISSUER, conformance_dir


@pytest.fixture(scope="session")
def vectors() -> Path:
    """The conformance folder; the test FAILS (never skips) when it is missing."""
    d = conformance_dir()
    if not (d / "happy-path-v0.3" / "bundle.sigstore.json").is_file():
        pytest.fail(
            f"TEST VECTORS MISSING: {d} has no conformance cases. Put the shared vectors beside "
            "the repository (../shared/vectors) or set SIGVERIFY_CONFORMANCE_DIR.",
            pytrace=False,
        )
    return d


@pytest.fixture(scope="session")
def verifier() -> sigverify.Verifier:
    return sigverify.Verifier(sigverify.TrustedRoot.public_good())


@pytest.fixture(scope="session")
def policy() -> sigverify.Policy:
    return sigverify.Policy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)


@pytest.fixture(scope="session")
def bundle_path(vectors: Path) -> Path:
    """A v0.3 message-signature bundle for a.txt, from the public-good instance."""
    return vectors / "happy-path-v0.3" / "bundle.sigstore.json"


@pytest.fixture(scope="session")
def bundle(bundle_path: Path) -> bytes:
    return bundle_path.read_bytes()


@pytest.fixture(scope="session")
def artifact_path(vectors: Path) -> Path:
    return vectors / "a.txt"


@pytest.fixture(scope="session")
def artifact(artifact_path: Path) -> bytes:
    return artifact_path.read_bytes()


@pytest.fixture(scope="session")
def dsse_bundle(vectors: Path) -> bytes:
    """A v0.3 DSSE (in-toto) bundle whose subject is a.txt."""
    return (vectors / "happy-path-intoto-in-dsse-v3" / "bundle.sigstore.json").read_bytes()
