#!/usr/bin/env python3
"""sigverify against sigstore-rust in interleaved rounds (bench/compare.sh calls this).

    interleave.py SPEC.json [--rounds 9] [--runs 5]

SPEC.json: ``{"VECTOR": {"inproc": {"sigverify": CMD, "sigstore-rust": CMD},
"once": {"sigverify": CMD, "sigstore-rust": CMD}}, ...}``, each CMD a shell-quoted command
line (an in-process loop printing ``ns_per_iter=X``, or one whole-process verification).

Every round runs, for every vector, both in-process loops once, then ``--runs`` triples of
whole processes (sigverify, sigstore-rust, ``/bin/true``) one after the other, so that a slow
moment of the machine falls on both verifiers alike. A process is timed from ``posix_spawn``
to ``waitpid`` (``time.perf_counter_ns``); ``/bin/true`` run the same way is the cost of
starting any process from here, shown beside the verifiers and subtracted in the second
process ratio. Each ratio is the median over the rounds of that round's ratio (for processes,
of the round's medians); ranges are min–max over the rounds. Prints a Markdown table.
A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import time

PEERS = ("sigverify", "sigstore-rust")


def loop_ns(cmd: str) -> float:
    out = subprocess.run(cmd, shell=True, check=True, capture_output=True, text=True).stdout
    return float(next(l for l in out.splitlines() if l.startswith("ns_per_iter=")).split("=", 1)[1])


def once_ns(argv: list[str], devnull: int) -> int:
    start = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter_ns() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{shlex.join(argv)}: exit {os.waitstatus_to_exitcode(status)}")
    return elapsed


def spread(xs: list[float], scale: float, unit: str, digits: int) -> str:
    return f"{statistics.median(xs) / scale:.{digits}f} {unit} ({min(xs) / scale:.{digits}f}–{max(xs) / scale:.{digits}f})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("spec")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    spec: dict[str, dict[str, dict[str, str]]] = json.load(open(args.spec))
    true = ["/bin/true"]
    devnull = os.open(os.devnull, os.O_WRONLY)
    inproc: dict[tuple[str, str], list[float]] = {}
    procs: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for v, s in spec.items():
            for p in PEERS:
                inproc.setdefault((v, p), []).append(loop_ns(s["inproc"][p]))
            argvs = {p: shlex.split(s["once"][p]) for p in PEERS}
            runs: dict[str, list[int]] = {p: [] for p in (*PEERS, "true")}
            for _ in range(args.runs):
                for p in PEERS:
                    runs[p].append(once_ns(argvs[p], devnull))
                runs["true"].append(once_ns(true, devnull))
            for p, xs in runs.items():
                procs.setdefault((v, p), []).append(statistics.median(xs))
        print(".", end="", flush=True)
    print("\n")
    print(f"Interleaved: {args.rounds} rounds; per round both in-process loops, then {args.runs} × (sigverify, sigstore-rust, /bin/true) processes.\n")
    print("| vector | in-process: sigverify | sigstore-rust | sigstore-rust ÷ sigverify | process: sigverify | sigstore-rust | /bin/true | sigverify ÷ sigstore-rust | the same, /bin/true subtracted |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for v in spec:
        a, b = inproc[(v, "sigverify")], inproc[(v, "sigstore-rust")]
        pa, pb, pt = procs[(v, "sigverify")], procs[(v, "sigstore-rust")], procs[(v, "true")]
        r_in = [y / x for x, y in zip(a, b)]
        r_p = [x / y for x, y in zip(pa, pb)]
        r_pt = [(x - t) / (y - t) for x, y, t in zip(pa, pb, pt)]
        print(
            f"| {v} | {spread(a, 1e3, 'µs', 0)} | {spread(b, 1e3, 'µs', 0)} | **{statistics.median(r_in):.2f}×** ({min(r_in):.2f}–{max(r_in):.2f}) "
            f"| {spread(pa, 1e6, 'ms', 2)} | {spread(pb, 1e6, 'ms', 2)} | {spread(pt, 1e6, 'ms', 2)} "
            f"| **{statistics.median(r_p):.2f}×** ({min(r_p):.2f}–{max(r_p):.2f}) | {statistics.median(r_pt):.2f}× ({min(r_pt):.2f}–{max(r_pt):.2f}) |"
        )
    print("\nTargets (issue 23): in-process sigstore-rust ÷ sigverify ≥ 1.4×; process sigverify ÷ sigstore-rust ≤ 0.9×.")


if __name__ == "__main__":
    main()
