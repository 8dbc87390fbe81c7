"""The native module of sigverify (Rust, pyo3). Import its names from ``sigverify``.

Every class is immutable and safe to share between threads. Verification releases the GIL.
"""

import os
from datetime import datetime
from typing import Any, Iterable, Literal, Mapping, Optional, Sequence, Tuple, TypeAlias, Union, final

from ._errors import Error

__all__ = [
    "__version__",
    "TrustedRoot",
    "Policy",
    "Verifier",
    "VerificationResult",
    "VerifiedTime",
    "LogEntry",
    "CheckedClaim",
    "Statement",
    "Subject",
    "pypi_verify_attestation",
    "pypi_verify_provenance",
    "NpmRegistryKeys",
    "NpmVerification",
    "npm_verify",
    "github_verify",
    "github_verify_homebrew_bottle",
    "github_verify_release",
    "ModelVerification",
    "model_verify",
    "TufUpdate",
    "tuf_update",
    "conda_verify",
    "BcrFile",
    "BcrVerification",
    "bcr_verify",
    "LockReport",
    "PackageReport",
    "FileReport",
    "pylock_verify",
    "pylock_record",
]

__version__: str

_Bytes: TypeAlias = Union[bytes, bytearray, memoryview]
_Bundle: TypeAlias = Union[_Bytes, str, "os.PathLike[str]"]
"""A bundle: its JSON as bytes, JSON *text* as ``str``, or a file as ``os.PathLike``.

A ``str`` is never read as a file name: pass ``pathlib.Path("x.sigstore.json")`` for a file.
"""
_Artifact: TypeAlias = Union[_Bytes, "os.PathLike[str]"]
"""An artifact: its bytes, or a file as ``os.PathLike`` (never a ``str``)."""
_Item: TypeAlias = Union[
    Tuple[_Bundle, _Artifact],
    Tuple[_Bundle, _Artifact, Optional["Policy"]],
    Mapping[str, Any],
]
"""An item of :meth:`Verifier.verify_many`."""

@final
class TrustedRoot:
    """What a deployment trusts: Fulcio certificate authorities, transparency logs, CT logs and
    timestamp authorities (a ``trusted_root.json``).

    The public-good, staging and GitHub roots are embedded in the package; nothing is fetched.
    """

    @staticmethod
    def public_good() -> "TrustedRoot":
        """The embedded Sigstore public-good (production) trusted root."""

    @staticmethod
    def staging() -> "TrustedRoot":
        """The embedded Sigstore staging trusted root."""

    @staticmethod
    def github() -> "TrustedRoot":
        """The embedded trusted root of GitHub's own Sigstore instance (private-repository
        attestations): Fulcio and a timestamp authority, no transparency log.

        Verify with it explicitly without a log::

            Verifier(TrustedRoot.github(), tlog_threshold=0, timestamp_threshold=1, sct_threshold=0)
        """

    @staticmethod
    def from_json(data: Union[_Bytes, str]) -> "TrustedRoot":
        """Parses a ``trusted_root.json`` document.

        Every key must parse and every validity window must have a start: a root that cannot be
        fully understood is refused.

        Raises:
            InvalidInput: the document is malformed or unusable (``code`` says why, e.g.
                ``"invalid-json"``, ``"invalid-trusted-root"``, ``"limit-exceeded"``).
        """

    @property
    def name(self) -> Optional[str]:
        """``"public-good"``, ``"staging"`` or ``"github"`` for an embedded root, else ``None``."""

    @property
    def tlog_count(self) -> int:
        """Number of transparency logs."""

    @property
    def ctlog_count(self) -> int:
        """Number of certificate transparency logs."""

    @property
    def certificate_authority_count(self) -> int:
        """Number of Fulcio certificate authorities."""

    @property
    def timestamp_authority_count(self) -> int:
        """Number of RFC 3161 timestamp authorities."""

