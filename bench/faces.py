#!/usr/bin/env python3
"""The same bundle through every face of sigverify, in one run: the Rust core
(``Verifier::verify_json`` from bytes, in the core's bench binary), the C ABI
(``sigverify_verify``), Python (``Verifier.verify``, the result's identity read) and Node
(``verifier.verifySync``), beside the floor (the primitives the bundle needs, the same bench
binary; and the core on two threads sharing one verifier, per bundle per thread, the reference
for ``--jobs 2``), and ``sigverify verify-batch`` over a manifest of N copies of the item (the bundle and
the artifact read from their files per item) with ``--jobs 1`` and ``--jobs 2``. Each face is a
process that verifies the bundle N times from bytes already read (the
trust material built once, before the timed loop) and prints its time per bundle.

    bench/faces.py [--rounds 7] [--iterations 1000] [--python PY] [VECTOR ...]

Rounds are interleaved (every face of every vector once per round), and each ratio is the median
of the per-round ratios, so a slow moment of the machine falls on both sides of it. Needs a
release build of the C library and the core's bench binary (built here with cargo), the Python
package in ``--python``'s environment (``bash bindings-python/test.sh`` makes
bindings-python/.venv) and the Node addon built (``bash bindings-node/test.sh``); a face that is
not available is reported as such, never guessed. The trusted root is the vector's own
``trusted_root.json`` or ``core/roots/public-good.trusted_root.json`` (what sigverify embeds).
A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

from vectors import IDENTITY, ISSUER, REPO, conformance_dir  # bench/vectors.py

VECTORS = ["happy-path-v0.3", "happy-path-v0.1", "happy-path-intoto-in-dsse-v3", "rekor2-happy-path"]


def cargo(*args: str) -> list[dict[str, object]]:
    out = subprocess.run(["cargo", *args, "--message-format=json", "-q"], cwd=REPO, check=True, capture_output=True, text=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def build(target: Path) -> tuple[Path, Optional[Path]]:
    """The core's bench binary and the C loop (or None when it cannot be built)."""
    msgs = cargo("bench", "--no-run", "-p", "sigverify", "--bench", "bundles")
    bench = next(Path(str(m["executable"])) for m in msgs if m.get("reason") == "compiler-artifact" and m.get("executable") and "bundles" in str(m["executable"]))
    cargo("build", "--release", "-p", "sigverify-ffi", "-p", "sigverify-cli")
    exe = target / "bench-faces" / "loop"
    lib = exe.parent / "lib"  # the .so under its SONAME (libsigverify.so.MAJOR.MINOR), as installed
    lib.mkdir(parents=True, exist_ok=True)
    so = target / "release" / "libsigverify.so"
    try:
        dynamic = subprocess.run(["objdump", "-p", str(so)], capture_output=True, text=True).stdout
    except FileNotFoundError:
        print("C loop not built: objdump (binutils) is needed to read the library's SONAME", file=sys.stderr)
        return bench, None
    soname = dynamic.split("SONAME", 1)[-1].split()[0] if "SONAME" in dynamic else "libsigverify.so"
    for name in {"libsigverify.so", soname}:
        link = lib / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(so)
    cc = os.environ.get("CC", "cc")
    r = subprocess.run([cc, "-O2", "-o", str(exe), str(REPO / "bench" / "faces" / "loop.c"), f"-I{REPO / 'include'}", f"-L{lib}", "-lsigverify", f"-Wl,-rpath,{lib}"], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"C loop not built: {r.stderr.strip()}", file=sys.stderr)
        return bench, None
    return bench, exe


