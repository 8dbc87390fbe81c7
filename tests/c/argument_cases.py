#!/usr/bin/env python3
"""Turns the table of argument cases (tests/argument-cases.json) into a C header for
tests/c/test_argument_cases.c, so that the C test needs no JSON reader:

    python3 tests/c/argument_cases.py tests/argument-cases.json OUTDIR

writes OUTDIR/argument_cases.h, and the documents the table generates from files (a prefix, a
root without some keys, a TUF folder with a file moved) into OUTDIR. Oversized documents are
made by the C test itself (one byte over the limit the table states). File references become
absolute paths: the conformance vectors are $SIGVERIFY_CONFORMANCE_DIR (ffi/test.sh sets it),
the ecosystem samples $SIGVERIFY_ECOSYSTEMS_DIR or its sibling ecosystems/, the TUF mirror
$SIGVERIFY_TUF_DIR or its sibling tuf/public-good.

A case that C cannot express must say so in not_in.c with a reason; an argument this script
cannot give to C in a case without one is an error, so the table cannot silently lose a case.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Dict, List

REPO = Path(__file__).resolve().parents[2]

# The arguments each call takes in C, by neutral name.
C_ARGS = {
    "trusted_root.from_json": ["json"],
    "policy.identity": ["identity", "issuer"],
    "policy.from_json": ["json"],
    "policy.key": ["pem"],
    "verifier.new": ["root", "tlog_threshold", "sct_threshold", "timestamp_threshold"],
    "verify": ["bundle", "artifact", "digest", "policy"],
    "pypi.verify_attestation": ["attestation", "filename", "digest", "publisher"],
    "pypi.verify_provenance": ["provenance", "filename", "digest", "publisher"],
    "npm.verify": ["attestations", "package", "digest", "integrity", "repository"],
    "github.verify": ["bundles", "digest", "repository", "owner", "signer_workflow"],
    "github.verify_release": ["bundles", "repository", "tag", "digest", "filename"],
    "tuf.update": ["metadata", "targets", "root", "state", "now"],
    "model.verify": ["model", "signature", "identity", "issuer", "key"],
    "conda.verify": ["bundle", "sigs", "filename", "digest", "repository", "signer_workflow", "identity", "issuer", "channel"],
    "bcr.verify": ["attestations", "module_dir", "file", "name", "bundle", "repository", "tag"],
}


def bases() -> Dict[str, Path]:
    conformance = Path(os.environ.get("SIGVERIFY_CONFORMANCE_DIR") or REPO.parent / "shared" / "vectors" / "conformance")
    ecosystems = Path(os.environ.get("SIGVERIFY_ECOSYSTEMS_DIR") or conformance.parent / "ecosystems")
    tuf = Path(os.environ.get("SIGVERIFY_TUF_DIR") or conformance.parent / "tuf" / "public-good")
    return {"vectors": conformance, "ecosystems": ecosystems, "tuf": tuf, "repo": REPO}


class Unexpressible(Exception):
    pass


def c_string(s: str) -> str:
    out = []
    for b in s.encode():
        if b in (0x22, 0x5C):
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7F and b != 0x3F:  # '?' escaped: no trigraphs
            out.append(chr(b))
        else:
            out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'


class Generator:
    def __init__(self, table: Dict[str, Any], outdir: Path) -> None:
        self.table = table
        self.outdir = outdir
        self.bases = bases()

    def file(self, ref: str) -> Path | None:
        scheme, _, rest = ref.partition(":")
        if not rest or scheme not in self.bases:
            return None
        p = self.bases[scheme] / rest
        if not p.exists():
            sys.exit(f"TEST VECTORS MISSING: {p} (named by {ref!r})")
        return p.resolve()

    def arg(self, tag: str, name: str, value: Any) -> str:
        """One `struct arg` initialiser."""
        n = c_string(name)
        if value is None:
            return f"{{{n}, ARG_NULL, NULL, NULL, 0, 0}}"
        if isinstance(value, bool) or isinstance(value, float) or isinstance(value, list):
            raise Unexpressible(f"{name} is a {type(value).__name__}")
        if isinstance(value, int):
            return f"{{{n}, ARG_INT, NULL, NULL, 0, {value}LL}}"
        if isinstance(value, str):
            if value.startswith("$"):
                value = self.table["values"][value[1:]]
            if value.startswith("embedded:"):
                return f"{{{n}, ARG_EMBEDDED, {c_string(value[len('embedded:'):])}, NULL, 0, 0}}"
            p = self.file(value)
            if p is not None:
                kind = "ARG_DIR" if p.is_dir() else "ARG_FILE"
                return f"{{{n}, {kind}, {c_string(str(p))}, NULL, 0, 0}}"
            return f"{{{n}, ARG_STR, {c_string(value)}, NULL, {len(value.encode())}, 0}}"
        if isinstance(value, dict):
            if set(value) == {"path"}:
                p = self.file(value["path"])
                assert p is not None, value
                return f"{{{n}, ARG_STR, {c_string(str(p))}, NULL, {len(str(p).encode())}, 0}}"
            if set(value) == {"identity", "issuer"}:
                i, s = (self.table["values"][v[1:]] if v.startswith("$") else v for v in (value["identity"], value["issuer"]))
                return f"{{{n}, ARG_POLICY, {c_string(i)}, {c_string(s)}, 0, 0}}"
            if "oversized" in value:
                size = int(self.table["limits"][value["oversized"]]) + 1
                return f"{{{n}, ARG_OVERSIZED, NULL, NULL, {size}, 0}}"
            if "prefix" in value:
                src = self.file(value["prefix"])
                assert src is not None, value
                out = self.outdir / f"{tag}-{name}"
                out.write_bytes(src.read_bytes()[: int(value["bytes"])])
                return f"{{{n}, ARG_FILE, {c_string(str(out))}, NULL, 0, 0}}"
            if "without" in value:
                src = self.file(value["without"])
                assert src is not None, value
                doc = json.loads(src.read_bytes())
                for key in value["keys"]:
                    doc.pop(key, None)
                out = self.outdir / f"{tag}-{name}.json"
                out.write_text(json.dumps(doc))
                return f"{{{n}, ARG_FILE, {c_string(str(out))}, NULL, 0, 0}}"
            if "mirror" in value:
                src = self.file(value["mirror"])
                assert src is not None and src.is_dir(), value
                if not value.get("move"):
                    return f"{{{n}, ARG_DIR, {c_string(str(src))}, NULL, 0, 0}}"
                # A copy of the folder, inside a folder of its own (so that ../x stays ours).
                folder = self.outdir / f"{tag}-{name}" / src.name
                shutil.copytree(src, folder, copy_function=shutil.copyfile)
                # The vectors may be read-only; the copy must be ours to change and to remove.
                for d, _, _ in os.walk(folder):
                    os.chmod(d, 0o755)
                for old, new in value["move"].items():
                    dest = Path(os.path.normpath(folder / new))
                    if self.outdir not in dest.parents:
                        raise Unexpressible(f"{name}: {new!r} leaves the test's folder")
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    (folder / old).rename(dest)
                return f"{{{n}, ARG_DIR, {c_string(str(folder))}, NULL, 0, 0}}"
        raise Unexpressible(f"{name}: no C form for {value!r}")

    def case(self, index: int, c: Dict[str, Any]) -> str:
        cid, call, code = c["id"], c["call"], c["code"]
        reason = c.get("not_in", {}).get("c")
        if reason is not None:
            if not (isinstance(reason, str) and reason.strip()):
                sys.exit(f"{cid}: not_in.c needs a reason")
            return f"  {{{c_string(cid)}, {c_string(call)}, {c_string(code)}, {c_string(reason)}, {{{{NULL, ARG_END, NULL, NULL, 0, 0}}}}}},"
        if call not in C_ARGS:
            sys.exit(f"{cid}: C has no call {call!r}; give the case not_in.c with a reason")
        args: List[str] = []
        for name, value in c["args"].items():
            if name not in C_ARGS[call]:
                sys.exit(f"{cid}: C cannot pass {name!r} to {call}; give the case not_in.c with a reason")
            try:
                args.append(self.arg(f"{index:03d}", name, value))
            except Unexpressible as e:
                sys.exit(f"{cid}: {e}; give the case not_in.c with a reason")
        args.append("{NULL, ARG_END, NULL, NULL, 0, 0}")
        body = ", ".join(args)
        return f"  {{{c_string(cid)}, {c_string(call)}, {c_string(code)}, NULL, {{{body}}}}},"

    def header(self) -> str:
        cases = self.table["cases"]
        most = max(len(c["args"]) for c in cases) + 1
        lines = [
            "/* Generated by tests/c/argument_cases.py from tests/argument-cases.json; do not edit. */",
            "#ifndef ARGUMENT_CASES_H",
            "#define ARGUMENT_CASES_H",
            "#include <stddef.h>",
            "enum arg_kind { ARG_END, ARG_NULL, ARG_STR, ARG_FILE, ARG_DIR, ARG_OVERSIZED, ARG_INT, ARG_EMBEDDED, ARG_POLICY };",
            "/* s: the string, path or embedded root name (identity for ARG_POLICY, whose issuer is s2);",
            " * n: the length of ARG_STR, the size of ARG_OVERSIZED; i: the value of ARG_INT. */",
            "struct arg { const char *name; enum arg_kind kind; const char *s; const char *s2; size_t n; long long i; };",
            f"struct argcase {{ const char *id; const char *call; const char *code; const char *not_in_c; struct arg args[{most}]; }};",
            "static const struct argcase CASES[] = {",
        ]
        lines += [self.case(i, c) for i, c in enumerate(cases)]
        lines += ["};", f"#define N_CASES {len(cases)}", "#endif", ""]
        return "\n".join(lines)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: argument_cases.py TABLE.json OUTDIR")
    table = json.loads(Path(sys.argv[1]).read_text())
    outdir = Path(sys.argv[2]).resolve()
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    header = Generator(table, outdir).header()
    (outdir / "argument_cases.h").write_text(header)
    print(f"argument_cases.h: {len(table['cases'])} cases")


if __name__ == "__main__":
    main()