@final
class Policy:
    """What one verification requires of the signer. There is no default: every call names one."""

    @staticmethod
    def identity(identity: str, issuer: str) -> "Policy":
        """The signing certificate's subject alternative name (URI, email or Fulcio otherName)
        must equal ``identity``, and its OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8,
        else 1.1) must equal ``issuer``, exactly.

        Example: ``Policy.identity("https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/main",
        "https://token.actions.githubusercontent.com")``.

        Raises:
            InvalidInput: an empty identity or issuer (code ``"invalid-policy"``).
        """

    @staticmethod
    def key(pem: Union[_Bytes, str]) -> "Policy":
        """The bundle must be signed by this managed key: a PEM ``PUBLIC KEY``
        (SubjectPublicKeyInfo). The key always comes from the caller, never from the bundle.

        Raises:
            InvalidInput: the PEM or the key cannot be parsed (code ``"invalid-certificate"``).
        """

    @staticmethod
    def from_json(data: Union[_Bytes, str]) -> "Policy":
        """Reads a policy document (``docs/policy.md`` of the repository; the same document as
        ``sigverify verify --policy FILE`` and every other binding)::

            {"version": 1, "identity": "https://github.com/...", "issuer": "https://token.actions.githubusercontent.com"}
            {"version": 1, "key": "-----BEGIN PUBLIC KEY-----\\n..."}
            {"version": 1,
             "github": {"repository": "OWNER/REPO", "signerWorkflow": "OWNER/REPO/.github/workflows/release.yml",
                        "denySelfHostedRunners": true},
             "claims": {"sourceRepositoryRef": {"glob": "refs/tags/v*"}},
             "statement": {"predicateType": "https://slsa.dev/provenance/v1"}}

        Every requirement must hold. Top-level fields: ``version`` (``1``, required),
        ``identity`` and ``issuer`` (matchers of the SAN and the OIDC issuer), ``claims``
        (Fulcio claim name or OID -> matcher: ``sourceRepositoryURI``, ``sourceRepositoryRef``,
        ``buildSignerURI``, ``runnerEnvironment``, ...), ``github`` (``repository``, ``owner``,
        ``signerWorkflow``, ``sourceRef``, ``sourceDigest``, ``denySelfHostedRunners``; implies
        the GitHub Actions issuer), ``gitlab`` (``project``, ``namespace``, ``signerConfig``,
        ``sourceRef``, ``sourceDigest``, ``denySelfHostedRunners``; implies ``https://gitlab.com``),
        ``statement`` (``predicateType``, ``builderId``, ``buildType``, ``sourceRepository``,
        ``sourceRef``, ``resolvedDependencyDigest``: the in-toto statement and its SLSA
        provenance), ``allOf`` / ``anyOf`` (lists of requirement objects), ``key`` (a PEM public
        key instead of a certificate identity) and ``unsafeAnyIdentity`` (``true``).

        A matcher is ``"text"`` (exact), ``{"exact": ...}``, ``{"regex": ...}`` (anchored to the
        whole value, RE2 syntax), ``{"glob": ...}`` (``*`` within a path segment, ``**`` across,
        ``?`` one character), ``{"allOf": [...]}`` or ``{"anyOf": [...]}``.

        Unknown fields are refused, so a misspelt requirement is never silently ignored.

        Raises:
            InvalidInput: code ``"invalid-policy"`` (the message names the offending field, e.g.
                ``$.issuer``), ``"invalid-json"`` or ``"limit-exceeded"``.
        """

    @staticmethod
    def github(
        *,
        repository: Optional[str] = None,
        owner: Optional[str] = None,
        signer_workflow: Optional[str] = None,
        source_ref: Optional[str] = None,
        source_digest: Optional[str] = None,
        deny_self_hosted_runners: bool = False,
        predicate_type: Optional[str] = None,
    ) -> "Policy":
        """A GitHub Actions signer: the issuer ``https://token.actions.githubusercontent.com``
        and every requirement given (the document ``{"version": 1, "github": {...}}``, read as
        :meth:`from_json` reads it).

        Args:
            repository: ``"OWNER/REPO"``: the source repository
                (``sourceRepositoryURI`` = ``https://github.com/OWNER/REPO``).
            owner: ``"OWNER"``: the repository owner (``sourceRepositoryOwnerURI``).
            signer_workflow: ``"OWNER/REPO/.github/workflows/FILE.yml"``, optionally ``@REF``:
                the workflow that signed (``buildSignerURI``; a reusable workflow's own
                repository), at any ref unless one is given.
            source_ref: the exact source ref, e.g. ``"refs/heads/main"`` (``sourceRepositoryRef``).
            source_digest: the source commit, hex (``sourceRepositoryDigest``).
            deny_self_hosted_runners: require ``runnerEnvironment`` = ``github-hosted``.
            predicate_type: the in-toto statement's predicate type (DSSE bundles only).

        At least one of ``repository``, ``owner`` and ``signer_workflow`` is required: a policy
        must name who signed, not only that some GitHub workflow did. For patterns (a glob on
        the ref, ...) write a document for :meth:`from_json`.

        Raises:
            InvalidInput: code ``"invalid-policy"``: none of the three (the core refuses a
                policy that names no signer, as it does for documents), or a malformed value,
                e.g. ``repository="OWNER"``.
        """

    @staticmethod
    def gitlab(
        *,
        project: Optional[str] = None,
        namespace: Optional[str] = None,
        signer_config: Optional[str] = None,
        source_ref: Optional[str] = None,
        source_digest: Optional[str] = None,
        deny_self_hosted_runners: bool = False,
        predicate_type: Optional[str] = None,
    ) -> "Policy":
        """A GitLab CI signer on gitlab.com: the issuer ``https://gitlab.com`` and every
        requirement given (the document ``{"version": 1, "gitlab": {...}}``).

        Args:
            project: ``"GROUP/PROJECT"`` (``sourceRepositoryURI``).
            namespace: ``"GROUP"`` (``sourceRepositoryOwnerURI``).
            signer_config: ``"GROUP/PROJECT//PATH/.gitlab-ci.yml"``, optionally ``@REF``
                (``buildSignerURI``).
            source_ref: the exact source ref (``sourceRepositoryRef``).
            source_digest: the source commit, hex (``sourceRepositoryDigest``).
            deny_self_hosted_runners: require ``runnerEnvironment`` = ``gitlab-hosted``.
            predicate_type: the in-toto statement's predicate type.

        At least one of ``project``, ``namespace`` and ``signer_config`` is required.

        Raises:
            InvalidInput: code ``"invalid-policy"``: none of the three, or a malformed value.
        """

    @staticmethod
    def without_identity_unsafe() -> "Policy":
        """Accepts any certificate identity that chains to the trusted root.

        Only for callers that check ``result.identity`` and ``result.claims`` themselves: the
        name says what it gives up.
        """

@final
class Verifier:
    """Verifies Sigstore bundles offline against one trusted root.

    Build it once and share it: it is immutable and thread-safe, trusted keys are parsed and
    every CA and TSA chain is validated here, not per bundle. ``verify`` releases the GIL, so
    threads sharing one verifier run in parallel.

    The thresholds say how much evidence every bundle must carry; each defaults to the core's
    choice (``tlog_threshold=1``, ``timestamp_threshold=0``, ``sct_threshold=1``):

    - ``tlog_threshold``: transparency log entries (from distinct logs) that must verify.
    - ``timestamp_threshold``: RFC 3161 timestamps that must verify (any timestamp present must
      verify regardless).
    - ``sct_threshold``: embedded signed certificate timestamps that must verify.
    - ``witnesses``: C2SP note verifier keys (``name+hexid+base64``) of witnesses, of which
      ``witness_threshold`` (default: all) must have cosigned every log entry's checkpoint.

    GitHub's instance has no transparency log: ``Verifier(TrustedRoot.github(), tlog_threshold=0,
    timestamp_threshold=1, sct_threshold=0)``. A threshold that the root can never satisfy (a log
    threshold with no log in the root) is refused here rather than failing every bundle later.

    Raises:
        InvalidInput: a threshold out of range or unsatisfiable (code ``"invalid-argument"``), or
            trusted material or a witness key that cannot be used.
    """

    def __new__(
        cls,
        root: TrustedRoot,
        *,
        tlog_threshold: Optional[int] = None,
        timestamp_threshold: Optional[int] = None,
        sct_threshold: Optional[int] = None,
        witnesses: Optional[Sequence[str]] = None,
        witness_threshold: Optional[int] = None,
    ) -> "Verifier": ...
    def verify(
        self,
        bundle: _Bundle,
        artifact: Optional[_Artifact] = None,
        *,
        digest: Optional[str] = None,
        policy: Policy,
    ) -> "VerificationResult":
        """Verifies one bundle for an artifact, or for its digest.

        Args:
            bundle: the bundle's JSON as ``bytes``, its JSON text as ``str``, or a file as
                ``os.PathLike`` (``pathlib.Path``).
            artifact: the signed artifact's bytes, or the file as ``os.PathLike``. For a DSSE
                bundle, the artifact must be a subject of the in-toto statement.
            digest: instead of the artifact, its digest as ``"sha256:HEX"`` (``sha384:``,
                ``sha512:`` too). An Ed25519 message signature needs the bytes.
            policy: who must have signed (:class:`Policy`).

        The current time (to refuse verified times from the future) comes from the system clock.

        Returns:
            The verified result: signer, claims, verified times, log entries, statement.

        Raises:
            VerificationError: the bundle does not verify (``code`` and ``check`` say where).
            InvalidInput: the bundle, artifact, digest or policy cannot be used (malformed JSON,
                an unsupported version, a limit, an unreadable file, a wrong argument).
        """

    def verify_many(
        self,
        items: Iterable[_Item],
        *,
        policy: Optional[Policy] = None,
        jobs: Optional[int] = None,
    ) -> list[Union["VerificationResult", Error]]:
        """Verifies many bundles in parallel, on up to ``jobs`` threads (default: one per CPU),
        with the GIL released.

        Each item is ``(bundle, artifact)``, ``(bundle, artifact, policy)``, or a dict with the
        keyword names of :meth:`verify` (``{"bundle": ..., "digest": "sha256:...", "policy": ...}``);
        ``policy`` is the default for items that name none.

        Returns one entry per item, in order: a :class:`VerificationResult`, or the
        :class:`Error` that :meth:`verify` would have raised for it (an item of the wrong shape
        gets an ``InvalidInput``). Nothing is raised for a single item.

        Raises:
            InvalidInput: ``jobs`` out of range, ``policy`` not a Policy, or ``items`` not an
                iterable of items.
        """

    @property
    def tlog_threshold(self) -> int:
        """Transparency log entries (from distinct logs) that every bundle must carry."""

    @property
    def timestamp_threshold(self) -> int:
        """RFC 3161 timestamps that every bundle must carry."""

    @property
    def sct_threshold(self) -> int:
        """Signed certificate timestamps that every signing certificate must carry."""

    @property
    def witness_threshold(self) -> Optional[int]:
        """Witness cosignatures required on every checkpoint, or ``None`` (no witness policy)."""

    @property
    def backend(self) -> str:
        """The crypto backend (``"aws-lc-rs"``)."""

