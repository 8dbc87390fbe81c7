#!/usr/bin/env python3
"""Cross-check sigverify-testkit bundles with an independent verifier (sigstore-python).

Not part of CI. To run, from the workspace root:

    python3 -m venv .venv && .venv/bin/pip install sigstore      # once (.venv is git-ignored)
    cargo run -q -p sigverify-testkit --example dump -- /tmp/sigverify-testkit-dump
    .venv/bin/python tests/support/crosscheck.py /tmp/sigverify-testkit-dump

For every bundle in the dump's manifest it runs sigstore-python's Verifier (with the dumped
trusted root and the default identity/issuer policy) and prints ACCEPT or REJECT with the
reason. `ok-*` cases should be accepted, `fault-*` cases rejected. Exit status is 1 if an
`ok-*` case is rejected or a `fault-*` case is accepted (except the known limitations listed
in EXPECTED_ACCEPT / EXPECTED_REJECT below, which are reported but do not fail the run).
"""

import hashlib
import json
import sys
from pathlib import Path

from sigstore.models import Bundle, TrustedRoot
from sigstore.verify import Verifier
from sigstore.verify.policy import Identity

# Faults sigstore-python does not check (so it accepts the bundle); reported, not failures.
EXPECTED_ACCEPT = {
    # sigstore-python does not compare the checkpoint origin with the log.
    "fault-CheckpointWrongOrigin": "checkpoint origin is not checked",
    # verify_dsse returns the payload; matching the statement subject is left to the caller
    # (we check it below ourselves and report it separately).
    "fault-DsseSubjectMismatch": "subject matching is the caller's job",
    # verify_dsse returns the payload type without checking it.
    "fault-DsseWrongPayloadType": "payload type is returned, not checked",
}
# With the SET present, sigstore-python drops an unverifiable RFC 3161 timestamp and relies on
# the integrated time alone; the `-nopromise` variants of these faults are the real check.
for _f in ("TimestampBadSignature", "TimestampWrongImprint", "TimestampUntrustedTsa"):
    EXPECTED_ACCEPT[f"fault-{_f}"] = "invalid timestamps are ignored when the SET gives a time"
# Happy paths sigstore-python cannot verify (unsupported shapes); reported, not failures.
EXPECTED_REJECT = {
    "ok-intoto-V03-ts": "sigstore-python 4.x only supports dsse 0.0.1 / hashedrekord entries",
    "ok-managed-p256-V03-ts": "sigstore-python's Verifier has no managed-key support",
    "ok-msg-V03-no-tlog": "sigstore-python requires exactly one tlog entry",
    "ok-dsse-dsse002-V03-rekor2": "sigstore-python 4.x verifies DSSE in Rekor v2 only as hashedrekord 0.0.2, not dsse 0.0.2",
}


def direct_checks(d: Path, manifest: dict, artifact: bytes) -> int:
    """Checks sigstore-python's Verifier cannot do: RFC 3161 tokens on their own (so the
    reason a timestamp fault is rejected is visible) and managed-key signatures."""
    import base64

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509 import load_der_x509_certificate
    from rfc3161_client import VerifierBuilder, decode_timestamp_response

    root = json.loads((d / "trusted_root.json").read_text())
    chain = root["timestampAuthorities"][0]["certChain"]["certificates"]
    tsa_leaf, tsa_root = (load_der_x509_certificate(base64.b64decode(c["rawBytes"])) for c in chain)
    tsa = VerifierBuilder().tsa_certificate(tsa_leaf).add_root_certificate(tsa_root).build()
    bad = 0
    print("\nRFC 3161 tokens verified directly with rfc3161-client:")
    for case in manifest["cases"]:
        b = json.loads((d / case["file"]).read_text())
        tsd = b["verificationMaterial"].get("timestampVerificationData", {})
        if not tsd.get("rfc3161Timestamps") or case["managed_key"]:
            continue
        resp = decode_timestamp_response(
            base64.b64decode(tsd["rfc3161Timestamps"][0]["signedTimestamp"])
        )
        sig = (
            b["dsseEnvelope"]["signatures"][0]["sig"]
            if "dsseEnvelope" in b
            else b["messageSignature"]["signature"]
        )
        try:
            tsa.verify_message(resp, base64.b64decode(sig))
            result = "ACCEPT"
        except Exception as e:  # noqa: BLE001
            result = f"REJECT {type(e).__name__}: {e}"
        fault = case["fault"] or ""
        want_reject = fault in ("TimestampBadSignature", "TimestampWrongImprint", "TimestampUntrustedTsa")
        ok = result.startswith("REJECT") == want_reject
        bad += not ok
        if want_reject or not ok:
            print(f"{'ok  ' if ok else 'BAD '} {case['name']:45} {result}")
    print("(all other timestamps accepted)" if not bad else "")

    print("\nManaged-key signatures verified directly with cryptography:")
    key = serialization.load_pem_public_key((d / "managed_key.pem").read_bytes())
    for case in manifest["cases"]:
        if not case["managed_key"]:
            continue
        b = json.loads((d / case["file"]).read_text())
        try:
            key.verify(
                base64.b64decode(b["messageSignature"]["signature"]), artifact, ec.ECDSA(hashes.SHA256())
            )
            print(f"ok   {case['name']:45} ACCEPT")
        except Exception as e:  # noqa: BLE001
            bad += 1
            print(f"BAD  {case['name']:45} REJECT {type(e).__name__}: {e}")
    return bad


