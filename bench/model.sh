#!/usr/bin/env bash
# `sigverify model verify` against `model_signing verify` (PyPI model-signing 1.1.1) and against
# plain SHA-256 over the same bytes, on two generated models, in one run (BENCHMARKS.md,
# "Model signing"):
#   - large: 4 files of SIZE/4 (default 4 x 256 MiB);
#   - small: 10,000 files of SIZE/10,000 bytes (~105 KiB) in 10 x 10 nested folders;
#   random bytes; each signed with model_signing's `key` method (an EC P-256 key made here), once
#   serialized as `files` and once as `shards` (shard size $MODEL_BENCH_SHARD_SIZE, default
#   100,000,000 bytes: a 256 MiB file is 3 shards; model_signing's 1 GB default would make every
#   file of both models a single shard, the same work as `files`).
# Timed, wall clock, page cache warm (one untimed run of every command first), $MODEL_BENCH_RUNS
# rounds (default 5), every command once per round, interleaved (the order rotates per round):
#   sigverify       target/release/sigverify model verify MODEL --signature SIG --key PUB
#   model_signing   files:  model_signing verify key MODEL --signature SIG --public_key PUB
#                   shards: bench/peers/model_signing_verify.py, model_signing's Python API (its
#                           1.1.1 CLI cannot verify shards: see that file)
#   sha256sum x1    find MODEL -type f -print0 | xargs -0 cat | sha256sum   (one stream, one core)
#   sha256sum x2    find MODEL -type f -print0 | xargs -0 -P2 -n HALF sha256sum (two halves, 2 cores)
#   openssl x1, x2  the same with `openssl dgst -sha256`: coreutils' sha256sum is plain C, OpenSSL
#                   (like aws-lc, which sigverify hashes with) uses the CPU's SHA extensions
# Reported: wall-clock medians, the ratios model_signing / sigverify and sigverify / each floor,
# the same at the minimum (the least disturbed run, on a loaded machine), the CPU time of each
# command (user + system of all its processes, from wait4: little disturbed by load), and
# instructions (perf stat -e instructions:u, one more run of each command, where the machine has
# hardware counters; otherwise it says why not).
# Checks: every run exits 0; once per model and serialization, a tampered copy (hard links but
# for one file with a byte flipped) makes sigverify exit 1 and model_signing fail.
#
# Usage: bench/model.sh [--runs N] [--size-mib M] [--keep]
#   --runs N       rounds (default $MODEL_BENCH_RUNS or 5)
#   --size-mib M   size of each model (default $MODEL_BENCH_SIZE_MIB or 1024)
#   --keep         keep the models (and reuse them next time) in $MODEL_BENCH_DIR or
#                  bench/.models (git-ignored); without it they go in a temp dir removed at the end
# Installs model-signing==1.1.1 (+ pyOpenSSL, which it imports but does not declare) into
# bench/.venv-model (git-ignored). Needs python3, PyPI, 2 x SIZE of disk and of free page cache.
# Output: stdout, and a Markdown copy in $BENCH_OUT (default target/bench-report/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench

