"""tuf: offline trust-root updates (TUF) over ``sigverify::tuf``.

Sigstore publishes its current ``trusted_root.json`` and the npm registry's keys through a TUF
repository (``https://tuf-repo-cdn.sigstore.dev``). sigverify never fetches: download the
repository's files with your own client (or keep a mirror on disk) and hand them over; every
check of the TUF client workflow happens here (signatures and thresholds, root rotation,
versions, lengths and hashes, rollback against the saved state, expiry)::

    import pathlib
    import sigverify

    cache = pathlib.Path("cache")
    root = (cache / "root.json").read_bytes() if (cache / "root.json").exists() else None
    state = (cache / "state.json").read_bytes() if (cache / "state.json").exists() else None
    update = sigverify.tuf.update(
        metadata=pathlib.Path("mirror/metadata"),     # or {"timestamp.json": b"...", ...}
        targets=pathlib.Path("mirror/targets"),
        root=root,                                     # None: the embedded public-good root
        state=state,
    )
    (cache / "root.json").write_bytes(update.root_json)   # persist both for the next update
    (cache / "state.json").write_bytes(update.state)
    verifier = sigverify.Verifier(update.trusted_root)

See ``docs/tuf.md`` of the repository for what is checked, in order.
"""

from ._native import TufUpdate as TufUpdate
from ._native import tuf_update as update

__all__ = ["TufUpdate", "update"]
