"""sigverify.model against the real client: models that model_signing (PyPI, the version test.sh
pins) signs here, offline, by its `key` method (an EC P-256 key made here) and its `certificate`
method (a CA, an intermediate and signing certificates made here), serialized by `files` and by
`shards`; every tamper fails with its code and names the file; and each verdict is compared with
model_signing's own verification. Then the two real model signatures of the shared samples.

model_signing's verification is run as its CLI runs it (`model_signing verify key|certificate`:
the signature and the ignored paths resolved against the model, a hashing configuration set
explicitly), with one addition: a `shards` signature is verified with a shard configuration of
its shard size, because the CLI's configuration hashes whole files and the API's guessed one
fails on model_signing 1.1.1's own signatures (both shown in `test_model_signing_shard_limits`).
Where model_signing cannot verify a case, or decides differently, the test says so and asserts
sigverify's verdict alone.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence, Union, cast

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import sigverify
from _vectors import ecosystems_dir

# test.sh installs model-signing (and pyopenssl, which it imports without declaring it). Without
# them this module fails to import, and the run fails: these tests never skip.
import model_signing
import model_signing.hashing
import model_signing.signing
import model_signing.verifying

# model_signing logs with the deprecated Logger.warn when a certificate lacks a usage.
pytestmark = pytest.mark.filterwarnings("ignore:The 'warn' method is deprecated:DeprecationWarning")

MODEL_SIGNING_VERSION = "1.1.1"
MS: Any = model_signing  # its API is partly unannotated: mypy --strict refuses calls into it
SHARD = 4096
"""The shard size of the `shards` signatures here: every file of the model below but one spans
several shards."""


def test_model_signing_is_the_pinned_version() -> None:
    """The verdicts compared below (and the limits noted) are those of this version."""
    assert MS.__version__ == MODEL_SIGNING_VERSION


# ----------------------------------------------------------------------------------------------
# Keys, certificates, models


def _pem_key(key: ec.EllipticCurvePrivateKey, path: Path) -> Path:
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return path


def _pem_public(key: ec.EllipticCurvePrivateKey, path: Path) -> Path:
    path.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return path


def _pem_cert(cert: x509.Certificate, path: Path) -> Path:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


NOW = datetime.datetime.now(datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: Optional[tuple[x509.Certificate, ec.EllipticCurvePrivateKey]],
    *,
    ca: bool,
    usage: str = "sign",
    not_before: datetime.datetime = NOW - 30 * DAY,
    not_after: datetime.datetime = NOW + 365 * DAY,
) -> x509.Certificate:
    """A certificate of `subject` for `key`, issued by `issuer` (self-signed when None). A CA has
    keyCertSign; a signing certificate has keyUsage digitalSignature and extendedKeyUsage
    codeSigning (`usage="sign"`, what model_signing's certificate method asks for: either one), or
    keyAgreement only (`usage="none"`: it may not sign)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sigverify tests")])
    issuer_name, signing_key = (name, key) if issuer is None else (issuer[0].subject, issuer[1])
    b = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()), critical=False)
    flags = dict.fromkeys(
        ["digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"],
        False,
    )
    if ca:
        flags.update(key_cert_sign=True, crl_sign=True)
    elif usage == "sign":
        flags.update(digital_signature=True)
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
    else:
        flags.update(key_agreement=True)
    b = b.add_extension(x509.KeyUsage(**flags), critical=True)
    return b.sign(signing_key, hashes.SHA256())


@dataclass(frozen=True)
class Keys:
    private: Path
    public: Path


@dataclass(frozen=True)
class Pki:
    """A root CA, an intermediate CA it issued, and signing certificates the intermediate issued."""

    root: Path
    intermediate: Path
    leaf_key: Path
    leaf: Path
    """A signing certificate valid now."""
    expired_leaf: Path
    """Valid from 20 days ago to 10 days ago: expired now, valid at its notBefore."""
    unusable_leaf: Path
    """Neither keyUsage digitalSignature nor extendedKeyUsage codeSigning."""
    other_root: Path
    """A CA that issued none of them."""
    both: Path
    """The root and the intermediate in one PEM file."""


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    d = tmp_path_factory.mktemp("keys")
    k = ec.generate_private_key(ec.SECP256R1())
    return Keys(_pem_key(k, d / "key.pem"), _pem_public(k, d / "key.pub"))


