"""GitHub artifact attestations (``gh attestation verify``), and Homebrew bottles.

The input is one Sigstore bundle or the attestations API's JSON lines; the first attestation that
verifies for the artifact and the policy wins (as with ``gh``). Each bundle is verified against
Sigstore's public-good instance (public repositories) or GitHub's own instance (private
repositories: a timestamp authority, no transparency log), chosen by the CA that issued its
certificate unless ``instance=`` forces one::

    import pathlib
    import sigverify

    result = sigverify.github.verify(
        pathlib.Path("attestation.jsonl"),
        pathlib.Path("dist/app.whl"),                    # or digest="sha256:..."
        repository="OWNER/REPO",
        signer_workflow="OWNER/REPO/.github/workflows/release.yml",
    )

Both verifiers are built once per process from the embedded trusted roots unless given
(``public_good=``, ``github_instance=``).

GitHub immutable releases (``gh release verify``, ``gh release verify-asset``)::

    sigverify.github.verify_release(
        pathlib.Path("release.jsonl"),
        [pathlib.Path("dist/app-linux.tar.gz")],    # or digest="sha256:...", filename="..."
        repository="OWNER/REPO",
        tag="v1.2.3",
    )
"""

from ._native import github_verify as verify
from ._native import github_verify_homebrew_bottle as verify_homebrew_bottle
from ._native import github_verify_release as verify_release

__all__ = ["verify", "verify_homebrew_bottle", "verify_release"]
