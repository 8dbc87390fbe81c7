"""Verifying one partition of items, in a worker process, and writing its results.

One :class:`sigverify.Verifier` per trusted root and settings is built once per process (a
cached constructor, shared by the worker's threads) and every partition goes through
:meth:`sigverify.Verifier.verify_many`, which releases the GIL. Every item gives exactly one
result row: a row that cannot be read, a policy that cannot be built, a trusted root that cannot
be loaded and even an unexpected exception become rows with an error code, never a lost
partition.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

import sigverify

from . import _ecosystems
from ._items import missing

RESULT_COLUMNS = (
    "id",
    "verified",
    "code",
    "check",
    "message",
    "identity",
    "issuer",
    "key_sha256",
    "verified_time",
    "log_indexes",
)
"""The columns of a result row: the item's ``id``; ``verified`` (bool); ``code`` and ``check``
of the failure (null when verified); ``message``; the signer's ``identity`` and ``issuer`` (or
``key_sha256`` for a key); ``verified_time`` (the earliest verified time, ISO 8601 UTC); the
transparency log indexes of the bundle's ``log_indexes``."""

ROOT_NAMES = ("public-good", "staging", "github")

INVALID = "invalid-argument"
INTERNAL = "internal-error"


@dataclass(frozen=True)
class Settings:
    """How items are verified: the default trusted root (a name in :data:`ROOT_NAMES` or a
    trusted_root.json path) for items that name none, the verifier's thresholds and the threads
    of each ``verify_many`` call."""

    root: str = "public-good"
    tlog_threshold: Optional[int] = None
    timestamp_threshold: Optional[int] = None
    sct_threshold: Optional[int] = None
    jobs: int = 1


_lock = threading.Lock()
_verifiers: dict[tuple[str, Settings], sigverify.Verifier] = {}


def verifier(root: str, settings: Settings) -> sigverify.Verifier:
    """The process's verifier for ``root`` (a name or an absolute path), built on first use.
    Raises :class:`sigverify.Error` (or ``OSError``) when the root cannot be used."""
    key = (root, settings)
    with _lock:
        v = _verifiers.get(key)
        if v is None:
            if root in ROOT_NAMES:
                tr = getattr(sigverify.TrustedRoot, root.replace("-", "_"))()
            else:
                tr = sigverify.TrustedRoot.from_json(Path(root).read_bytes())
            v = sigverify.Verifier(
                tr,
                tlog_threshold=settings.tlog_threshold,
                timestamp_threshold=settings.timestamp_threshold,
                sct_threshold=settings.sct_threshold,
            )
            _verifiers[key] = v
        return v


def _str(row: dict[str, Any], k: str) -> Optional[str]:
    v = row.get(k)
    if missing(v):
        return None
    if not isinstance(v, str):
        raise ValueError(f"{k} must be a string")
    return v


def _str_list(row: dict[str, Any], k: str) -> Optional[list[str]]:
    v = row.get(k)
    if v is None or (not isinstance(v, (list, tuple)) and missing(v)):
        return None
    if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__"):
        raise ValueError(f"{k} must be a list of strings")
    items = list(v)
    if not all(isinstance(x, str) for x in items):
        raise ValueError(f"{k} must be a list of strings")
    return items or None  # an empty list (as mixed exports write for "none") is no value


def _path(base: str, p: str) -> str:
    return p if os.path.isabs(p) else os.path.join(base, p)


