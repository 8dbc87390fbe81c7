"""sigverify.audit on a Dask LocalCluster (2 worker processes).

The corpus is generated: every bundle of the testkit's dump (its happy paths and every fault,
with its own trusted root, and the trusted-root knobs that make a valid bundle fail), every
sigstore-conformance case (public-good and custom roots, keys), by artifact file and by digest,
repeated under distinct ids into a few thousand items over several files, plus rows that cannot be
read. The audit's verdicts must be those of ``Verifier.verify_many`` in this process, every item
must be in the output exactly once, also when a worker process is killed mid-run.

Dask, distributed and pyarrow come from ``pip install sigverify[audit]`` (test.sh installs them):
without them these tests FAIL, they never skip. The testkit dump is written by
``cargo run --release -p sigverify-testkit --example dump`` (test.sh does it and sets
``$SIGVERIFY_TESTKIT_DUMP``; without it, the fixture runs cargo itself).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import pytest

import sigverify
from _vectors import REPO, conformance_cases, conformance_dir

try:
    import cloudpickle  # type: ignore[import-untyped]
    import dask.bag as db
    import dask.dataframe as dd
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]
    from distributed import Client, LocalCluster, WorkerPlugin

    import sigverify.audit as audit
    from sigverify.audit import _verify

    MISSING_DEPS: Optional[str] = None
except ImportError as _e:  # pragma: no cover - reported as a failure below
    MISSING_DEPS = str(_e)


@pytest.fixture(autouse=True)
def _require_deps() -> None:
    if MISSING_DEPS is not None:
        pytest.fail(
            f"AUDIT DEPENDENCIES MISSING ({MISSING_DEPS}): pip install 'sigverify[audit]' "
            "(bindings-python/test.sh installs them). These tests never skip.",
            pytrace=False,
        )


REPEAT = 24
"""Each base item is repeated this many times under distinct ids (about 3,000 items)."""
FILES = 6


@pytest.fixture(scope="session")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = os.environ.get("SIGVERIFY_TESTKIT_DUMP")
    d = Path(env) if env else tmp_path_factory.mktemp("testkit-dump")
    if not (d / "manifest.json").is_file():
        done = subprocess.run(
            ["cargo", "run", "--release", "-q", "-p", "sigverify-testkit", "--example", "dump", "--", str(d)],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not (d / "manifest.json").is_file():
            pytest.fail(f"the testkit dump could not be written: {done.stderr[-2000:]}", pytrace=False)
    return d


def _base_items(dump: Path) -> list[dict[str, Any]]:
    """One item per bundle, with absolute paths."""
    m = json.loads((dump / "manifest.json").read_text())
    artifact = dump / "artifact"
    digest = "sha256:" + hashlib.sha256(artifact.read_bytes()).hexdigest()
    items: list[dict[str, Any]] = []
    for c in m["cases"]:
        common = {"bundle": str(dump / c["file"]), "identity": m["identity"], "issuer": m["issuer"]}
        root = str(dump / "trusted_root.json")
        items.append({"id": f"tk-{c['name']}", **common, "artifact": str(artifact), "trusted_root": root})
        items.append({"id": f"tk-{c['name']}-digest", **common, "digest": digest, "trusted_root": root})
    for knob in sorted(dump.glob("trusted_root-*.json")):
        items.append(
            {
                "id": f"tk-knob-{knob.stem}",
                "bundle": str(dump / "ok-msg-V03-ts.sigstore.json"),
                "artifact": str(artifact),
                "identity": m["identity"],
                "issuer": m["issuer"],
                "trusted_root": str(knob),
            }
        )
    items.append(
        {
            "id": "tk-wrong-identity",
            "bundle": str(dump / "ok-msg-V03-ts.sigstore.json"),
            "artifact": str(artifact),
            "identity": "https://example.com/someone-else",
            "issuer": m["issuer"],
            "trusted_root": str(dump / "trusted_root.json"),
        }
    )
    for case in conformance_cases():
        if not case.bundle.is_file():
            continue
        item: dict[str, Any] = {"id": f"cf-{case.name}", "bundle": str(case.bundle), "artifact": str(case.artifact)}
        if case.key is not None:
            item["key"] = str(case.key)
        else:
            item["identity"], item["issuer"] = case.identity, case.issuer
        if case.trusted_root is not None:
            item["trusted_root"] = str(case.trusted_root)
        items.append(item)
    return items


def _expected(items: list[dict[str, Any]]) -> dict[str, tuple[bool, Optional[str], Optional[str], Optional[str]]]:
    """(verified, code, check, identity) per id, from verify_many in this process: one verifier
    per trusted root, built here independently of sigverify.audit."""
    out: dict[str, tuple[bool, Optional[str], Optional[str], Optional[str]]] = {}
    by_root: dict[Optional[str], list[dict[str, Any]]] = {}
    for it in items:
        by_root.setdefault(it.get("trusted_root"), []).append(it)
    for root, group in by_root.items():
        try:
            tr = sigverify.TrustedRoot.public_good() if root is None else sigverify.TrustedRoot.from_json(Path(root).read_bytes())
            v = sigverify.Verifier(tr)
        except sigverify.Error as e:
            out.update((it["id"], (False, e.code, e.check, None)) for it in group)
            continue
        calls, called = [], []
        for it in group:
            try:
                if "key" in it:
                    policy = sigverify.Policy.key(Path(it["key"]).read_bytes())
                else:
                    policy = sigverify.Policy.identity(it["identity"], it["issuer"])
            except sigverify.Error as e:
                out[it["id"]] = (False, e.code, e.check, None)
                continue
            called.append(it)
            call: dict[str, Any] = {"bundle": Path(it["bundle"]), "policy": policy}
            if "artifact" in it:
                call["artifact"] = Path(it["artifact"])
            else:
                call["digest"] = it["digest"]
            calls.append(call)
        for it, r in zip(called, v.verify_many(calls)):
            if isinstance(r, sigverify.VerificationResult):
                out[it["id"]] = (True, None, None, r.identity)
            else:
                out[it["id"]] = (False, r.code, r.check, None)
    return out


BAD_LINES = [
    ("not json {", "bad.jsonl:1"),
    (json.dumps({"id": "bad-unknown", "bundle": "x", "digest": "sha256:00", "identity": "a", "issuer": "b", "color": 1}), "bad-unknown"),
    (json.dumps({"id": "bad-no-subject", "bundle": "x", "identity": "a", "issuer": "b"}), "bad-no-subject"),
    (json.dumps({"id": "bad-both-policies", "bundle": "x", "digest": "sha256:00", "identity": "a", "issuer": "b", "key": "k.pem"}), "bad-both-policies"),
    (json.dumps({"id": "bad-no-bundle", "digest": "sha256:00", "identity": "a", "issuer": "b"}), "bad-no-bundle"),
    (json.dumps({"bundle": "x", "digest": "sha256:00", "identity": "a", "issuer": "b"}), "bad.jsonl:6"),
    (json.dumps(["not", "an", "object"]), "bad.jsonl:7"),
]


class Corpus:
    def __init__(self, folder: Path, items: list[dict[str, Any]]) -> None:
        self.folder = folder
        self.items = items
        self.expected = _expected(items)
        for _, ident in BAD_LINES:
            self.expected[ident] = (False, "invalid-argument", None, None)
        self.expected["bad-missing-file"] = (False, "io-error", None, None)


@pytest.fixture(scope="session")
def corpus(dump: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """JSON lines files with relative paths (resolved against each file's folder)."""
    folder = tmp_path_factory.mktemp("corpus") / "index"
    base = _base_items(dump)
    items = [{**it, "id": f"{k:03d}/{it['id']}"} for k in range(REPEAT) for it in base]
    (folder / "shard=a").mkdir(parents=True)
    (folder / "shard=b").mkdir()
    files = [folder / ("shard=a" if i % 2 else "shard=b") / f"items-{i}.jsonl" for i in range(FILES)]
    handles = [f.open("w") for f in files]
    for n, it in enumerate(items):
        f = files[n % FILES]
        rel = dict(it)
        for k in ("bundle", "artifact", "key", "trusted_root"):
            if k in rel:
                rel[k] = os.path.relpath(rel[k], f.parent)
        handles[n % FILES].write(json.dumps(rel) + "\n")
    for h in handles:
        h.close()
    bad = folder / "bad.jsonl"
    lines = [line for line, _ in BAD_LINES]
    lines.append(json.dumps({"id": "bad-missing-file", "bundle": "nowhere.json", "digest": "sha256:" + "0" * 64, "identity": "a", "issuer": "b"}))
    bad.write_text("\n".join(lines) + "\n")
    return Corpus(folder, items)


@pytest.fixture(scope="module")
def client() -> Iterator["Client"]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:  # type: ignore[no-untyped-call]
        with Client(cluster) as c:  # type: ignore[no-untyped-call]
            yield c


def _read_results(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for f in sorted(out.iterdir()):
        assert f.name.startswith("part-"), f"unexpected file in the output: {f.name}"
        if f.suffix == ".parquet":
            rows.extend(pq.read_table(f).to_pylist())
        else:
            rows.extend(json.loads(line) for line in f.read_text().splitlines())
    return rows


def _check(rows: list[dict[str, Any]], corpus: Corpus, summary: "audit.Summary") -> None:
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "an item appears more than once"
    assert set(ids) == set(corpus.expected), "items are missing or unexpected"
    for r in rows:
        verified, code, check, identity = corpus.expected[r["id"]]
        assert (r["verified"], r["code"]) == (verified, code), r
        if not r["id"].startswith("bad"):
            assert (r["check"], r["identity"]) == (check, identity), r
        if verified:
            assert r["verified_time"] and r["code"] is None
            assert isinstance(r["log_indexes"], list)
    assert summary.total == len(rows)
    assert summary.verified == sum(1 for r in rows if r["verified"])
    assert summary.failed == summary.total - summary.verified
    codes: dict[str, int] = {}
    for r in rows:
        if not r["verified"]:
            codes[r["code"]] = codes.get(r["code"], 0) + 1
    assert summary.by_code == codes


def test_corpus_is_varied(corpus: Corpus) -> None:
    verdicts = list(corpus.expected.values())
    assert len(verdicts) > 2000
    assert sum(v[0] for v in verdicts) > 500
    assert len({v[1] for v in verdicts if not v[0]}) >= 8, "too few distinct failure codes"


def test_jsonl_in_parquet_out(client: "Client", corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "results.parquet"
    summary = audit.audit(corpus.folder, out, client=client)
    assert summary.partitions == FILES + 1
    assert len(list(out.iterdir())) == FILES + 1
    _check(_read_results(out), corpus, summary)


def test_parquet_in_jsonl_out(client: "Client", corpus: Corpus, tmp_path: Path) -> None:
    """Parquet input, with bundles as paths in some files and as binary JSON in others."""
    src = tmp_path / "index"
    src.mkdir()
    items = corpus.items
    for i in range(3):
        part = items[i::3]
        cols: dict[str, list[Any]] = {k: [it.get(k) for it in part] for k in audit.ITEM_FIELDS if k != "policy"}
        if i == 0:
            cols["bundle"] = [Path(b).read_bytes() for b in cols["bundle"]]
            table = pa.table({k: pa.array(v, type=pa.binary() if k == "bundle" else pa.string()) for k, v in cols.items()})
        else:
            table = pa.table({k: pa.array(v, type=pa.string()) for k, v in cols.items()})
        pq.write_table(table, src / f"part-{i}.parquet")
    out = tmp_path / "results.jsonl"
    summary = audit.audit(src, out, client=client)
    assert summary.partitions == 3
    rows = _read_results(out)
    bad = {k for k in corpus.expected if k.startswith("bad")}
    expected = {k: v for k, v in corpus.expected.items() if k not in bad}
    assert sorted(r["id"] for r in rows) == sorted(expected)
    for r in rows:
        verified, code, check, identity = expected[r["id"]]
        assert (r["verified"], r["code"], r["check"], r["identity"]) == (verified, code, check, identity), r


def test_dask_dataframe_and_bag_inputs(client: "Client", corpus: Corpus, tmp_path: Path) -> None:
    items = corpus.items[:400]
    bag = db.from_sequence(items, npartitions=4)  # type: ignore[no-untyped-call]
    s1 = audit.audit(bag, tmp_path / "bag.jsonl", client=client)
    assert (s1.partitions, s1.total) == (4, 400)
    rows = _read_results(tmp_path / "bag.jsonl")
    for r in rows:
        verified, code, _, _ = corpus.expected[r["id"]]
        assert (r["verified"], r["code"]) == (verified, code), r
    frame = dd.read_json(str(corpus.folder / "shard=a" / "*.jsonl"), lines=True, blocksize=None, dtype=False)
    frame = frame.map_partitions(lambda p: p.astype(object), meta=frame._meta.astype(object))
    s2 = audit.audit(frame, tmp_path / "frame.parquet", client=client)
    assert s2.total == sum(1 for n, _ in enumerate(corpus.items) if n % FILES % 2)
    # Paths of a DataFrame are relative to the current folder: these were relative to their file.
    assert s2.by_code.get("io-error", 0) > 0


class KillOnce(WorkerPlugin):
    """Kills its worker process (SIGKILL) when it starts its second audit task, once per run
    (a marker file says it happened): the partition it finished is lost with it."""

    def __init__(self, marker: str) -> None:
        self.marker = marker
        self.started = 0

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing" or not any(name in str(key) for name in ("verify_file", "verify_partition")):
            return
        self.started += 1
        if self.started < 2:
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)


def test_worker_killed_mid_run(corpus: Corpus, tmp_path: Path) -> None:
    marker = tmp_path / "killed"
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:  # type: ignore[no-untyped-call]
            with Client(cluster) as c:  # type: ignore[no-untyped-call]
                c.register_plugin(KillOnce(str(marker)), name="kill-once")
                out = tmp_path / "results.jsonl"
                summary = audit.audit(corpus.folder, out, client=c)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert marker.is_file(), "no worker was killed: the test did not test anything"
    assert not any(f.name.endswith(".tmp") for f in out.iterdir())
    _check(_read_results(out), corpus, summary)


class _Exploding:
    """A verifier whose verify_many fails as a whole and whose verify crashes on one bundle."""

    def __init__(self, real: "sigverify.Verifier", poison: str) -> None:
        self.real = real
        self.poison = poison

    def verify_many(self, items: Any, jobs: Optional[int] = None) -> Any:
        raise SystemError("boom")

    def verify(self, **item: Any) -> Any:
        if str(item["bundle"]).endswith(self.poison):
            raise MemoryError("parser crashed")
        return self.real.verify(**item)


def test_crashing_item_is_an_internal_error_row(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    real = _verify.verifier
    poison = "ok-msg-V03-ts.sigstore.json"
    monkeypatch.setattr(_verify, "verifier", lambda root, s: _Exploding(real(root, s), poison))
    items = [it for it in corpus.items if it["id"].startswith("000/")]
    rows = audit.verify_rows([{**it, "base": "/"} for it in items], audit.Settings())
    assert [r["id"] for r in rows] == [it["id"] for it in items]
    crashed = [r for r in rows if r["code"] == "internal-error"]
    assert crashed and all(poison in next(it["bundle"] for it in items if it["id"] == r["id"]) for r in crashed)
    for r in rows:
        if r["code"] != "internal-error":
            verified, code, _, _ = corpus.expected[r["id"]]
            assert (r["verified"], r["code"]) == (verified, code), r


def test_rows_of_the_wrong_type(tmp_path: Path) -> None:
    rows = audit.verify_rows(
        [
            {"id": "a", "bundle": 42, "digest": "sha256:00", "identity": "a", "issuer": "b"},
            {"id": "b", "bundle": "x", "digest": 7, "identity": "a", "issuer": "b"},
            {"id": "c", "bundle": "x", "digest": "sha256:00", "identity": "a"},
            {"id": "d", "bundle": "x", "digest": "sha256:00", "policy": "{not json"},
            {"id": "e", "bundle": "x", "digest": "sha256:00", "key": str(tmp_path / "missing.pem")},
            {"id": "f", "bundle": "x", "digest": "sha256:00", "identity": "a", "issuer": "b", "trusted_root": str(tmp_path / "none.json")},
        ],
        audit.Settings(),
    )
    assert [(r["id"], r["verified"], r["code"]) for r in rows] == [
        ("a", False, "invalid-argument"),
        ("b", False, "invalid-argument"),
        ("c", False, "invalid-argument"),
        ("d", False, rows[3]["code"]),
        ("e", False, "io-error"),
        ("f", False, "io-error"),
    ]
    assert rows[3]["code"] not in (None, "internal-error")


def test_output_refuses_to_mix_runs(client: "Client", corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    audit.audit(corpus.folder / "bad.jsonl", out, client=client)
    with pytest.raises(ValueError, match="holds results"):
        audit.audit(corpus.folder / "bad.jsonl", out, client=client)
    s = audit.audit(corpus.folder / "bad.jsonl", out, client=client, overwrite=True)
    assert s.total == len(BAD_LINES) + 1 and s.verified == 0
    with pytest.raises(ValueError, match="jsonl"):
        audit.audit(corpus.folder, tmp_path / "r.csv", client=client)
    with pytest.raises(ValueError, match="no such"):
        audit.audit(tmp_path / "nothing", tmp_path / "x.jsonl", client=client)


def test_cli(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "cli.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "sigverify.audit", str(corpus.folder), str(out), "--workers", "2", "--progress"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr[-3000:]
    summary = json.loads(done.stdout)  # the progress bar went to stderr, not into the summary
    assert "Completed" in done.stderr
    assert summary["total"] == len(corpus.expected)
    assert summary["verified"] == sum(1 for v in corpus.expected.values() if v[0])
    rows = _read_results(out)
    assert sorted(r["id"] for r in rows) == sorted(corpus.expected)
    bad = subprocess.run(
        [sys.executable, "-m", "sigverify.audit", str(corpus.folder), str(tmp_path / "x.csv"), "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "jsonl" in bad.stderr
    assert subprocess.run([sys.executable, "-m", "sigverify.audit", "--help"], capture_output=True).returncode == 0


def test_conformance_folder_present() -> None:
    assert (conformance_dir() / "a.txt").is_file()


def _eco_sample(name: str) -> Any:
    from _vectors import ecosystems_dir

    d = ecosystems_dir() / name
    if not (d / "meta.json").is_file():
        pytest.fail(f"TEST VECTORS MISSING: {d}", pytrace=False)
    from _vectors import Sample

    return Sample(name, d, json.loads((d / "meta.json").read_text()))


def test_ecosystem_requests() -> None:
    """PyPI provenance objects, npm attestations and conda attestations as audit items, against
    the adapters called directly (and near misses: another publisher, version, repository)."""
    import base64
    import urllib.parse

    from _conda import known

    pypi = _eco_sample("pypi-attestations-0.0.19-provenance-object")
    tp = pypi.meta["trusted_publisher"]
    assert isinstance(tp, dict)
    publisher = f"github:{tp['repository']}/{tp['workflow']}"
    filename = pypi.original.name[: -len(".provenance")]
    npm = _eco_sample("npm-sigstore-1.0.0-provenance")
    statement = json.loads(base64.b64decode(json.loads(npm.bundle.read_text())["dsseEnvelope"]["payload"]))
    package = urllib.parse.unquote(statement["subject"][0]["name"][len("pkg:npm/") :])
    conda = _eco_sample("conda-signed-package-2.1.0-attestation")
    k = known(conda)
    rows: list[dict[str, Any]] = [
        {"id": "pypi", "ecosystem": "pypi", "bundle": str(pypi.original), "digest": pypi.digest, "filename": filename, "publisher": publisher},
        {"id": "pypi-other", "ecosystem": "pypi", "bundle": str(pypi.original), "digest": pypi.digest, "filename": filename, "publisher": publisher + "x"},
        {"id": "pypi-no-name", "ecosystem": "pypi", "bundle": str(pypi.original), "digest": pypi.digest, "publisher": publisher},
        {"id": "npm", "ecosystem": "npm", "bundle": str(npm.original), "digest": npm.digest, "package": package},
        {"id": "npm-other", "ecosystem": "npm", "bundle": str(npm.original), "digest": npm.digest, "package": package + "1"},
        {"id": "conda", "ecosystem": "conda", "bundle": str(conda.original), "digest": conda.digest, "filename": k["filename"], "repository": k["repository"]},
        {"id": "conda-other", "ecosystem": "conda", "bundle": str(conda.original), "digest": conda.digest, "filename": k["filename"], "repository": k["repository"] + "x"},
        {"id": "bad-eco", "ecosystem": "cargo", "bundle": str(npm.original), "digest": npm.digest},
        {"id": "bad-field", "bundle": str(npm.original), "digest": npm.digest, "package": package, "identity": "a", "issuer": "b"},
    ]
    got = {r["id"]: r for r in audit.verify_rows(rows, audit.Settings(jobs=2))}
    v = sigverify.Verifier(sigverify.TrustedRoot.public_good())
    [p] = sigverify.pypi.verify_provenance(v, pypi.original, digest=pypi.digest, filename=filename, publisher=publisher)
    assert (got["pypi"]["verified"], got["pypi"]["identity"]) == (True, p.identity), got["pypi"]
    n = sigverify.npm.verify(v, npm.original, digest=npm.digest, package=package)
    assert n.provenance is not None
    assert (got["npm"]["verified"], got["npm"]["identity"]) == (True, n.provenance.identity), got["npm"]
    [c] = sigverify.conda.verify(v, digest=conda.digest, filename=k["filename"], bundle=conda.original, repository=k["repository"])
    assert (got["conda"]["verified"], got["conda"]["identity"]) == (True, c.identity), got["conda"]
    assert got["pypi"]["log_indexes"] == [e.log_index for e in p.log_entries if e.log_index is not None]
    assert (got["pypi-other"]["code"], got["pypi-other"]["check"]) == ("policy-mismatch", "policy")
    assert got["pypi-no-name"]["code"] == "invalid-argument"
    assert got["npm-other"]["code"] == "artifact-mismatch"
    assert got["conda-other"]["code"] == "policy-mismatch"
    assert got["bad-eco"]["code"] == "invalid-argument" and "pypi, npm, conda" in got["bad-eco"]["message"]
    assert got["bad-field"]["code"] == "invalid-argument" and "needs an ecosystem" in got["bad-field"]["message"]


def test_model_items(tmp_path: Path) -> None:
    """OpenSSF model signatures as audit items (keyless with ignore_paths, a managed key), read
    from JSON lines and Parquet, against sigverify.model.verify called directly; and near misses:
    an unsigned file, a changed file, another identity, a digest for a model, ignore_paths that
    is not a list or not on a model item, two signer methods at once."""
    import shutil

    import pandas as pd  # type: ignore[import-untyped]

    from _vectors import ecosystems_dir
    from sigverify.audit import _items

    keyless, keyed = ecosystems_dir() / "model-signing-v1.0.1-sigstore", ecosystems_dir() / "model-signing-v1.1.0-elliptic-key"
    for d in (keyless, keyed):
        if not (d / "model" / "model.sig").is_file():
            pytest.fail(f"ECOSYSTEM VECTORS MISSING: {d}/model/model.sig (these tests never skip)", pytrace=False)
    identity, issuer = (keyless / "identity").read_text().strip(), (keyless / "issuer").read_text().strip()
    tampered = tmp_path / "tampered"
    shutil.copytree(keyless / "model", tampered)
    (tampered / "signme-1").write_bytes(b"changed")
    model, key = str(keyless / "model"), str(keyed / "public_key.pem")
    signer = {"identity": identity, "issuer": issuer}
    rows: list[dict[str, Any]] = [
        {"id": "keyless", "ecosystem": "model", "artifact": model, "ignore_paths": ["ignore-me"], **signer},
        {"id": "keyless-sig", "ecosystem": "model", "artifact": model, "bundle": str(keyless / "model.sig"), "ignore_paths": ["ignore-me", "model.sig"], **signer},
        {"id": "keyed", "ecosystem": "model", "artifact": str(keyed / "model"), "key": key},
        {"id": "unsigned-file", "ecosystem": "model", "artifact": model, **signer},
        {"id": "tampered", "ecosystem": "model", "artifact": str(tampered), "ignore_paths": ["ignore-me"], **signer},
        {"id": "other-identity", "ecosystem": "model", "artifact": model, "ignore_paths": ["ignore-me"], "identity": "someone@example.com", "issuer": issuer},
        {"id": "wrong-key", "ecosystem": "model", "artifact": model, "ignore_paths": ["ignore-me"], "key": key},
        {"id": "digest", "ecosystem": "model", "digest": "sha256:" + "0" * 64, **signer},
        {"id": "both-methods", "ecosystem": "model", "artifact": str(keyed / "model"), "key": key, **signer},
        {"id": "ignore-text", "ecosystem": "model", "artifact": model, "ignore_paths": "ignore-me", **signer},
        {"id": "ignore-not-model", "bundle": str(keyless / "model.sig"), "digest": "sha256:" + "0" * 64, "ignore_paths": ["x"], **signer},
    ]
    jsonl = tmp_path / "models.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    parquet = tmp_path / "models.parquet"
    typed = [r for r in rows if r["id"] != "ignore-text"]  # a Parquet list column holds no text
    pq.write_table(pa.Table.from_pydict({k: [r.get(k) for r in typed] for k in _items.FIELDS}), parquet)
    v = sigverify.Verifier(sigverify.TrustedRoot.public_good())
    direct = sigverify.model.verify(keyless / "model", identity=identity, issuer=issuer, verifier=v, ignore_paths=["ignore-me"])
    direct_key = sigverify.model.verify(keyed / "model", key=Path(key))
    assert direct.result is not None and direct_key.key_sha256 is not None
    for source in (jsonl, parquet):
        frame = _items.read_file(str(source))
        assert isinstance(frame, pd.DataFrame)
        got = {r["id"]: r for r in audit.verify_rows(frame.to_dict("records"), audit.Settings(jobs=2))}
        assert len(got) == (len(rows) if source == jsonl else len(typed)), source
        for name in ("keyless", "keyless-sig"):
            r = got[name]
            assert (r["verified"], r["code"], r["identity"], r["issuer"]) == (True, None, identity, issuer), r
            assert r["log_indexes"] == [e.log_index for e in direct.result.log_entries if e.log_index is not None]
            assert r["verified_time"] == direct.result.earliest_time.isoformat()
        assert (got["keyed"]["verified"], got["keyed"]["key_sha256"], got["keyed"]["identity"]) == (True, direct_key.key_sha256, None), got["keyed"]
        assert got["keyed"]["log_indexes"] == [] and got["keyed"]["verified_time"] is None
        assert (got["unsigned-file"]["code"], "ignore-me" in got["unsigned-file"]["message"]) == ("artifact-mismatch", True), got["unsigned-file"]
        assert (got["tampered"]["code"], "signme-1" in got["tampered"]["message"]) == ("artifact-mismatch", True), got["tampered"]
        assert got["other-identity"]["code"] == "policy-mismatch"
        assert got["wrong-key"]["verified"] is False and got["wrong-key"]["code"] not in (None, "internal-error", "invalid-argument"), got["wrong-key"]
        assert got["digest"]["code"] == "invalid-argument" and "model directory" in got["digest"]["message"]
        assert got["both-methods"]["code"] == "invalid-argument"
        assert got["ignore-not-model"]["code"] == "invalid-argument" and "model item" in got["ignore-not-model"]["message"]
        if source == jsonl:
            assert got["ignore-text"]["code"] == "invalid-argument" and "list of strings" in got["ignore-text"]["message"]


_CONFORMANCE_IDENTITY = (
    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
    ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
)


def test_unreadable_file_is_a_row(client: "Client", tmp_path: Path) -> None:
    """A partition file that cannot be read at all (not Parquet) is one invalid-argument row named
    by the file; an empty file is an empty partition; an empty ignore_paths list is no value; the
    other partitions are verified as usual, and the audit completes."""
    c = conformance_dir()
    digest = "sha256:" + hashlib.sha256((c / "a.txt").read_bytes()).hexdigest()
    identity = _CONFORMANCE_IDENTITY
    src = tmp_path / "index"
    src.mkdir()
    good = {"bundle": str(c / "happy-path-v0.3" / "bundle.sigstore.json"), "digest": digest, "identity": identity, "issuer": "https://token.actions.githubusercontent.com"}
    (src / "a.jsonl").write_text("".join(json.dumps({"id": f"ok-{i}", **good}) + "\n" for i in range(3)))
    (src / "b.parquet").write_bytes(b"PAR1 this is not a Parquet file")
    (src / "c.jsonl").write_text("")  # an empty partition: an empty part file, no rows
    (src / "d.jsonl").write_text(json.dumps({"id": "ok-empty-list", "ignore_paths": [], **good}) + "\n")
    out = tmp_path / "out.jsonl"
    summary = audit.audit(src, out, client=client)
    assert (summary.partitions, summary.total, summary.verified, summary.by_code) == (4, 5, 4, {"invalid-argument": 1}), summary
    rows = {r["id"]: r for r in _read_results(out)}
    broken = str(src / "b.parquet")
    assert sorted(rows) == sorted([broken, "ok-0", "ok-1", "ok-2", "ok-empty-list"])
    assert rows[broken]["code"] == "invalid-argument" and "cannot read" in rows[broken]["message"], rows[broken]
    # Every input file empty: a summary of nothing, not an error.
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.jsonl").write_text("")
    s = audit.audit(empty, tmp_path / "empty-out.parquet", client=client)
    assert (s.partitions, s.total, s.verified, s.failed) == (1, 0, 0, 0), s


def test_without_a_cluster(tmp_path: Path) -> None:
    """No client and no cluster: Dask's local threads, from a plain script (no __main__ guard,
    which a process pool would need)."""
    c = conformance_dir()
    digest = "sha256:" + hashlib.sha256((c / "a.txt").read_bytes()).hexdigest()
    item = {"bundle": str(c / "happy-path-v0.3" / "bundle.sigstore.json"), "digest": digest, "identity": _CONFORMANCE_IDENTITY, "issuer": "https://token.actions.githubusercontent.com"}
    src = tmp_path / "items.jsonl"
    src.write_text("".join(json.dumps({"id": f"i-{k}", **item}) + "\n" for k in range(5)))
    script = tmp_path / "plain.py"
    script.write_text(f"import sigverify.audit\ns = sigverify.audit.audit({str(src)!r}, {str(tmp_path / 'out.jsonl')!r})\nprint(s.total, s.verified)\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["5", "5"], out.stdout
