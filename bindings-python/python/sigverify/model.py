"""OpenSSF model signing: a model directory verified against its ``model_signing`` signature.

``model_signing`` (sigstore/model-transparency, 1.x) signs a model directory as a Sigstore bundle,
``model.sig``, whose DSSE payload lists every file (or shard of a file) with its digest. This
module checks the signature by one of ``model_signing``'s three methods, walks the directory (never
following a symbolic link out of it), hashes every file on several threads with the GIL released,
and compares both ways: a changed, added, missing or renamed file is an error that names it::

    import pathlib
    import sigverify

    # Keyless (Sigstore), as `model_signing verify sigstore`:
    v = sigverify.model.verify(
        pathlib.Path("my-model"),                    # its signature: my-model/model.sig
        identity="releases@example.com",
        issuer="https://accounts.google.com",
    )
    # A managed key, as `model_signing verify key`:
    v = sigverify.model.verify("my-model", key=pathlib.Path("key.pub"))
    # A private PKI, as `model_signing verify certificate`:
    v = sigverify.model.verify("my-model", certificate_chain=[pathlib.Path("ca.pem")])
    print(v.model_name, v.manifest_digest, v.resources, v.signing_method)

The function and class are those of ``sigverify._native`` (documented in its stub).
"""

from ._native import ModelVerification as ModelVerification
from ._native import model_verify as verify

__all__ = ["ModelVerification", "verify"]
