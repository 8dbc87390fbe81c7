"""sigverify.bcr over the real rules_lint v1.3.1 archive attestation: one file verifies (bytes
and path) and reports its file, kind and signer workflow; near misses (the same bytes named
MODULE.bazel or source.json, another repository, a tag, another digest) are refused naming what
was found; a module directory made from the sample reports the first failing file (the release
workflow refused for MODULE.bazel), an attestation file whose integrity differs, a missing file."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

import sigverify
from _vectors import ecosystems_dir, require_present

CASE = "bcr-rules_lint-v1.3.1-release-attestation"
ARCHIVE = "rules_lint-v1.3.1.tar.gz"
REPO = "aspect-build/rules_lint"
RELEASE = "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml@refs/tags/v7.1.0"


def _folder() -> Path:
    require_present(CASE, ecosystems_dir())
    return ecosystems_dir() / CASE


def _code(call: Callable[[], object]) -> tuple[str, Optional[str], str]:
    try:
        call()
    except sigverify.Error as e:
        return e.code, e.check, str(e)
    pytest.fail("no error")


def test_one_file() -> None:
    d = _folder()
    art, jsonl = d / "artifact", d / f"{ARCHIVE}.intoto.jsonl"
    forms: list[tuple[Any, Any]] = [(art, jsonl), (art.read_bytes(), jsonl.read_bytes()), (art, jsonl.read_text())]
    for file, bundle in forms:
        v = sigverify.bcr.verify(file=file, name=ARCHIVE, bundle=bundle, repository=REPO)
        [f] = v.files
        assert (f.file, f.kind, f.signer_workflow) == (ARCHIVE, "archive", RELEASE)
        assert f.result.identity == RELEASE
    # A path's file name is the default name: "artifact" is an archive too.
    assert sigverify.bcr.verify(file=art, bundle=jsonl, repository=REPO).files[0].file == "artifact"


def test_one_file_near_misses() -> None:
    d = _folder()
    art, jsonl = d / "artifact", d / f"{ARCHIVE}.intoto.jsonl"

    def v(**kw: Any) -> object:
        args: dict[str, Any] = {"file": art, "name": ARCHIVE, "bundle": jsonl, "repository": REPO, **kw}
        return sigverify.bcr.verify(**args)

    for name in ["MODULE.bazel", "source.json"]:
        code, check, msg = _code(lambda: v(name=name))
        assert (code, check) == ("policy-mismatch", "policy") and RELEASE in msg and name in msg
    code, _, msg = _code(lambda: v(repository="aspect-build/rules_js"))
    assert code == "policy-mismatch" and "rules_lint" in msg
    code, _, msg = _code(lambda: v(tag="v1.3.1"))
    assert code == "policy-mismatch" and "refs/heads/publish-to-bcr" in msg
    assert _code(lambda: v(file=b"other bytes"))[0] == "artifact-mismatch"
    with pytest.raises(sigverify.VerificationError):
        v(name="MODULE.bazel")
    # Arguments.
    cases: list[dict[str, Any]] = [{"repository": None}, {"repository": ""}, {"tag": ""}, {"bundle": None}, {"attestations": jsonl}]
    for kw in cases:
        assert _code(lambda: v(**kw))[0] == "invalid-argument", kw
    assert _code(lambda: v(repository="nope"))[0] == "invalid-policy"
    assert _code(lambda: v(file=art.read_bytes(), name=None))[0] == "invalid-argument"
    with pytest.raises(TypeError):
        v(repository=42)
    with pytest.raises(sigverify.InvalidInput):
        v(file=Path("/nonexistent/x.tar.gz"))


def _sri(b: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(b).digest()).decode()


def _module_dir(tmp: Path) -> Path:
    d = _folder()
    archive, jsonl = (d / "artifact").read_bytes(), (d / f"{ARCHIVE}.intoto.jsonl").read_bytes()
    (tmp / ARCHIVE).write_bytes(archive)
    (tmp / "MODULE.bazel").write_bytes(archive)  # the archive's digest: only the workflow differs
    (tmp / "source.json").write_text(json.dumps({"url": f"https://github.com/{REPO}/releases/download/v1.3.1/{ARCHIVE}"}))
    atts = {}
    for f in ["MODULE.bazel", "source.json", ARCHIVE]:
        (tmp / f"{f}.intoto.jsonl").write_bytes(jsonl)
        atts[f] = {"url": f"https://github.com/{REPO}/releases/download/v1.3.1/{f}.intoto.jsonl", "integrity": _sri(jsonl)}
    index = {"mediaType": "application/vnd.build.bazel.registry.attestation+json;version=1.0.0", "attestations": atts}
    (tmp / "attestations.json").write_text(json.dumps(index))
    return tmp


def test_module_dir(tmp_path: Path) -> None:
    d = _module_dir(tmp_path)
    index = d / "attestations.json"
    code, check, msg = _code(lambda: sigverify.bcr.verify(attestations=index, module_dir=d, repository=REPO))
    assert (code, check) == ("policy-mismatch", "policy") and "MODULE.bazel" in msg and RELEASE in msg
    # The same index as bytes and the folder as a str.
    assert _code(lambda: sigverify.bcr.verify(attestations=index.read_bytes(), module_dir=str(d), repository=REPO))[0] == "policy-mismatch"
    # An attestation file that does not match its integrity.
    doc = json.loads(index.read_text())
    doc["attestations"]["MODULE.bazel"]["integrity"] = _sri(b"")
    code, _, msg = _code(lambda: sigverify.bcr.verify(attestations=json.dumps(doc), module_dir=d, repository=REPO))
    assert code == "artifact-mismatch" and "integrity" in msg
    # A file missing from the module dir.
    (d / "MODULE.bazel").unlink()
    assert _code(lambda: sigverify.bcr.verify(attestations=index, module_dir=d, repository=REPO))[0] == "io-error"
    # An entry missing from the index.
    del doc["attestations"][ARCHIVE]
    assert _code(lambda: sigverify.bcr.verify(attestations=json.dumps(doc), module_dir=d, repository=REPO))[0] == "invalid-json"
    # Both forms, or half of one.
    assert _code(lambda: sigverify.bcr.verify(attestations=index, repository=REPO))[0] == "invalid-argument"
    assert _code(lambda: sigverify.bcr.verify(module_dir=d, repository=REPO))[0] == "invalid-argument"
