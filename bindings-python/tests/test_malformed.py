"""Hostile and malformed input: every failure is a sigverify.Error with a code (never another
exception, a crash, or Rust panic text), and unusable input is an InvalidInput."""

from __future__ import annotations

import base64
import copy
import json
import random
from pathlib import Path
from typing import Any, Iterator

import pytest

import sigverify

JSON = Any


def _outcome(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes | str, artifact: bytes) -> sigverify.VerificationResult | sigverify.Error:
    try:
        return verifier.verify(bundle, artifact, policy=policy)
    except sigverify.Error as e:
        return e


def _assert_clean_error(outcome: object) -> sigverify.Error:
    assert isinstance(outcome, (sigverify.VerificationError, sigverify.InvalidInput)), repr(outcome)
    assert outcome.code and outcome.code != "internal-error", repr(outcome)
    text = str(outcome)
    for panic_text in ("panicked", "RUST_BACKTRACE", "unwrap()", "src/"):
        assert panic_text not in text, text
    return outcome


def test_every_truncation_is_invalid_json(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes) -> None:
    data = bundle.strip()
    for n in range(len(data)):
        e = _assert_clean_error(_outcome(verifier, policy, data[:n], artifact))
        assert isinstance(e, sigverify.InvalidInput), (n, e)
        assert e.code == "invalid-json", (n, e)


def _paths(doc: JSON, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, prefix + (i,))


def _replaced(doc: JSON, path: tuple[Any, ...], value: JSON) -> JSON:
    if not path:
        return value
    out = copy.deepcopy(doc)
    node = out
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return out


WRONG_VALUES: list[JSON] = [None, 0, -1, 2**70, 1.5, "", "x", [], {}, True, [[]], {"a": 1}]


@pytest.mark.parametrize("which", ["message-signature", "dsse"])
def test_wrong_types_everywhere(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, dsse_bundle: bytes, artifact: bytes, which: str) -> None:
    """Every node of a valid bundle replaced by every JSON type in turn."""
    doc = json.loads(bundle if which == "message-signature" else dsse_bundle)
    runs = 0
    for path in _paths(doc):
        for value in WRONG_VALUES:
            mutated = _replaced(doc, path, value)
            if mutated == doc:
                continue
            outcome = _outcome(verifier, policy, json.dumps(mutated), artifact)
            runs += 1
            if isinstance(outcome, sigverify.VerificationResult):
                # The one optional field: a null messageDigest is an absent one (proto3 JSON), and
                # the signature is still checked over the artifact itself.
                assert (path, value) == (("messageSignature", "messageDigest"), None), (path, value)
                continue
            _assert_clean_error(outcome)
    assert runs > 400


def test_corrupted_base64_fields(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes) -> None:
    doc = json.loads(bundle)
    rng = random.Random(6)
    b64_paths = [
        p
        for p in _paths(doc)
        if p and isinstance(_get(doc, p), str) and len(_get(doc, p)) > 16 and _is_b64(_get(doc, p))
    ]
    assert len(b64_paths) >= 4
    for path in b64_paths:
        value: str = _get(doc, path)
        raw = bytearray(base64.b64decode(value))
        for _ in range(8):
            i = rng.randrange(len(raw))
            flipped = bytearray(raw)
            flipped[i] ^= 1 << rng.randrange(8)
            for new in (base64.b64encode(bytes(flipped)).decode(), value[:-2], value + "A", value[:5] + "-" + value[6:], "=" + value):
                assert new != value
                outcome = _outcome(verifier, policy, json.dumps(_replaced(doc, path, new)), artifact)
                _assert_clean_error(outcome)


def _get(doc: JSON, path: tuple[Any, ...]) -> Any:
    for k in path:
        doc = doc[k]
    return doc


def _is_b64(s: str) -> bool:
    try:
        return base64.b64encode(base64.b64decode(s, validate=True)).decode() == s
    except ValueError:
        return False


@pytest.mark.parametrize(
    "data",
    [
        "[" * 100_000,
        '{"a":' * 100_000,
        '{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json", "x": ' + "[" * 70 + "]" * 70 + "}",
        "[" * 10_000_000,
    ],
    ids=["arrays", "objects", "inside-a-bundle", "ten-million"],
)
def test_huge_nesting(verifier: sigverify.Verifier, policy: sigverify.Policy, artifact: bytes, data: str) -> None:
    for form in (data, data.encode()):
        e = _assert_clean_error(_outcome(verifier, policy, form, artifact))
        assert isinstance(e, sigverify.InvalidInput)
        assert (e.code, e.check) == ("limit-exceeded", "limits"), e


def test_oversized_bundle(verifier: sigverify.Verifier, policy: sigverify.Policy, artifact: bytes, tmp_path: Path) -> None:
    big = b"{" + b" " * (16 * 1024 * 1024) + b"}"
    e = _assert_clean_error(_outcome(verifier, policy, big, artifact))
    assert e.code == "limit-exceeded"
    path = tmp_path / "big.json"
    path.write_bytes(big)
    with pytest.raises(sigverify.InvalidInput) as info:
        verifier.verify(path, artifact, policy=policy)
    assert info.value.code == "limit-exceeded"


@pytest.mark.parametrize(
    "data",
    [b"", b" ", b"null", b"1", b'"bundle"', b"[]", b"{}", b"\x00", b"\xff\xfe{}", b"\xef\xbb\xbf{}", b'{"mediaType": 5}', "{\ud800}"],
)
def test_not_a_bundle(verifier: sigverify.Verifier, policy: sigverify.Policy, artifact: bytes, data: bytes | str) -> None:
    _assert_clean_error(_outcome(verifier, policy, data, artifact))


def test_random_bytes(verifier: sigverify.Verifier, policy: sigverify.Policy, artifact: bytes) -> None:
    rng = random.Random(1)
    for n in range(300):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        _assert_clean_error(_outcome(verifier, policy, data, artifact))


def test_random_bundle_edits(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, dsse_bundle: bytes, artifact: bytes) -> None:
    """Byte-level mutations of valid bundles (flips, deletions, duplications)."""
    rng = random.Random(2)
    for source in (bundle, dsse_bundle):
        for _ in range(400):
            data = bytearray(source)
            for _ in range(rng.randrange(1, 4)):
                i = rng.randrange(len(data))
                op = rng.randrange(3)
                if op == 0:
                    data[i] = rng.randrange(256)
                elif op == 1:
                    del data[i : i + rng.randrange(1, 16)]
                else:
                    data[i:i] = data[i : i + rng.randrange(1, 16)]
            outcome = _outcome(verifier, policy, bytes(data), artifact)
            if not isinstance(outcome, sigverify.VerificationResult):
                _assert_clean_error(outcome)


def test_unsupported_versions(verifier: sigverify.Verifier, policy: sigverify.Policy, bundle: bytes, artifact: bytes) -> None:
    doc = json.loads(bundle)
    for media_type in ("application/vnd.dev.sigstore.bundle+json;version=0.4", "application/json", ""):
        with pytest.raises(sigverify.InvalidInput) as info:
            verifier.verify(json.dumps({**doc, "mediaType": media_type}), artifact, policy=policy)
        assert info.value.code == "unsupported-media-type"
