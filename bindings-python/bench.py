#!/usr/bin/env python3
"""Per-bundle verification time through sigverify's Python API, and, when sigstore-python is
installed in the same environment (``pip install sigstore``), sigstore-python's in-process verify
of the same bundle in the same run, with the ratio. Then whole processes: ``python -c "import
sigverify; <one verification>"`` against sigstore-python's CLI (``sigstore verify identity
--offline``).

    python bindings-python/bench.py [--iterations N] [--processes N]

The bundle is the sigstore-conformance case happy-path-v0.3 (public-good, Rekor v1, message
signature over a.txt), read from ``$SIGVERIFY_CONFORMANCE_DIR`` or ``../shared/vectors/conformance``
beside the repository. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

import sigverify

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from vectors import IDENTITY, ISSUER, conformance_dir  # noqa: E402  (bench/vectors.py)


def per_call(fn: Callable[[], object], iterations: int, repeats: int = 5) -> float:
    """The median over `repeats` runs of the mean time of one call, in seconds."""
    fn()  # warm up
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(iterations):
            fn()
        runs.append((time.perf_counter() - start) / iterations)
    return statistics.median(runs)


def process_time(argv: list[str], runs: int) -> Optional[float]:
    """The median wall time of a whole process, or None when it fails."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            print(f"    ({argv[0]} failed: {done.stderr.decode(errors='replace').strip()[-300:]})")
            return None
    return statistics.median(times)


def fmt(seconds: float) -> str:
    return f"{seconds * 1e6:9.1f} us" if seconds < 1e-2 else f"{seconds * 1e3:9.1f} ms"


def sigstore_python(bundle_text: str, artifact: bytes, trust_dir: Path) -> Optional[Callable[[], object]]:
    try:
        from sigstore.models import Bundle
        from sigstore.verify import Verifier
        from sigstore.verify.policy import Identity
    except ImportError:
        return None
    root_file = trust_dir / "public-good" / "trusted_root.json"
    verifier: Any
    if root_file.is_file():
        from sigstore.models import TrustedRoot

        verifier = Verifier(trusted_root=TrustedRoot.from_file(str(root_file)))
    else:
        verifier = Verifier.production(offline=True)
    policy = Identity(identity=IDENTITY, issuer=ISSUER)

    def verify() -> object:
        # Parsing included, as it is for sigverify.
        return verifier.verify_artifact(artifact, Bundle.from_json(bundle_text), policy)

    return verify


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iterations", type=int, default=2000, help="calls per timed run (sigverify)")
    ap.add_argument("--processes", type=int, default=10, help="runs of each whole-process measurement")
    args = ap.parse_args()

    case = conformance_dir() / "happy-path-v0.3"
    bundle_path, artifact_path = case / "bundle.sigstore.json", conformance_dir() / "a.txt"
    if not bundle_path.is_file():
        sys.exit(f"no conformance vectors at {conformance_dir()} (set SIGVERIFY_CONFORMANCE_DIR)")
    bundle, artifact = bundle_path.read_bytes(), artifact_path.read_bytes()
    trust_dir = conformance_dir().parent.parent / "trust"

    print(f"sigverify {sigverify.__version__} ({sys.executable}), Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"bundle: {bundle_path}")
    verifier = sigverify.Verifier(sigverify.TrustedRoot.public_good())
    policy = sigverify.Policy.identity(IDENTITY, ISSUER)

    print("\nin-process, one bundle per call (parse + verify):")
    ours = per_call(lambda: verifier.verify(bundle, artifact, policy=policy), args.iterations)
    print(f"  sigverify.verify                      {fmt(ours)}")
    items = [(bundle, artifact)] * args.iterations
    many1 = per_call(lambda: verifier.verify_many(items, policy=policy, jobs=1), 1) / len(items)
    many = per_call(lambda: verifier.verify_many(items, policy=policy), 1) / len(items)
    print(f"  sigverify.verify_many, jobs=1         {fmt(many1)} per bundle")
    print(f"  sigverify.verify_many, jobs={os.cpu_count()}         {fmt(many)} per bundle")
    theirs_fn = sigstore_python(bundle.decode(), artifact, trust_dir)
    if theirs_fn is None:
        print("  sigstore-python                       not installed (pip install sigstore)")
    else:
        import sigstore

        theirs = per_call(theirs_fn, max(50, args.iterations // 20))
        print(f"  sigstore-python {sigstore.__version__:<21} {fmt(theirs)}")
        print(f"  ratio: sigverify is {theirs / ours:.1f}x faster in-process (goal: >= 3x)")

    print(f"\nwhole process, one verification (median of {args.processes} runs):")
    script = (
        "import sigverify, pathlib;"
        f"v = sigverify.Verifier(sigverify.TrustedRoot.public_good());"
        f"v.verify(pathlib.Path({str(bundle_path)!r}), pathlib.Path({str(artifact_path)!r}),"
        f" policy=sigverify.Policy.identity({IDENTITY!r}, {ISSUER!r}))"
    )
    ours_p = process_time([sys.executable, "-c", script], args.processes)
    if ours_p is not None:
        print(f"  python -c 'import sigverify; ...'     {fmt(ours_p)}")
    cli = shutil.which("sigstore", path=str(Path(sys.executable).parent)) or shutil.which("sigstore")
    if cli is None:
        print("  sigstore CLI                          not installed")
    else:
        theirs_p = process_time(
            [cli, "verify", "identity", "--offline", "--bundle", str(bundle_path),
             "--cert-identity", IDENTITY, "--cert-oidc-issuer", ISSUER, str(artifact_path)],
            args.processes,
        )
        if theirs_p is not None:
            print(f"  sigstore verify identity --offline    {fmt(theirs_p)}")
            if ours_p is not None:
                print(f"  ratio: sigverify is {theirs_p / ours_p:.1f}x faster as a whole process (goal: >= 10x)")


if __name__ == "__main__":
    main()
