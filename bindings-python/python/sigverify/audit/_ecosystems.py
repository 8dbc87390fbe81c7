"""Ecosystem requests of an audit: items whose ``ecosystem`` is ``pypi``, ``npm``, ``conda`` or
``model``.

Such an item names the ecosystem's own document in ``bundle`` and what the ecosystem adapter
needs (see ``sigverify.pypi`` / ``npm`` / ``conda``):

- ``pypi``: ``bundle`` is a PyPI Integrity API provenance object, with ``artifact`` (the
  distribution, hashed) or ``digest`` plus ``filename``; ``publisher``
  (``github:OWNER/REPO/WORKFLOW.yml``, ...) or ``identity``/``issuer``;
- ``npm``: ``bundle`` is the registry's attestations response for ``package``
  (``NAME@VERSION``), with ``artifact`` (the tarball) or ``digest`` (``sha512:HEX``) and
  optionally ``repository`` (``OWNER/REPO``);
- ``conda``: ``bundle`` is the package's attestation bundle, with ``artifact`` (the package) or
  ``digest`` plus ``filename``; ``repository`` (and ``publisher``, the signer workflow) or
  ``identity``/``issuer``;
- ``model``: ``artifact`` is the model directory (or single-file model; a digest cannot stand
  for it: every file is hashed), ``bundle`` its OpenSSF model signing signature (default
  ``ARTIFACT/model.sig``), optionally ``ignore_paths`` (a list of paths in the model, as
  ``model_signing --ignore-paths``), with ``identity``/``issuer`` (the ``sigstore`` method) or ``key`` (a
  PEM public key file, the ``key`` method); see ``sigverify.model.verify``.

These go one call per item (the adapters take one item each; each call releases the GIL), on
``jobs`` threads of the task.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Optional

import sigverify

ECOSYSTEMS = ("pypi", "npm", "conda", "model")
EXTRA_FIELDS = ("ecosystem", "filename", "publisher", "package", "repository")


class Outcome:
    """What an ecosystem call verified: the results of its bundles (all verified), or for a
    model signed by a managed key (no Sigstore result), the key's SHA-256."""

    def __init__(self, results: list[sigverify.VerificationResult], key_sha256: Optional[str] = None) -> None:
        self.results = results
        self.key_sha256 = key_sha256


def call(ecosystem: str, args: dict[str, Any]) -> Callable[[sigverify.Verifier], Any]:
    """The adapter call for one prepared item (``args``: the subject, the document, the
    policy arguments); raises ``ValueError`` for an item that names no usable request."""
    doc = args["bundle"]
    subject: dict[str, Any] = {}
    if args.get("artifact") is not None:
        subject["artifact"] = Path(args["artifact"])
    else:
        subject["digest"] = args["digest"]
    filename = args.get("filename")
    identity, issuer = args.get("identity"), args.get("issuer")
    publisher, repository, package = args.get("publisher"), args.get("repository"), args.get("package")
    if ecosystem == "pypi":
        if "digest" in subject and filename is None:
            raise ValueError("pypi: a digest needs the distribution's filename")
        policy: dict[str, Any] = {}
        if publisher is not None and identity is None and issuer is None:
            policy["publisher"] = publisher
        elif publisher is None and identity is not None and issuer is not None:
            policy["policy"] = sigverify.Policy.identity(identity, issuer)
        else:
            raise ValueError("pypi: publisher, or identity and issuer, are required (one of them)")
        dist = subject.pop("artifact", None)

        def pypi(v: sigverify.Verifier) -> Any:
            return Outcome(sigverify.pypi.verify_provenance(v, doc, dist, filename=filename, **subject, **policy))

        return pypi
    if ecosystem == "npm":
        if package is None:
            raise ValueError("npm: package (NAME@VERSION) is required")
        if identity is not None or issuer is not None or publisher is not None:
            raise ValueError("npm: the signer is given by repository (OWNER/REPO), not identity/issuer/publisher")
        tarball = subject.pop("artifact", None)

        def npm(v: sigverify.Verifier) -> Any:
            r = sigverify.npm.verify(v, doc, tarball, package=package, repository=repository, **subject)
            return Outcome([x for x in (r.provenance, r.publish) if x is not None])

        return npm
    if ecosystem == "conda":
        if "digest" in subject and filename is None:
            raise ValueError("conda: a digest needs the package's filename")
        if (repository is None) == (identity is None or issuer is None):
            raise ValueError("conda: repository, or identity and issuer, are required (one of them)")
        pkg = subject.pop("artifact", None)

        def conda(v: sigverify.Verifier) -> Any:
            return Outcome(
                sigverify.conda.verify(
                    v,
                    pkg,
                    filename=filename,
                    bundle=doc,
                    repository=repository,
                    signer_workflow=publisher,
                    identity=identity,
                    issuer=issuer,
                    **subject,
                )
            )

        return conda
    if ecosystem == "model":
        model = subject.get("artifact")
        if model is None:
            raise ValueError("model: artifact (the model directory) is required; a digest cannot stand for a model")
        if filename is not None or publisher is not None or package is not None or repository is not None:
            raise ValueError("model: takes identity and issuer, or key; not filename, publisher, package or repository")
        if not (doc is None or isinstance(doc, Path)):
            raise ValueError("model: bundle must be the path of the signature (model.sig)")
        key = args.get("key")
        ignore = args.get("ignore_paths") or []
        if (key is None) == (identity is None or issuer is None) or (key is not None and (identity or issuer)):
            raise ValueError("model: identity and issuer, or key, are required (one of them)")

        def model_call(v: sigverify.Verifier) -> Any:
            if key is not None:
                m = sigverify.model.verify(model, signature=doc, key=Path(key), ignore_paths=ignore)
            else:
                m = sigverify.model.verify(model, signature=doc, identity=identity, issuer=issuer, verifier=v, ignore_paths=ignore)
            return Outcome([] if m.result is None else [m.result], key_sha256=m.key_sha256)

        return model_call
    raise ValueError(f"ecosystem must be one of {', '.join(ECOSYSTEMS)}")


def run(v: sigverify.Verifier, calls: list[Callable[[sigverify.Verifier], Any]], jobs: int) -> list[object]:
    """Every call's outcome, or the exception it raised, in order."""

    def one(c: Callable[[sigverify.Verifier], Any]) -> object:
        try:
            return c(v)
        except Exception as e:  # noqa: BLE001 - reported per item
            return e

    if jobs <= 1 or len(calls) <= 1:
        return [one(c) for c in calls]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, calls))


def first(outcome: Outcome) -> Optional[sigverify.VerificationResult]:
    return outcome.results[0] if outcome.results else None
