#!/usr/bin/env bash
# Builds and tests the Python package, from a clean clone:
#   1. a virtual environment in bindings-python/.venv (git-ignored), with maturin, pytest, mypy and
#      uv (the lock tool that writes the PEP 751 lock of tests/test_pylock.py),
#      and model_signing from PyPI (the real client that tests/test_model.py signs models with and
#      whose verdicts it compares; its install failing fails this script);
#   2. `pip install ./bindings-python` (maturin as the PEP 517 backend: a release abi3 wheel);
#   3. mypy --strict on the tests, and mypy.stubtest (the hand-written .pyi against the module);
#   4. the audit extra's dependencies from PyPI (dask[dataframe], distributed, pyarrow: what
#      `pip install sigverify[audit]` installs) and the testkit's bundles (its `dump` example)
#      for tests/test_audit.py, which runs sigverify.audit on a LocalCluster; mypy --strict on
#      sigverify.audit;
#   5. pytest (conformance vectors in both forms, ecosystem samples as bundles and through
#      sigverify.pypi/npm/github/model with near misses, malformed input, exceptions, witnesses,
#      path artifacts hashed as a stream, threads, verify_many, models signed by model_signing and
#      tampered); its summary is the last line printed.
# Needs python3 (>= 3.9) with venv, a Rust toolchain and a C compiler, and the shared vectors
# beside the repository (../shared/vectors, or SIGVERIFY_CONFORMANCE_DIR): without them the tests
# FAIL, they never skip.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
venv="$here/.venv"
python="${PYTHON:-python3}"
step() { printf '\n==> %s\n' "$*"; }

step "virtual environment ($venv)"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
py="$venv/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check \
  "maturin>=1.9.4,<2" "pytest>=8" "mypy>=1.11" "uv"

step "model_signing from PyPI (signs the models of tests/test_model.py, and verifies them too)"
# Pinned: the tests compare its verdicts with sigverify's. Its certificate method imports
# OpenSSL (pyOpenSSL) without declaring it, so that is installed (and pinned) beside it.
"$py" -m pip install --quiet --disable-pip-version-check "model-signing==1.1.1" "pyopenssl==26.4.0"
"$py" -c 'import model_signing, model_signing.signing, model_signing.verifying; print("model_signing", model_signing.__version__)'

step "the audit extra's dependencies from PyPI (sigverify.audit, tests/test_audit.py)"
# The same requirements as [project.optional-dependencies] audit in pyproject.toml; their
# install failing fails this script, and tests/test_audit.py FAILS (never skips) without them.
"$py" -m pip install --quiet --disable-pip-version-check \
  "dask[dataframe]>=2024.8.0" "distributed>=2024.8.0" "pyarrow>=14"
"$py" -c 'import dask, distributed, pyarrow; print("dask", dask.__version__, "distributed", distributed.__version__, "pyarrow", pyarrow.__version__)'

step "pip install ./bindings-python (release build)"
cd "$repo"
"$py" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps ./bindings-python
"$py" -c 'import sigverify; print("sigverify", sigverify.__version__, "from", sigverify.__file__)'

cd "$here"
step "mypy --strict (tests)"
"$py" -m mypy --strict --no-incremental tests

step "mypy.stubtest (sigverify/_native.pyi against the module)"
# From outside the source tree, so that the installed package is the one inspected.
(cd "$venv" && "$py" -m mypy.stubtest --mypy-config-file "$here/pyproject.toml" sigverify)

step "mypy --strict (sigverify.audit, as installed)"
(cd "$venv" && "$py" -m mypy --strict --no-incremental -p sigverify.audit)

step "the testkit's bundles (cargo run -p sigverify-testkit --example dump) for tests/test_audit.py"
dump="$(mktemp -d "${TMPDIR:-/tmp}/sigverify-testkit-dump.XXXXXX")"
trap 'rm -rf "$dump"' EXIT
(cd "$repo" && cargo run --release -q -p sigverify-testkit --example dump -- "$dump")
export SIGVERIFY_TESTKIT_DUMP="$dump"

step "pytest"
"$py" -m pytest -p no:cacheprovider tests