def main() -> int:
    d = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/sigverify-testkit-dump")
    manifest = json.loads((d / "manifest.json").read_text())
    artifact = (d / "artifact").read_bytes()
    verifier = Verifier(trusted_root=TrustedRoot.from_file(str(d / "trusted_root.json")))
    policy = Identity(identity=manifest["identity"], issuer=manifest["issuer"])
    bad = 0
    for case in manifest["cases"]:
        name = case["name"]
        try:
            bundle = Bundle.from_json((d / case["file"]).read_text())
            if case["dsse"]:
                ptype, payload = verifier.verify_dsse(bundle, policy)
                # What a caller must do on top of verify_dsse.
                stmt = json.loads(payload)
                digest = hashlib.sha256(artifact).hexdigest()
                note = []
                if ptype != "application/vnd.in-toto+json":
                    note.append(f"payloadType {ptype}")
                if not any(s["digest"].get("sha256") == digest for s in stmt["subject"]):
                    note.append("subject digest mismatch")
                result = "ACCEPT" + (f" (caller checks fail: {', '.join(note)})" if note else "")
            else:
                verifier.verify_artifact(artifact, bundle, policy)
                result = "ACCEPT"
        except Exception as e:  # noqa: BLE001 - report whatever sigstore-python raised
            result = f"REJECT {type(e).__name__}: {e}"
        accepted = result.startswith("ACCEPT")
        want_accept = name.startswith("ok-")
        if accepted == want_accept:
            tag = "ok  "
        elif name in EXPECTED_ACCEPT or name in EXPECTED_REJECT:
            tag = "known"
            reason = EXPECTED_ACCEPT.get(name) or EXPECTED_REJECT.get(name)
            result += f"  [known limitation: {reason}]"
        else:
            tag = "BAD "
            bad += 1
        print(f"{tag} {name:45} {result}")
    bad += direct_checks(d, manifest, artifact)

    print("\nTrusted-root knobs (valid bundles against a restricted trusted root):")
    for root_name, bundle_name in [
        ("tlog-not-yet-valid", "ok-msg-V03-ts"),
        ("tlog-expired", "ok-msg-V03-ts"),
        ("ca-expired", "ok-msg-V03-ts"),
        ("tsa-not-yet-valid", "ok-msg-V03-ts-nopromise"),
    ]:
        v = Verifier(trusted_root=TrustedRoot.from_file(str(d / f"trusted_root-{root_name}.json")))
        try:
            v.verify_artifact(
                artifact, Bundle.from_json((d / f"{bundle_name}.sigstore.json").read_text()), policy
            )
            result = "ACCEPT"
        except Exception as e:  # noqa: BLE001
            result = f"REJECT {type(e).__name__}: {e}"
        print(f"{'info'} {root_name + ' / ' + bundle_name:45} {result}")
    print(f"\n{bad} unexpected result(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
