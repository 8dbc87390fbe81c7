"""Registry-scale audits on Dask: re-verify every attestation of an index, on one machine or a
cluster (``pip install sigverify[audit]``: dask, distributed, pyarrow)::

    from dask.distributed import Client, LocalCluster
    import sigverify.audit

    with LocalCluster(n_workers=4, threads_per_worker=1) as cluster, Client(cluster) as client:
        summary = sigverify.audit.audit("index/", "results.parquet", client=client)
    print(summary.to_dict())

The input is a table of items (:mod:`sigverify.audit._items`: the fields of ``sigverify
verify-batch``'s manifest plus an ``id``) from JSON lines or Parquet files, one partition per
file, or a Dask DataFrame or Bag. Every partition (``map_partitions``: over a Bag of the files,
one per partition, each task going from a file's rows straight to its part file; or over the
DataFrame given) goes through :meth:`sigverify.Verifier.verify_many` (GIL released) in a worker
process that builds each verifier once, and its results are written there, as ``OUTPUT/part-NNNNN.parquet`` (or
``.jsonl``) by the output's extension: nothing but the counts comes back to the client. Result
rows: :data:`RESULT_COLUMNS`.

A worker that dies mid-run has its tasks run again by Dask; a partition file is replaced whole
(written to a temporary file, then renamed), so every item is in the output exactly once. An item
that cannot be read or verified is a row with an error code (``invalid-argument`` for a bad row,
``internal-error`` for a bug), never a lost partition.

The same code runs on a multi-machine cluster: pass a ``Client`` connected to its scheduler
(``python -m sigverify.audit ... --scheduler tcp://HOST:8786``); the input, output and every
path in the items must then be visible to every worker (a shared file system).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from ._items import COLUMNS as ITEM_COLUMNS
from ._items import FIELDS as ITEM_FIELDS
from ._items import empty_frame, file_format, frame, input_files, read_file
from ._verify import RESULT_COLUMNS, ROOT_NAMES, SUMMARY_COLUMNS, Settings, part_name, summarize, verify_files, verify_partition, verify_rows

__all__ = [
    "ITEM_FIELDS",
    "RESULT_COLUMNS",
    "ROOT_NAMES",
    "Settings",
    "Summary",
    "audit",
    "read_items",
    "verify_rows",
]


def _require() -> None:
    try:
        import dask  # noqa: F401
        import dask.dataframe  # noqa: F401
        import pyarrow  # type: ignore[import-untyped]  # noqa: F401
    except ImportError as e:
        raise ImportError(
            f"sigverify.audit needs Dask and pyarrow: pip install 'sigverify[audit]' ({e})"
        ) from e


def read_items(source: Union[str, "os.PathLike[str]"]) -> Any:
    """A Dask DataFrame of items (:data:`ITEM_COLUMNS`) from a JSON lines or Parquet file, a
    folder of them (partitioned, as exports of registry databases are) or a glob pattern: one
    partition per file. Relative paths in an item are resolved against its file's folder."""
    _require()
    import dask.dataframe as dd

    files = input_files(source)
    return dd.from_map(read_file, files, meta=empty_frame(), enforce_metadata=False)  # type: ignore[no-untyped-call]


def _bag_partition(records: Any) -> Any:
    """One partition of a Bag of item dicts as a partition of items."""
    from ._items import _check_record, _row

    rows = []
    base = os.getcwd()
    for n, v in enumerate(records):
        record, error = _check_record(v)
        if record.get("id") is None:
            record["id"] = f"#{n}"
        rows.append(_row(record, base, error))
    return frame(rows)


def _from_bag(bag: Any) -> Any:
    import dask
    import dask.dataframe as dd

    parts = [dask.delayed(_bag_partition)(d) for d in bag.to_delayed()]  # type: ignore[attr-defined]
    return dd.from_delayed(parts, meta=empty_frame(), verify_meta=False)


def _collection(items: Any) -> Any:
    import dask.bag as db
    import dask.dataframe as dd

    if isinstance(items, (str, os.PathLike)):
        return read_items(items)
    if isinstance(items, db.Bag):
        return _from_bag(items)
    if isinstance(items, dd.DataFrame):
        unknown = [c for c in items.columns if c not in ITEM_COLUMNS]
        if unknown:
            raise ValueError(f"items: unknown column {unknown[0]!r} (columns: {', '.join(ITEM_FIELDS)})")
        if "id" not in items.columns:
            raise ValueError("items: an id column is required")
        return items
    raise TypeError("items: expected a path, a Dask DataFrame or a Dask Bag of dicts")


@dataclass
class Summary:
    """What an audit found: counts by verdict and by code, where the results are."""

    output: str
    partitions: int
    total: int
    verified: int
    failed: int
    by_code: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "partitions": self.partitions,
            "total": self.total,
            "verified": self.verified,
            "failed": self.failed,
            "by_code": dict(sorted(self.by_code.items())),
            "seconds": round(self.seconds, 3),
        }


