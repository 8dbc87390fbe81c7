"""`sigverify pylock verify|record` against locks written by a real lock tool (uv, from PyPI).

Run by tests/pylock.sh, which installs uv into tests/.venv-locktools (git-ignored) and passes
its path. uv locks, offline, a folder holding the real PyPI sdist of pypi-attestations 0.0.19
(../shared/vectors/ecosystems); the checks then cover every verdict: nothing recorded, recorded
by `record` (every other byte kept), the same publisher, another repository, workflow,
environment and publisher kind, provenance missing, a file whose hash does not match the lock,
a provenance object that does not verify, and a record that must refuse to write over a change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SIGVERIFY = Path(sys.argv[1])
UV = Path(sys.argv[2])
ECOSYSTEMS = Path(
    os.environ.get("SIGVERIFY_ECOSYSTEMS_DIR", REPO.parent / "shared" / "vectors" / "ecosystems")
)
SAMPLE = ECOSYSTEMS / "pypi-attestations-0.0.19-provenance-object"
SDIST = "pypi_attestations-0.0.19.tar.gz"

failures: list[str] = []
passed = 0


def check(name: str, ok: bool, detail: str = "") -> None:
    global passed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failures.append(name)
        print(f"FAIL {name} {detail}")


def run(*args: str | Path) -> tuple[int, dict, str]:
    p = subprocess.run(
        [str(SIGVERIFY), "pylock", *map(str, args), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    try:
        out = json.loads(p.stdout) if p.stdout.strip() else {}
    except json.JSONDecodeError:
        out = {}
    return p.returncode, out, p.stderr


def verdict(out: dict) -> str:
    [pkg] = out.get("packages", [{}])
    return str(pkg.get("verdict"))


def main() -> int:
    if not SAMPLE.is_dir():
        print(f"PYLOCK SUITE DID NOT RUN: {SAMPLE} does not exist", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="sigverify-pylock-"))
    try:
        return suite(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def suite(work: Path) -> int:
    dist = work / "dist"
    dist.mkdir()
    shutil.copy(SAMPLE / "artifact", dist / SDIST)
    shutil.copy(SAMPLE / f"{SDIST}.provenance", dist / f"{SDIST}.provenance")
    (work / "requirements.in").write_text("pypi-attestations==0.0.19\n")
    lock = work / "pylock.toml"
    uv = subprocess.run(
        [
            str(UV), "pip", "compile", "--offline", "--no-index", "--find-links", str(dist),
            "--no-deps", "--python-version", "3.11", "requirements.in", "-o", "pylock.toml",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )
    check("uv writes a PEP 751 lock offline", uv.returncode == 0 and lock.is_file(), uv.stderr)
    if not lock.is_file():
        return report()
    original = lock.read_text()
    check("uv's lock pins the sdist by sha256", SDIST in original and "sha256" in original)

    rc, out, err = run("verify", lock, "--dist-dir", dist)
    check("nothing recorded: not-recorded, exit 0", rc == 0 and verdict(out) == "not-recorded", err)
    files = out["packages"][0]["files"] if out.get("packages") else []
    check(
        "the publisher found is the provenance object's",
        files and files[0]["publishers"]
        == [{"kind": "GitHub", "repository": "trailofbits/pypi-attestations", "workflow": "release.yml"}],
        str(files),
    )

    recorded = work / "recorded.toml"
    shutil.copy(lock, recorded)
    rc, out, err = run("record", recorded, "--dist-dir", dist)
    text = recorded.read_text()
    table = (
        '[[packages.attestation-identities]]\nkind = "GitHub"\n'
        'repository = "trailofbits/pypi-attestations"\nworkflow = "release.yml"\n'
    )
    check("record: exit 0, recorded", rc == 0 and out.get("recorded") is True, err)
    check("record adds one table and keeps every other byte", text.replace(table, "", 1) == original)

    rc, out, err = run("verify", recorded, "--dist-dir", dist)
    check("recorded: same-publisher, exit 0", rc == 0 and verdict(out) == "same-publisher", err)
    rc, out, err = run("record", recorded, "--dist-dir", dist)
    check("record again: nothing to add", rc == 0 and out.get("recorded") is False and recorded.read_text() == text, err)

    def variant(name: str, old: str, new: str) -> Path:
        p = work / f"{name}.toml"
        assert old in text, old
        p.write_text(text.replace(old, new, 1))
        return p

    changes = {
        "repository": ('repository = "trailofbits/pypi-attestations"', 'repository = "evil/pypi-attestations"'),
        "workflow": ('workflow = "release.yml"', 'workflow = "other.yml"'),
        "environment": ('kind = "GitHub"', 'environment = "release"\nkind = "GitHub"'),
        "kind": ('kind = "GitHub"', 'kind = "GitLab"'),
    }
    for field, (old, new) in changes.items():
        p = variant(field, old, new)
        rc, out, err = run("verify", p, "--dist-dir", dist)
        pkg = (out.get("packages") or [{}])[0]
        check(
            f"another {field}: publisher-changed naming {field}, exit 1",
            rc == 1 and pkg.get("verdict") == "publisher-changed" and pkg.get("changed_fields") == [field],
            f"rc={rc} {pkg}",
        )
        before = p.read_text()
        rc, out, err = run("record", p, "--dist-dir", dist)
        check(f"record refuses another {field}, lock unchanged", rc == 1 and p.read_text() == before, err)

    bare = work / "no-provenance"
    bare.mkdir()
    shutil.copy(dist / SDIST, bare / SDIST)
    rc, out, err = run("verify", recorded, "--dist-dir", bare)
    check("recorded, no provenance: provenance-missing, exit 1", rc == 1 and verdict(out) == "provenance-missing", err)
    rc, out, err = run("verify", lock, "--dist-dir", bare)
    check("nothing recorded, no provenance: not-recorded, exit 0", rc == 0 and verdict(out) == "not-recorded", err)
    rc, out, err = run("verify", recorded, "--dist-dir", bare, "--provenance-dir", dist)
    check("--provenance-dir: same-publisher", rc == 0 and verdict(out) == "same-publisher", err)

    empty = work / "empty"
    empty.mkdir()
    rc, out, err = run("verify", recorded, "--dist-dir", empty)
    check("file absent: absent, exit 0", rc == 0 and verdict(out) == "absent", err)

    tampered = work / "tampered"
    tampered.mkdir()
    data = bytearray((dist / SDIST).read_bytes())
    data[-1] ^= 1
    (tampered / SDIST).write_bytes(bytes(data))
    shutil.copy(dist / f"{SDIST}.provenance", tampered / f"{SDIST}.provenance")
    rc, out, err = run("verify", recorded, "--dist-dir", tampered)
    pkg = (out.get("packages") or [{}])[0]
    code = ((pkg.get("files") or [{}])[0].get("error") or {}).get("code")
    check("a file whose hash does not match the lock: failed (artifact-mismatch), exit 1",
          rc == 1 and pkg.get("verdict") == "failed" and code == "artifact-mismatch", f"{pkg}")

    badprov = work / "bad-provenance"
    badprov.mkdir()
    shutil.copy(dist / SDIST, badprov / SDIST)
    prov = json.loads((dist / f"{SDIST}.provenance").read_text())
    prov["attestation_bundles"][0]["publisher"]["repository"] = "evil/pypi-attestations"
    (badprov / f"{SDIST}.provenance").write_text(json.dumps(prov))
    rc, out, err = run("verify", lock, "--dist-dir", badprov)
    pkg = (out.get("packages") or [{}])[0]
    code = ((pkg.get("files") or [{}])[0].get("error") or {}).get("code")
    check("provenance naming a publisher that did not sign: failed (policy-mismatch), exit 1",
          rc == 1 and pkg.get("verdict") == "failed" and code == "policy-mismatch", f"{pkg}")

    rc, out, err = run("verify", lock)
    check("no --dist-dir: usage error, exit 2", rc == 2, err)
    broken = work / "broken.toml"
    broken.write_text(original[: len(original) // 2] + "\n[[[")
    rc, out, err = run("verify", broken, "--dist-dir", dist)
    check("a truncated lock: exit 2", rc == 2 and "pylock.toml" in err, err)
    return report()


def report() -> int:
    print(f"\npylock: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