RUNS=${MODEL_BENCH_RUNS:-5}
SIZE_MIB=${MODEL_BENCH_SIZE_MIB:-1024}
SHARD=${MODEL_BENCH_SHARD_SIZE:-100000000}
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift ;;
    --size-mib) SIZE_MIB=$2; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^set /{/^#/p}' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$RUNS" -ge 1 ] && [ "$SIZE_MIB" -ge 1 ] || { echo "--runs and --size-mib take a positive number" >&2; exit 2; }

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=${BENCH_OUT:-$TARGET/bench-report}
mkdir -p "$OUT"
REPORT=$OUT/model-$(date -u +%Y%m%dT%H%M%SZ).md
VENV=$BENCH/.venv-model
MODEL_SIGNING_VERSION=1.1.1
PYOPENSSL_VERSION=26.4.0

if [ "$KEEP" = 1 ]; then
  WORK=${MODEL_BENCH_DIR:-$BENCH/.models}
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/sigverify-model-bench.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi
WORK=$(cd "$WORK" && pwd)

exec > >(tee "$REPORT") 2>&1

# ---------------------------------------------------------------------------------------------
# The tools: sigverify (release), model_signing in its venv.
cargo build -q --release -p sigverify-cli
SV=$TARGET/release/sigverify
if ! "$VENV/bin/python" -c "import model_signing, OpenSSL, sys; sys.exit(model_signing.__version__ != '$MODEL_SIGNING_VERSION')" 2> /dev/null; then
  echo "Installing model-signing $MODEL_SIGNING_VERSION into $VENV"
  python3 -m venv "$VENV"
  # pyOpenSSL: model_signing imports it (OpenSSL.crypto, for the certificate method) on every
  # run without declaring it; cryptography: for the key made below (model_signing needs it too).
  "$VENV/bin/pip" install -q --disable-pip-version-check "model-signing==$MODEL_SIGNING_VERSION" \
    "pyopenssl==$PYOPENSSL_VERSION" cryptography
fi
PY=$VENV/bin/python
MS=$VENV/bin/model_signing
MS_API=$BENCH/peers/model_signing_verify.py

echo "## Machine and tools"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); git: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- host core cli 2>/dev/null || echo ' (with uncommitted changes)')"
echo "- nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); SHA extensions: $(grep -qw sha_ni /proc/cpuinfo && echo yes || echo no); memory: $(free -h | awk '/^Mem:/ {print $2}')"
echo "- kernel: $(uname -sr); models in $WORK: $(df -PT "$WORK" | awk 'NR == 2 {print $2 " on " $1}')$(d=$(df -P "$WORK" | awk 'NR == 2 {print $1}'); d=${d#/dev/}; r=/sys/block/${d%%[0-9]*}/queue/rotational; [ -r "$r" ] && { [ "$(cat "$r")" = 0 ] && echo ' (non-rotational)' || echo ' (rotational)'; })"
echo "- $("$SV" --version 2>/dev/null | head -1) (release, aws-lc-rs); model-signing $("$PY" -c 'import model_signing; print(model_signing.__version__)') ($("$PY" --version), pyOpenSSL $("$PY" -c 'import OpenSSL; print(OpenSSL.__version__)'), cryptography $("$PY" -c 'import cryptography; print(cryptography.__version__)'), hashlib's $("$PY" -c 'import ssl; print(ssl.OPENSSL_VERSION)')); $(sha256sum --version | head -1); $(openssl version)"
echo "- load average at start (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo

# ---------------------------------------------------------------------------------------------
# The models, the key and the signatures.
SIZE=$((SIZE_MIB << 20))
STAMP="size=$SIZE shard=$SHARD model_signing=$MODEL_SIGNING_VERSION"
if [ "$(cat "$WORK/.made" 2>/dev/null)" != "$STAMP" ]; then
  echo "Generating two models of $SIZE_MIB MiB in $WORK and signing them (key, files and shards)..."
  rm -rf "$WORK/large" "$WORK/small" "$WORK/sig" "$WORK/.made"
  "$PY" - "$WORK" "$SIZE" "$SHARD" <<'PY'
import os, sys
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec
from model_signing import hashing, signing

work, size, shard = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
CHUNK = 8 << 20

def write(path, n):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        while n > 0:
            k = min(n, CHUNK)
            f.write(os.urandom(k))
            n -= k

for i in range(4):
    write(f"{work}/large/model-{i + 1:05d}-of-00004.safetensors", size // 4)
per = size // 10000
for i in range(10000):
    write(f"{work}/small/layer_{i // 1000:02d}/block_{i // 100 % 10:02d}/tensor_{i % 100:03d}.bin", per)

key = ec.generate_private_key(ec.SECP256R1())
os.makedirs(f"{work}/sig", exist_ok=True)
with open(f"{work}/sig/key.pem", "wb") as f:
    f.write(key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()))
with open(f"{work}/sig/key.pub", "wb") as f:
    f.write(key.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo))
