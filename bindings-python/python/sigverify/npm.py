"""npm: the registry's attestations response (``/-/npm/v1/attestations/NAME@VERSION``).

The SLSA provenance is keyless (a GitHub or GitLab workflow) and may be pinned to a source
repository; the publish attestation is signed by a registry key, named by its key id and valid
when the log integrated the entry. Both must have the subject ``pkg:npm/NAME@VERSION`` with the
tarball's sha512, and every attestation of the response must verify::

    import pathlib
    import sigverify

    verifier = sigverify.Verifier(sigverify.TrustedRoot.public_good())
    result = sigverify.npm.verify(
        verifier,
        pathlib.Path("attestations.json"),              # the registry's response
        integrity="sha512-...",                          # dist.integrity of the packument
        package="sigstore@1.0.0",
        repository="sigstore/sigstore-js",               # pins the provenance's source repository
    )
    print(result.provenance.identity if result.provenance else None, result.publish is not None)

The registry keys are embedded (:meth:`RegistryKeys.embedded`); pass ``keys=`` to use others.
"""

from ._native import NpmRegistryKeys as RegistryKeys
from ._native import NpmVerification as Verification
from ._native import npm_verify as verify

__all__ = ["RegistryKeys", "Verification", "verify"]