@final
class VerificationResult:
    """What a successful verification established. Attributes are computed on access."""

    @property
    def signer_type(self) -> Literal["certificate", "key"]:
        """``"certificate"`` for keyless (Fulcio) signing, ``"key"`` for a managed key."""

    @property
    def identity(self) -> Optional[str]:
        """The certificate's subject alternative name (the identity the policy matched), or
        ``None`` for a managed key."""

    @property
    def identity_type(self) -> Optional[Literal["uri", "email", "otherName"]]:
        """The kind of subject alternative name, or ``None`` for a managed key."""

    @property
    def issuer(self) -> Optional[str]:
        """The OIDC issuer of the certificate, or ``None`` for a managed key."""

    @property
    def claims(self) -> dict[str, str]:
        """Every Fulcio claim of the certificate, by name (``sourceRepositoryURI``,
        ``buildSignerDigest``, ``runnerEnvironment``, ...); empty for a managed key. A new dict
        on each access."""

    @property
    def claim_oids(self) -> dict[str, str]:
        """The same claims keyed by extension OID (``1.3.6.1.4.1.57264.1.12``)."""

    @property
    def certificate(self) -> Optional[bytes]:
        """The signing certificate (DER), or ``None`` for a managed key."""

    @property
    def key_sha256(self) -> Optional[str]:
        """For a managed key: SHA-256 of its SubjectPublicKeyInfo, hex; else ``None``."""

    @property
    def verified_times(self) -> list["VerifiedTime"]:
        """Every verified time (at least one), with its source."""

    @property
    def earliest_time(self) -> datetime:
        """The earliest verified time (timezone-aware, UTC)."""

    @property
    def log_entries(self) -> list["LogEntry"]:
        """The transparency log entries that verified."""

    @property
    def statement(self) -> Optional["Statement"]:
        """The in-toto statement, for a DSSE bundle; ``None`` for a message signature."""

    @property
    def policy_checks(self) -> list["CheckedClaim"]:
        """Every claim the policy checked (identity, issuer, each required Fulcio claim or
        statement field), with what was required and what was found."""

    @property
    def bundle_version(self) -> str:
        """The bundle format version: ``"0.1"``, ``"0.2"`` or ``"0.3"``."""

    @property
    def signature_digest_algorithm(self) -> Optional[str]:
        """The hash the artifact signature was verified over (``"sha256"``, ``"sha384"``,
        ``"sha512"``): a P-384 or P-521 key of an older client may have signed SHA-256 instead
        of its curve's hash. ``None`` for Ed25519, which signs the message itself."""

    @property
    def media_type(self) -> str:
        """The bundle's media type, as found."""

    @property
    def backend(self) -> str:
        """The crypto backend that verified it."""

    def to_json(self) -> str:
        """The whole result as JSON text: the document of ``sigverify verify --json`` (stable
        field names: ``signer``, ``verifiedTimes``, ``logEntries``, ``statement``, ...)."""

    def to_dict(self) -> dict[str, Any]:
        """The whole result as ``json.loads(self.to_json())`` would give it."""

@final
class VerifiedTime:
    """A time at which the signature is known to have existed, and what vouches for it."""

    @property
    def time(self) -> datetime:
        """The time (timezone-aware, UTC)."""

    @property
    def unix(self) -> int:
        """The time in Unix seconds."""

    @property
    def source(self) -> Literal["transparency-log", "rfc3161-timestamp"]:
        """A log's integrated time (vouched for by its signed entry timestamp), or an RFC 3161
        timestamp."""

    @property
    def log_url(self) -> Optional[str]:
        """For a log time: the log's base URL."""

    @property
    def log_index(self) -> Optional[int]:
        """For a log time: the entry's index."""

    @property
    def authority(self) -> Optional[str]:
        """For a timestamp: the timestamp authority's URI."""

@final
class LogEntry:
    """A transparency log entry that verified."""

    @property
    def log_url(self) -> str:
        """The log's base URL (from the trusted root)."""

    @property
    def log_id(self) -> str:
        """The log id, hex."""

    @property
    def log_index(self) -> Optional[int]:
        """The entry's index in the log, when something signs it (the SET of a Rekor v1 entry,
        the inclusion proof of a Rekor v2 entry); None for a Rekor v1 entry verified by its
        inclusion proof alone."""

    @property
    def kind(self) -> str:
        """The entry kind: ``"hashedrekord"``, ``"dsse"`` or ``"intoto"``."""

    @property
    def version(self) -> str:
        """The entry kind's version, e.g. ``"0.0.1"``."""

    @property
    def integrated_time(self) -> Optional[datetime]:
        """The integrated time vouched for by a signed entry timestamp (Rekor v1), else ``None``."""

    @property
    def inclusion_proof(self) -> bool:
        """Whether an inclusion proof against a signed checkpoint was verified."""

    @property
    def checkpoint_origin(self) -> Optional[str]:
        """The origin line of that checkpoint, as the log signed it: for Rekor v1
        ``"<hostname> - <tree id>"`` (``"rekor.sigstore.dev - 2605736670972794746"``; a private
        deployment's hostname may differ from its URL), for Rekor v2 the log's host. ``None``
        without an inclusion proof."""

    @property
    def cosigned_by(self) -> list[str]:
        """The witnesses of the verifier's witness policy whose cosignature verified."""

@final
class CheckedClaim:
    """A claim that the policy checked and that held."""

    @property
    def claim(self) -> str:
        """The field: ``identity``, ``issuer``, a Fulcio claim name (``sourceRepositoryURI``), or a
        statement field (``statement.predicateType``, ...)."""

    @property
    def expected(self) -> str:
        """What the policy required, described (``"text"``, ``regex "..."``, ``glob "..."``, ...)."""

    @property
    def found(self) -> Optional[str]:
        """The value found in the bundle."""

