"""PyPI: PEP 740 attestations and Integrity API provenance objects.

Each attestation is verified as a Sigstore bundle (DSSE, in-toto) for one distribution file:
its statement must have exactly one subject, whose name is the file's name (compared as PyPI
normalises names) and whose sha256 is the file's, with PyPI's publish or SLSA provenance
predicate type; and it must be signed by the Trusted Publisher (a GitHub workflow, a GitLab CI
file, a Google service account), whose build configuration must be pinned at the certificate's
source ref or commit::

    import pathlib
    import sigverify

    verifier = sigverify.Verifier(sigverify.TrustedRoot.public_good())
    [result] = sigverify.pypi.verify_provenance(
        verifier,
        pathlib.Path("sampleproject-4.0.0.tar.gz.provenance"),      # the Integrity API's document
        pathlib.Path("dist/sampleproject-4.0.0.tar.gz"),            # hashed as a stream
        publisher="github:pypa/sampleproject/release.yml",
    )

The functions are those of ``sigverify._native`` (documented in its stub); the GIL is released
while files are hashed and attestations verified.
"""

from ._native import pypi_verify_attestation as verify_attestation
from ._native import pypi_verify_provenance as verify_provenance

__all__ = ["verify_attestation", "verify_provenance"]
