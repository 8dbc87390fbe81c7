"""One face of bench/faces.py: N verifications of one conformance bundle through the Python
API, from bytes already read, with an exact identity policy; the result's identity read (what
an installer looks at). Prints ``ns_per_iter=X``.

    python loop.py BUNDLE ARTIFACT TRUSTED_ROOT IDENTITY ISSUER ITERATIONS
"""

import sys
import time
from pathlib import Path

import sigverify

bundle_p, artifact_p, root_p, identity, issuer, n = sys.argv[1:7]
bundle, artifact = Path(bundle_p).read_bytes(), Path(artifact_p).read_bytes()
verifier = sigverify.Verifier(sigverify.TrustedRoot.from_json(Path(root_p).read_bytes()))
policy = sigverify.Policy.identity(identity, issuer)
for _ in range(20):  # warm-up, and it must verify
    assert verifier.verify(bundle, artifact, policy=policy).identity == identity
iterations = int(n)
start = time.perf_counter_ns()
for _ in range(iterations):
    verifier.verify(bundle, artifact, policy=policy).identity
print(f"ns_per_iter={(time.perf_counter_ns() - start) / iterations:.1f}")
