"""sigverify.pylock.verify/record: PEP 751 locks against the real PyPI sdist of
pypi-attestations 0.0.19 and its Integrity API provenance object (the shared vectors), as
tests/pylock.py checks the CLI: a small hand-written lock in uv's format, and a lock written by
uv itself (offline, from a folder holding the sdist). Every verdict: nothing recorded, recorded
by record (every other byte kept), the same publisher, another repository, workflow,
environment and publisher kind (record refuses, the file is unchanged), provenance missing, a
file whose hash does not match the lock, no file present; and the arguments refused."""

from __future__ import annotations

import importlib
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

import sigverify
from _vectors import ecosystems_dir, require_present

CASE = "pypi-attestations-0.0.19-provenance-object"
SDIST = "pypi_attestations-0.0.19.tar.gz"
SHA256 = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"
PUBLISHER = {"kind": "GitHub", "repository": "trailofbits/pypi-attestations", "workflow": "release.yml"}
TABLE = (
    '[[packages.attestation-identities]]\nkind = "GitHub"\n'
    'repository = "trailofbits/pypi-attestations"\nworkflow = "release.yml"\n'
)
HAND_WRITTEN = f"""lock-version = "1.0"
created-by = "uv"
requires-python = ">=3.11"

[[packages]]
name = "pypi-attestations"
version = "0.0.19"
sdist = {{ url = "file:///x/{SDIST}", hashes = {{ sha256 = "{SHA256}" }} }}
"""


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A distribution folder with the sdist and its provenance object."""
    require_present(CASE, ecosystems_dir())
    sample = ecosystems_dir() / CASE
    d = tmp_path_factory.mktemp("dist")
    shutil.copy(sample / "artifact", d / SDIST)
    shutil.copy(sample / f"{SDIST}.provenance", d / f"{SDIST}.provenance")
    return d


def _uv_lock(dist: Path, work: Path) -> str:
    try:
        uv: Any = importlib.import_module("uv")
    except ImportError:
        pytest.skip("uv is not installed (bindings-python/test.sh installs it)")
    (work / "requirements.in").write_text("pypi-attestations==0.0.19\n")
    p = subprocess.run(
        [
            str(uv.find_uv_bin()), "pip", "compile", "--offline", "--no-index", "--find-links", str(dist),
            "--no-deps", "--python-version", "3.11", "requirements.in", "-o", "pylock.toml",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    text = (work / "pylock.toml").read_text()
    assert SDIST in text and SHA256 in text, text
    return text


@pytest.fixture(scope="module", params=["hand-written", "uv"])
def original(request: pytest.FixtureRequest, dist: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A lock that records no publisher."""
    if request.param == "uv":
        return _uv_lock(dist, tmp_path_factory.mktemp("uv"))
    return HAND_WRITTEN


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def _recorded(original: str, dist: Path, tmp_path: Path) -> str:
    p = _write(tmp_path, "to-record.toml", original)
    report = sigverify.pylock.record(p, dist_dir=dist)
    assert report.ok and report.text is not None
    return report.text


def _one(report: sigverify.pylock.LockReport) -> sigverify.pylock.PackageReport:
    [pkg] = report.packages
    assert pkg.name == "pypi-attestations" and pkg.version == "0.0.19"
    return pkg


def _raises(call: Callable[[], object]) -> sigverify.Error:
    with pytest.raises(sigverify.Error) as info:
        call()
    return info.value


def test_not_recorded_record_same_publisher(original: str, dist: Path, tmp_path: Path) -> None:
    lock = _write(tmp_path, "pylock.toml", original)
    report = sigverify.pylock.verify(lock, dist_dir=dist)
    pkg = _one(report)
    assert report.ok and report.text is None and report.unknown_keys == [] and report.lock_version == "1.0"
    assert (pkg.verdict, pkg.failure, pkg.changed_fields) == ("not-recorded", False, [])
    assert isinstance(pkg.detail, str) and pkg.detail
    [f] = pkg.files
    assert (f.file, f.publishers, f.error_code, f.error_message) == (SDIST, [PUBLISHER], None, None)
    # The lock's bytes give the same report.
    assert _one(sigverify.pylock.verify(original.encode(), dist_dir=dist)).verdict == "not-recorded"

    # record: the file rewritten in place, one table added, every other byte kept.
    report = sigverify.pylock.record(lock, dist_dir=dist, verifier=sigverify.Verifier(sigverify.TrustedRoot.public_good()))
    assert report.ok and report.text is not None
    assert lock.read_text() == report.text
    assert report.text.replace(TABLE, "", 1) == original
    assert not list(tmp_path.glob("*.sigverify-tmp"))
    # As bytes: the same text, nothing written.
    assert sigverify.pylock.record(original.encode(), dist_dir=dist).text == report.text

    recorded = report.text
    pkg = _one(sigverify.pylock.verify(lock, dist_dir=dist))
    assert (pkg.verdict, pkg.failure) == ("same-publisher", False)
    again = sigverify.pylock.record(lock, dist_dir=dist)
    assert again.ok and again.text is None and lock.read_text() == recorded


