"""The Bazel Central Registry: module versions published with bazel-contrib/publish-to-bcr.

A module version's ``attestations.json`` names a GitHub attestation (JSON lines of Sigstore
bundles, SLSA provenance v1) for ``MODULE.bazel``, ``source.json`` and the source archive, each
with the SRI integrity of the attestation file. ``verify`` checks each file as the registry's
presubmit does: ``MODULE.bazel`` and ``source.json`` attested by the publish-to-bcr reusable
workflow, the archive by the release workflow (bazel-contrib's ``release_ruleset`` or one of the
module repository's own), all for the module's source repository (and tag, when given)::

    import pathlib
    import sigverify

    v = sigverify.bcr.verify(
        attestations=pathlib.Path("modules/rules_lint/1.3.1/attestations.json"),
        module_dir="modules/rules_lint/1.3.1",   # MODULE.bazel, source.json, the archive, *.intoto.jsonl
        repository="aspect-build/rules_lint",
        tag="v1.3.1",
    )
    for f in v.files:
        print(f.file, f.kind, f.signer_workflow)

or one file: ``verify(file=pathlib.Path("rules_lint-v1.3.1.tar.gz"),
bundle=pathlib.Path("rules_lint-v1.3.1.tar.gz.intoto.jsonl"), repository=...)``.
"""

from ._native import BcrFile as BcrFile
from ._native import BcrVerification as BcrVerification
from ._native import bcr_verify as verify

__all__ = ["BcrFile", "BcrVerification", "verify"]