@pytest.fixture(scope="module")
def other_keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    d = tmp_path_factory.mktemp("other-keys")
    k = ec.generate_private_key(ec.SECP256R1())
    return Keys(_pem_key(k, d / "key.pem"), _pem_public(k, d / "key.pub"))


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    d = tmp_path_factory.mktemp("pki")
    root_key, int_key, leaf_key, other_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(4))
    root = _certificate("sigverify test root CA", root_key, None, ca=True)
    intermediate = _certificate("sigverify test intermediate CA", int_key, (root, root_key), ca=True)
    issuer = (intermediate, int_key)
    leaf = _certificate("model signer", leaf_key, issuer, ca=False)
    expired = _certificate("expired model signer", leaf_key, issuer, ca=False, not_before=NOW - 20 * DAY, not_after=NOW - 10 * DAY)
    unusable = _certificate("model signer without signing usage", leaf_key, issuer, ca=False, usage="none")
    other = _certificate("sigverify test root CA", other_key, None, ca=True)  # the same name, another key
    (d / "both.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM) + intermediate.public_bytes(serialization.Encoding.PEM))
    return Pki(
        root=_pem_cert(root, d / "root.pem"),
        intermediate=_pem_cert(intermediate, d / "intermediate.pem"),
        leaf_key=_pem_key(leaf_key, d / "leaf-key.pem"),
        leaf=_pem_cert(leaf, d / "leaf.pem"),
        expired_leaf=_pem_cert(expired, d / "expired.pem"),
        unusable_leaf=_pem_cert(unusable, d / "unusable.pem"),
        other_root=_pem_cert(other, d / "other-root.pem"),
        both=d / "both.pem",
    )


FILES: dict[str, bytes] = {
    "config.json": b'{"architectures": ["Tiny"], "layers": 2}\n',
    "weights/layer0.bin": bytes(range(256)) * 40,  # 10240 bytes: shards [0,4096) [4096,8192) [8192,10240)
    "weights/layer1.bin": b"\x01" * 5000,  # [0,4096) [4096,5000)
    "tokenizer/vocab/merges.txt": b"a b\nc d\n",
    "README.md": b"# a tiny model\n",
    "empty.txt": b"",  # a resource of `files`; `shards` has none for an empty file
}


def make_model(parent: Path, name: str = "tiny-model") -> Path:
    m = parent / name
    for rel, data in FILES.items():
        p = m / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return m


# ----------------------------------------------------------------------------------------------
# Signing and verifying: one method at a time, the same for model_signing and sigverify


@dataclass(frozen=True)
class Method:
    """A model_signing method with what it signs with and what a verifier trusts."""

    name: str
    keys: Optional[Keys] = None
    pki: Optional[Pki] = None
    leaf: Optional[Path] = None
    chain: tuple[Path, ...] = ()
    """The certificates the bundle carries after the signing certificate."""
    trust: tuple[Path, ...] = ()
    """The CA certificates the verifier is given."""

    def signer(self, config: Any) -> Any:
        if self.keys is not None:
            return config.use_elliptic_key_signer(private_key=self.keys.private)
        assert self.pki is not None
        return config.use_certificate_signer(private_key=self.pki.leaf_key, signing_certificate=self.leaf or self.pki.leaf, certificate_chain=list(self.chain))

    def verifier(self, config: Any) -> Any:
        if self.keys is not None:
            return config.use_elliptic_key_verifier(public_key=self.keys.public)
        return config.use_certificate_verifier(certificate_chain=list(self.trust))

    def kwargs(self) -> dict[str, Any]:
        """sigverify's arguments for the same trust."""
        if self.keys is not None:
            return {"key": self.keys.public}
        return {"certificate_chain": list(self.trust)}


def key_method(keys: Keys) -> Method:
    return Method("key", keys=keys)


def cert_method(pki: Pki, **kw: Any) -> Method:
    kw.setdefault("chain", (pki.intermediate,))
    kw.setdefault("trust", (pki.root,))
    return Method("certificate", pki=pki, **kw)


def _relative_to_model(model: Path, paths: Sequence[Union[str, Path]]) -> list[Path]:
    """model_signing's CLI (`_resolve_ignore_paths`): each path resolved, kept relative to the
    model if inside it. Here a relative path is relative to the model (as sigverify takes them)."""
    root = model.resolve()
    out = []
    for p in paths:
        full = (Path(p) if Path(p).is_absolute() else model / p).resolve()
        try:
            out.append(full.relative_to(root))
        except ValueError:
            continue
    return out


def _hashing(model: Path, shard_size: Optional[int], ignore: Sequence[Union[str, Path]], *, ignore_git_paths: bool = True, allow_symlinks: bool = False, hash_type: str = "sha256") -> Any:
    h = MS.hashing.Config()
    if shard_size is not None:
        h = h.use_shard_serialization(shard_size=shard_size, hashing_algorithm=hash_type)
    elif hash_type != "sha256":
        h = h.use_file_serialization(hashing_algorithm=hash_type)
    return h.set_ignored_paths(paths=_relative_to_model(model, ignore), ignore_git_paths=ignore_git_paths).set_allow_symlinks(allow_symlinks)


def sign(model: Path, method: Method, *, shard_size: Optional[int] = None, signature: Optional[Path] = None, ignore: Sequence[str] = (), ignore_git_paths: bool = True, allow_symlinks: bool = False, hash_type: str = "sha256") -> Path:
    """Signs as `model_signing sign key|certificate` does: the signature itself and the ignored
    paths are left out (and recorded in the predicate's ignore_paths)."""
    sig = signature or model / "model.sig"
    h = _hashing(model, shard_size, [sig, *ignore], ignore_git_paths=ignore_git_paths, allow_symlinks=allow_symlinks, hash_type=hash_type)
    method.signer(MS.signing.Config().set_hashing_config(h)).sign(model, sig)
    return sig


def ms_verify(model: Path, sig: Path, method: Method, *, shard_size: Optional[int] = None, ignore_paths: Sequence[Union[str, Path]] = (), ignore_git_paths: bool = True, ignore_unsigned_files: bool = False, allow_symlinks: bool = False, hash_type: str = "sha256") -> Optional[str]:
    """model_signing's verdict, as its CLI verifies (plus the shard size and hash type, which its
    CLI cannot be given): None when the model verifies, else the exception."""
    h = _hashing(model, shard_size, [sig, *ignore_paths], ignore_git_paths=ignore_git_paths, allow_symlinks=allow_symlinks, hash_type=hash_type)
    try:
        method.verifier(MS.verifying.Config()).set_hashing_config(h).set_ignore_unsigned_files(ignore_unsigned_files).verify(model, sig)
    except Exception as e:  # noqa: BLE001 - any failure is model_signing's "no"
        return f"{type(e).__name__}: {e}"
    return None


def sv_verify(model: Path, sig: Path, method: Method, **kw: Any) -> sigverify.model.ModelVerification:
    return sigverify.model.verify(model, signature=sig, **method.kwargs(), **kw)


def sv_error(model: Path, sig: Path, method: Method, **kw: Any) -> sigverify.Error:
    with pytest.raises(sigverify.Error) as info:
        sv_verify(model, sig, method, **kw)
    return info.value


def _statement(sig: Path) -> dict[str, Any]:
    bundle = json.loads(sig.read_text())
    st: dict[str, Any] = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    return st


# ----------------------------------------------------------------------------------------------
# Signed by model_signing, verified by both


@pytest.fixture(params=["key", "certificate"])
def method(request: pytest.FixtureRequest, keys: Keys, pki: Pki) -> Method:
    return key_method(keys) if request.param == "key" else cert_method(pki)


@pytest.mark.parametrize("serialization", ["files", "shards"])
def test_signed_model_verifies(method: Method, serialization: str, tmp_path: Path, keys: Keys) -> None:
    shard_size = SHARD if serialization == "shards" else None
    model = make_model(tmp_path)
    sig = sign(model, method, shard_size=shard_size)
    assert ms_verify(model, sig, method, shard_size=shard_size) is None
    v = sigverify.model.verify(model, **method.kwargs())  # model.sig by default
    st = _statement(sig)
    resources = st["predicate"]["resources"]
    assert v.model_name == st["subject"][0]["name"] == "tiny-model"
    assert v.manifest_digest == "sha256:" + st["subject"][0]["digest"]["sha256"]
    # The manifest digest: SHA-256 over the resources' digests in the predicate's order.
    assert v.manifest_digest == "sha256:" + hashlib.sha256(b"".join(bytes.fromhex(r["digest"]) for r in resources)).hexdigest()
    assert v.method == serialization and v.shard_size == shard_size
    assert v.hash_type == "sha256" and v.allow_symlinks is False
    assert "model.sig" in v.ignore_paths and ".git" in v.ignore_paths
    assert v.resources == len(resources)
    if serialization == "files":
        assert v.resources == len(FILES) and "empty.txt" in {r["name"] for r in resources}
    else:
        assert v.resources == 3 + 2 + 1 + 1 + 1  # layer0, layer1, config, merges, README; empty.txt none
        assert {r["name"] for r in resources} >= {"weights/layer0.bin:4096:8192", "weights/layer1.bin:4096:5000"}
    assert v.bytes == sum(len(b) for b in FILES.values())
    assert v.signing_method == method.name and v.result is None
    if method.name == "key":
        spki = serialization_der(keys.public)
        assert v.key_sha256 == hashlib.sha256(spki).hexdigest() and v.certificate_subject is None
    else:
        assert v.key_sha256 is None
        assert v.certificate_subject is not None and "CN=model signer" in v.certificate_subject
    doc = json.loads(v.to_json())
    assert doc == v.to_dict()
    assert doc["verified"] is True
    assert doc["model"] == {
        "name": "tiny-model",
        "manifestDigest": v.manifest_digest,
        "method": serialization,
        "shardSize": shard_size,
        "hashType": "sha256",
        "allowSymlinks": False,
        "ignorePaths": v.ignore_paths,
        "resources": v.resources,
        "bytes": v.bytes,
    }
    assert doc["signer"]["method"] == method.name
    if method.name == "certificate":
        assert doc["signer"]["subject"] == v.certificate_subject and len(doc["signer"]["chain"]) == 3
    assert repr(v).startswith('<model.ModelVerification "tiny-model"')
    # The same verdict for every argument form.
    same = [
        sigverify.model.verify(str(model), **method.kwargs()),
        sigverify.model.verify(model, signature=str(sig), threads=1, **method.kwargs()),
        sigverify.model.verify(model, threads=4, **method.kwargs()),
    ]
    for pem_form in _pem_forms(method):
        same.append(sigverify.model.verify(model, **pem_form))
    assert {s.to_json() for s in same} == {v.to_json()}


def serialization_der(public_pem: Path) -> bytes:
    key = serialization.load_pem_public_key(public_pem.read_bytes())
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _pem_forms(method: Method) -> Iterator[dict[str, Any]]:
    """The trust as bytes, bytearray, memoryview and str PEM, besides the paths."""
    if method.keys is not None:
        pem = method.keys.public.read_bytes()
        yield from ({"key": pem}, {"key": bytearray(pem)}, {"key": memoryview(pem)}, {"key": pem.decode()})
    else:
        pems = [p.read_bytes() for p in method.trust]
        yield {"certificate_chain": pems}
        yield {"certificate_chain": tuple(p.decode() for p in pems)}
        yield {"certificate_chain": iter(pems)}


# ----------------------------------------------------------------------------------------------
# Tampers: every one fails with its code and names the file; model_signing agrees


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _append(path: Path, data: bytes) -> None:
    with open(path, "ab") as f:
        f.write(data)


def _truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as f:
        f.truncate(size)


def _replace_by_dir(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "inner").write_bytes(b"x")


def _write(path: str, data: bytes = b"x") -> Callable[[Path], None]:
    """A change that writes MODEL/path (and its directories)."""

    def change(model: Path) -> None:
        p = model / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)

    return change


