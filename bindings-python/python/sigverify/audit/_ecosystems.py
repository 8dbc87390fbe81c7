"""Ecosystem requests of an audit: items whose ``ecosystem`` is ``pypi``, ``npm`` or ``conda``.

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
  ``identity``/``issuer``.

These go one call per item (the adapters take one item each; each call releases the GIL), on
``jobs`` threads of the task.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Optional

import sigverify

ECOSYSTEMS = ("pypi", "npm", "conda")
EXTRA_FIELDS = ("ecosystem", "filename", "publisher", "package", "repository")


class Outcome:
    """What an ecosystem call verified: the results of its bundles (all verified)."""

    def __init__(self, results: list[sigverify.VerificationResult]) -> None:
        self.results = results


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
