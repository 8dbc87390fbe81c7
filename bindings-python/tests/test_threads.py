"""One verifier shared by many threads; verify_many's order and per-item errors; the GIL is
released while Rust verifies."""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterator, cast

import pytest

import sigverify
from _vectors import DEFAULT_IDENTITY, ecosystem_samples

Call = Callable[[], "sigverify.VerificationResult"]


def _tasks(verifier: sigverify.Verifier, policy: sigverify.Policy, vectors: Path, bundle: bytes, dsse_bundle: bytes, artifact: bytes) -> list[tuple[Call, str | None]]:
    """(call, expected error code or None for success)."""
    digest = "sha256:" + hashlib.sha256(artifact).hexdigest()
    key_case = vectors / "managed-key-happy-path"
    key_policy = sigverify.Policy.key((key_case / "key.pub").read_bytes())
    wrong = sigverify.Policy.identity(DEFAULT_IDENTITY + "x", "https://token.actions.githubusercontent.com")
    return [
        (lambda: verifier.verify(bundle, artifact, policy=policy), None),
        (lambda: verifier.verify(bundle, digest=digest, policy=policy), None),
        (lambda: verifier.verify(dsse_bundle, artifact, policy=policy), None),
        (lambda: verifier.verify(key_case / "bundle.sigstore.json", artifact, policy=key_policy), None),
        (lambda: verifier.verify(bundle, artifact + b"!", policy=policy), "artifact-mismatch"),
        (lambda: verifier.verify(bundle, artifact, policy=wrong), "policy-mismatch"),
        (lambda: verifier.verify(bundle[:-20], artifact, policy=policy), "invalid-json"),
        (lambda: verifier.verify(vectors / "signature-mismatch_fail" / "bundle.sigstore.json", artifact, policy=policy), "signature-invalid"),
    ]


def _run(call: Call) -> str | None:
    try:
        call()
        return None
    except sigverify.Error as e:
        return e.code


def test_threads_share_one_verifier(verifier: sigverify.Verifier, policy: sigverify.Policy, vectors: Path, bundle: bytes, dsse_bundle: bytes, artifact: bytes) -> None:
    tasks = _tasks(verifier, policy, vectors, bundle, dsse_bundle, artifact) * 60
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda t: _run(t[0]), tasks))
    assert codes == [expected for _, expected in tasks]


def test_results_are_equal_across_threads(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes) -> None:
    expected = verifier.verify(bundle, artifact, policy=policy).to_json()
    with ThreadPoolExecutor(max_workers=4) as pool:
        docs = list(pool.map(lambda _: verifier.verify(bundle, artifact, policy=policy).to_json(), range(200)))
    assert set(docs) == {expected}


def _assert_gil_released(call: Callable[[], object]) -> None:
    """While one thread is inside `call` (hashing a large artifact, which raises an
    artifact-mismatch), the main thread keeps running Python code. With the GIL held it could
    not run at all inside that window."""
    window: dict[str, float] = {}

    def worker() -> None:
        window["start"] = time.perf_counter()
        try:
            call()
        except sigverify.VerificationError as e:
            assert e.code == "artifact-mismatch"  # the hashing is what takes the time
        window["end"] = time.perf_counter()

    old = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        t = threading.Thread(target=worker)
        ticks: list[float] = []
        t.start()
        while t.is_alive():
            ticks.append(time.perf_counter())
        t.join()
    finally:
        sys.setswitchinterval(old)
    start, end = window["start"], window["end"]
    assert end - start > 0.02, "the verification was too quick to observe"
    inside = [x for x in ticks if start + 0.005 < x < end - 0.005]
    assert len(inside) > 100, f"the main thread ran {len(inside)} times in {end - start:.3f}s of verification"


def _sparse(path: Path, size: int) -> Path:
    """A file of `size` zero bytes that takes no disk space."""
    with open(path, "wb") as f:
        f.truncate(size)
    return path


@pytest.mark.parametrize("form", ["bytes", "path"])
def test_gil_is_released_during_verification(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, dsse_bundle: bytes, tmp_path: Path, form: str) -> None:
    """256 MiB, as bytes (hashed in memory) or as a file: a path is hashed as a stream, for a
    message signature as for a DSSE statement, with the GIL released throughout."""
    if form == "bytes":
        artifact = bytes(256 * 1024 * 1024)
        _assert_gil_released(lambda: verifier.verify(bundle, artifact, policy=policy))
    else:
        big = _sparse(tmp_path / "big.bin", 256 * 1024 * 1024)
        _assert_gil_released(lambda: verifier.verify(bundle, big, policy=policy))
        _assert_gil_released(lambda: verifier.verify(dsse_bundle, big, policy=policy))


def test_gil_is_released_while_ecosystem_artifacts_are_hashed(verifier: sigverify.Verifier, tmp_path: Path) -> None:
    """The ecosystem functions hash a path (sha512 for npm, sha256 for PyPI) without the GIL."""
    samples = {s.meta.get("format"): s for s in ecosystem_samples()}
    big = _sparse(tmp_path / "sigverify-0.0.0.tar.gz", 256 * 1024 * 1024)
    npm = samples.get("npm-attestations")
    prov = samples.get("pypi-provenance")
    assert npm is not None and prov is not None, "ecosystem vectors missing"
    _assert_gil_released(lambda: sigverify.npm.verify(verifier, npm.original, big, package="sigstore@1.0.0"))
    _assert_gil_released(
        lambda: sigverify.pypi.verify_provenance(verifier, prov.original, big, filename="pypi_attestations-0.0.19.tar.gz", publisher_from_provenance=True)
    )


