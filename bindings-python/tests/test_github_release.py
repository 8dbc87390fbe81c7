"""sigverify.github.verify_release (issue 19): the real GitHub immutable-release attestation
(github-immutable-release-jdx-communique) as a release, with an asset file or digest, and near
misses (another repository, tag, asset name, digest), with the codes every face gives."""

from __future__ import annotations

from pathlib import Path

import pytest

import sigverify
from _vectors import ecosystems_dir

CASE = "github-immutable-release-jdx-communique"
ASSET = "communique-aarch64-apple-darwin.tar.gz"
DIGEST = "sha256:76f1fe8593bf227cca2c089e3c16dc95014a8d3e89c5dd220530469ca043c428"
OTHER = "sha256:b958c6046bab52febf958c94974e1ffcc450bff78c28d7233e179bfd73828912"
SIGNER = "https://dotcom.releases.github.com"


def _bundle() -> Path:
    p = ecosystems_dir() / CASE / "bundle.json"
    if not p.is_file():
        pytest.fail(f"ECOSYSTEM VECTORS MISSING: {p}", pytrace=False)
    return p


def test_the_release_verifies() -> None:
    r = sigverify.github.verify_release(_bundle(), repository="jdx/communique", tag="v0.1.9")
    assert r.identity == SIGNER
    assert r.issuer is None
    assert r.statement is not None
    assert r.statement.predicate_type == "https://in-toto.io/attestation/release/v0.2"
    # As bytes too, and by digest and file name.
    sigverify.github.verify_release(
        _bundle().read_bytes(), repository="jdx/communique", tag="v0.1.9", digest=DIGEST, filename=ASSET
    )


def test_an_asset_file_is_hashed_and_named_by_its_path(tmp_path: Path) -> None:
    f = tmp_path / ASSET
    f.write_bytes(b"not the asset")
    with pytest.raises(sigverify.VerificationError) as e:
        sigverify.github.verify_release(_bundle(), [f], repository="jdx/communique", tag="v0.1.9")
    assert e.value.code == "artifact-mismatch"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"repository": "jdx/other", "tag": "v0.1.9"}, "policy-mismatch"),
        ({"repository": "jdx/communique", "tag": "v0.1.8"}, "policy-mismatch"),
        ({"repository": "jdx/communique", "tag": "v0.1.9", "digest": DIGEST, "filename": "evil.tar.gz"}, "artifact-mismatch"),
        ({"repository": "jdx/communique", "tag": "v0.1.9", "digest": OTHER, "filename": ASSET}, "artifact-mismatch"),
    ],
)
def test_near_misses(kwargs: dict[str, str], code: str) -> None:
    with pytest.raises(sigverify.VerificationError) as e:
        sigverify.github.verify_release(_bundle(), **kwargs)  # type: ignore[arg-type]
    assert e.value.code == code


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"tag": "v0.1.9"}, "invalid-argument"),
        ({"repository": "jdx/communique"}, "invalid-argument"),
        ({"repository": "", "tag": "v0.1.9"}, "invalid-argument"),
        ({"repository": "jdx/communique", "tag": "v0.1.9", "digest": DIGEST}, "invalid-argument"),
        ({"repository": "jdx", "tag": "v0.1.9"}, "invalid-policy"),
        ({"repository": "jdx/communique", "tag": "v0.1.9", "digest": "sha512:00", "filename": ASSET}, "invalid-artifact"),
    ],
)
def test_argument_rules(kwargs: dict[str, str], code: str) -> None:
    with pytest.raises(sigverify.InvalidInput) as e:
        sigverify.github.verify_release(_bundle(), **kwargs)  # type: ignore[arg-type]
    assert e.value.code == code


def test_assets_and_a_digest_are_exclusive(tmp_path: Path) -> None:
    f = tmp_path / ASSET
    f.write_bytes(b"x")
    with pytest.raises(sigverify.InvalidInput) as e:
        sigverify.github.verify_release(
            _bundle(), [f], repository="jdx/communique", tag="v0.1.9", digest=DIGEST, filename=ASSET
        )
    assert e.value.code == "invalid-argument"