for model in ("large", "small"):
    for method in ("files", "shards"):
        h = hashing.Config()
        if method == "shards":
            h = h.use_shard_serialization(shard_size=shard)
        signing.Config().use_elliptic_key_signer(private_key=f"{work}/sig/key.pem").set_hashing_config(
            h
        ).sign(f"{work}/{model}", f"{work}/sig/{model}-{method}.sig")
PY
  echo "$STAMP" > "$WORK/.made"
fi
PUB=$WORK/sig/key.pub
# For the two-process floors: each process gets half of the files (all of one size).
declare -A HALF
for m in large small; do HALF[$m]=$(( ($(find "$WORK/$m" -type f | wc -l) + 1) / 2 )); done

# The commands: cmd MODEL METHOD TOOL.
cmd() {
  local m=$WORK/$1 s=$WORK/sig/$1-$2.sig half=${HALF[$1]}
  case $3 in
    sigverify) printf '%q ' "$SV" model verify "$m" --signature "$s" --key "$PUB" ;;
    model_signing)
      if [ "$2" = files ]; then
        printf '%q ' "$MS" verify key "$m" --signature "$s" --public_key "$PUB"
      else
        printf '%q ' "$PY" "$MS_API" "$m" "$s" "$PUB"
      fi ;;
    sha256sum-x1) printf 'find %q -type f -print0 | xargs -0 cat | sha256sum' "$m" ;;
    sha256sum-x2) printf 'find %q -type f -print0 | xargs -0 -P2 -n %d sha256sum' "$m" "$half" ;;
    openssl-x1) printf 'find %q -type f -print0 | xargs -0 cat | openssl dgst -sha256' "$m" ;;
    openssl-x2) printf 'find %q -type f -print0 | xargs -0 -P2 -n %d openssl dgst -sha256' "$m" "$half" ;;
  esac
}
# What is timed: the floors once per model (the same bytes for both methods), the verifiers
# once per model and method.
CASES=()
for m in large small; do
  for t in sha256sum-x1 sha256sum-x2 openssl-x1 openssl-x2; do CASES+=("$m files $t"); done
  for meth in files shards; do
    for t in sigverify model_signing; do CASES+=("$m $meth $t"); done
  done
done

# ---------------------------------------------------------------------------------------------
# A verifier that accepts anything would be fast: a tampered copy must fail, once per model and
# method, for both verifiers.
echo "## Tampered copies (one byte of one file flipped; the rest hard links)"
echo
for m in large small; do
  t=$WORK/tampered-$m
  rm -rf "$t"
  cp -al "$WORK/$m" "$t"
  victim=$(cd "$t" && find . -type f | sort | sed -n 1p)
  cp --remove-destination "$WORK/$m/$victim" "$t/$victim"
  python3 - "$t/$victim" <<'PY'
