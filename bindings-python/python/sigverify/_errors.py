"""The exceptions of sigverify.

Every failure of a verification is a :class:`Error`. Each carries ``code``, a stable
machine-readable string (the same codes as the core, the CLI and the C ABI, e.g.
``"policy-mismatch"``, ``"transparency-log"``), and ``check``, the verification step it belongs to
(``"policy"``, ``"signature"``, ...; ``None`` when no step is involved, e.g. a bad argument).
"""

from __future__ import annotations

from typing import Optional

__all__ = ["Error", "VerificationError", "InvalidInput", "ArgumentTypeError"]


class Error(Exception):
    """Base class of every exception sigverify raises.

    Raised directly only for an internal error (code ``"internal-error"``): a bug in sigverify,
    reported without Rust's panic message.
    """

    code: str
    """Stable machine-readable code, e.g. ``"signature-invalid"``."""

    check: Optional[str]
    """The verification step that failed (``Check::as_str`` of the core), or ``None``."""

    def __init__(self, message: str, *, code: str = "error", check: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.check = check

    @property
    def message(self) -> str:
        """The human-readable explanation (also ``str(exc)``)."""
        return str(self.args[0]) if self.args else ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r}, check={self.check!r})"


class VerificationError(Error, ValueError):
    """The bundle is well-formed but does not verify: wrong signature, artifact, identity, log
    entry, timestamp, certificate chain, ...

    ``check`` is always set.
    """


class InvalidInput(Error, ValueError):
    """The input cannot be used at all: malformed JSON, an unsupported bundle version, a limit
    exceeded, an invalid trusted root, policy or digest, an unreadable file (code
    ``"io-error"``, with the ``OSError`` as ``__cause__``), or an argument of the wrong type or
    value (code ``"invalid-argument"``).
    """


class ArgumentTypeError(InvalidInput, TypeError):
    """An argument of the wrong type, or ``None`` where a value is required (code
    ``"invalid-argument"``, as the C ABI and Node give for the same call).

    Also a :class:`TypeError`, CPython's convention for a wrong argument type, so ``except
    TypeError`` keeps working. Python's own reason is the message; the argument's name is in the
    exception's notes (``while processing 'identity'``). A required argument left out entirely is
    reported by Python itself, as a plain ``TypeError``, before sigverify runs.
    """


# Shown as sigverify.Error etc. in tracebacks and reprs (and found there by pickle).
for _cls in (Error, VerificationError, InvalidInput, ArgumentTypeError):
    _cls.__module__ = "sigverify"
del _cls
