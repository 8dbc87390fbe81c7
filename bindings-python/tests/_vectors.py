"""The shared test vectors: sigstore-conformance cases and real ecosystem samples.

They live outside the repository (``<repo>/../shared/vectors``), and are never copied into it.
``$SIGVERIFY_CONFORMANCE_DIR`` and ``$SIGVERIFY_ECOSYSTEMS_DIR`` override the locations. When a
folder is missing, the tests that need it FAIL (they are never skipped): a suite that did not run
must never look like one that passed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

import sigverify

REPO = Path(__file__).resolve().parents[2]
"""The sigverify repository (bindings-python/tests/ is two levels below it)."""

DEFAULT_IDENTITY = (
    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
    ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
)
DEFAULT_ISSUER = "https://token.actions.githubusercontent.com"


def conformance_dir() -> Path:
    env = os.environ.get("SIGVERIFY_CONFORMANCE_DIR")
    return Path(env) if env else REPO.parent / "shared" / "vectors" / "conformance"


def ecosystems_dir() -> Path:
    env = os.environ.get("SIGVERIFY_ECOSYSTEMS_DIR")
    return Path(env) if env else conformance_dir().parent / "ecosystems"


def _read(p: Path) -> Optional[str]:
    return p.read_text().strip() if p.is_file() else None


@dataclass(frozen=True)
class Case:
    """One sigstore-conformance case, as its SOURCE.md describes it."""

    name: str
    must_fail: bool
    bundle: Path
    artifact: Path
    identity: str
    issuer: str
    key: Optional[Path]
    trusted_root: Optional[Path]

    def root(self) -> sigverify.TrustedRoot:
        if self.trusted_root is None:
            return sigverify.TrustedRoot.public_good()
        return sigverify.TrustedRoot.from_json(self.trusted_root.read_bytes())

    def policy(self) -> sigverify.Policy:
        if self.key is not None:
            return sigverify.Policy.key(self.key.read_bytes())
        return sigverify.Policy.identity(self.identity, self.issuer)

    def digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.artifact.read_bytes()).hexdigest()


MISSING = "VECTORS-MISSING"
"""The name of the one placeholder case given when a vector folder is missing; its test fails."""


def conformance_cases() -> list[Case]:
    d = conformance_dir()
    if not d.is_dir():
        return [Case(MISSING, False, d, d, "", "", None, None)]
    cases = []
    for p in sorted(d.iterdir()):
        if not (p / "bundle.sigstore.json").is_file():
            continue
        own = p / "artifact"
        cases.append(
            Case(
                name=p.name,
                must_fail=p.name.endswith("_fail"),
                bundle=p / "bundle.sigstore.json",
                artifact=own if own.is_file() else d / "a.txt",
                identity=_read(p / "identity") or DEFAULT_IDENTITY,
                issuer=_read(p / "issuer") or DEFAULT_ISSUER,
                key=p / "key.pub" if (p / "key.pub").is_file() else None,
                trusted_root=p / "trusted_root.json" if (p / "trusted_root.json").is_file() else None,
            )
        )
    if not cases:
        return [Case(MISSING, False, d, d, "", "", None, None)]
    return cases


def require_present(case_name: str, folder: Path) -> None:
    """Fails the calling test, loudly, for the placeholder of a missing folder."""
    if case_name == MISSING:
        pytest.fail(
            f"TEST VECTORS MISSING: no cases in {folder}. Put the shared vectors beside the "
            "repository (../shared/vectors) or set SIGVERIFY_CONFORMANCE_DIR / "
            "SIGVERIFY_ECOSYSTEMS_DIR. These tests never skip.",
            pytrace=False,
        )


def conformance_exceptions() -> dict[str, str]:
    """The project's list of known exceptions (``tests/conformance-exceptions.json``), shared with
    the Rust suite: case name -> reason."""
    data = json.loads((REPO / "tests" / "conformance-exceptions.json").read_text())
    exceptions: dict[str, str] = data["exceptions"]
    for name, reason in exceptions.items():
        assert str(reason).strip(), f"exception {name} has no reason"
    return exceptions


@dataclass(frozen=True)
class Sample:
    """One real ecosystem sample (see SOURCE.md of the ecosystems folder)."""

    name: str
    folder: Path
    meta: dict[str, object]

    @property
    def bundle(self) -> Path:
        return self.folder / "bundle.json"

    @property
    def digest(self) -> str:
        return (self.folder / "digest").read_text().strip()

    @property
    def artifact(self) -> Optional[Path]:
        p = self.folder / "artifact"
        return p if p.is_file() else None

    @property
    def original(self) -> Path:
        """The ecosystem's own object (PEP 740 attestation, provenance object, npm response,
        GitHub JSON lines or bundle), named as in its source repository."""
        source_path = self.meta["source_path"]
        assert isinstance(source_path, str), self.name
        p = self.folder / Path(source_path).name
        assert p.is_file(), f"{self.name}: {p.name} is missing"
        return p

    @property
    def identity(self) -> str:
        return (self.folder / "identity").read_text().strip()

    @property
    def issuer(self) -> str:
        return (self.folder / "issuer").read_text().strip()

    def policy(self) -> sigverify.Policy:
        key = self.folder / "public_key.pem"
        if key.is_file():
            return sigverify.Policy.key(key.read_bytes())
        identity = _read(self.folder / "identity")
        issuer = _read(self.folder / "issuer")
        assert identity and issuer, self.name
        return sigverify.Policy.identity(identity, issuer)

    def verifier(self) -> sigverify.Verifier:
        if self.meta.get("root") == "github":
            root = sigverify.TrustedRoot.github()
            return sigverify.Verifier(root, tlog_threshold=0, timestamp_threshold=1, sct_threshold=0)
        return sigverify.Verifier(sigverify.TrustedRoot.public_good())


def ecosystem_exceptions(kind: str) -> dict[str, str]:
    """The samples a suite cannot verify yet (``tests/ecosystem-exceptions.json``, shared with the
    Rust and Node suites): ``kind`` ``"generic"`` (the plain-bundle path must refuse them) or
    ``"adapter"`` (no ecosystem adapter reads them yet); name -> reason."""
    data = json.loads((REPO / "tests" / "ecosystem-exceptions.json").read_text())
    exceptions: dict[str, str] = data[kind]
    for name, reason in exceptions.items():
        assert str(reason).strip(), f"exception {name} has no reason"
    return exceptions


def ecosystem_samples(excluding: Optional[str] = None) -> list[Sample]:
    """Every sample, or every sample but the exceptions of kind ``excluding``."""
    d = ecosystems_dir()
    skip = ecosystem_exceptions(excluding) if excluding else {}
    samples = [
        Sample(p.name, p, json.loads((p / "meta.json").read_text()))
        for p in sorted(d.iterdir() if d.is_dir() else [])
        if (p / "bundle.json").is_file() and (p / "meta.json").is_file() and p.name not in skip
    ]
    return samples or [Sample(MISSING, d, {})]
