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
from _vectors import DEFAULT_IDENTITY

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


def test_gil_is_released_during_verification(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes) -> None:
    """While one thread is inside verify() (hashing a 256 MiB artifact), the main thread keeps
    running Python code. With the GIL held it could not run at all inside that window."""
    artifact = bytes(256 * 1024 * 1024)
    window: dict[str, float] = {}

    def worker() -> None:
        window["start"] = time.perf_counter()
        try:
            verifier.verify(bundle, artifact, policy=policy)
        except sigverify.VerificationError:
            pass  # the digest does not match; the hashing is what takes the time
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