@final
class Statement:
    """The in-toto statement carried by a DSSE bundle."""

    @property
    def type(self) -> str:
        """``_type``: ``https://in-toto.io/Statement/v1`` (or ``v0.1``)."""

    @property
    def predicate_type(self) -> str:
        """``predicateType``, e.g. ``https://slsa.dev/provenance/v1``."""

    @property
    def subjects(self) -> list["Subject"]:
        """The subjects (the artifact matched at least one)."""

    @property
    def predicate(self) -> Any:
        """The predicate as JSON values (dict, list, str, int, float, bool, None); ``None``
        when absent."""

@final
class Subject:
    """One subject of an in-toto statement."""

    @property
    def name(self) -> str:
        """The subject's name (a file name, a package URL, ...)."""

    @property
    def digest(self) -> dict[str, str]:
        """Digests by algorithm (``"sha256"``: lower-case hex)."""

# ---------------------------------------------------------------------------------------------
# Ecosystems. Import these from sigverify.pypi, sigverify.npm and sigverify.github.

def pypi_verify_attestation(
    verifier: Verifier,
    attestation: _Bundle,
    dist: Optional[_Artifact] = None,
    *,
    filename: Optional[str] = None,
    digest: Optional[str] = None,
    publisher: Optional[str] = None,
    policy: Optional[Policy] = None,
) -> VerificationResult:
    """``sigverify.pypi.verify_attestation``: verifies one PEP 740 attestation for a
    distribution file.

    Args:
        verifier: a :class:`Verifier` of the public-good (or staging) root.
        attestation: the attestation object (``.publish.attestation``, or one element of a
            provenance object's ``attestations``): JSON as ``bytes``, JSON text as ``str``, or a
            file as ``os.PathLike``.
        dist: the distribution: its bytes, or its file as ``os.PathLike`` (hashed as a stream,
            and its file name used unless ``filename`` is given).
        filename: the distribution's file name (``sampleproject-4.0.0-py3-none-any.whl``);
            required with bytes or ``digest``. Compared as PyPI normalises names.
        digest: instead of ``dist``, its ``"sha256:HEX"``.
        publisher: the Trusted Publisher: ``"github:OWNER/REPO/WORKFLOW.yml"``,
            ``"gitlab:NAMESPACE/PROJECT/CI_FILE_PATH"`` or ``"google:EMAIL"``.
        policy: instead of ``publisher``, any :class:`Policy` (the statement's subject and
            predicate type are still checked; the build-config ref rule of publishers is not).

    Exactly one of ``dist`` and ``digest``, and of ``publisher`` and ``policy``.

    Returns:
        The verified result (``statement`` is the attestation's in-toto statement).

    Raises:
        VerificationError: the attestation does not verify: ``policy-mismatch`` (another
            publisher), ``artifact-mismatch`` (another file name or digest), ``statement``
            (another predicate type, several subjects), ...
        InvalidInput: a malformed attestation (``invalid-json``), publisher
            (``invalid-policy``) or digest (``invalid-artifact``), an unreadable file
            (``io-error``), a wrong argument (``invalid-argument``).
    """

def pypi_verify_provenance(
    verifier: Verifier,
    provenance: _Bundle,
    dist: Optional[_Artifact] = None,
    *,
    filename: Optional[str] = None,
    digest: Optional[str] = None,
    publisher: Optional[str] = None,
    policy: Optional[Policy] = None,
    publisher_from_provenance: bool = False,
) -> list[VerificationResult]:
    """``sigverify.pypi.verify_provenance``: verifies every attestation of a PyPI Integrity API
    provenance object (``{"version": 1, "attestation_bundles": [...]}``, from
    ``https://pypi.org/integrity/PROJECT/VERSION/FILENAME/provenance``).

    The arguments are those of :func:`pypi_verify_attestation`, with one more way to say who
    must have signed: ``publisher_from_provenance=True`` accepts, for each attestation bundle,
    the Trusted Publisher that the provenance object names. That trusts the document as much as
    the index that served it: pin ``publisher=`` when you know it.

    Returns:
        One result per attestation, in the document's order; all of them verified.

    Raises:
        VerificationError, InvalidInput: as :func:`pypi_verify_attestation`, for the first
            attestation that fails.
    """

@final
class NpmRegistryKeys:
    """``sigverify.npm.RegistryKeys``: the npm registry's signing keys (its ``keys.json``:
    ``{"keys": [{"keyId", "keyUsage", "publicKey": {"rawBytes", "validFor"}}]}``), which sign the
    publish attestations (key usage ``npm:attestations``)."""

    @staticmethod
    def embedded() -> "NpmRegistryKeys":
        """The registry keys embedded in sigverify (also the default of ``npm.verify``)."""

    @staticmethod
    def from_json(data: Union[_Bytes, str]) -> "NpmRegistryKeys":
        """Parses a ``keys.json`` document (e.g. a newer one from the registry's TUF target).

        Raises:
            InvalidInput: the document is malformed (``invalid-json``, ...).
        """

@final
class NpmVerification:
    """``sigverify.npm.Verification``: what the attestations of one package version
    established. Every attestation of the response verified; at least one is present."""

    @property
    def provenance(self) -> Optional[VerificationResult]:
        """The SLSA provenance (keyless: ``identity`` is the workflow that built the package),
        when the response has one."""

    @property
    def publish(self) -> Optional[VerificationResult]:
        """The registry's publish attestation (``signer_type == "key"``), when the response
        has one."""

    @property
    def package(self) -> str:
        """``NAME@VERSION``, as given."""

def npm_verify(
    verifier: Verifier,
    attestations: _Bundle,
    tarball: Optional[_Artifact] = None,
    *,
    package: str,
    integrity: Optional[str] = None,
    digest: Optional[str] = None,
    repository: Optional[str] = None,
    keys: Optional[NpmRegistryKeys] = None,
) -> NpmVerification:
    """``sigverify.npm.verify``: verifies the registry's attestations response
    (``https://registry.npmjs.org/-/npm/v1/attestations/NAME@VERSION``) for one package version.

    Args:
        verifier: a :class:`Verifier` of the public-good root.
        attestations: the response (``{"attestations": [{"predicateType", "bundle"}, ...]}``):
            JSON as ``bytes``, JSON text as ``str``, or a file as ``os.PathLike``.
        tarball: the package tarball: its bytes, or its file as ``os.PathLike`` (hashed as a
            stream).
        package: ``"NAME@VERSION"`` or ``"@SCOPE/NAME@VERSION"``: the subject must be its
            package URL (``pkg:npm/...``).
        integrity: instead of the tarball, the packument's ``dist.integrity``
            (``"sha512-BASE64"``).
        digest: instead of the tarball, ``"sha512:HEX"``.
        repository: ``"OWNER/REPO"``: the provenance must come from this source repository.
            Without it the provenance verifies for any signer (as ``npm audit signatures``
            does): check ``result.provenance.identity`` yourself.
        keys: the registry keys (default: :meth:`NpmRegistryKeys.embedded`).

    Exactly one of ``tarball``, ``integrity`` and ``digest``.

    Raises:
        VerificationError: an attestation does not verify: ``policy-mismatch`` (another
            repository; a publish attestation whose key id is not a registry attestation key),
            ``time-outside-validity`` (the registry key was not valid when the entry was
            logged), ``artifact-mismatch`` (another package, version or tarball), ...
        InvalidInput: a malformed response (``invalid-json``), package name or integrity
            (``invalid-artifact``), an unreadable file, a wrong argument.
    """