def _rename(path: str, to: str) -> Callable[[Path], None]:
    def change(model: Path) -> None:
        (model / path).rename(model / to)

    return change


def _symlink_to_copy(model: Path) -> None:
    (model / "README.copy").write_bytes(FILES["README.md"])
    (model / "README.md").unlink()
    os.symlink("README.copy", model / "README.md")


def _symlink_outside(model: Path) -> None:
    (model.parent / "outside.bin").write_bytes(b"o")
    os.symlink(model.parent / "outside.bin", model / "weights/outside.bin")


def _git_metadata(model: Path) -> None:
    _write(".git/HEAD", b"ref: refs/heads/main\n")(model)
    _write(".gitignore", b"*.tmp\n")(model)


@dataclass(frozen=True)
class Tamper:
    """A change to a signed model, the options sigverify and model_signing are given, and what
    sigverify must say for each serialization: None (it still verifies), or the needles its
    `artifact-mismatch` message must contain."""

    name: str
    change: Callable[[Path], None]
    files: Optional[tuple[str, ...]]
    shards: Optional[tuple[str, ...]]
    options: dict[str, Any] = field(default_factory=dict)


def _nothing(_: Path) -> None:
    pass


TAMPERS = [
    Tamper("byte changed", lambda m: _flip(m / "weights/layer0.bin", 5000),
           ("model file weights/layer0.bin (sha256): expected",),
           ("model file shard weights/layer0.bin:4096:8192 (",)),
    Tamper("byte changed in the last shard", lambda m: _flip(m / "weights/layer0.bin", 10239),
           ("model file weights/layer0.bin (sha256)",),
           ("model file shard weights/layer0.bin:8192:10240 (",)),
    Tamper("file added", _write("weights/extra.bin", b"extra"),
           ("model file weights/extra.bin: expected no such file",),
           ("model file shard weights/extra.bin:0:5: expected no such file",)),
    Tamper("file added in a new directory", _write("new/deeper/x.bin"),
           ("model file new/deeper/x.bin: expected no such file",),
           ("new/deeper/x.bin:0:1: expected no such file",)),
    Tamper("file removed", lambda m: (m / "tokenizer/vocab/merges.txt").unlink(),
           ("model file tokenizer/vocab/merges.txt: expected the signed file, found no such file",),
           ("model file shard tokenizer/vocab/merges.txt:0:8: expected the signed file, found no such file",)),
    Tamper("directory removed", lambda m: shutil.rmtree(m / "tokenizer"),
           ("tokenizer/vocab/merges.txt", "found no such file"),
           ("tokenizer/vocab/merges.txt:0:8", "found no such file")),
    Tamper("file renamed", _rename("config.json", "config.old.json"),
           ("model file config.json (renamed): expected config.json, found config.old.json",),
           ("(renamed): expected config.json:0:", "found config.old.json:0:")),
    Tamper("file moved to another directory", _rename("README.md", "weights/README.md"),
           ("(renamed): expected README.md, found weights/README.md",),
           ("(renamed): expected README.md:0:15, found weights/README.md:0:15",)),
    Tamper("file replaced by a directory", lambda m: _replace_by_dir(m / "config.json"),
           ("config.json",),
           ("config.json",)),
    # An empty file has no shard: removing or adding one changes nothing the shards signature lists.
    Tamper("empty file removed", lambda m: (m / "empty.txt").unlink(),
           ("model file empty.txt: expected the signed file, found no such file",),
           None),
    Tamper("empty file added", _write("weights/empty2", b""),
           ("model file weights/empty2: expected no such file",),
           None),
    # Shard boundaries: a file grown past its last boundary, or cut at one.
    Tamper("file grown by a byte", lambda m: _append(m / "weights/layer1.bin", b"\x01"),
           ("model file weights/layer1.bin (sha256)",),
           ("weights/layer1.bin:4096:500",)),
    Tamper("file grown across a shard boundary", lambda m: _append(m / "weights/layer1.bin", b"\x01" * 4000),
           ("model file weights/layer1.bin (sha256)",),
           ("weights/layer1.bin:",)),
    Tamper("file cut at a shard boundary", lambda m: _truncate(m / "weights/layer0.bin", 8192),
           ("model file weights/layer0.bin (sha256)",),
           ("model file shard weights/layer0.bin:8192:10240: expected the signed file, found no such file",)),
    Tamper("file emptied", lambda m: _truncate(m / "config.json", 0),
           ("model file config.json (sha256)",),
           ("config.json:0:", "found no such file")),
    # Symbolic links: never followed, refused (the signatures here do not allow them).
    Tamper("symlink added", lambda m: os.symlink("config.json", m / "link.json"),
           ("model entry link.json",),
           ("model entry link.json",)),
    Tamper("signed file replaced by a symlink to a copy", _symlink_to_copy,
           ("model entry README.md",),
           ("model entry README.md",)),
    Tamper("symlink out of the model", _symlink_outside,
           ("model entry weights/outside.bin",),
           ("model entry weights/outside.bin",)),
    Tamper("symlinked directory", lambda m: os.symlink("weights", m / "weights2"),
           ("model entry weights2",),
           ("model entry weights2",)),
    # Ignore paths abused: ignoring a signed file or directory makes it missing.
    Tamper("signed file ignored", _nothing,
           ("model file weights/layer1.bin: expected the signed file, found no such file",),
           ("model file shard weights/layer1.bin:0:4096 (and 1 more difference): expected the signed file, found no such file",),
           {"ignore_paths": ["weights/layer1.bin"]}),
    Tamper("signed directory ignored", _nothing,
           ("tokenizer/vocab/merges.txt", "found no such file"),
           ("tokenizer/vocab/merges.txt:0:8", "found no such file"),
           {"ignore_paths": ["tokenizer"]}),
    Tamper("unsigned file not ignored", _write("notes.txt"),
           ("model file notes.txt: expected no such file",),
           ("notes.txt:0:1: expected no such file",),
           {"ignore_paths": ["other.txt"]}),
    # Not tampers: what the options allow, and the signature's own ignore_paths.
    Tamper("unsigned file ignored", _write("notes.txt"), None, None, {"ignore_paths": ["notes.txt"]}),
    Tamper("unsigned directory ignored by an absolute path", _write("logs/run.log"), None, None, {"ignore_paths": ["ABSOLUTE:logs"]}),
    Tamper("git metadata added", _git_metadata, None, None),
    # The predicate's ignore_paths (model_signing records .git, .github, ... as signed with the
    # default) still ignore them when the caller does not.
    Tamper("git metadata added, git paths not ignored", _git_metadata, None, None, {"ignore_git_paths": False}),
]


