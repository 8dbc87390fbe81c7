"""The table of argument cases (tests/argument-cases.json), run through the Python face.

Each case is one call with one wrong argument; it must raise a ``sigverify.Error`` whose ``code``
is the case's, the same code C and Node give (issue 17). A case that Python cannot express says
so in ``not_in.python`` with its reason, and is skipped (and counted as skipped) here only.
The table's format is described in its ``format`` field.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest

import sigverify
from _vectors import REPO, conformance_dir, ecosystems_dir

TABLE_PATH = REPO / "tests" / "argument-cases.json"
TABLE: Dict[str, Any] = json.loads(TABLE_PATH.read_text())
CASES: List[Dict[str, Any]] = TABLE["cases"]
FACE = "python"


def tuf_dir() -> Path:
    env = os.environ.get("SIGVERIFY_TUF_DIR")
    return Path(env) if env else conformance_dir().parent / "tuf" / "public-good"


def file_path(ref: str) -> Optional[Path]:
    """The file a "scheme:path" reference names, or None when the string is no reference."""
    scheme, _, rest = ref.partition(":")
    bases: Dict[str, Callable[[], Path]] = {
        "vectors": conformance_dir,
        "ecosystems": ecosystems_dir,
        "tuf": tuf_dir,
        "repo": lambda: REPO,
    }
    if not rest or scheme not in bases:
        return None
    return bases[scheme]() / rest


def read_ref(ref: str) -> bytes:
    p = file_path(ref)
    if p is None:
        raise AssertionError(f"not a file reference: {ref!r}")
    if not p.is_file():
        pytest.fail(f"TEST VECTORS MISSING: {p} (named by {ref!r})", pytrace=False)
    return p.read_bytes()


def oversized(kind: str) -> bytes:
    """A JSON document of exactly limits[kind] + 1 bytes."""
    n = int(TABLE["limits"][kind]) + 1
    head, tail = b'{"padding":"', b'"}'
    return head + b"a" * (n - len(head) - len(tail)) + tail


def resolve(value: Any) -> Any:
    """A neutral argument value as Python takes it (see the table's ``format``)."""
    if isinstance(value, str):
        if value.startswith("$"):
            return TABLE["values"][value[1:]]
        if file_path(value) is not None:
            return read_ref(value)
        return value
    if isinstance(value, list):
        return [resolve(v) for v in value]
    if isinstance(value, dict):
        if "path" in value:
            path = file_path(value["path"])
            assert path is not None, value
            return str(path)
        if "oversized" in value:
            return oversized(value["oversized"])
        if "prefix" in value:
            return read_ref(value["prefix"])[: int(value["bytes"])]
        if "without" in value:
            doc = json.loads(read_ref(value["without"]))
            for key in value["keys"]:
                doc.pop(key, None)
            return json.dumps(doc).encode()
        return {k: resolve(v) for k, v in value.items()}
    return value


def root_arg(value: Any) -> Any:
    embedded = {
        "embedded:public-good": sigverify.TrustedRoot.public_good,
        "embedded:staging": sigverify.TrustedRoot.staging,
        "embedded:github": sigverify.TrustedRoot.github,
    }
    if isinstance(value, str) and value in embedded:
        return embedded[value]()
    resolved = resolve(value)
    if isinstance(resolved, bytes):
        return sigverify.TrustedRoot.from_json(resolved)
    return resolved


def policy_arg(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"identity", "issuer"}:
        return sigverify.Policy.identity(resolve(value["identity"]), resolve(value["issuer"]))
    return resolve(value)


def mirror(value: Any) -> Any:
    """A TUF mirror folder as a mapping of file name to bytes, with the case's names moved."""
    if not (isinstance(value, dict) and "mirror" in value):
        return resolve(value)
    folder = file_path(value["mirror"])
    assert folder is not None, value
    files: Dict[str, bytes] = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            name = p.relative_to(folder).as_posix()
            files[name.removeprefix("root_history/")] = p.read_bytes()
    for old, new in value.get("move", {}).items():
        files[new] = files.pop(old)
    return files


_verifier: List[sigverify.Verifier] = []


def public_good() -> sigverify.Verifier:
    if not _verifier:
        _verifier.append(sigverify.Verifier(sigverify.TrustedRoot.public_good()))
    return _verifier[0]


def kwargs(args: Dict[str, Any], names: Dict[str, str], special: Dict[str, Callable[[Any], Any]]) -> Dict[str, Any]:
    """The case's arguments as Python keyword arguments (neutral name -> Python name)."""
    unknown = set(args) - set(names)
    assert not unknown, f"arguments the python runner does not know: {sorted(unknown)}"
    return {names[k]: special.get(k, resolve)(v) for k, v in args.items()}


def same(*names: str) -> Dict[str, str]:
    return {n: n for n in names}


def run(call: str, args: Dict[str, Any]) -> Any:
    """Makes the call; returns its result (the case expects it to raise)."""
    if call == "trusted_root.from_json":
        return sigverify.TrustedRoot.from_json(**kwargs(args, {"json": "data"}, {}))
    if call == "policy.identity":
        return sigverify.Policy.identity(**kwargs(args, same("identity", "issuer"), {}))
    if call == "policy.from_json":
        return sigverify.Policy.from_json(**kwargs(args, {"json": "data"}, {}))
    if call == "policy.key":
        return sigverify.Policy.key(**kwargs(args, same("pem"), {}))
    if call == "policy.github":
        return sigverify.Policy.github(**kwargs(args, same("repository", "owner", "signer_workflow"), {}))
    if call == "verifier.new":
        names = same("root", "tlog_threshold", "sct_threshold", "timestamp_threshold", "witnesses", "witness_threshold")
        return sigverify.Verifier(**kwargs(args, names, {"root": root_arg}))
    if call == "verify":
        kw = kwargs(args, same("bundle", "artifact", "digest", "policy"), {"policy": policy_arg})
        return public_good().verify(**kw)
    if call in ("pypi.verify_attestation", "pypi.verify_provenance"):
        doc = "attestation" if call == "pypi.verify_attestation" else "provenance"
        kw = kwargs(args, same(doc, "dist", "filename", "digest", "publisher", "policy"), {"policy": policy_arg})
        fn = sigverify.pypi.verify_attestation if doc == "attestation" else sigverify.pypi.verify_provenance
        return fn(public_good(), **kw)
    if call == "npm.verify":
        kw = kwargs(args, same("attestations", "tarball", "package", "integrity", "digest", "repository"), {})
        return sigverify.npm.verify(public_good(), **kw)
    if call == "npm.keys_from_json":
        return sigverify.npm.RegistryKeys.from_json(**kwargs(args, {"json": "data"}, {}))
    if call == "github.verify":
        names = same("bundles", "artifact", "digest", "repository", "owner", "signer_workflow")
        return sigverify.github.verify(**kwargs(args, names, {"policy": policy_arg}))
    if call == "conda.verify":
        names = same("package", "digest", "filename", "bundle", "sigs", "repository", "signer_workflow", "identity", "issuer", "channel")
        return sigverify.conda.verify(public_good(), **kwargs(args, names, {}))
    if call == "github.verify_release":
        names = same("bundles", "assets", "repository", "tag", "digest", "filename")
        return sigverify.github.verify_release(**kwargs(args, names, {}))
    if call == "model.verify":
        return sigverify.model.verify(**kwargs(args, same("model", "signature", "identity", "issuer", "key"), {}))
    if call == "bcr.verify":
        names = same("attestations", "module_dir", "file", "name", "bundle", "repository", "tag")
        return sigverify.bcr.verify(**kwargs(args, names, {}))
    if call == "tuf.update":

        def now(v: Any) -> Any:
            return datetime.fromtimestamp(v, timezone.utc) if isinstance(v, int) else resolve(v)

        names = same("metadata", "targets", "root", "instance", "state", "now")
        return sigverify.tuf.update(**kwargs(args, names, {"metadata": mirror, "targets": mirror, "now": now}))
    raise AssertionError(f"the python runner has no call {call!r}")


def outcome(call: str, args: Dict[str, Any]) -> str:
    """The code the call raised, or what it did instead."""
    try:
        run(call, args)
    except sigverify.Error as e:
        return str(e.code)
    except Exception as e:  # noqa: BLE001 - anything but a sigverify.Error is a finding
        return f"{type(e).__name__} (no code): {e}"
    return "no error"


def test_table_is_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    for c in CASES:
        assert set(c) <= {"id", "about", "call", "args", "code", "not_in"}, c["id"]
        for face, reason in c.get("not_in", {}).items():
            assert face in ("c", "python", "node"), f"{c['id']}: not_in names an unknown face {face!r}"
            assert isinstance(reason, str) and reason.strip(), f"{c['id']}: not_in.{face} needs a reason"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_argument_case(case: Dict[str, Any]) -> None:
    reason = case.get("not_in", {}).get(FACE)
    if reason is not None:
        assert isinstance(reason, str) and reason.strip(), f"{case['id']}: not_in.{FACE} has no reason"
        pytest.skip(f"not in {FACE}: {reason}")
    found = outcome(case["call"], case["args"])
    if found != case["code"]:
        pytest.fail(f"MISMATCH {case['id']} [{FACE}]: expected {case['code']}, found {found}", pytrace=False)