class _Refused(Exception):
    def __init__(self, code: str, message: str, check: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.check = check


def prepare(row: dict[str, Any], settings: Settings, policies: dict[Any, sigverify.Policy]) -> tuple[str, dict[str, Any]]:
    """The trusted root and the ``verify_many`` item of one row; raises ``_Refused``."""
    error = row.get("error")
    if not missing(error):
        raise _Refused(INVALID, str(error))
    base = row.get("base")
    base = os.getcwd() if missing(base) else str(base)
    try:
        bundle_v = row.get("bundle")
        bundle: Union[bytes, Path, None]
        if isinstance(bundle_v, (bytes, bytearray, memoryview)):
            bundle = bytes(bundle_v)
        elif isinstance(bundle_v, str):
            bundle = Path(_path(base, bundle_v))
        elif missing(bundle_v) and row.get("ecosystem") == "model":
            bundle = None  # the model's own model.sig
        elif missing(bundle_v):
            raise ValueError("bundle is required")
        else:
            raise ValueError("bundle must be a path (string) or the bundle's JSON (bytes)")
        artifact, digest = _str(row, "artifact"), _str(row, "digest")
        if (artifact is None) == (digest is None):
            raise ValueError("exactly one of artifact and digest is required")
        identity, issuer = _str(row, "identity"), _str(row, "issuer")
        key, policy_doc = _str(row, "key"), _str(row, "policy")
        given = [identity is not None or issuer is not None, key is not None, policy_doc is not None]
        if missing(row.get("ecosystem")) and (sum(given) != 1 or (given[0] and (identity is None or issuer is None))):
            raise ValueError("identity and issuer, or key, or policy, are required (one of them)")
        root = _str(row, "trusted_root")
        ecosystem = _str(row, "ecosystem")
        extra = {k: _str(row, k) for k in _ecosystems.EXTRA_FIELDS[1:]}
        if ecosystem is None and any(v is not None for v in extra.values()):
            raise ValueError(f"{next(k for k, v in extra.items() if v is not None)} needs an ecosystem")
        ignore = _str_list(row, "ignore_paths")
        if ignore is not None and ecosystem != "model":
            raise ValueError("ignore_paths is for a model item (ecosystem model) only")
    except ValueError as e:
        raise _Refused(INVALID, str(e)) from None
    root_key = settings.root if root is None else os.path.abspath(_path(base, root))
    if ecosystem is not None:
        if policy_doc is not None or (key is not None and ecosystem != "model"):
            raise _Refused(INVALID, "an ecosystem request takes no policy (and no key, but for a model)")
        args: dict[str, Any] = {"bundle": bundle, "artifact": None if artifact is None else _path(base, artifact), "digest": digest}
        args.update(identity=identity, issuer=issuer, key=None if key is None else _path(base, key), **extra)
        args["ignore_paths"] = ignore
        try:
            return root_key, {"ecosystem": _ecosystems.call(ecosystem, args)}
        except sigverify.Error as e:
            raise _Refused(e.code, e.message, e.check) from None
        except ValueError as e:
            raise _Refused(INVALID, str(e)) from None
    try:
        pkey: Any
        if key is not None:
            pkey = ("key", _path(base, key))
        elif policy_doc is not None:
            pkey = ("policy", policy_doc)
        else:
            pkey = ("identity", identity, issuer)
        policy = policies.get(pkey)
        if policy is None:
            if key is not None:
                policy = sigverify.Policy.key(Path(_path(base, key)).read_bytes())
            elif policy_doc is not None:
                policy = sigverify.Policy.from_json(policy_doc)
            else:
                assert identity is not None and issuer is not None
                policy = sigverify.Policy.identity(identity, issuer)
            policies[pkey] = policy
    except sigverify.Error as e:
        raise _Refused(e.code, f"policy: {e.message}", e.check) from None
    except OSError as e:
        raise _Refused("io-error", f"key: {e}") from None
    item: dict[str, Any] = {"bundle": bundle, "policy": policy}
    if artifact is not None:
        item["artifact"] = Path(_path(base, artifact))
    else:
        item["digest"] = digest
    return root_key, item


def _failure(ident: str, code: str, message: str, check: Optional[str] = None) -> dict[str, Any]:
    return {
        "id": ident,
        "verified": False,
        "code": code,
        "check": check,
        "message": message,
        "identity": None,
        "issuer": None,
        "key_sha256": None,
        "verified_time": None,
        "log_indexes": [],
    }


def _result(ident: str, outcome: object) -> dict[str, Any]:
    if isinstance(outcome, _ecosystems.Outcome):
        results = outcome.results
        if not results and outcome.key_sha256 is not None:
            row = _failure(ident, "", "")
            row.update(verified=True, code=None, message=None, key_sha256=outcome.key_sha256)
            return row
        if not results:
            return _failure(ident, INTERNAL, "the ecosystem adapter verified no bundle")
        row = _result(ident, results[0])
        row["log_indexes"] = [e.log_index for r in results for e in r.log_entries if e.log_index is not None]
        return row
    if isinstance(outcome, sigverify.VerificationResult):
        return {
            "id": ident,
            "verified": True,
            "code": None,
            "check": None,
            "message": None,
            "identity": outcome.identity,
            "issuer": outcome.issuer,
            "key_sha256": outcome.key_sha256,
            "verified_time": outcome.earliest_time.isoformat(),
            "log_indexes": [e.log_index for e in outcome.log_entries if e.log_index is not None],
        }
    if isinstance(outcome, sigverify.Error):
        return _failure(ident, outcome.code, outcome.message, outcome.check)
    return _failure(ident, INTERNAL, f"unexpected outcome {type(outcome).__name__}")


def _verify_one(v: sigverify.Verifier, item: dict[str, Any]) -> object:
    try:
        return v.verify(**item)
    except sigverify.Error as e:
        return e


def verify_rows(rows: list[dict[str, Any]], settings: Settings) -> list[dict[str, Any]]:
    """One result row (:data:`RESULT_COLUMNS`) per input row, in order."""
    out: list[Optional[dict[str, Any]]] = [None] * len(rows)
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    policies: dict[Any, sigverify.Policy] = {}
    ids: list[str] = []
    for i, row in enumerate(rows):
        ident = row.get("id")
        ident = f"#{i}" if missing(ident) else str(ident)
        ids.append(ident)
        try:
            root, item = prepare(row, settings, policies)
            groups.setdefault(root, []).append((i, item))
        except _Refused as e:
            out[i] = _failure(ident, e.code, str(e), e.check)
        except Exception as e:  # noqa: BLE001 - a bug must not lose the partition
            out[i] = _failure(ident, INTERNAL, f"{type(e).__name__} while reading the item")
    for root, members in groups.items():
        try:
            v = verifier(root, settings)
        except sigverify.Error as e:
            for i, _ in members:
                out[i] = _failure(ids[i], e.code, f"trusted root {root}: {e.message}", e.check)
            continue
        except OSError as e:
            for i, _ in members:
                out[i] = _failure(ids[i], "io-error", f"trusted root {root}: {e}")
            continue
        eco = [(i, item["ecosystem"]) for i, item in members if "ecosystem" in item]
        if eco:
            for (i, _), outcome in zip(eco, _ecosystems.run(v, [c for _, c in eco], settings.jobs)):
                try:
                    out[i] = _result(ids[i], outcome) if not isinstance(outcome, Exception) or isinstance(outcome, sigverify.Error) else _failure(ids[i], INTERNAL, f"{type(outcome).__name__} in the ecosystem adapter")
                except Exception as e:  # noqa: BLE001
                    out[i] = _failure(ids[i], INTERNAL, f"{type(e).__name__} while reading the result")
            members = [(i, item) for i, item in members if "ecosystem" not in item]
        items = [item for _, item in members]
        if not items:
            continue
        try:
            outcomes: list[object] = list(v.verify_many(items, jobs=settings.jobs))
            if len(outcomes) != len(items):
                raise RuntimeError("verify_many returned the wrong number of results")
        except Exception:  # noqa: BLE001 - fall back to one call per item
            outcomes = []
            for item in items:
                try:
                    outcomes.append(_verify_one(v, item))
                except Exception as e:  # noqa: BLE001
                    outcomes.append(RuntimeError(type(e).__name__))
        for (i, _), outcome in zip(members, outcomes):
            try:
                out[i] = _result(ids[i], outcome)
            except Exception as e:  # noqa: BLE001
                out[i] = _failure(ids[i], INTERNAL, f"{type(e).__name__} while reading the result")
    return [r if r is not None else _failure(ids[i], INTERNAL, "no result") for i, r in enumerate(out)]


def result_frame(results: list[dict[str, Any]]) -> Any:
    """Result rows as a pandas DataFrame of :data:`RESULT_COLUMNS`."""
    import pandas as pd  # type: ignore[import-untyped]

    cols: dict[str, Any] = {c: pd.Series([r[c] for r in results], dtype=object) for c in RESULT_COLUMNS}
    cols["verified"] = pd.Series([bool(r["verified"]) for r in results], dtype=bool)
    return pd.DataFrame(cols, columns=list(RESULT_COLUMNS))


def _arrow_schema() -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    s = pa.string()
    return pa.schema(
        [
            ("id", s),
            ("verified", pa.bool_()),
            ("code", s),
            ("check", s),
            ("message", s),
            ("identity", s),
            ("issuer", s),
            ("key_sha256", s),
            ("verified_time", s),
            ("log_indexes", pa.list_(pa.int64())),
        ]
    )


def write(results: list[dict[str, Any]], path: str, fmt: str) -> None:
    """Writes result rows to ``path`` atomically (a temporary file in the same folder, then a
    rename): a task that is run again, after its worker died, replaces the file whole, so every
    item is in the output exactly once."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.tmp")
    try:
        if fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq  # type: ignore[import-untyped]

            schema = _arrow_schema()
            table = pa.Table.from_pydict({c: [r[c] for r in results] for c in schema.names}, schema=schema)
            pq.write_table(table, tmp)
        else:
            with open(tmp, "w", encoding="utf-8") as f:
                for r in results:
                    f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")))
                    f.write("\n")
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


SUMMARY_COLUMNS = ("partition", "verified", "code", "items")


def summarize(results: list[dict[str, Any]], partition: int) -> Any:
    """The counts of one partition's results by verdict and code (a small pandas DataFrame)."""
    import pandas as pd

    counts: dict[tuple[bool, str], int] = {}
    for r in results:
        k = (bool(r["verified"]), r["code"] or "")
        counts[k] = counts.get(k, 0) + 1
    rows = sorted(counts.items())
    return pd.DataFrame(
        {
            "partition": pd.Series([partition] * len(rows), dtype="int64"),
            "verified": pd.Series([k[0] for k, _ in rows], dtype=bool),
            "code": pd.Series([k[1] for k, _ in rows], dtype=object),
            "items": pd.Series([n for _, n in rows], dtype="int64"),
        },
        columns=list(SUMMARY_COLUMNS),
    )


def part_name(partition: int, fmt: str) -> str:
    return f"part-{partition:05d}.{'parquet' if fmt == 'parquet' else 'jsonl'}"


def verify_file(path: str, number: int, out_dir: str, fmt: str, settings: Settings) -> Any:
    """The task of one input file (partition ``number``): as :func:`verify_partition`, from the
    file's rows straight to its part file, with no DataFrame in between."""
    from ._items import read_rows

    results = verify_rows(read_rows(path), settings)
    write(results, os.path.join(out_dir, part_name(number, fmt)), fmt)
    return summarize(results, number)


def verify_files(part: list[tuple[int, str]], out_dir: str, fmt: str, settings: Settings) -> list[dict[str, Any]]:
    """The task of one partition of a Bag of ``(number, path)`` input files (one each): the
    counts of :func:`verify_file` as records."""
    counts: list[dict[str, Any]] = []
    for number, path in part:
        counts.extend(verify_file(path, number, out_dir, fmt, settings).to_dict("records"))
    return counts


def verify_partition(frame: Any, out_dir: str, fmt: str, settings: Settings, partition_info: Optional[dict[str, Any]] = None) -> Any:
    """The task of one partition: verifies its items, writes ``part-NNNNN`` in ``out_dir`` and
    returns its counts (:data:`SUMMARY_COLUMNS`); only the counts go back to the client."""
    if partition_info is None:
        raise RuntimeError("verify_partition needs Dask's partition_info")
    number = int(partition_info["number"])
    rows = frame.to_dict("records") if len(frame) else []
    results = verify_rows(rows, settings)
    write(results, os.path.join(out_dir, part_name(number, fmt)), fmt)
    return summarize(results, number)