def _options(model: Path, options: dict[str, Any]) -> dict[str, Any]:
    out = dict(options)
    if "ignore_paths" in out:
        out["ignore_paths"] = [str(model / p[len("ABSOLUTE:"):]) if p.startswith("ABSOLUTE:") else p for p in out["ignore_paths"]]
    return out


@pytest.mark.parametrize("serialization", ["files", "shards"])
@pytest.mark.parametrize("tamper", TAMPERS, ids=[t.name for t in TAMPERS])
def test_tamper(tamper: Tamper, serialization: str, method: Method, tmp_path: Path) -> None:
    shard_size = SHARD if serialization == "shards" else None
    model = make_model(tmp_path)
    sig = sign(model, method, shard_size=shard_size)
    tamper.change(model)
    options = _options(model, tamper.options)
    needles = tamper.files if serialization == "files" else tamper.shards
    theirs = ms_verify(model, sig, method, shard_size=shard_size, **options)
    if needles is None:
        v = sv_verify(model, sig, method, **options)
        assert v.method == serialization
        assert theirs is None, f"model_signing refused what sigverify verified: {theirs}"
        return
    e = sv_error(model, sig, method, **options)
    assert isinstance(e, sigverify.VerificationError), e
    assert (e.code, e.check) == ("artifact-mismatch", "artifact"), e
    for needle in needles:
        assert needle in str(e), f"{needle!r} not in {e}"
    if tamper.name.startswith("byte changed"):
        assert "more difference" not in str(e), "only the changed file or shard is named"
    assert theirs is not None, "model_signing verified what sigverify refused"


def test_tampered_shard_is_the_one_named(keys: Keys, tmp_path: Path) -> None:
    """Signed with one shard size, each shard of a file is checked on its own: a change in any
    one of them names that shard (and no other), as model_signing's manifest comparison does."""
    method = key_method(keys)
    model = make_model(tmp_path)
    sig = sign(model, method, shard_size=SHARD)
    layer0 = model / "weights/layer0.bin"
    for offset, shard in [(0, "0:4096"), (4095, "0:4096"), (4096, "4096:8192"), (8191, "4096:8192"), (8192, "8192:10240")]:
        _flip(layer0, offset)
        e = sv_error(model, sig, method)
        assert e.code == "artifact-mismatch"
        assert f"model file shard weights/layer0.bin:{shard} (" in str(e) and "more difference" not in str(e), (offset, str(e))
        theirs = ms_verify(model, sig, method, shard_size=SHARD)
        assert theirs is not None and f"weights/layer0.bin:{shard}" in theirs, theirs
        _flip(layer0, offset)
    sv_verify(model, sig, method)
    assert ms_verify(model, sig, method, shard_size=SHARD) is None


def test_several_differences_are_counted(keys: Keys, tmp_path: Path) -> None:
    method = key_method(keys)
    model = make_model(tmp_path)
    sig = sign(model, method)
    _flip(model / "config.json", 0)
    (model / "README.md").unlink()
    (model / "new.bin").write_bytes(b"n")
    e = sv_error(model, sig, method)
    assert e.code == "artifact-mismatch" and "(and 2 more differences)" in str(e), str(e)
    assert ms_verify(model, sig, method) is not None


def test_ignore_unsigned_files(keys: Keys, tmp_path: Path) -> None:
    """Files the signature does not list are fine with ignore_unsigned_files; signed ones are
    still checked."""
    method = key_method(keys)
    model = make_model(tmp_path)
    sig = sign(model, method)
    (model / "notes.txt").write_bytes(b"n")
    (model / "runs/1").mkdir(parents=True)
    (model / "runs/1/log").write_bytes(b"l")
    assert sv_error(model, sig, method).code == "artifact-mismatch"
    assert ms_verify(model, sig, method) is not None
    v = sv_verify(model, sig, method, ignore_unsigned_files=True)
    assert v.resources == len(FILES) and v.bytes == sum(len(b) for b in FILES.values())
    assert ms_verify(model, sig, method, ignore_unsigned_files=True) is None
    _flip(model / "weights/layer1.bin", 0)
    assert "weights/layer1.bin" in str(sv_error(model, sig, method, ignore_unsigned_files=True))
    assert ms_verify(model, sig, method, ignore_unsigned_files=True) is not None
    _flip(model / "weights/layer1.bin", 0)
    (model / "README.md").unlink()
    assert "README.md" in str(sv_error(model, sig, method, ignore_unsigned_files=True))
    assert ms_verify(model, sig, method, ignore_unsigned_files=True) is not None