def ns(argv: list[str], env: Optional[dict[str, str]] = None) -> float:
    out = subprocess.run(argv, check=True, capture_output=True, text=True, env=env)
    line = next(l for l in out.stdout.splitlines() if "ns_per_iter=" in l)
    return float(line.split("ns_per_iter=")[1].split()[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--python", default=str(REPO / "bindings-python" / ".venv" / "bin" / "python"))
    ap.add_argument("vectors", nargs="*", default=VECTORS)
    args = ap.parse_args()
    vectors = conformance_dir()
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    bench, c_loop = build(target)
    faces: dict[str, Optional[list[str]]] = {
        "c": [str(c_loop)] if c_loop else None,
        "python": [args.python, str(REPO / "bench" / "faces" / "loop.py")] if Path(args.python).exists() else None,
        "node": ["node", str(REPO / "bench" / "faces" / "loop.js")] if shutil.which("node") and list((REPO / "bindings-node").glob("*.node")) else None,
    }
    for face, argv in faces.items():
        if argv is None:
            print(f"{face}: not available (see the docstring for how to build it)")
    print(f"{platform.node()}: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}; load {os.getloadavg()[0]:.2f}; "
          f"{args.rounds} interleaved rounds of {args.iterations} verifications per face")
    times: dict[tuple[str, str], list[float]] = {}
    ratios: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for name in args.vectors:
            case = vectors / name
            root = case / "trusted_root.json"
            if not root.is_file():
                root = REPO / "core" / "roots" / "public-good.trusted_root.json"
            artifact = case / "artifact" if (case / "artifact").is_file() else vectors / "a.txt"
            common = [str(case / "bundle.sigstore.json"), str(artifact), str(root), IDENTITY, ISSUER, str(args.iterations)]
            env = dict(os.environ, SIGVERIFY_CONFORMANCE_DIR=str(vectors))
            got = {}
            for what, face in (("verify_json", "rust"), ("floor", "floor"), ("verify_json_2", "rust-2")):
                env["SIGVERIFY_BENCH_LOOP"] = f"{name},aws-lc-rs,bytes,{what},{args.iterations}"
                got[face] = ns([str(bench)], env)
            for face, argv in faces.items():
                if argv is not None:
                    got[face] = ns(argv + common)
            # verify-batch from files: every item reads its bundle and artifact from disk. With
            # --jobs 2 the figure is per item per worker (wall time × 2 / N), so that against
            # the in-process time it says what two cores lose beyond perfect scaling.
            manifest = target / "bench-faces" / f"{name}.jsonl"
            item = {"bundle": common[0], "artifact": common[1], "trusted_root": common[2], "identity": IDENTITY, "issuer": ISSUER}
            manifest.write_text((json.dumps(item) + "\n") * args.iterations)
            for jobs in (1, 2):
                start = time.perf_counter_ns()
                subprocess.run([str(target / "release" / "sigverify"), "verify-batch", str(manifest), "--jobs", str(jobs)], check=True, stdout=subprocess.DEVNULL)
                got[f"batch-{jobs}"] = (time.perf_counter_ns() - start) * jobs / args.iterations
            for face, t in got.items():
                times.setdefault((name, face), []).append(t)
                if face != "rust":
                    ratios.setdefault((name, face), []).append(t / got["rust"])
            # What verify-batch adds on two workers beyond what two threads cost in-process.
            ratios.setdefault((name, "batch-2/rust-2"), []).append(got["batch-2"] / got["rust-2"])
        print(".", end="", flush=True)
    print()
    print("| vector | face | per bundle: median (min–max) | × Rust (median of rounds) | target |")
    print("|---|---|---:|---:|---|")
    for name in args.vectors:
        for face in ("rust", "floor", "c", "python", "node", "batch-1", "rust-2", "batch-2", "batch-2/rust-2"):
            t = times.get((name, face))
            if face == "batch-2/rust-2":
                r = ratios[(name, face)]
                print(f"| {name} | batch-2 / rust-2 | | {statistics.median(r):.3f} | (verify-batch's own cost on two workers) |")
                continue
            if not t:
                continue
            r = ratios.get((name, face))
            ratio = f"{statistics.median(r):.3f}" if r else "1"
            if face == "floor" and r:
                ratio = f"whole/floor {1 / statistics.median(r):.3f}"
            goal = {"floor": "whole ≤ 1.10 × floor", "c": "≤ 1.01", "python": "≤ 1.03", "node": "≤ 1.03", "batch-1": "≤ 1.05", "rust-2": "(two threads in-process, per thread)", "batch-2": "≤ 1.05 (per worker)"}.get(face, "")
            print(f"| {name} | {face} | {statistics.median(t) / 1000:.1f} µs ({min(t) / 1000:.1f}–{max(t) / 1000:.1f}) | {ratio} | {goal} |")


if __name__ == "__main__":
    main()