def test_verify_many_with_paths(verifier: sigverify.Verifier, policy: sigverify.Policy, vectors: Path, bundle_path: Path, artifact_path: Path, tmp_path: Path) -> None:
    dsse = vectors / "happy-path-intoto-in-dsse-v3" / "bundle.sigstore.json"
    key_case = vectors / "managed-key-happy-path"
    key_policy = sigverify.Policy.key((key_case / "key.pub").read_bytes())
    other = tmp_path / "other.txt"
    other.write_bytes(b"other")
    items: list[Any] = [
        (bundle_path, artifact_path),
        (dsse, artifact_path),
        (key_case / "bundle.sigstore.json", artifact_path, key_policy),
        (dsse, other),
        (bundle_path, other),
        (dsse, tmp_path / "missing.txt"),
    ]
    got = [r.code if isinstance(r, sigverify.Error) else None for r in verifier.verify_many(items * 4, policy=policy, jobs=3)]
    assert got == [None, None, None, "artifact-mismatch", "artifact-mismatch", "io-error"] * 4


def test_verify_many_order(verifier: sigverify.Verifier, policy: sigverify.Policy, vectors: Path, bundle: bytes, dsse_bundle: bytes, artifact: bytes) -> None:
    digest = "sha256:" + hashlib.sha256(artifact).hexdigest()
    key_case = vectors / "managed-key-happy-path"
    key_policy = sigverify.Policy.key((key_case / "key.pub").read_bytes())
    items: list[Any] = [
        (bundle, artifact),
        (bundle, artifact + b"!"),
        {"bundle": dsse_bundle, "artifact": artifact},
        {"bundle": bundle, "digest": digest},
        (key_case / "bundle.sigstore.json", artifact, key_policy),
        (b"{", artifact),
        5,
        (bundle,),
        {"bundle": bundle, "artifact": artifact, "polcy": policy},
        {"artifact": artifact},
        (bundle, "a.txt"),
        (bundle, artifact, "not a policy"),
        (bundle, artifact, None),  # None: the default policy
        (Path("/nonexistent/bundle.json"), artifact),
    ]
    expected: list[str | None] = [
        None,
        "artifact-mismatch",
        None,
        None,
        None,
        "invalid-json",
        "invalid-argument",
        "invalid-argument",
        "invalid-argument",
        "invalid-argument",
        "invalid-argument",
        "invalid-argument",
        None,
        "io-error",
    ]
    items, expected = items * 5, expected * 5
    for jobs in (1, 2, 3, 16, None):
        results = verifier.verify_many(items, policy=policy, jobs=jobs)
        assert len(results) == len(items)
        got = [r.code if isinstance(r, sigverify.Error) else None for r in results]
        assert got == expected, jobs
        for r, e in zip(results, expected):
            if e is None:
                assert isinstance(r, sigverify.VerificationResult)
            elif e in ("invalid-json", "invalid-argument", "io-error"):
                assert isinstance(r, sigverify.InvalidInput)
            else:
                assert isinstance(r, sigverify.VerificationError)
    signer_types = [r.signer_type for r in verifier.verify_many(items[:5], policy=policy) if isinstance(r, sigverify.VerificationResult)]
    assert signer_types == ["certificate", "certificate", "certificate", "key"]


def test_verify_many_inputs(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes) -> None:
    assert verifier.verify_many([], policy=policy) == []

    def gen() -> Iterator[tuple[bytes, bytes]]:
        for _ in range(10):
            yield (bundle, artifact)

    assert all(isinstance(r, sigverify.VerificationResult) for r in verifier.verify_many(gen(), policy=policy, jobs=2))
    # Without a default policy, each item must name one.
    [r] = verifier.verify_many([(bundle, artifact)])
    assert isinstance(r, sigverify.InvalidInput) and "policy is required" in str(r)
    [r] = verifier.verify_many([(bundle, artifact, policy)])
    assert isinstance(r, sigverify.VerificationResult)
    # An item's own policy wins over the default.
    wrong = sigverify.Policy.identity(DEFAULT_IDENTITY + "x", "https://token.actions.githubusercontent.com")
    [r] = verifier.verify_many([(bundle, artifact, wrong)], policy=policy)
    assert isinstance(r, sigverify.VerificationError) and r.code == "policy-mismatch"


def test_verify_many_many(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes) -> None:
    results = verifier.verify_many([(bundle, artifact)] * 500, policy=policy, jobs=2)
    assert len({r.to_json() for r in results if isinstance(r, sigverify.VerificationResult)}) == 1
    assert all(isinstance(r, sigverify.VerificationResult) for r in results)


@pytest.mark.parametrize("jobs", [0, -1, 2000])
def test_verify_many_bad_jobs(verifier: sigverify.Verifier, policy: sigverify.Policy, jobs: int) -> None:
    with pytest.raises(sigverify.InvalidInput) as info:
        verifier.verify_many([], policy=policy, jobs=jobs)
    assert info.value.code == "invalid-argument"


@pytest.mark.parametrize("items", [5, "items", b"items", {"bundle": b"{}"}, None])
def test_verify_many_items_not_a_list(verifier: sigverify.Verifier, policy: sigverify.Policy, items: object) -> None:
    with pytest.raises(sigverify.InvalidInput):
        verifier.verify_many(cast(Any, items), policy=policy)


def test_verify_many_default_policy_type(verifier: sigverify.Verifier) -> None:
    with pytest.raises(sigverify.InvalidInput):
        verifier.verify_many([], policy=cast(Any, "policy"))


def test_verify_many_propagates_iterator_errors(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes) -> None:
    def gen() -> Iterator[tuple[bytes, bytes]]:
        yield (bundle, artifact)
        raise KeyError("from the caller's iterator")

    with pytest.raises(KeyError):
        verifier.verify_many(gen(), policy=policy)