def github_verify(
    bundles: _Bundle,
    artifact: Optional[_Artifact] = None,
    *,
    digest: Optional[str] = None,
    repository: Optional[str] = None,
    owner: Optional[str] = None,
    signer_workflow: Optional[str] = None,
    policy: Optional[Policy] = None,
    instance: Optional[Literal["public-good", "github"]] = None,
    public_good: Optional[Verifier] = None,
    github_instance: Optional[Verifier] = None,
) -> VerificationResult:
    """``sigverify.github.verify``: verifies GitHub artifact attestations for an artifact, as
    ``gh attestation verify`` does, offline.

    Args:
        bundles: one bundle, or JSON lines of bundles (each line a bundle, or an object with a
            ``bundle`` field, as ``gh attestation download`` and the attestations API give
            them): ``bytes``, ``str`` (the text), or a file as ``os.PathLike``.
        artifact: the artifact's bytes, or its file as ``os.PathLike`` (hashed as a stream when
            every bundle is satisfied by the same digest).
        digest: instead of the artifact, ``"sha256:HEX"`` (or ``sha384:``, ``sha512:``).
        repository: ``"OWNER/REPO"``: the source repository.
        owner: ``"OWNER"``: the repository owner (when ``repository`` is not given).
        signer_workflow: ``"OWNER/REPO/.github/workflows/FILE.yml"`` (``@REF`` optional): the
            workflow that signed, e.g. a reusable workflow of another repository.
        policy: instead of ``repository``/``owner``/``signer_workflow``, any :class:`Policy`.
        instance: force the trust domain (``"public-good"`` or ``"github"``); by default each
            bundle's is chosen by the CA that issued its certificate.
        public_good, github_instance: the verifiers to use (default: built once per process
            from the embedded roots; GitHub's instance with ``tlog_threshold=0,
            timestamp_threshold=1, sct_threshold=0``).

    Returns:
        The result of the first attestation that verifies.

    Raises:
        VerificationError: no attestation verifies (the first attestation's error).
        InvalidInput: malformed bundles, a wrong argument (``invalid-argument``: no repository,
            owner or policy), an unreadable file.
    """

def github_verify_homebrew_bottle(
    bundles: _Bundle,
    bottle: Optional[_Artifact] = None,
    *,
    name: Optional[str] = None,
    digest: Optional[str] = None,
    public_good: Optional[Verifier] = None,
    github_instance: Optional[Verifier] = None,
) -> VerificationResult:
    """``sigverify.github.verify_homebrew_bottle``: verifies a Homebrew bottle's attestations:
    built by ``Homebrew/homebrew-core``'s CI, with the bottle's file name as a subject of the
    statement.

    Args:
        bundles: as :func:`github_verify`.
        bottle: the bottle's bytes, or its file as ``os.PathLike`` (its file name is used
            unless ``name`` is given).
        name: the bottle's file name (``wget--1.24.5.arm64_sonoma.bottle.tar.gz``); required
            with bytes or ``digest``.
        digest: instead of the bottle, ``"sha256:HEX"``.
        public_good, github_instance: as :func:`github_verify`.

    Raises:
        VerificationError, InvalidInput: as :func:`github_verify`; ``artifact-mismatch`` when no
            subject is named ``name``.
    """

# ---------------------------------------------------------------------------------------------
# Model signing. Import these from sigverify.model.

_Path: TypeAlias = Union[str, "os.PathLike[str]"]
"""A path: ``str`` or ``os.PathLike`` (for ``model`` and its signature a ``str`` can only be a
path)."""
_Pem: TypeAlias = Union[_Bytes, str, "os.PathLike[str]"]
"""A PEM document: its bytes, its text as ``str``, or a file as ``os.PathLike``."""

@final
class ModelVerification:
    """``sigverify.model.ModelVerification``: a verified model, what its signature says and who
    signed it. Immutable; attributes are computed on access."""

    @property
    def model_name(self) -> str:
        """The subject's name: the name of the signed model's directory (informative only:
        renaming a model does not invalidate its signature)."""

    @property
    def manifest_digest(self) -> str:
        """``"sha256:HEX"``: the subject's digest, over the digests of every resource."""

    @property
    def method(self) -> Literal["files", "shards"]:
        """How the model was serialized: one resource per file, or per shard of a file."""

    @property
    def shard_size(self) -> Optional[int]:
        """The shard size in bytes for ``"shards"``; ``None`` for ``"files"``."""

    @property
    def hash_type(self) -> str:
        """The hash of every resource: ``"sha256"``, the one this build verifies (a signature
        made with ``blake2`` or ``blake3`` is refused with ``unsupported-algorithm``)."""

    @property
    def allow_symlinks(self) -> bool:
        """Whether the signer followed symbolic links (to files inside the model)."""

    @property
    def ignore_paths(self) -> list[str]:
        """The paths the signature says the signer ignored, as written there."""

    @property
    def resources(self) -> int:
        """How many resources (files or shards) the signature lists; every one verified."""

    @property
    def bytes(self) -> int:
        """How many bytes were hashed."""

    @property
    def signing_method(self) -> Literal["sigstore", "key", "certificate"]:
        """The ``model_signing`` method the signature verified by."""

    @property
    def result(self) -> Optional[VerificationResult]:
        """For ``"sigstore"``: the whole Sigstore result (identity, issuer, verified times, log
        entries, the statement); else ``None``."""

    @property
    def key_sha256(self) -> Optional[str]:
        """For ``"key"``: SHA-256 of the key's SubjectPublicKeyInfo, hex; else ``None``."""

    @property
    def certificate_subject(self) -> Optional[str]:
        """For ``"certificate"``: the signing certificate's subject (RFC 4514); else ``None``."""

    def to_json(self) -> str:
        """The verification as JSON text: the document of ``sigverify model verify --json``
        (``verified``, ``model``: ``name``, ``manifestDigest``, ``method``, ``shardSize``,
        ``hashType``, ``allowSymlinks``, ``ignorePaths``, ``resources``, ``bytes``; ``signer``:
        ``method`` with the Sigstore ``result``, the ``keySha256`` or the certificate
        ``subject``, ``san``, ``chain`` and ``validatedAt``)."""

    def to_dict(self) -> dict[str, Any]:
        """The verification as ``json.loads(self.to_json())`` would give it."""

