"""model_signing's verifier (PyPI model-signing) through its Python API, for bench/model.sh.

    python model_signing_verify.py MODEL SIGNATURE PUBLIC_KEY

Verifies MODEL against SIGNATURE with the `key` method, hashing the model the way the
signature says it was serialized (`files` or `shards`). This is what
`model_signing verify key` would do, except for two things that make the 1.1.1 CLI unable
to verify a `shards` signature: the CLI always hashes with the `files` serialization, and
the API's own guess of the configuration (`verifying.Config._guess_hashing_config`) passes
the shard size as a float (protobuf Struct numbers are doubles), which `range()` refuses.
Here the configuration is built as that guess builds it, with the shard size as an integer.
Exit 0 when verified, 1 when not (the error on stderr).
"""

import base64
import json
import sys

from model_signing import hashing, verifying


def serialization(signature_path):
    bundle = json.load(open(signature_path, encoding="utf-8"))
    payload = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    return payload["predicate"]["serialization"]


def main():
    model, signature, public_key = sys.argv[1:4]
    s = serialization(signature)
    if s["method"] == "files":
        config = hashing.Config().use_file_serialization(
            hashing_algorithm=s["hash_type"],
            allow_symlinks=s["allow_symlinks"],
        )
    elif s["method"] == "shards":
        config = hashing.Config().use_shard_serialization(
            hashing_algorithm=s["hash_type"],
            shard_size=int(s["shard_size"]),
            allow_symlinks=s["allow_symlinks"],
        )
    else:
        sys.exit(f"unknown serialization method {s['method']!r}")
    try:
        verifying.Config().use_elliptic_key_verifier(public_key=public_key).set_hashing_config(
            config
        ).verify(model, signature)
    except Exception as err:  # as the CLI reports it
        print(f"Verification failed with error: {err}", file=sys.stderr)
        sys.exit(1)
    print("Verification succeeded")


if __name__ == "__main__":
    main()
