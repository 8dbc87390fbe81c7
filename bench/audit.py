#!/usr/bin/env python3
"""Throughput of sigverify.audit on Dask against single-process ``Verifier.verify_many``.

    bindings-python/.venv/bin/python bench/audit.py [--items 100000] [--files 20] [--repeats 5]

Needs the Python package with its audit extra in the running interpreter (``bash
bindings-python/test.sh`` makes such a venv; or ``pip install ./bindings-python[audit]``) and the
shared vectors beside the repository (``$SIGVERIFY_CONFORMANCE_DIR``). The items are the
sigstore-conformance case happy-path-v0.3 (public-good, Rekor v1, message signature over
a.txt, given by digest), written as JSON lines files of the ``python -m sigverify.audit`` input
format, ``--files`` partitions. It measures, as the median of ``--repeats`` runs:

- ``verify_many``: one ``Verifier.verify_many(items, jobs=1)`` call over every item (the items
  built beforehand: nothing but verification), in a fresh process of its own;
- ``dask 1 worker`` / ``dask 2 workers``: ``sigverify.audit.audit`` on a ``LocalCluster`` of 1 or
  2 worker processes with one thread each (``verify_many`` with ``jobs=1`` in each task), from
  reading the JSON lines to the Parquet results on disk; both clusters are started beforehand and
  warmed by one small audit (the cached verifier built), so their start-up is not counted.

The three run in interleaved rounds (one of each per round, ``--repeats`` rounds), so that a slow
moment of the machine falls on all three alike.

Then the per-item time of each phase of one partition in this process, as a task of a file does
it (read the rows, prepare, verify_many, result rows, write; ``--phases-only`` for that alone).

The overhead is ``dask 1 worker`` time over ``verify_many`` time, minus one: what Dask, reading
the items and writing the results add per item, relative to the verification itself. A
benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sigverify
import sigverify.audit as audit

from vectors import IDENTITY, ISSUER, REPO, conformance_dir  # bench/vectors.py


def write_items(folder: Path, n: int, files: int, bundle: Path, digest: str) -> None:
    folder.mkdir(parents=True)
    handles = [(folder / f"items-{i:03d}.jsonl").open("w") for i in range(files)]
    for k in range(n):
        item = {"id": f"item-{k}", "bundle": str(bundle), "digest": digest, "identity": IDENTITY, "issuer": ISSUER}
        handles[k % files].write(json.dumps(item) + "\n")
    for h in handles:
        h.close()


def phases(path: Path) -> None:
    """Where the time of one partition goes, in this process: what sigverify.audit does per item
    around verify_many (read, prepare, result rows, write), against verify_many itself."""
    from sigverify.audit import _items as items_mod
    from sigverify.audit import _verify

    settings = _verify.Settings()
    _verify.verifier("public-good", settings)
    items_mod.read_file(str(path))  # imports pandas
    marks = [time.perf_counter()]
    rows = items_mod.read_rows(str(path))
    marks.append(time.perf_counter())
    policies: dict[object, sigverify.Policy] = {}
    prepared = [_verify.prepare(r, settings, policies)[1] for r in rows]
    marks.append(time.perf_counter())
    outcomes = _verify.verifier("public-good", settings).verify_many(prepared, jobs=1)
    marks.append(time.perf_counter())
    results = [_verify._result(str(r["id"]), o) for r, o in zip(rows, outcomes)]
    marks.append(time.perf_counter())
    _verify.write(results, str(path.parent / "phases.parquet"), "parquet")
    marks.append(time.perf_counter())
    n = len(rows)
    names = ["read JSON lines", "prepare items", "verify_many", "result rows", "write Parquet"]
    per = {name: (b - a) / n * 1e6 for name, a, b in zip(names, marks, marks[1:])}
    around = sum(t for name, t in per.items() if name != "verify_many")
    print(f"phases of one partition ({n} items, in this process), us per item:")
    for name, t in per.items():
        print(f"  {name:16} {t:8.1f}")
    print(f"  around verify_many: {around:.1f} us = {around / per['verify_many'] * 100:.1f} % of it")


def verify_many_seconds(n: int) -> float:
    """One ``verify_many(items, jobs=1)`` call over ``n`` items built beforehand, in this
    process; its seconds."""
    vectors = conformance_dir()
    bundle = vectors / "happy-path-v0.3" / "bundle.sigstore.json"
    digest = "sha256:" + hashlib.sha256((vectors / "a.txt").read_bytes()).hexdigest()
    verifier = sigverify.Verifier(sigverify.TrustedRoot.public_good())
    policy = sigverify.Policy.identity(IDENTITY, ISSUER)
    items = [{"bundle": bundle, "digest": digest, "policy": policy} for _ in range(n)]
    verifier.verify_many(items[:200], jobs=1)
    start = time.perf_counter()
    out = verifier.verify_many(items, jobs=1)
    seconds = time.perf_counter() - start
    assert all(isinstance(r, sigverify.VerificationResult) for r in out)
    return seconds


def baseline(n: int) -> float:
    """:func:`verify_many_seconds` in a fresh process of its own (none of this process's Dask
    scheduler threads beside it)."""
    out = subprocess.run([sys.executable, __file__, "--baseline-child", str(n)], check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--phases-only", action="store_true", help="only the per-item breakdown of one partition")
    ap.add_argument("--baseline-child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.baseline_child:
        print(verify_many_seconds(args.baseline_child))
        return
    from distributed import Client, LocalCluster

    vectors = conformance_dir()
    bundle = vectors / "happy-path-v0.3" / "bundle.sigstore.json"
    digest = "sha256:" + hashlib.sha256((vectors / "a.txt").read_bytes()).hexdigest()
    tmp = Path(tempfile.mkdtemp(prefix="sigverify-bench-audit-"))
    try:
        index = tmp / "index"
        write_items(index, args.items, args.files, bundle, digest)
        warm = tmp / "warm"
        write_items(warm, 200, 2, bundle, digest)
        if args.phases_only:
            phases(index / "items-000.jsonl")
            return
        print(f"{args.items} items in {args.files} JSON lines files; {os.cpu_count()} CPUs; "
              f"{platform.processor() or platform.machine()}; Python {platform.python_version()}; "
              f"sigverify {sigverify.__version__}")

        names = ["verify_many (1 process, jobs=1)", "dask, 1 worker x 1 thread", "dask, 2 workers x 1 thread"]
        runs: dict[str, list[float]] = {n: [] for n in names}
        with contextlib.ExitStack() as stack:
            clients = []
            for workers in (1, 2):
                cluster = stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"))
                client = stack.enter_context(Client(cluster))
                audit.audit(warm, tmp / "warm.parquet", client=client, overwrite=True)
                clients.append(client)
            # Interleaved rounds (one of each per round), so that a slow moment of the machine
            # falls on all three alike.
            for _ in range(args.repeats):
                runs[names[0]].append(baseline(args.items))
                for name, client in zip(names[1:], clients):
                    s = audit.audit(index, tmp / "out.parquet", client=client, overwrite=True)
                    assert s.total == args.items and s.verified == args.items, s
                    runs[name].append(s.seconds)
                print("  round: " + ", ".join(f"{n.split(' (')[0].split(' x')[0]} {runs[n][-1]:.2f} s" for n in names), flush=True)
        results = {n: statistics.median(t) for n, t in runs.items()}
        spread = {n: (min(t), max(t)) for n, t in runs.items()}

        base = results["verify_many (1 process, jobs=1)"]
        one = results["dask, 1 worker x 1 thread"]
        two = results["dask, 2 workers x 1 thread"]
        print()
        print("| run | median time (min-max) | bundles/s |")
        print("|---|---:|---:|")
        for name, t in results.items():
            print(f"| {name} | {t:.2f} s ({spread[name][0]:.2f}-{spread[name][1]:.2f}) | {args.items / t:,.0f} |")
        print()
        print(f"2 workers / 1 worker: {one / two:.2f}x")
        print(f"Dask overhead per item (1 worker vs verify_many): {(one / base - 1) * 100:.1f} % "
              f"({(one - base) / args.items * 1e6:.1f} us per item)")
        print()
        phases(index / "items-000.jsonl")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