@pytest.mark.parametrize(
    "field, old, new",
    [
        ("repository", 'repository = "trailofbits/pypi-attestations"', 'repository = "evil/pypi-attestations"'),
        ("workflow", 'workflow = "release.yml"', 'workflow = "other.yml"'),
        ("environment", 'kind = "GitHub"', 'environment = "release"\nkind = "GitHub"'),
        ("kind", 'kind = "GitHub"', 'kind = "GitLab"'),
    ],
)
def test_publisher_changed(original: str, dist: Path, tmp_path: Path, field: str, old: str, new: str) -> None:
    recorded = _recorded(original, dist, tmp_path)
    assert old in recorded
    lock = _write(tmp_path, "pylock.toml", recorded.replace(old, new, 1))
    before = lock.read_bytes()
    report = sigverify.pylock.verify(lock, dist_dir=dist)
    pkg = _one(report)
    assert not report.ok
    assert (pkg.verdict, pkg.failure, pkg.changed_fields) == ("publisher-changed", True, [field])
    report = sigverify.pylock.record(lock, dist_dir=dist)
    assert not report.ok and report.text is None
    assert _one(report).verdict == "publisher-changed"
    assert lock.read_bytes() == before


def test_provenance_missing(original: str, dist: Path, tmp_path: Path) -> None:
    recorded = _write(tmp_path, "recorded.toml", _recorded(original, dist, tmp_path))
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(dist / SDIST, bare / SDIST)
    report = sigverify.pylock.verify(recorded, dist_dir=bare)
    pkg = _one(report)
    assert not report.ok and (pkg.verdict, pkg.failure) == ("provenance-missing", True)
    assert [(f.file, f.publishers, f.error_code) for f in pkg.files] == [(SDIST, None, None)]
    # Nothing recorded and no provenance: nothing to compare.
    lock = _write(tmp_path, "pylock.toml", original)
    assert _one(sigverify.pylock.verify(lock, dist_dir=bare)).verdict == "not-recorded"
    # The provenance in its own folder.
    pkg = _one(sigverify.pylock.verify(recorded, dist_dir=bare, provenance_dir=dist))
    assert pkg.verdict == "same-publisher"


def test_hash_mismatch(original: str, dist: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    data = bytearray((dist / SDIST).read_bytes())
    data[-1] ^= 1
    (tampered / SDIST).write_bytes(bytes(data))
    shutil.copy(dist / f"{SDIST}.provenance", tampered / f"{SDIST}.provenance")
    lock = _write(tmp_path, "pylock.toml", original)
    for call in (sigverify.pylock.verify, sigverify.pylock.record):
        report = call(lock, dist_dir=tampered)
        pkg = _one(report)
        assert not report.ok and report.text is None
        assert (pkg.verdict, pkg.failure) == ("failed", True)
        [f] = pkg.files
        assert f.error_code == "artifact-mismatch" and f.error_message and f.publishers is None
        assert "artifact-mismatch" in pkg.detail
    assert lock.read_text() == original


def test_absent(original: str, dist: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    lock = _write(tmp_path, "pylock.toml", original)
    report = sigverify.pylock.verify(lock, dist_dir=empty)
    pkg = _one(report)
    assert report.ok and (pkg.verdict, pkg.failure, pkg.files) == ("absent", False, [])
    report = sigverify.pylock.record(lock, dist_dir=empty)
    assert report.ok and report.text is None and lock.read_text() == original


def test_arguments_refused(dist: Path, tmp_path: Path) -> None:
    lock = _write(tmp_path, "pylock.toml", HAND_WRITTEN)
    for call in (sigverify.pylock.verify, sigverify.pylock.record):
        e = _raises(lambda: call(lock))
        assert isinstance(e, sigverify.InvalidInput) and e.code == "invalid-argument", e
        assert "dist_dir" in str(e)
        e = _raises(lambda: call(str(lock), dist_dir=dist))  # type: ignore[arg-type]
        assert isinstance(e, sigverify.InvalidInput) and e.code == "invalid-argument", e
        e = _raises(lambda: call(lock, dist_dir=tmp_path / "missing"))
        assert isinstance(e, sigverify.InvalidInput) and e.code == "io-error", e
        e = _raises(lambda: call(tmp_path / "missing.toml", dist_dir=dist))
        assert isinstance(e, sigverify.InvalidInput) and e.code == "io-error", e


def test_truncated_lock(original: str, dist: Path, tmp_path: Path) -> None:
    broken = original[: len(original) // 2] + "\n[[["
    lock = _write(tmp_path, "broken.toml", broken)
    for call in (sigverify.pylock.verify, sigverify.pylock.record):
        for given in (lock, broken.encode()):
            e = _raises(lambda: call(given, dist_dir=dist))
            assert isinstance(e, sigverify.InvalidInput), e
            assert e.code != "internal-error", e
    assert lock.read_text() == broken
