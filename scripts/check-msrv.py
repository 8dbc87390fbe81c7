#!/usr/bin/env python3
"""The declared MSRV holds: one `rust-version` for the workspace, every member declares it (through
`rust-version.workspace = true`), and no package in Cargo.lock's resolve needs a newer Rust than it
says. Checked from `cargo metadata` (no other toolchain can be installed here to build with the
MSRV itself): a dependency that raises its `rust-version` above ours fails this check, so the
declared MSRV cannot silently become false.

    python3 scripts/check-msrv.py
"""

import json
import subprocess
import sys


def version(v: str) -> tuple[int, ...]:
    parts = [int(x) for x in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


meta = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
members = set(meta["workspace_members"])
declared = {p["name"]: p["rust_version"] for p in meta["packages"] if p["id"] in members}
msrvs = set(declared.values())
problems = []
if len(msrvs) != 1 or None in msrvs:
    problems.append(f"workspace members declare different or no rust-version: {declared}")
msrv = max((version(v) for v in msrvs if v), default=(0,))
for p in meta["packages"]:
    rv = p.get("rust_version")
    if rv and version(rv) > msrv:
        problems.append(f"{p['name']} {p['version']} needs Rust {rv}, above the MSRV {'.'.join(map(str, msrv[:2]))}")
if problems:
    print("MSRV check FAILED:", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"MSRV {'.'.join(map(str, msrv[:2]))}: {len(declared)} workspace crates declare it; "
      f"{len(meta['packages'])} packages in the lockfile need at most it")
