"""bench/compare.sh's harness for sigstore-python (package `sigstore`, installed by
`bench/compare.sh --install` into bench/.venv).

py_verify.py once|loop BUNDLE ARTIFACT TRUSTED_ROOT IDENTITY ISSUER [ITERATIONS]

`once`: read the files, prepare the verifier, parse and verify one bundle (a whole process).
`loop`: prepare the verifier once, then parse and verify the bundle ITERATIONS times from
memory and print `ns_per_iter=N`. Exit 0 when verified. Offline: no TUF, no network.
"""

import hashlib
import json
import sys
import time

from sigstore.models import Bundle, TrustedRoot
from sigstore.verify import Verifier
from sigstore.verify.policy import Identity


def main() -> int:
    if len(sys.argv) < 7:
        print(__doc__, file=sys.stderr)
        return 2
    mode, bundle_path, artifact_path, root_path, identity, issuer = sys.argv[1:7]
    with open(bundle_path, "rb") as f:
        bundle_json = f.read()
    with open(artifact_path, "rb") as f:
        artifact = f.read()
    verifier = Verifier(trusted_root=TrustedRoot.from_file(root_path))
    policy = Identity(identity=identity, issuer=issuer)

    def verify_one() -> None:
        bundle = Bundle.from_json(bundle_json)
        if bundle._dsse_envelope is not None:
            # sigstore-python verifies DSSE bundles with verify_dsse, then the caller matches
            # the statement's subjects against the artifact.
            _, payload = verifier.verify_dsse(bundle, policy)
            want = hashlib.sha256(artifact).hexdigest()
            subjects = json.loads(payload).get("subject", [])
            if not any(s.get("digest", {}).get("sha256") == want for s in subjects):
                raise ValueError("the artifact is not a subject of the statement")
        else:
            verifier.verify_artifact(artifact, bundle, policy)

    try:
        verify_one()
    except Exception as e:  # noqa: BLE001
        print(f"verification failed: {e}", file=sys.stderr)
        return 1
    if mode == "loop":
        n = int(sys.argv[7]) if len(sys.argv) > 7 else 50
        t = time.perf_counter_ns()
        for _ in range(n):
            verify_one()
        print(f"ns_per_iter={(time.perf_counter_ns() - t) / n:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