def test_ignore_unsigned_files_with_shards(keys: Keys, tmp_path: Path) -> None:
    """model_signing 1.1.1 cannot do this: with ignore_unsigned_files it hashes the resources'
    names as file names, and a shard's name is PATH:START:END (no such file). sigverify plans the
    signed shards."""
    method = key_method(keys)
    model = make_model(tmp_path)
    sig = sign(model, method, shard_size=SHARD)
    (model / "notes.txt").write_bytes(b"n")
    assert sv_verify(model, sig, method, ignore_unsigned_files=True).method == "shards"
    assert ms_verify(model, sig, method, shard_size=SHARD, ignore_unsigned_files=True) is not None  # its limitation
    _flip(model / "weights/layer0.bin", 9000)
    assert "weights/layer0.bin:8192:10240" in str(sv_error(model, sig, method, ignore_unsigned_files=True))


def test_git_paths(keys: Keys, tmp_path: Path) -> None:
    """Signed without ignoring git paths: the predicate does not list them, so the caller's
    ignore_git_paths decides, as in model_signing."""
    method = key_method(keys)
    model = make_model(tmp_path)
    sig = sign(model, method, ignore_git_paths=False)
    assert ".git" not in _statement(sig)["predicate"]["serialization"].get("ignore_paths", [])
    _git_metadata(model)
    assert sv_verify(model, sig, method).resources == len(FILES)
    assert ms_verify(model, sig, method) is None
    e = sv_error(model, sig, method, ignore_git_paths=False)
    assert e.code == "artifact-mismatch" and ".git" in str(e), e
    assert ms_verify(model, sig, method, ignore_git_paths=False) is not None
    # A signed file under a git path is missing when git paths are ignored.
    shutil.rmtree(model / ".git")
    (model / ".gitignore").unlink()
    _write(".github/workflows/ci.yml", b"on: push\n")(model)
    sig = sign(model, method, ignore_git_paths=False)
    assert sv_verify(model, sig, method, ignore_git_paths=False).resources == len(FILES) + 1
    assert ms_verify(model, sig, method, ignore_git_paths=False) is None
    e = sv_error(model, sig, method)
    assert "model file .github/workflows/ci.yml: expected the signed file, found no such file" in str(e), e
    assert ms_verify(model, sig, method) is not None


def test_model_moved_or_renamed_still_verifies(keys: Keys, tmp_path: Path) -> None:
    """The subject's name is informative: a model verifies wherever it is and whatever its name."""
    method = key_method(keys)
    model = make_model(tmp_path)
    sig = sign(model, method)
    moved = tmp_path / "elsewhere" / "renamed-model"
    moved.parent.mkdir()
    model.rename(moved)
    v = sigverify.model.verify(moved, **method.kwargs())
    assert v.model_name == "tiny-model"
    assert ms_verify(moved, moved / "model.sig", method) is None
    assert not sig.exists()


def test_signature_outside_the_model(method: Method, tmp_path: Path) -> None:
    model = make_model(tmp_path)
    sig = sign(model, method, signature=tmp_path / "tiny-model.sig")
    v = sv_verify(model, sig, method)
    assert "model.sig" not in v.ignore_paths
    assert ms_verify(model, sig, method) is None
    # Not in the model: MODEL/model.sig is the default.
    with pytest.raises(sigverify.InvalidInput) as info:
        sigverify.model.verify(model, **method.kwargs())
    assert info.value.code == "io-error" and isinstance(info.value.__cause__, OSError)
    assert "model.sig" in str(info.value)


def test_signature_file_inside_the_model_is_never_hashed(keys: Keys, tmp_path: Path) -> None:
    """A signature in the model whose predicate does not list it as ignored (signed elsewhere,
    then copied in): sigverify always skips the signature it verifies, as model_signing's CLI
    does (the signature is among the paths it ignores)."""
    method = key_method(keys)
    model = make_model(tmp_path)
    outside = sign(model, method, signature=tmp_path / "x.sig")
    inside = model / "weights" / "tiny.sig"
    shutil.copy(outside, inside)
    assert "weights/tiny.sig" not in _statement(inside)["predicate"]["serialization"].get("ignore_paths", [])
    sv_verify(model, inside, method)
    assert ms_verify(model, inside, method) is None
    # Another signature beside it is a file like any other.
    shutil.copy(outside, model / "weights" / "other.sig")
    assert "weights/other.sig" in str(sv_error(model, inside, method))
    assert ms_verify(model, inside, method) is not None


def test_single_file_model(method: Method, tmp_path: Path) -> None:
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"\x00weights" * 1000)
    sig = sign(weights, method, signature=tmp_path / "model.safetensors.sig")
    v = sv_verify(weights, sig, method)
    assert (v.model_name, v.resources, v.bytes) == ("model.safetensors", 1, 8000)
    assert ms_verify(weights, sig, method) is None
    _flip(weights, 7999)
    e = sv_error(weights, sig, method)
    assert e.code == "artifact-mismatch"
    assert ms_verify(weights, sig, method) is not None


def test_allowed_symlinks(keys: Keys, tmp_path: Path) -> None:
    """A signature made with allow_symlinks: a link to a file inside the model is hashed as the
    file it names, by both. A link out of the model: model_signing follows it (when signing and
    when verifying); sigverify never reads outside the model and refuses it (the issue's rule:
    never follow a link out of the model directory) — they disagree, by design."""
    method = key_method(keys)
    model = make_model(tmp_path)
    os.symlink("config.json", model / "config.link.json")
    sig = sign(model, method, allow_symlinks=True)
    v = sv_verify(model, sig, method)
    assert v.allow_symlinks is True and v.resources == len(FILES) + 1
    assert ms_verify(model, sig, method, allow_symlinks=True) is None
    # The link's target changed: the link's resource no longer matches either.
    _flip(model / "config.json", 3)
    e = sv_error(model, sig, method)
    assert "model file config.json (sha256)" in str(e) and "(and 1 more difference)" in str(e), str(e)
    assert ms_verify(model, sig, method, allow_symlinks=True) is not None

    out_model = make_model(tmp_path, "with-outside-link")
    (tmp_path / "shared.bin").write_bytes(b"shared weights")
    os.symlink(tmp_path / "shared.bin", out_model / "shared.bin")
    out_sig = sign(out_model, method, allow_symlinks=True)
    assert ms_verify(out_model, out_sig, method, allow_symlinks=True) is None  # model_signing follows it
    e = sv_error(out_model, out_sig, method)
    assert e.code == "artifact-mismatch" and "model entry shared.bin" in str(e), str(e)


def test_blake2_is_refused(keys: Keys, tmp_path: Path) -> None:
    """model_signing can hash with BLAKE2b; this build of sigverify has no BLAKE2 and refuses
    such a signature as unsupported (after checking its signature), never as verified."""
    method = key_method(keys)
    model = make_model(tmp_path)
    sig = sign(model, method, hash_type="blake2")
    assert _statement(sig)["predicate"]["serialization"]["hash_type"] == "blake2b"
    assert ms_verify(model, sig, method, hash_type="blake2") is None
    # Its CLI's configuration hashes with SHA-256: every file differs there.
    assert ms_verify(model, sig, method) is not None
    e = sv_error(model, sig, method)
    assert e.code == "unsupported-algorithm", e


