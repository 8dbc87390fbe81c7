"""``python -m sigverify.audit INPUT OUTPUT [--scheduler ADDRESS | --workers N] [--root ROOT]``

Verifies every item of INPUT (a JSON lines or Parquet file, a folder of them, or a glob) on a
Dask cluster and writes one result row per item to OUTPUT (a folder named ``*.jsonl`` or
``*.parquet``, one part file per input partition). Prints the summary (JSON) on stdout.

Exit status: 0 when every item verified, 1 when any did not, 2 for bad arguments or input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Optional, Sequence

from . import ROOT_NAMES, Settings, audit


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m sigverify.audit",
        description="Re-verify every Sigstore bundle of an index on a Dask cluster.",
    )
    p.add_argument("input", help="a .jsonl or .parquet file, a folder of them, or a glob pattern")
    p.add_argument("output", help="the output folder, named *.jsonl or *.parquet")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler (tcp://HOST:8786)")
    where.add_argument("--workers", type=int, metavar="N", help="a local cluster of N worker processes (default: one per CPU)")
    p.add_argument("--threads-per-worker", type=int, default=1, metavar="N", help="threads of each local worker (default 1)")
    p.add_argument(
        "--root",
        default="public-good",
        help=f"trusted root of items without trusted_root: {', '.join(ROOT_NAMES)} or a trusted_root.json path",
    )
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="verify_many threads per task (default 1)")
    p.add_argument("--tlog-threshold", type=int, metavar="N")
    p.add_argument("--timestamp-threshold", type=int, metavar="N")
    p.add_argument("--sct-threshold", type=int, metavar="N")
    p.add_argument("--overwrite", action="store_true", help="replace the results of an earlier run")
    p.add_argument("--progress", action="store_true", help="a progress bar on stderr (default: when it is a terminal)")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.workers is not None and args.workers < 1:
        print("error: --workers takes a positive number", file=sys.stderr)
        return 2
    if args.jobs < 1 or args.threads_per_worker < 1:
        print("error: --jobs and --threads-per-worker take positive numbers", file=sys.stderr)
        return 2
    root = args.root
    if root not in ROOT_NAMES:
        import os

        root = os.path.abspath(root)
        if not os.path.isfile(root):
            print(f"error: --root: {args.root}: not a root name ({', '.join(ROOT_NAMES)}) nor a file", file=sys.stderr)
            return 2
    settings = Settings(
        root=root,
        tlog_threshold=args.tlog_threshold,
        timestamp_threshold=args.timestamp_threshold,
        sct_threshold=args.sct_threshold,
        jobs=args.jobs,
    )
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:
        print(f"error: sigverify.audit needs Dask: pip install 'sigverify[audit]' ({e})", file=sys.stderr)
        return 2
    progress = args.progress or sys.stderr.isatty()
    try:
        if args.scheduler:
            with Client(args.scheduler) as client:  # type: ignore[no-untyped-call]
                summary = audit(args.input, args.output, client=client, settings=settings, overwrite=args.overwrite, progress=progress)
        else:
            with LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=args.workers,
                threads_per_worker=args.threads_per_worker,
                processes=True,
                dashboard_address=":0",
            ) as cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
                if progress and client.dashboard_link:
                    print(f"dashboard: {client.dashboard_link}", file=sys.stderr)
                summary = audit(args.input, args.output, client=client, settings=settings, overwrite=args.overwrite, progress=progress)
    except (ValueError, TypeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(summary.to_dict(), indent=2))
    return 0 if summary.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
