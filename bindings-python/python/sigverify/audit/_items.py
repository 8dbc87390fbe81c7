"""Items of an audit: reading them from JSON lines and Parquet files, and checking each one.

Nothing here imports Dask: these functions run inside worker processes on one partition at a
time (a pandas DataFrame), and can be tested and used without a cluster.

A JSON lines item has the fields of ``sigverify verify-batch``'s manifest plus an ``id``::

    {"id": "pkg-1.0.tar.gz", "bundle": PATH, "artifact": PATH | "digest": "sha256:HEX",
     "identity": ID, "issuer": URL | "key": PATH | "policy": POLICY_JSON, "trusted_root": PATH?}

Relative paths are resolved against the folder of the file that holds the item. A Parquet file
has the same columns; its ``bundle`` column may also hold the bundle's JSON as binary.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Optional, Union

FIELDS = (
    "id",
    "bundle",
    "artifact",
    "digest",
    "identity",
    "issuer",
    "key",
    "policy",
    "trusted_root",
    "ecosystem",
    "filename",
    "publisher",
    "package",
    "repository",
    "ignore_paths",
)
"""The fields of an item: those of ``verify-batch``'s manifest and ``id``; ``policy`` (a policy
document, :meth:`sigverify.Policy.from_json`); and, for an ecosystem request, ``ecosystem``
(``pypi``, ``npm``, ``conda``, ``model``) with ``filename``, ``publisher``, ``package``,
``repository`` and, for a model, ``ignore_paths`` (a list of paths in the model; see :mod:`sigverify.audit._ecosystems`)."""

COLUMNS = FIELDS + ("error", "base")
"""The columns of a partition of items: the fields, ``error`` (why the row could not be read, or
null) and ``base`` (the folder relative paths are resolved against)."""

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
PARQUET_SUFFIXES = (".parquet", ".pq")


def file_format(path: Union[str, "os.PathLike[str]"]) -> str:
    """``"jsonl"`` or ``"parquet"`` by the name's extension; ``ValueError`` for anything else."""
    name = os.fspath(path).lower().rstrip("/")
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    raise ValueError(
        f"{os.fspath(path)}: expected a .jsonl (JSON lines) or .parquet name, to choose the format"
    )


def input_files(source: Union[str, "os.PathLike[str]"]) -> list[str]:
    """The files of an input: one file, a glob pattern, or a folder (every ``.jsonl``,
    ``.ndjson``, ``.json`` and ``.parquet`` file below it, as partitioned exports are written),
    in sorted order. Raises ``ValueError`` when there is none."""
    text = os.fspath(source)
    p = Path(text)
    if any(c in text for c in "*?["):
        anchor = Path(p.anchor) if p.is_absolute() else Path(".")
        pattern = str(p.relative_to(p.anchor)) if p.is_absolute() else text
        files = sorted(str(f) for f in anchor.glob(pattern) if f.is_file())
    elif p.is_dir():
        files = sorted(
            str(f)
            for f in p.rglob("*")
            if f.is_file()
            and not f.name.startswith((".", "_"))
            and f.name.lower().endswith(JSONL_SUFFIXES + PARQUET_SUFFIXES)
        )
    elif p.is_file():
        files = [text]
    else:
        raise ValueError(f"{text}: no such file or folder")
    if not files:
        raise ValueError(f"{text}: no .jsonl or .parquet files")
    for f in files:
        file_format(f)
    return files


def missing(v: Any) -> bool:
    """Whether a cell is empty: None, NaN, or pandas' NA."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return True
    return type(v).__name__ in ("NAType", "NaTType")


def _row(record: dict[str, Any], base: str, error: Optional[str]) -> dict[str, Any]:
    row: dict[str, Any] = {k: record.get(k) for k in FIELDS}
    row["error"] = error
    row["base"] = base
    return row


def _check_record(v: Any) -> tuple[dict[str, Any], Optional[str]]:
    """The record with a string ``id``, and why it cannot be used (or None)."""
    if not isinstance(v, dict):
        return {}, "expected a JSON object"
    unknown = sorted(k for k in v if k not in FIELDS)
    record = dict(v)
    ident = record.get("id")
    if isinstance(ident, bool) or not isinstance(ident, (str, int)):
        record["id"] = None
        return record, "id is required (a string or an integer)"
    record["id"] = str(ident)
    if unknown:
        return record, f"unknown field {unknown[0]!r}"
    return record, None


def read_jsonl(path: str) -> list[dict[str, Any]]:
    """The rows of one JSON lines file. A line that is not an item becomes a row with an
    ``error`` (its id is ``FILE:LINE`` when it has none), never an exception."""
    base = str(Path(path).resolve().parent)
    name = Path(path).name
    rows = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                v = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as e:
                rows.append(_row({"id": f"{name}:{n}"}, base, f"line {n}: not JSON: {e}"))
                continue
            record, error = _check_record(v)
            if record.get("id") is None:
                record["id"] = f"{name}:{n}"
            rows.append(_row(record, base, f"line {n}: {error}" if error else None))
    return rows


def read_parquet(path: str) -> list[dict[str, Any]]:
    """The rows of one Parquet file (same rules as :func:`read_jsonl`; the id of a row without
    one is ``FILE#ROW``)."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    base = str(Path(path).resolve().parent)
    name = Path(path).name
    rows = []
    for n, v in enumerate(pq.read_table(path).to_pylist()):
        v = {k: x for k, x in v.items() if not missing(x)}
        record, error = _check_record(v)
        if record.get("id") is None:
            record["id"] = f"{name}#{n}"
        rows.append(_row(record, base, f"row {n}: {error}" if error else None))
    return rows


def read_rows(path: str) -> list[dict[str, Any]]:
    """The rows of one input file (:data:`COLUMNS`). A file that cannot be read at all (gone,
    unreadable, not Parquet) is one row, its id the file's path as listed, with the reason as
    its ``error``: its partition still gives a result, and the rest of the audit goes on."""
    try:
        return read_jsonl(path) if file_format(path) == "jsonl" else read_parquet(path)
    except Exception as e:  # noqa: BLE001 - a poison file must not fail the whole audit
        return [_row({"id": path}, str(Path(path).parent), f"cannot read {path}: {type(e).__name__}: {e}")]


def read_file(path: str) -> "Any":
    """One input file as a pandas DataFrame with :data:`COLUMNS` (one partition; see
    :func:`read_rows`)."""
    return frame(read_rows(path))


def frame(rows: list[dict[str, Any]]) -> "Any":
    """Rows as a pandas DataFrame of :data:`COLUMNS`, every column of dtype object."""
    import pandas as pd  # type: ignore[import-untyped]

    return pd.DataFrame(
        {c: pd.Series([r.get(c) for r in rows], dtype=object) for c in COLUMNS},
        columns=list(COLUMNS),
    )


def empty_frame() -> "Any":
    return frame([])
