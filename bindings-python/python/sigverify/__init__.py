"""sigverify: offline verification of Sigstore bundles.

::

    import sigverify

    verifier = sigverify.Verifier(sigverify.TrustedRoot.public_good())
    policy = sigverify.Policy.identity(
        "https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/main",
        "https://token.actions.githubusercontent.com",
    )
    result = verifier.verify(pathlib.Path("a.txt.sigstore.json"), pathlib.Path("a.txt"), policy=policy)
    print(result.identity, result.earliest_time)

The ecosystem adapters are the submodules ``sigverify.pypi`` (PEP 740 attestations, Integrity
API provenance objects), ``sigverify.npm`` (the registry's attestations), ``sigverify.github``
(artifact attestations, Homebrew bottles), ``sigverify.conda`` (conda publish attestations),
``sigverify.bcr`` (Bazel Central Registry module versions), ``sigverify.model``
(machine-learning model directories signed with OpenSSF model signing) and ``sigverify.pylock``
(the publishers of a PEP 751 lock's files, checked or recorded). ``sigverify.tuf`` updates the trusted root (and
the npm registry keys) offline from Sigstore's TUF repository.

See the README of the package and the docstrings of ``sigverify/_native.pyi``.
"""

from . import bcr as bcr
from . import conda as conda
from . import github as github
from . import model as model
from . import npm as npm
from . import pypi as pypi
from . import pylock as pylock
from . import tuf as tuf
from ._errors import ArgumentTypeError as ArgumentTypeError
from ._errors import Error as Error
from ._errors import InvalidInput as InvalidInput
from ._errors import VerificationError as VerificationError
from ._native import CheckedClaim as CheckedClaim
from ._native import LogEntry as LogEntry
from ._native import Policy as Policy
from ._native import Statement as Statement
from ._native import Subject as Subject
from ._native import TrustedRoot as TrustedRoot
from ._native import VerificationResult as VerificationResult
from ._native import VerifiedTime as VerifiedTime
from ._native import Verifier as Verifier
from ._native import __version__ as __version__

__all__ = [
    "ArgumentTypeError",
    "CheckedClaim",
    "Error",
    "InvalidInput",
    "LogEntry",
    "Policy",
    "Statement",
    "Subject",
    "TrustedRoot",
    "VerificationError",
    "VerificationResult",
    "VerifiedTime",
    "Verifier",
    "__version__",
    "bcr",
    "conda",
    "github",
    "model",
    "npm",
    "pylock",
    "pypi",
    "tuf",
]