import os, sys
with open(sys.argv[1], "r+b") as f:
    f.seek(os.path.getsize(sys.argv[1]) // 2)
    b = f.read(1)
    f.seek(-1, 1)
    f.write(bytes([b[0] ^ 1]))
PY
  for meth in files shards; do
    s=$WORK/sig/$m-$meth.sig
    rc=0
    "$SV" model verify "$t" --signature "$s" --key "$PUB" > /dev/null 2> "$WORK/tamper.err" || rc=$?
    [ "$rc" = 1 ] || { echo "sigverify did not reject the tampered $m model ($meth): exit $rc" >&2; cat "$WORK/tamper.err" >&2; exit 1; }
    echo "- $m, $meth: sigverify exit 1: $(sed -n 1p "$WORK/tamper.err" | cut -c1-200)"
    rc=0
    if [ "$meth" = files ]; then
      "$MS" verify key "$t" --signature "$s" --public_key "$PUB" > /dev/null 2> "$WORK/tamper.err" || rc=$?
    else
      "$PY" "$MS_API" "$t" "$s" "$PUB" > /dev/null 2> "$WORK/tamper.err" || rc=$?
    fi
    [ "$rc" != 0 ] || { echo "model_signing did not reject the tampered $m model ($meth)" >&2; exit 1; }
    echo "- $m, $meth: model_signing exit $rc: $(sed -n 1p "$WORK/tamper.err" | cut -c1-120)…"
  done
  rm -rf "$t"
done
echo

# ---------------------------------------------------------------------------------------------
echo "## Timing: $RUNS rounds after one untimed warm-up run of every command (warm page cache)"
echo
TSV=$WORK/times.tsv
CASES_TSV=$WORK/cases.tsv
: > "$CASES_TSV"
# shellcheck disable=SC2086
for c in "${CASES[@]}"; do printf '%s\t%s\n' "$c" "$(cmd $c)" >> "$CASES_TSV"; done
# Wall clock around each command (bash -c, which execs a simple command), and its CPU time
# (user + system, of all its processes: wait4's rusage counts the children it waited for).
python3 - "$CASES_TSV" "$RUNS" "$TSV" "$WORK/last.err" <<'PY'
import os, subprocess, sys, time
cases = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1])]
runs, out, err = int(sys.argv[2]), open(sys.argv[3], "w"), sys.argv[4]
def run(key, cmd):
    with open(err, "wb") as e:
        t0 = time.perf_counter()
        p = subprocess.Popen(["bash", "-o", "pipefail", "-c", cmd], stdout=subprocess.DEVNULL, stderr=e)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.stdout.write(f"FAILED (exit {p.returncode}): {cmd}\n{open(err).read()}")
        sys.exit(1)
    return wall, ru.ru_utime + ru.ru_stime
for key, cmd in cases:  # the untimed warm-up run of each
    run(key, cmd)
for r in range(runs):
    k = r % len(cases)
    for key, cmd in cases[k:] + cases[:k]:
        wall, cpu = run(key, cmd)
        out.write(f"{key}\t{wall:.6f}\t{cpu:.6f}\n")
    out.flush()
    print(f"- round {r + 1} of {runs} done (load average {os.getloadavg()[0]:.2f})", flush=True)
PY

# Instructions: perf stat over one more run of each command (all its processes), if it can.
IRS=$WORK/instructions.tsv
: > "$IRS"
PERF_NOTE=
if ! command -v perf > /dev/null; then
  PERF_NOTE="not counted: perf is not installed (Debian: linux-perf)"
elif perf stat -x, -e instructions:u true 2>&1 | grep -q '^[0-9]'; then
  for c in "${CASES[@]}"; do
    # shellcheck disable=SC2086
    ir=$(perf stat -x, -e instructions:u -- bash -c "$(cmd $c)" 2>&1 > /dev/null | awk -F, '/instructions/ {print $1}' | tail -1)
    printf '%s\t%s\n' "$c" "$ir" >> "$IRS"
  done
else
  PERF_NOTE="not counted on this machine: \`perf stat -e instructions:u\` reports \`<not supported>\` (no hardware counters in this VM); valgrind is not used instead, because it hides the CPU's SHA extensions (CPUID), so aws-lc and OpenSSL would hash with another code path than the timed runs, and it runs 1 GiB of hashing for minutes"
fi
echo

python3 - "$TSV" "$IRS" "$SIZE" "$RUNS" "$SHARD" "$PERF_NOTE" <<'PY'
import statistics, sys
tsv, irs, size, runs, shard, perf_note = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
wall, cpu, ir = {}, {}, {}
for line in open(tsv):
    case, w, c = line.rstrip("\n").split("\t")
    wall.setdefault(tuple(case.split()), []).append(float(w))
    cpu.setdefault(tuple(case.split()), []).append(float(c))
for line in open(irs):
    case, n = line.rstrip("\n").split("\t")
    try:
        ir[tuple(case.split())] = int(n)
    except ValueError:
        pass
