"""sigverify.tuf: offline TUF updates from the shared public-good mirror (``tuf/public-good``).

The mirror's timestamp expires on 2026-08-28: the tests fix ``now`` on either side of it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict

import pytest

import sigverify
from _vectors import conformance_dir

BEFORE = datetime(2026, 8, 1, tzinfo=timezone.utc)
AFTER = datetime(2026, 9, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The public-good mirror; the test FAILS (never skips) when it is missing."""
    d = conformance_dir().parent / "tuf" / "public-good"
    if not (d / "metadata" / "root_history" / "1.root.json").is_file():
        pytest.fail(f"TEST VECTORS MISSING: {d} has no TUF mirror.", pytrace=False)
    return d


@pytest.fixture(scope="session")
def root1(mirror: Path) -> bytes:
    return (mirror / "metadata" / "root_history" / "1.root.json").read_bytes()


def files(folder: Path) -> Dict[str, bytes]:
    """A folder as a mapping of relative name to bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_update_from_folders(
    mirror: Path,
    root1: bytes,
    bundle_path: Path,
    artifact_path: Path,
    policy: sigverify.Policy,
) -> None:
    u = sigverify.tuf.update(
        metadata=mirror / "metadata", targets=mirror / "targets", root=root1, now=BEFORE
    )
    assert isinstance(u, sigverify.tuf.TufUpdate)
    assert u.root_version == 15
    assert u.expired == [] and u.expired_for_seconds is None
    assert json.loads(u.root_json)["signed"]["version"] == 15
    assert u.trusted_root_json == (mirror / "targets" / "trusted_root.json").read_bytes()
    assert u.npm_keys_json == (mirror / "targets" / "registry.npmjs.org" / "keys.json").read_bytes()
    assert u.npm_keys_json is not None
    sigverify.npm.RegistryKeys.from_json(u.npm_keys_json)
    state = json.loads(u.state)
    assert state["root_version"] == 15 and state["timestamp_version"] == 762
    assert state["snapshot_version"] == 165 and state["targets_versions"]["targets.json"] == 14
    assert u.trusted_root.tlog_count > 0
    result = sigverify.Verifier(u.trusted_root).verify(bundle_path, artifact_path, policy=policy)
    assert result.identity

    # The next update starts from the returned root and state: nothing new, same result.
    again = sigverify.tuf.update(
        metadata=mirror / "metadata",
        targets=mirror / "targets",
        root=u.root_json,
        state=u.state,
        now=BEFORE,
    )
    assert again.state == u.state and again.trusted_root_json == u.trusted_root_json


def test_update_from_mappings(mirror: Path, root1: bytes) -> None:
    u = sigverify.tuf.update(
        metadata=files(mirror / "metadata"), targets=files(mirror / "targets"), root=root1, now=BEFORE
    )
    assert u.root_version == 15


def test_embedded_root(mirror: Path) -> None:
    u = sigverify.tuf.update(metadata=mirror / "metadata", targets=mirror / "targets", now=BEFORE)
    assert u.root_version == 15


def test_expired_refused(mirror: Path, root1: bytes) -> None:
    with pytest.raises(sigverify.VerificationError) as e:
        sigverify.tuf.update(
            metadata=mirror / "metadata", targets=mirror / "targets", root=root1, now=AFTER
        )
    assert e.value.code == "time-outside-validity"
    assert e.value.check == "trusted-root"
    assert "timestamp" in e.value.message


def test_expired_accepted_unsafe(mirror: Path, root1: bytes) -> None:
    u = sigverify.tuf.update(
        metadata=mirror / "metadata",
        targets=mirror / "targets",
        root=root1,
        now=AFTER,
        accept_expired_metadata_unsafe=True,
    )
    assert u.expired
    roles = {role for role, _, _, _ in u.expired}
    assert "timestamp" in roles
    for role, version, expires, age in u.expired:
        assert isinstance(version, int) and version > 0
        assert expires.tzinfo is not None and expires < AFTER
        assert age == int((AFTER - expires).total_seconds())
    assert u.expired_for_seconds == max(age for _, _, _, age in u.expired)
    timestamp = [x for x in u.expired if x[0] == "timestamp"][0]
    assert timestamp[1] == 762
    assert timestamp[2] == datetime(2026, 8, 28, 19, 25, 56, tzinfo=timezone.utc)


def test_tampered_timestamp_refused(mirror: Path, root1: bytes) -> None:
    metadata = files(mirror / "metadata")
    doc = json.loads(metadata["timestamp.json"])
    sig = doc["signatures"][0]["sig"]
    i = len(sig) // 2
    doc["signatures"][0]["sig"] = sig[:i] + ("0" if sig[i] != "0" else "1") + sig[i + 1 :]
    metadata["timestamp.json"] = json.dumps(doc).encode()
    with pytest.raises(sigverify.VerificationError) as e:
        sigverify.tuf.update(metadata=metadata, targets=mirror / "targets", root=root1, now=BEFORE)
    assert e.value.code == "signature-invalid"
    assert e.value.check == "trusted-root"


def test_rollback_refused(mirror: Path, root1: bytes) -> None:
    u = sigverify.tuf.update(
        metadata=mirror / "metadata", targets=mirror / "targets", root=root1, now=BEFORE
    )
    state = json.loads(u.state)
    state["timestamp_version"] += 1
    newer = json.dumps(state, sort_keys=True, separators=(",", ":")).encode()
    with pytest.raises(sigverify.VerificationError) as e:
        sigverify.tuf.update(
            metadata=mirror / "metadata",
            targets=mirror / "targets",
            root=u.root_json,
            state=newer,
            now=BEFORE,
        )
    assert e.value.code == "tuf"
    assert "timestamp" in e.value.message


def test_missing_file(mirror: Path, root1: bytes) -> None:
    targets = files(mirror / "targets")
    del targets["trusted_root.json"]
    with pytest.raises(sigverify.VerificationError) as e:
        sigverify.tuf.update(metadata=mirror / "metadata", targets=targets, root=root1, now=BEFORE)
    assert e.value.code == "tuf"


def test_names_never_leave_the_folder(mirror: Path, root1: bytes, tmp_path: Path) -> None:
    # A mapping key with ".." is never looked up (the repository's names never have one).
    metadata = files(mirror / "metadata")
    metadata["../timestamp.json"] = metadata.pop("timestamp.json")
    with pytest.raises(sigverify.VerificationError) as e:
        sigverify.tuf.update(metadata=metadata, targets=mirror / "targets", root=root1, now=BEFORE)
    assert e.value.code == "tuf"


def test_bad_arguments(mirror: Path, root1: bytes) -> None:
    m, t = mirror / "metadata", mirror / "targets"
    with pytest.raises(sigverify.InvalidInput) as e:
        sigverify.tuf.update(metadata=m, targets=t, now=datetime(2026, 8, 1))  # naive
    assert e.value.code == "invalid-argument"
    with pytest.raises(sigverify.InvalidInput) as e:
        sigverify.tuf.update(metadata=m, targets=t, root=root1, instance="staging")
    assert e.value.code == "invalid-argument"
    with pytest.raises(sigverify.InvalidInput) as e:
        sigverify.tuf.update(metadata=str(m), targets=t)  # type: ignore[arg-type]
    assert e.value.code == "invalid-argument"
    with pytest.raises(sigverify.InvalidInput) as e:
        sigverify.tuf.update(metadata=m, targets=t, state=b"{}", now=BEFORE)
    assert e.value.code == "invalid-trusted-root"
    with pytest.raises(sigverify.InvalidInput) as e:
        sigverify.tuf.update(metadata=m, targets=t, root=b"not json", now=BEFORE)
    assert e.value.code == "invalid-trusted-root"
    # Another time zone is the same instant.
    east = BEFORE.astimezone(timezone(timedelta(hours=5)))
    assert sigverify.tuf.update(metadata=m, targets=t, now=east).root_version == 15


def test_staging_root_refuses_public_good(mirror: Path) -> None:
    with pytest.raises(sigverify.VerificationError) as e:
        sigverify.tuf.update(
            metadata=mirror / "metadata", targets=mirror / "targets", instance="staging", now=BEFORE
        )
    assert e.value.code == "signature-invalid"