def model_verify(
    model: _Path,
    *,
    signature: Optional[_Path] = None,
    identity: Optional[str] = None,
    issuer: Optional[str] = None,
    policy: Optional[Policy] = None,
    verifier: Optional[Verifier] = None,
    key: Optional[_Pem] = None,
    certificate_chain: Optional[Iterable[_Pem]] = None,
    ignore_paths: Iterable[_Path] = (),
    ignore_git_paths: bool = True,
    ignore_unsigned_files: bool = False,
    threads: Optional[int] = None,
) -> ModelVerification:
    """``sigverify.model.verify``: verifies a model directory (or a single-file model) against
    its OpenSSF model signing signature (``model_signing`` 1.x; the predicate
    ``https://model_signing/signature/v1.0``, serialized by ``files`` or ``shards``).

    The signature first, by the method given; then the directory is walked (symbolic links
    are never followed: one is refused unless the signature allows them, and always when it
    points outside the model), every file or shard the signature lists is hashed (several at
    once, with the GIL released), and the result is compared both ways.

    Args:
        model: the model directory (or file), as ``str`` or ``os.PathLike``.
        signature: the signature file; default ``MODEL/model.sig``. It is never hashed.
        identity, issuer: the ``sigstore`` method: the certificate's identity (SAN) and OIDC
            issuer, as ``model_signing verify sigstore --identity --identity_provider``.
        policy: instead of ``identity``/``issuer``, any :class:`Policy` (``sigstore``).
        verifier: the ``sigstore`` method's trust domain (default: a verifier of the embedded
            public-good root). Only with ``identity``/``issuer`` or ``policy``.
        key: the ``key`` method: the public key (PEM: bytes, text, or a file as
            ``os.PathLike``), as ``model_signing verify key --public_key``. No transparency log
            or timestamp is required.
        certificate_chain: the ``certificate`` method: the CA certificates the signing
            certificate must chain to (each PEM: bytes, text, or a file as ``os.PathLike``; one
            or more certificates each), as ``model_signing verify certificate
            --certificate_chain``. No log, timestamp or SAN is required; the chain is validated
            at the signing certificate's notBefore, as ``model_signing`` does.
        ignore_paths: more paths to ignore, relative to the model directory (an absolute path
            counts if it is inside the model, and is dropped otherwise). The signature's own
            ``ignore_paths`` are always honoured.
        ignore_git_paths: ignore ``.git``, ``.gitattributes``, ``.github`` and ``.gitignore``
            (default, as ``model_signing``).
        ignore_unsigned_files: hash only the files the signature lists; files it does not list
            are not errors.
        threads: hashing threads (default: the available parallelism).

    Exactly one method: ``identity`` with ``issuer``, ``policy``, ``key`` or
    ``certificate_chain``.

    Raises:
        VerificationError: the model does not verify: ``artifact-mismatch`` naming the file
            (``model file sub/w.bin (sha256)``: changed; ``... expected no such file``: a file
            the signature does not list; ``found: no such file``: a signed file missing or
            ignored; ``(renamed)``; ``model file shard PATH:START:END``; ``model entry PATH``:
            a symbolic link or other entry refused), ``signature-invalid``, ``policy-mismatch``
            (another identity, another key, a key bundle given a certificate method),
            ``certificate-chain`` (not issued by the given CAs), ``statement`` (a predicate that
            is not model signing's), ...
        InvalidInput: a malformed signature (``invalid-json``, ``invalid-bundle``), key or CA
            certificates (``invalid-certificate``), a wrong argument (``invalid-argument``), a
            file or folder that cannot be read (``io-error``, with the ``OSError`` as
            ``__cause__``).
    """

_Files: TypeAlias = Union[Mapping[str, _Bytes], "os.PathLike[str]"]
"""The files of a TUF repository: a folder (``os.PathLike``), or a mapping of file name to bytes.

Files are looked up by the name the specification publishes (``16.root.json``,
``165.snapshot.json``, ``6494e21e....trusted_root.json``,
``registry.npmjs.org/160677eb....keys.json``), then without the version or hash prefix
(``snapshot.json``, ``registry.npmjs.org/keys.json``; roots keep theirs). Metadata is also looked
up under ``root_history/`` (the layout of the Sigstore mirrors). Names with a ``..``, ``.`` or
empty component, absolute names and backslashes are never read.
"""

@final
class TufUpdate:
    """``sigverify.tuf.TufUpdate``: the outcome of a successful :func:`tuf_update`: verified
    trusted material, and what to persist for the next update."""

    @property
    def trusted_root(self) -> TrustedRoot:
        """The verified ``trusted_root.json``, parsed: ``Verifier(update.trusted_root)``."""
    @property
    def trusted_root_json(self) -> bytes:
        """The verified ``trusted_root.json`` bytes (to cache)."""
    @property
    def npm_keys_json(self) -> Optional[bytes]:
        """The verified ``registry.npmjs.org/keys.json`` bytes, when the repository delegates
        them (the public-good one does): ``sigverify.npm.RegistryKeys.from_json(...)``."""
    @property
    def root_json(self) -> bytes:
        """The newest verified TUF ``root.json``: persist it and pass it as ``root=`` next time."""
    @property
    def state(self) -> bytes:
        """The versions seen (a small JSON document): persist it and pass it as ``state=`` next
        time, so that a rollback to older metadata is refused."""
    @property
    def root_version(self) -> int:
        """The version of :attr:`root_json`."""
    @property
    def expired(self) -> list[Tuple[str, int, datetime, int]]:
        """Expired metadata accepted through ``accept_expired_metadata_unsafe``, as
        ``(role, version, expires, age_seconds)`` (``expires`` in UTC; ``age_seconds``: how long
        before ``now`` it expired). Always empty otherwise."""
    @property
    def expired_for_seconds(self) -> Optional[int]:
        """The largest ``age_seconds`` of :attr:`expired`, or ``None`` when nothing expired."""