def test_model_signing_shard_limits(keys: Keys, tmp_path: Path) -> None:
    """Why the comparisons above give model_signing the shard size. Its CLI (`model_signing verify
    key`) sets a default hashing configuration, which hashes whole files, so a shards signature
    never verifies there; its API without a configuration guesses one from the signature, and
    fails on the shard size its own signer wrote as a float (1.1.1). sigverify verifies it."""
    method = key_method(keys)
    model = make_model(tmp_path)
    sig = sign(model, method, shard_size=SHARD)
    assert _statement(sig)["predicate"]["serialization"]["shard_size"] == float(SHARD)
    assert sv_verify(model, sig, method).shard_size == SHARD
    cli_like = ms_verify(model, sig, method)  # the CLI's configuration: files
    assert cli_like is not None and "Signature mismatch" in cli_like
    try:
        method.verifier(MS.verifying.Config()).verify(model, sig)
        guessed = None
    except Exception as e:  # noqa: BLE001
        guessed = f"{type(e).__name__}: {e}"
    assert guessed is not None and "TypeError" in guessed, guessed
    assert ms_verify(model, sig, method, shard_size=SHARD) is None
    # With another shard size than signed, everything is a difference.
    assert ms_verify(model, sig, method, shard_size=SHARD * 2) is not None


# ----------------------------------------------------------------------------------------------
# Who signed: keys, certificates, signatures


def test_another_key_is_refused(keys: Keys, other_keys: Keys, tmp_path: Path) -> None:
    model = make_model(tmp_path)
    sig = sign(model, key_method(keys))
    e = sv_error(model, sig, key_method(other_keys))
    assert isinstance(e, sigverify.VerificationError) and e.code == "policy-mismatch", e
    assert "publicKey.hint" in str(e)
    assert ms_verify(model, sig, key_method(other_keys)) is not None