def _prepare_output(output: str, overwrite: bool) -> str:
    fmt = file_format(output)
    p = Path(output)
    if p.exists() and not p.is_dir():
        raise ValueError(f"{output}: exists and is not a folder (the output is a folder of part files)")
    p.mkdir(parents=True, exist_ok=True)
    old = [f for f in p.iterdir() if f.name.startswith("part-") or f.name.endswith(".tmp")]
    if old and not overwrite:
        raise ValueError(f"{output}: holds results already (pass overwrite=True / --overwrite)")
    for f in old:
        f.unlink() if not f.is_dir() else shutil.rmtree(f)
    return fmt


def audit(
    items: Any,
    output: Union[str, "os.PathLike[str]"],
    *,
    client: Any = None,
    settings: Optional[Settings] = None,
    overwrite: bool = False,
    progress: bool = False,
) -> Summary:
    """Verifies every item and writes one result row per item to ``output`` (a folder named
    ``*.parquet`` or ``*.jsonl``: one ``part-NNNNN`` file per input partition).

    Args:
        items: a path (see :func:`read_items`), a Dask DataFrame with item columns, or a Dask Bag
            of item dicts.
        output: the output folder; its extension chooses Parquet or JSON lines.
        client: a ``distributed.Client`` (a local or multi-machine cluster); by default the
            current client if there is one, else Dask's local scheduler.
        settings: the default trusted root, thresholds and ``verify_many`` threads per task.
        overwrite: replace the part files of an earlier run in ``output``.
        progress: show Dask's progress bar (on stderr).

    Raises:
        ValueError / TypeError: bad input or output (nothing is verified then). A single item
            never raises: it is a row with an error code.
    """
    _require()
    import dask
    import pandas as pd  # type: ignore[import-untyped]

    settings = settings or Settings()
    out = os.path.abspath(os.fspath(output))
    fmt = _prepare_output(out, overwrite)
    with dask.config.set({"dataframe.convert-string": False}):
        tasks: Any
        if isinstance(items, (str, os.PathLike)):
            # Files: map_partitions over a Bag of the files, one per partition, each task from
            # the file's rows straight to its part file (no DataFrame between).
            import dask.bag as db

            files = input_files(items)
            bag = db.from_sequence(list(enumerate(files)), npartitions=len(files))  # type: ignore[no-untyped-call]
            tasks = bag.map_partitions(verify_files, out, fmt, settings)
            npartitions = len(files)
        else:
            ddf = _collection(items)
            tasks = ddf.map_partitions(verify_partition, out, fmt, settings, meta=summarize([], 0), enforce_metadata=False)
            npartitions = int(ddf.npartitions)
        start = time.perf_counter()
        if client is None:
            try:
                from distributed import default_client

                client = default_client()  # type: ignore[no-untyped-call]
            except (ImportError, ValueError):
                client = None
        if client is not None:
            future = client.compute(tasks)
            if progress:
                from distributed import progress as show

                import contextlib
                import sys

                # distributed's bar writes to stdout; results and summaries go there.
                with contextlib.redirect_stdout(sys.stderr):
                    show(future)  # type: ignore[no-untyped-call]
            counts = future.result()
        elif progress:
            from dask.diagnostics import ProgressBar  # type: ignore[attr-defined]

            import sys

            # Without a cluster: threads (verify_many releases the GIL), never the process
            # pool a Bag defaults to, which a script without a __main__ guard cannot start.
            with ProgressBar(out=sys.stderr):  # type: ignore[no-untyped-call]
                counts = dask.compute(tasks, scheduler="threads")[0]  # type: ignore[attr-defined,no-untyped-call]
        else:
            counts = dask.compute(tasks, scheduler="threads")[0]  # type: ignore[attr-defined,no-untyped-call]
    seconds = time.perf_counter() - start
    counts = pd.DataFrame(counts, columns=list(SUMMARY_COLUMNS))
    # Every partition writes its part file (an empty partition an empty one) before it
    # returns its counts: a missing file is a partition that never finished.
    written = {f.name for f in Path(out).iterdir() if f.name.startswith("part-")}
    absent = [i for i in range(npartitions) if part_name(i, fmt) not in written]
    if absent:
        raise RuntimeError(f"partitions without results: {absent[:10]}")
    by_code: dict[str, int] = {}
    verified = failed = 0
    for row in counts.itertuples(index=False):
        n = int(row.items)
        if bool(row.verified):
            verified += n
        else:
            failed += n
            by_code[str(row.code)] = by_code.get(str(row.code), 0) + n
    return Summary(out, npartitions, verified + failed, verified, failed, by_code, seconds)
