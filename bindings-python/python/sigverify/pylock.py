"""pylock: PEP 751 locks (``pylock.toml``) and the publishers of their files.

A lock may record, for each package, the Trusted Publishers its files were published by
(``[[packages.attestation-identities]]``). An installer checks the files it is about to install
against them; a lock tool records them the first time. Each locked file found by its file name
in ``dist_dir`` is hashed as a stream and compared with the lock's hashes, and its Integrity API
provenance object (``FILE.provenance``, in ``provenance_dir``, by default ``dist_dir``) is
verified. The rules are those of ``sigverify pylock verify|record``.

An installer, before installing the downloaded files::

    import pathlib
    import sigverify

    report = sigverify.pylock.verify(pathlib.Path("pylock.toml"), dist_dir=pathlib.Path("downloads"))
    for p in report.packages:
        print(p.name, p.version, p.verdict, p.detail)
    if not report.ok:                          # publisher-changed, provenance-missing, failed
        raise SystemExit("refusing to install")

A lock tool, after writing the lock::

    report = sigverify.pylock.record(pathlib.Path("pylock.toml"), dist_dir=pathlib.Path("downloads"))
    # The file is rewritten in place (every other byte kept) only when report.text is not None;
    # nothing is written when a package failed.

The functions are ``sigverify._native.pylock_verify`` and ``pylock_record`` (documented in
their stubs); the GIL is released while the files are hashed and the provenance verified.
"""

from ._native import FileReport as FileReport
from ._native import LockReport as LockReport
from ._native import PackageReport as PackageReport
from ._native import pylock_record as record
from ._native import pylock_verify as verify

__all__ = ["FileReport", "LockReport", "PackageReport", "record", "verify"]