def test_methods_are_not_interchangeable(keys: Keys, pki: Pki, tmp_path: Path) -> None:
    """A key signature verified as a certificate one, and the other way round (with the signing
    certificate's own key): refused by both."""
    model = make_model(tmp_path)
    key_sig = sign(model, key_method(keys), signature=tmp_path / "key.sig")
    cert_sig = sign(model, cert_method(pki), signature=tmp_path / "cert.sig")
    e = sv_error(model, key_sig, cert_method(pki))
    assert e.code == "policy-mismatch" and "managed key" in str(e), e
    assert ms_verify(model, key_sig, cert_method(pki)) is not None
    leaf_public = tmp_path / "leaf.pub"
    cert = x509.load_pem_x509_certificate(pki.leaf.read_bytes())
    leaf_public.write_bytes(cert.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    as_key = Method("key", keys=Keys(pki.leaf_key, leaf_public))
    # A v0.3 bundle with a certificate chain is not a Sigstore bundle: the key method reads
    # Sigstore bundles, and refuses its shape before it could say that a certificate signed.
    e = sv_error(model, cert_sig, as_key)
    assert isinstance(e, sigverify.VerificationError) and e.code == "invalid-bundle" and "x509CertificateChain" in str(e), e
    assert ms_verify(model, cert_sig, as_key) is not None


@pytest.mark.parametrize(
    "case, leaf, chain, trust, expect",
    [
        ("root given, intermediate in the bundle", "leaf", ("intermediate",), ("root",), None),
        # model_signing cannot sign with an empty certificate_chain (it parses b"" as PEM), so
        # the bundle carries at least one certificate after the signing one: here the root.
        ("root and intermediate given, as two files", "leaf", ("root",), ("root", "intermediate"), None),
        ("root and intermediate given, in one file", "leaf", ("root",), ("both",), None),
        ("root and intermediate given, intermediate also in the bundle", "leaf", ("intermediate",), ("root", "intermediate"), None),
        # Valid at its notBefore, which is when both validate a path without a trusted time.
        ("expired signing certificate", "expired_leaf", ("intermediate",), ("root",), None),
        ("intermediate only: no trust anchor", "leaf", ("intermediate",), ("intermediate",), "certificate-chain"),
        ("intermediate missing", "leaf", ("other_root",), ("root",), "certificate-chain"),
        ("another root of the same name", "leaf", ("intermediate",), ("other_root",), "certificate-chain"),
        ("signing certificate may not sign", "unusable_leaf", ("intermediate",), ("root",), "certificate-chain"),
    ],
)
def test_certificate_paths(case: str, leaf: str, chain: tuple[str, ...], trust: tuple[str, ...], expect: Optional[str], pki: Pki, tmp_path: Path) -> None:
    method = cert_method(pki, leaf=getattr(pki, leaf), chain=tuple(getattr(pki, c) for c in chain), trust=tuple(getattr(pki, t) for t in trust))
    model = make_model(tmp_path)
    sig = sign(model, method)
    theirs = ms_verify(model, sig, method)
    if expect is None:
        v = sv_verify(model, sig, method)
        assert v.signing_method == "certificate" and v.certificate_subject is not None
        assert theirs is None, theirs
    else:
        e = sv_error(model, sig, method)
        assert isinstance(e, sigverify.VerificationError) and e.code == expect, (case, e)
        assert theirs is not None, case


def _edit_bundle(sig: Path, out: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    bundle = json.loads(sig.read_text())
    edit(bundle)
    out.write_text(json.dumps(bundle))
    return out


def _flip_signature(b: dict[str, Any]) -> None:
    s = bytearray(base64.b64decode(b["dsseEnvelope"]["signatures"][0]["sig"]))
    s[-1] ^= 1
    b["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(bytes(s)).decode()


def _edit_payload(b: dict[str, Any]) -> None:
    st = json.loads(base64.b64decode(b["dsseEnvelope"]["payload"]))
    st["predicate"]["resources"][0]["digest"] = "00" * 32
    b["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(st).encode()).decode()


@pytest.mark.parametrize(
    "edit, code",
    [(_flip_signature, "signature-invalid"), (_edit_payload, "signature-invalid")],
    ids=["signature byte", "payload (a resource's digest)"],
)
def test_tampered_signature(edit: Callable[[dict[str, Any]], None], code: str, method: Method, tmp_path: Path) -> None:
    model = make_model(tmp_path)
    sig = sign(model, method, signature=tmp_path / "good.sig")
    bad = _edit_bundle(sig, tmp_path / "bad.sig", edit)
    e = sv_error(model, bad, method)
    assert isinstance(e, sigverify.VerificationError) and e.code == code, e
    assert ms_verify(model, bad, method) is not None


@pytest.mark.parametrize(
    "content, error, code",
    [
        (b"", sigverify.InvalidInput, "invalid-json"),
        (b"{not json", sigverify.InvalidInput, "invalid-json"),
        (b"[]", sigverify.InvalidInput, "invalid-json"),
        (b'{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}', sigverify.VerificationError, "invalid-bundle"),
    ],
)
def test_malformed_signature(content: bytes, error: type[sigverify.Error], code: str, keys: Keys, tmp_path: Path) -> None:
    model = make_model(tmp_path)
    (tmp_path / "bad.sig").write_bytes(content)
    e = sv_error(model, tmp_path / "bad.sig", key_method(keys))
    assert isinstance(e, error) and e.code == code, e
    assert ms_verify(model, tmp_path / "bad.sig", key_method(keys)) is not None


def test_unreadable_files_are_io_errors(keys: Keys, tmp_path: Path) -> None:
    model = make_model(tmp_path)
    sig = sign(model, key_method(keys))
    cases: list[tuple[dict[str, Any], str]] = [
        ({"model": tmp_path / "no-such-model", "key": keys.public}, "no-such-model"),
        ({"model": model, "signature": tmp_path / "no.sig", "key": keys.public}, "no.sig"),
        ({"model": model, "key": tmp_path / "no-key.pub"}, "no-key.pub"),
        ({"model": model, "certificate_chain": [tmp_path / "no-ca.pem"]}, "no-ca.pem"),
    ]
    for kwargs, name in cases:
        with pytest.raises(sigverify.InvalidInput) as info:
            sigverify.model.verify(**kwargs)
        assert info.value.code == "io-error" and info.value.check is None, kwargs
        assert isinstance(info.value.__cause__, OSError) and name in str(info.value), str(info.value)
    assert sigverify.model.verify(model, signature=sig, key=keys.public).resources == len(FILES)


# ----------------------------------------------------------------------------------------------
# Arguments


def test_arguments(keys: Keys, pki: Pki, tmp_path: Path) -> None:
    model = make_model(tmp_path)
    sign(model, key_method(keys))
    pem = keys.public.read_bytes()
    verifier = sigverify.Verifier(sigverify.TrustedRoot.public_good())
    policy = sigverify.Policy.identity("a@example.com", "https://accounts.example.com")
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "who must have signed is required"),
        ({"identity": "a@example.com"}, "identity and issuer go together"),
        ({"issuer": "https://accounts.example.com"}, "identity and issuer go together"),
        ({"key": pem, "certificate_chain": [pki.root]}, "give one method"),
        ({"key": pem, "policy": policy}, "give one method"),
        ({"key": pem, "identity": "a@example.com", "issuer": "https://accounts.example.com"}, "give one method"),
        # A conflict is reported before any file is read.
        ({"key": tmp_path / "no-such.pub", "identity": "a@example.com", "issuer": "https://x"}, "give one method"),
        ({"policy": policy, "identity": "a@example.com", "issuer": "https://x"}, "give one method"),
        ({"verifier": verifier}, "who must have signed is required"),
        ({"verifier": verifier, "key": pem}, "a verifier is for the sigstore method"),
        ({"verifier": verifier, "certificate_chain": [pki.root]}, "a verifier is for the sigstore method"),
        ({"verifier": verifier, "key": tmp_path / "no-such.pub"}, "a verifier is for the sigstore method"),
        ({"key": pem, "threads": 0}, "threads: expected 1 to"),
        ({"key": pem, "threads": -1}, "threads: expected a count"),
        ({"key": pem, "threads": 1_000_000}, "threads: expected 1 to"),
        ({"key": 5}, "key: expected PEM as bytes or str, or a file as os.PathLike, found int"),
        ({"key": str(keys.public)}, "pass pathlib.Path"),
        ({"certificate_chain": pki.root}, "wrap it in a list"),
        ({"certificate_chain": pki.root.read_bytes()}, "wrap it in a list"),
        ({"certificate_chain": [5]}, "certificate_chain[0]: expected PEM"),
        ({"certificate_chain": 5}, "certificate_chain: expected a list"),
        ({"key": pem, "ignore_paths": "README.md"}, "ignore_paths: expected a list of paths, found one str"),
        ({"key": pem, "ignore_paths": [5]}, "ignore_paths[0]: expected a path"),
        ({"key": pem, "signature": 5}, "signature: expected a path"),
        ({"key": pem, "policy": "a@example.com"}, "policy: expected a sigverify.Policy"),
        ({"key": pem, "identity": 5, "issuer": "https://x"}, "identity: expected a str"),
    ]
    for kwargs, needle in cases:
        with pytest.raises(sigverify.InvalidInput) as info:
            sigverify.model.verify(model, **kwargs)
        assert info.value.code == "invalid-argument" and info.value.check is None, kwargs
        assert needle in str(info.value), (kwargs, str(info.value))
    for bad_model in [b"/tmp", 5, None]:
        with pytest.raises(sigverify.InvalidInput) as info:
            cast(Any, sigverify.model.verify)(bad_model, key=pem)
        assert info.value.code == "invalid-argument" and "model: expected a path" in str(info.value)
    # Malformed trust is invalid input from the core.
    malformed: list[dict[str, Any]] = [{"key": b"not a pem"}, {"key": pki.root.read_bytes()}, {"certificate_chain": [b"not a pem"]}, {"certificate_chain": [pem]}]
    for trust in malformed:
        with pytest.raises(sigverify.InvalidInput) as info:
            sigverify.model.verify(model, **trust)
        assert info.value.code == "invalid-certificate", (trust, info.value)
    with pytest.raises(sigverify.InvalidInput) as info:
        sigverify.model.verify(model, key=b"-" * (64 * 1024 + 1))
    assert info.value.code == "limit-exceeded"
    # Keyword-only after the model; wrong types of typed options are TypeErrors.
    verify = cast(Any, sigverify.model.verify)
    with pytest.raises(TypeError):
        verify(model, model / "model.sig")
    with pytest.raises(TypeError):
        verify(model, key=pem, verifier="public-good")
    with pytest.raises(TypeError):
        verify(model, key=pem, ignore_git_paths="yes")


def test_model_verification_is_frozen(keys: Keys, tmp_path: Path) -> None:
    model = make_model(tmp_path)
    sign(model, key_method(keys))
    v = sigverify.model.verify(model, key=keys.public)
    with pytest.raises(AttributeError):
        v.model_name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        cast(Any, sigverify.model.ModelVerification)()
    with pytest.raises(TypeError):
        type("Sub", (sigverify.model.ModelVerification,), {})
    assert sigverify.model.ModelVerification.__module__ == "sigverify.model"
    assert sigverify.model.__all__ == ["ModelVerification", "verify"]
    assert sigverify.model.verify.__name__ == "verify"


def test_gil_is_released_while_the_model_is_hashed(keys: Keys, tmp_path: Path) -> None:
    """A 256 MiB file (sparse) in place of a signed one: hashed whole, with the GIL released
    (the main thread keeps running Python), then refused."""
    method = key_method(keys)
    model = make_model(tmp_path)
    sig = sign(model, method)
    with open(model / "weights/layer1.bin", "r+b") as f:
        f.truncate(256 * 1024 * 1024)
    window: dict[str, float] = {}
    codes: list[str] = []

    def worker() -> None:
        window["start"] = time.perf_counter()
        codes.append(sv_error(model, sig, method, threads=1).code)
        window["end"] = time.perf_counter()

    old = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        t = threading.Thread(target=worker)
        ticks: list[float] = []
        t.start()
        while t.is_alive():
            ticks.append(time.perf_counter())
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert codes == ["artifact-mismatch"]
    start, end = window["start"], window["end"]
    assert end - start > 0.02, "the verification was too quick to observe"
    inside = [x for x in ticks if start + 0.005 < x < end - 0.005]
    assert len(inside) > 100, f"the main thread ran {len(inside)} times in {end - start:.3f}s of hashing"


# ----------------------------------------------------------------------------------------------
# The real model signatures of the shared samples (sigstore/model-transparency's own tests)

KEYLESS = "model-signing-v1.0.1-sigstore"
KEYED = "model-signing-v1.1.0-elliptic-key"


def _sample(name: str) -> Path:
    d = ecosystems_dir() / name
    if not (d / "model" / "model.sig").is_file():
        pytest.fail(f"ECOSYSTEM VECTORS MISSING: {d}/model/model.sig (these tests never skip)", pytrace=False)
    return d


def test_keyless_sample(tmp_path: Path) -> None:
    """model_signing 1.0.1, keyless on the public-good instance. model-transparency's test
    (scripts/tests/test-verify-v1.0.1-sigstore.sh) passes `--ignore-paths ignore-me`: the
    predicate does not list it. model_signing's own sigstore verification needs the network (TUF),
    so only sigverify's verdict is asserted here."""
    d = _sample(KEYLESS)
    identity, issuer = (d / "identity").read_text().strip(), (d / "issuer").read_text().strip()
    model = d / "model"
    meta = json.loads((d / "meta.json").read_text())
    forms: list[dict[str, Any]] = [
        {"identity": identity, "issuer": issuer},
        {"identity": identity, "issuer": issuer, "verifier": sigverify.Verifier(sigverify.TrustedRoot.public_good())},
        {"policy": sigverify.Policy.identity(identity, issuer)},
        {"policy": sigverify.Policy.identity(identity, issuer), "verifier": sigverify.Verifier(sigverify.TrustedRoot.public_good())},
    ]
    results = [sigverify.model.verify(model, ignore_paths=["ignore-me"], **f) for f in forms]
    # The same signature beside the model (the sample's copy): then model/model.sig is a file
    # like any other, and must be ignored too.
    results.append(sigverify.model.verify(str(model), signature=d / "model.sig", ignore_paths=[model / "ignore-me", "model.sig"], identity=identity, issuer=issuer))
    e = pytest.raises(sigverify.VerificationError, sigverify.model.verify, model, signature=d / "model.sig", ignore_paths=["ignore-me"], identity=identity, issuer=issuer).value
    assert "model file model.sig: expected no such file" in str(e)
    for v in results:
        assert v.manifest_digest == meta["digest"] == (d / "digest").read_text().strip()
        assert (v.model_name, v.method, v.resources, v.bytes, v.signing_method) == ("v1.0.1-sigstore", "files", 2, 16, "sigstore")
        assert v.key_sha256 is None and v.certificate_subject is None
        assert v.result is not None and (v.result.identity, v.result.issuer) == (identity, issuer)
        assert len(v.result.log_entries) == 1 and v.result.statement is not None
        assert v.result.statement.predicate_type == "https://model_signing/signature/v1.0"
        assert v.to_dict()["signer"]["result"] == v.result.to_dict()
    assert len({v.to_json() for v in results}) == 1
    # Without the ignore path, the unsigned file is named; another identity is refused.
    e = pytest.raises(sigverify.VerificationError, sigverify.model.verify, model, identity=identity, issuer=issuer).value
    assert e.code == "artifact-mismatch" and "model file ignore-me: expected no such file" in str(e)
    e = pytest.raises(sigverify.VerificationError, sigverify.model.verify, model, identity="someone@example.com", issuer=issuer, ignore_paths=["ignore-me"]).value
    assert e.code == "policy-mismatch"
    # Another trust domain: staging does not know the public-good log (checked before the CA).
    staging = sigverify.Verifier(sigverify.TrustedRoot.staging())
    e = pytest.raises(sigverify.VerificationError, sigverify.model.verify, model, identity=identity, issuer=issuer, verifier=staging, ignore_paths=["ignore-me"]).value
    assert e.code == "transparency-log" and "is not a transparency log of the trusted root" in str(e), e
    # A keyless signature given a key method is refused.
    e = pytest.raises(sigverify.VerificationError, sigverify.model.verify, model, key=(ecosystems_dir() / KEYED / "public_key.pem"), ignore_paths=["ignore-me"]).value
    assert e.code == "policy-mismatch"
    # A changed copy fails naming the file.
    copy = tmp_path / "v1.0.1-sigstore"
    shutil.copytree(model, copy)
    copy.chmod(0o755)  # the shared vectors are read-only
    for p in copy.iterdir():
        p.chmod(0o644)
    _flip(copy / "signme-2", 0)
    e = pytest.raises(sigverify.VerificationError, sigverify.model.verify, copy, identity=identity, issuer=issuer, ignore_paths=["ignore-me"]).value
    assert e.code == "artifact-mismatch" and "model file signme-2 (sha256)" in str(e)


def test_key_sample() -> None:
    """model_signing 1.1.0, a managed P-384 key, no log entry and no timestamp; its predicate
    ignores model.sig and ignore-me itself. model_signing verifies it too, offline."""
    d = _sample(KEYED)
    model = d / "model"
    meta = json.loads((d / "meta.json").read_text())
    forms: list[Any] = [d / "public_key.pem", d / "signing-key-pub.pem", (d / "public_key.pem").read_bytes(), (d / "public_key.pem").read_text()]
    for key in forms:
        v = sigverify.model.verify(model, key=key)
        assert v.manifest_digest == meta["digest"]
        assert (v.model_name, v.method, v.resources, v.signing_method, v.result) == ("v1.1.0-elliptic-key", "files", 2, "key", None)
        assert {"model.sig", "ignore-me"} <= set(v.ignore_paths)
        assert v.key_sha256 == hashlib.sha256(serialization_der(d / "public_key.pem")).hexdigest()
    theirs = Method("key", keys=Keys(d / "public_key.pem", d / "signing-key-pub.pem"))
    assert ms_verify(model, model / "model.sig", theirs) is None
    # The key's identity in the samples is model_signing's key hint.
    assert (d / "identity").read_text().strip() == "key:" + json.loads((model / "model.sig").read_text())["verificationMaterial"]["publicKey"]["hint"]
    # As a plain Sigstore bundle (the sigstore method with a key policy) it has no log entry.
    with pytest.raises(sigverify.VerificationError) as info:
        sigverify.model.verify(model, policy=sigverify.Policy.key((d / "public_key.pem").read_bytes()))
    assert info.value.code == "transparency-log" and "found 0" in str(info.value), info.value
    # Another key.
    k = ec.generate_private_key(ec.SECP384R1())
    other = k.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert pytest.raises(sigverify.VerificationError, sigverify.model.verify, model, key=other).value.code == "policy-mismatch"
