"""What the Python bench scripts here share: the conformance vectors' folder and the identity
their keyless happy paths are signed by."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IDENTITY = (
    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
    ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
)
ISSUER = "https://token.actions.githubusercontent.com"


def conformance_dir() -> Path:
    """``$SIGVERIFY_CONFORMANCE_DIR``, or ../shared/vectors/conformance beside the project."""
    env = os.environ.get("SIGVERIFY_CONFORMANCE_DIR")
    return Path(env) if env else REPO.parent / "shared" / "vectors" / "conformance"