med = {k: statistics.median(v) for k, v in wall.items()}
cmed = {k: statistics.median(v) for k, v in cpu.items()}
mib = size / (1 << 20)
FLOORS = ("sha256sum-x1", "sha256sum-x2", "openssl-x1", "openssl-x2")
def key(m, meth, t):  # the floors are timed once per model: the same bytes for both methods
    return (m, "files" if t in FLOORS else meth, t)
def s(x):
    return f"{x:.2f} s" if x is not None else "-"
def r(a, b):
    return f"**{a / b:.2f}**" if a and b else "-"
def gi(x):
    return f"{x / 1e9:.2f} G" if x else "-"
desc = {"large": "large: 4 files × %d MiB" % (mib / 4),
        "small": "small: 10,000 files × %.0f KiB, nested" % (size / 10000 / 1024)}

print(f"### Wall clock: medians of {runs} warm-cache runs, {mib:,.0f} MiB per model (shards of {shard:,} bytes)\n")
print("| model | method | sigverify | model_signing | model_signing / sigverify (goal ≥ 2) | sha256sum ×2 | sigverify / sha256sum ×2 (goal ≤ 1.2) | sha256sum ×1 | sigverify / sha256sum ×1 | openssl ×2 | sigverify / openssl ×2 | openssl ×1 | CPU time (user+sys): sigverify / model_signing / sha256sum ×1 / openssl ×1 | instructions: sigverify / model_signing / sha256sum ×1 |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for m in ("large", "small"):
    for meth in ("files", "shards"):
        g = lambda t: med.get(key(m, meth, t))
        sv, ms, f1, f2, o1, o2 = (g(t) for t in ("sigverify", "model_signing") + FLOORS)
        c = " / ".join(s(cmed.get(key(m, meth, t))) for t in ("sigverify", "model_signing", "sha256sum-x1", "openssl-x1"))
        i = " / ".join(gi(ir.get(key(m, meth, t))) for t in ("sigverify", "model_signing", "sha256sum-x1"))
        print(f"| {desc[m]} | {meth} | {s(sv)} | {s(ms)} | {r(ms, sv)} | {s(f2)} | {r(sv, f2)} | {s(f1)} | {r(sv, f1)} | {s(o2)} | {r(sv, o2)} | {s(o1)} | {c} | {i} |")
print()
print(f"The least disturbed of the {runs} runs (minimum wall clock: on a shared, loaded machine the reproducible number, as in bench/compare.sh):\n")
print("| model | method | sigverify | model_signing | model_signing / sigverify | sha256sum ×2 | sigverify / sha256sum ×2 | openssl ×2 | sigverify / openssl ×2 |")
print("|---|---|---|---|---|---|---|---|---|")
for m in ("large", "small"):
    for meth in ("files", "shards"):
        g = lambda t: min(wall.get(key(m, meth, t)) or [0]) or None
        sv, ms, f2, o2 = (g(t) for t in ("sigverify", "model_signing", "sha256sum-x2", "openssl-x2"))
        print(f"| {desc[m]} | {meth} | {s(sv)} | {s(ms)} | {r(ms, sv)} | {s(f2)} | {r(sv, f2)} | {s(o2)} | {r(sv, o2)} |")
print()
print("Every command (wall clock and CPU time over the runs; MiB/s of the model's bytes at the median wall clock):\n")
print("| model | method | command | wall: median | min | max | CPU (user+sys): median | MiB/s | instructions |")
print("|---|---|---|---|---|---|---|---|---|")
for m in ("large", "small"):
    for meth in ("files", "shards"):
        for t in ("sigverify", "model_signing") + (FLOORS if meth == "files" else ()):
            k = key(m, meth, t)
            v = wall.get(k)
            if not v:
                continue
            print(f"| {m} | {'(same bytes)' if t in FLOORS else meth} | {t} | {s(med[k])} | {s(min(v))} | {s(max(v))} | {s(cmed[k])} | {mib / med[k]:,.0f} | {gi(ir.get(k))} |")
print()
if perf_note:
    print(f"Instructions: {perf_note}.")
PY
echo
echo "- load average at the end (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo
echo "Report: $REPORT"
