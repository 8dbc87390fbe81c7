"""conda: the publish attestation of a conda package (CEP 27).

A channel serves it as one Sigstore bundle or as a sidecar ``FILE.v0.sigs`` (a JSON array of
bundles, every one of which must verify). Each statement must have exactly one subject, the
package's file name (``NAME-VERSION-BUILD.conda`` or ``.tar.bz2``) with the file's sha256, the
conda publish predicate type, and, when ``channel`` is given, that ``targetChannel``. The
signer is a GitHub repository (``repository``, optionally ``signer_workflow``) or an identity
with its issuer (GitLab, other CI)::

    import pathlib
    import sigverify

    verifier = sigverify.Verifier(sigverify.TrustedRoot.public_good())
    results = sigverify.conda.verify(
        verifier,
        pathlib.Path("signed-package-2.1.0-hb0f4dca_0.conda"),        # hashed as a stream
        sigs=pathlib.Path("signed-package-2.1.0-hb0f4dca_0.conda.v0.sigs"),
        repository="prefix-dev/sigstore-example",
        signer_workflow="action.yaml",
        channel="https://prefix.dev/sigstore-example",
    )

The function is ``sigverify._native.conda_verify`` (documented in its stub); the GIL is released
while the package is hashed and the attestations verified.
"""

from ._native import conda_verify as verify

__all__ = ["verify"]