def tuf_update(
    *,
    metadata: _Files,
    targets: _Files,
    root: Optional[Union[_Bytes, str]] = None,
    instance: Optional[Literal["public-good", "staging"]] = None,
    state: Optional[Union[_Bytes, str]] = None,
    now: Optional[datetime] = None,
    accept_expired_metadata_unsafe: bool = False,
) -> TufUpdate:
    """``sigverify.tuf.update``: an offline TUF update (TUF specification, client workflow §5).

    Walks the root forward (``N+1.root.json``, ... until the repository has none), then verifies
    timestamp, snapshot, targets and the delegated roles, and accepts ``trusted_root.json`` and
    ``registry.npmjs.org/keys.json`` only with the length and hashes the verified metadata
    lists. Runs with the GIL released; folders are read then.

    Args:
        metadata: the repository's metadata files (a folder, or a mapping of name to bytes).
        targets: its target files (a folder, or a mapping of name to bytes).
        root: the TUF ``root.json`` to start from, which you trust: the :attr:`TufUpdate.root_json`
            of the last update. Default: the root embedded for ``instance``.
        instance: ``"public-good"`` (default) or ``"staging"``: the embedded root to start from
            when ``root`` is not given (not both).
        state: the :attr:`TufUpdate.state` of the last update; lower versions are refused as a
            rollback. Without it, a replayed older (unexpired) repository cannot be detected.
        now: the time to check every expiry against (timezone-aware). Default: the current time.
        accept_expired_metadata_unsafe: accept expired metadata (a freeze attack serves an old
            repository forever), listing it in :attr:`TufUpdate.expired`. Every other check stays.

    Raises:
        VerificationError: a threshold of signatures is not met (``signature-invalid``),
            expired metadata (``time-outside-validity``), a rollback, a root that is not N+1, a
            version, length or hash that differs from the signed metadata, or a file that is
            missing (``tuf``); ``check`` is ``"trusted-root"``.
        InvalidInput: malformed metadata, ``root`` or ``state`` (``invalid-trusted-root``), a
            file over its limit (``limit-exceeded``), an unreadable file (``io-error``), a
            wrong argument (``invalid-argument``).
    """

def conda_verify(
    verifier: Verifier,
    package: Optional[_Artifact] = None,
    *,
    digest: Optional[str] = None,
    filename: Optional[str] = None,
    bundle: Optional[_Bundle] = None,
    sigs: Optional[_Bundle] = None,
    repository: Optional[str] = None,
    signer_workflow: Optional[str] = None,
    identity: Optional[str] = None,
    issuer: Optional[str] = None,
    channel: Optional[str] = None,
) -> list[VerificationResult]:
    """``sigverify.conda.verify``: verifies the publish attestation of a conda package (CEP 27).

    Args:
        verifier: usually of the public-good root.
        package: the package file's bytes, or an ``os.PathLike`` (hashed as a stream; its file
            name is the package's unless ``filename`` is given). Or, instead:
        digest: the package's ``"sha256:HEX"``, with ``filename``.
        filename: the package's file name, ``NAME-VERSION-BUILD.conda`` or ``.tar.bz2``.
        bundle: one Sigstore bundle (bytes, JSON text or ``os.PathLike``). Or, instead:
        sigs: a sidecar ``FILE.v0.sigs``, a JSON array of bundles: every one must verify.
        repository: the GitHub Trusted Publisher ``"OWNER/REPO"``, with optionally
        signer_workflow: the signing workflow, ``"release.yml[@REF]"`` of that repository or
            ``"OWNER/REPO/.github/workflows/F.yml[@REF]"``. Or, instead of both:
        identity: the certificate's identity (SAN), exactly, with
        issuer: its OIDC issuer (GitLab ``https://gitlab.com``, any other).
        channel: the channel URL the attestation's ``targetChannel`` must name.

    Returns:
        One result per bundle (one for ``bundle``), all of them verified.

    Raises:
        VerificationError: another file name or digest (``artifact-mismatch``), another signer
            or channel (``policy-mismatch``), not a conda publish attestation or not exactly one
            subject (``statement``), or any check of the bundle itself.
        InvalidInput: not a conda file name or a sha256 digest (``invalid-artifact``), a
            malformed repository, workflow, identity or channel (``invalid-policy``), malformed
            JSON (``invalid-json``), an unreadable file (``io-error``), a missing or conflicting
            argument (``invalid-argument``).
    """


@final
class BcrFile:
    """``sigverify.bcr.BcrFile``: one verified file of a Bazel Central Registry module version."""

    @property
    def file(self) -> str:
        """The file's name: ``"MODULE.bazel"``, ``"source.json"`` or the archive's."""

    @property
    def kind(self) -> Literal["module", "source", "archive"]:
        """The file's kind, which decides the workflow it must come from."""

    @property
    def signer_workflow(self) -> str:
        """The workflow that attested it (the certificate's build signer URI, with ``@REF``)."""

    @property
    def result(self) -> VerificationResult:
        """The verification of its attestation."""

@final
class BcrVerification:
    """``sigverify.bcr.BcrVerification``: a verified module version (or file)."""

    @property
    def files(self) -> list[BcrFile]:
        """Every file, in the order verified (``MODULE.bazel``, ``source.json``, the archive)."""

def bcr_verify(
    *,
    repository: Optional[str] = None,
    attestations: Optional[_Bundle] = None,
    module_dir: Optional[Union[str, "os.PathLike[str]"]] = None,
    file: Optional[_Artifact] = None,
    bundle: Optional[_Bundle] = None,
    name: Optional[str] = None,
    tag: Optional[str] = None,
    verifier: Optional[Verifier] = None,
) -> BcrVerification:
    """``sigverify.bcr.verify``: verifies a Bazel Central Registry module version offline.

    Give ``attestations`` (``attestations.json``) with ``module_dir`` (the folder holding
    ``MODULE.bazel``, ``source.json``, the archive ``source.json``'s ``url`` names, and the
    attestation files, by the last component of their ``url``), or ``file`` with ``bundle``
    (its ``.intoto.jsonl``); not both.

    Args:
        repository: ``"OWNER/REPO"``: the module's source repository (required).
        attestations: ``attestations.json``: ``bytes``, ``str`` (the text) or ``os.PathLike``.
        module_dir: the module version's folder (``str`` or ``os.PathLike``); files are read
            by plain name only, never through a link.
        file: one file's bytes, or the file as ``os.PathLike`` (hashed as a stream).
        bundle: its attestations (JSON lines of bundles, or one bundle).
        name: the file's name, which decides its kind (default: the name of a path ``file``;
            required for bytes).
        tag: the release tag (``"v1.2.3"``): every certificate's source ref must be
            ``refs/tags/TAG``.
        verifier: the verifier (default: the embedded public-good one).

    Returns:
        Every file's result, when every file verified.

    Raises:
        VerificationError: the first file that does not verify (in the order above): a
            workflow other than the one its kind requires (``policy-mismatch``, naming the
            signer found), another repository or tag (``policy-mismatch``), another digest or
            an attestation file whose integrity differs (``artifact-mismatch``).
        InvalidInput: a malformed ``attestations.json`` or ``source.json``, a file missing or
            unreadable (``io-error``), a wrong argument (``invalid-argument``).
    """


def github_verify_release(
    bundles: _Bundle,
    assets: Optional[Sequence[_Artifact]] = None,
    *,
    repository: Optional[str] = None,
    tag: Optional[str] = None,
    digest: Optional[str] = None,
    filename: Optional[str] = None,
    github_instance: Optional[Verifier] = None,
) -> VerificationResult:
    """``sigverify.github.verify_release``: verifies a GitHub immutable release's attestation, as
    ``gh release verify`` does, and with assets that each is in the release, as ``gh release
    verify-asset`` does, offline.

    The attestation must be signed on GitHub's own instance by GitHub's release signer (SAN
    ``https://dotcom.releases.github.com``; its certificate has no OIDC issuer claim, which is
    accepted by this function only), with predicate type
    ``https://in-toto.io/attestation/release/v0.2`` (or v0.1), about ``pkg:github/OWNER/REPO@TAG``.

    Args:
        bundles: one bundle, or JSON lines of bundles: ``bytes``, ``str`` (the text), or a file
            as ``os.PathLike``.
        assets: asset files (``os.PathLike``, hashed with sha256 as a stream; the file name is
            the asset's name) that must be in the release. Not with ``digest``/``filename``.
        repository: ``"OWNER/REPO"`` (required).
        tag: the release tag (required).
        digest: one asset's ``"sha256:HEX"``, with ``filename``.
        filename: that asset's file name, with ``digest``.
        github_instance: the verifier to use (default: GitHub's embedded instance, built once
            per process, ``tlog_threshold=0, timestamp_threshold=1, sct_threshold=0``).

    Returns:
        The result of the first attestation that verifies; its ``statement`` lists the release
        and its assets.

    Raises:
        VerificationError: no attestation verifies (another repository or tag:
            ``policy-mismatch``; an asset not in the release: ``artifact-mismatch``).
        InvalidInput: a wrong argument (``invalid-argument``: no repository or tag, assets with
            a digest, a digest without a file name), ``"OWNER"`` alone (``invalid-policy``), a
            digest that is not sha256 (``invalid-artifact``), an unreadable file.
    """

# ---------------------------------------------------------------------------------------------
# PEP 751 locks (pylock.toml). Import these from sigverify.pylock.

_Lock: TypeAlias = Union[_Bytes, "os.PathLike[str]"]
"""A lock: a ``pylock.toml`` file as ``os.PathLike``, or its bytes (never a ``str``)."""

@final
class FileReport:
    """``sigverify.pylock.FileReport``: one locked file that was in the distribution folder."""

    @property
    def file(self) -> str:
        """The file name (``pypi_attestations-0.0.19.tar.gz``)."""

    @property
    def publishers(self) -> Optional[list[dict[str, str]]]:
        """The publishers its provenance object names, each ``{"kind": ..., **fields}``
        (``{"kind": "GitHub", "repository": "OWNER/REPO", "workflow": "release.yml"}``);
        ``None`` when it has no provenance, or when its check failed."""

    @property
    def error_code(self) -> Optional[str]:
        """The core's error code when the file failed (``artifact-mismatch``: a hash that does
        not match the lock; ``policy-mismatch``, ``signature-invalid``, ...: provenance that
        does not verify); ``None`` when it passed."""

    @property
    def error_message(self) -> Optional[str]:
        """The error's message when the file failed, else ``None``."""

@final
class PackageReport:
    """``sigverify.pylock.PackageReport``: one ``[[packages]]`` entry and its outcome."""

    @property
    def name(self) -> str:
        """``name``."""

    @property
    def version(self) -> Optional[str]:
        """``version``, when the lock gives one."""

    @property
    def verdict(
        self,
    ) -> Literal["same-publisher", "publisher-changed", "provenance-missing", "not-recorded", "failed", "absent"]:
        """The outcome: how the publishers of its present files compare with its
        ``attestation-identities``; ``failed`` (a file did not check: see its ``files``) or
        ``absent`` (none of its files is in the distribution folder: nothing checked)."""

    @property
    def failure(self) -> bool:
        """True when an installer must stop: ``failed``, ``publisher-changed``,
        ``provenance-missing``."""

    @property
    def detail(self) -> str:
        """One line for people."""

    @property
    def changed_fields(self) -> list[str]:
        """For ``publisher-changed``: the keys on which the publisher found differs from the
        closest recorded identity (``repository``, ``workflow``, ``environment``, or ``kind``);
        empty otherwise."""

    @property
    def files(self) -> list[FileReport]:
        """Its files that were present, in the lock's order."""

@final
class LockReport:
    """``sigverify.pylock.LockReport``: every package of a lock (and, from :func:`pylock_record`,
    the new lock text)."""

    @property
    def ok(self) -> bool:
        """True when no package is a failure."""

    @property
    def packages(self) -> list[PackageReport]:
        """One per ``[[packages]]`` entry, in the lock's order."""

    @property
    def unknown_keys(self) -> list[str]:
        """Keys the lock has that its ``lock-version`` does not define (kept, not checked)."""

    @property
    def lock_version(self) -> str:
        """``lock-version``."""

    @property
    def text(self) -> Optional[str]:
        """From :func:`pylock_record`: the lock with the publishers found recorded, every other
        byte kept; ``None`` when nothing was to be added or a package failed (and always from
        :func:`pylock_verify`)."""

def pylock_verify(
    lock: _Lock,
    *,
    dist_dir: Optional[_Path] = None,
    provenance_dir: Optional[_Path] = None,
    verifier: Optional[Verifier] = None,
) -> LockReport:
    """``sigverify.pylock.verify``: an installer's check of a PEP 751 lock.

    Each locked file (wheel, sdist, archive) found by its file name in ``dist_dir`` is hashed
    as a stream and compared with the lock's hashes, and its Integrity API provenance object
    (``FILE.provenance`` in ``provenance_dir``) is verified; the publishers it names are
    compared with the package's ``attestation-identities``. Files that are not there are not
    checked. The same rules as ``sigverify pylock verify``.

    Args:
        lock: the ``pylock.toml`` as ``os.PathLike``, or its bytes.
        dist_dir: the folder holding the distribution files (required).
        provenance_dir: the folder holding ``FILE.provenance`` objects (default ``dist_dir``).
        verifier: the verifier (default: the embedded public-good instance).

    Returns:
        The report: check ``ok`` (or each package's ``failure``); a failure is not raised.

    Raises:
        InvalidInput: no ``dist_dir`` (``invalid-argument``), a folder or lock that cannot be
            read (``io-error``), a lock that is not a valid PEP 751 lock.
    """

def pylock_record(
    lock: _Lock,
    *,
    dist_dir: Optional[_Path] = None,
    provenance_dir: Optional[_Path] = None,
    verifier: Optional[Verifier] = None,
) -> LockReport:
    """``sigverify.pylock.record``: a lock tool's step, recording the publishers found as
    ``[[packages.attestation-identities]]`` of every package that records none.

    Checks as :func:`pylock_verify`. When a package is a failure nothing is recorded (a changed
    publisher is never written over) and ``text`` is ``None``. A lock given as ``os.PathLike``
    is replaced (a sibling temporary file renamed over it) only when there is new ``text``;
    a lock given as bytes is not written anywhere.

    Args:
        lock, dist_dir, provenance_dir, verifier: as :func:`pylock_verify`.

    Returns:
        The report, with ``text`` the new lock (or ``None``).

    Raises:
        InvalidInput: as :func:`pylock_verify`; ``io-error`` when the lock cannot be written.
    """
