#!/usr/bin/env bash
# sigverify's benchmarks in one run (see BENCHMARKS.md):
#   1. criterion benches of the core (quick mode): primitives, each check, and for each
#      conformance vector the whole bundle against its floor (the primitives it needs), for
#      each backend; a table per vector with whole / floor;
#   2. instruction counts (valgrind callgrind) of the same whole/floor pairs, which the load of
#      a shared machine does not disturb, and a profile of happy-path-v0.3 (where the time goes
#      beyond the floor);
#   3. the CLI: one `sigverify verify` as a whole process (hyperfine when installed), and
#      `verify-batch` on 4000 bundles with --jobs 1 and --jobs 2, with peak RSS;
#   4. every face against the core (bench/faces.py): Rust, floor, C, Python, Node and
#      verify-batch on the same bundle in interleaved rounds, with their ratios.
#
# Usage: bench/run.sh [--no-criterion] [--no-callgrind] [--no-cli] [--no-faces] [--measurement-time S]
# Output: stdout, and a Markdown copy in $BENCH_OUT (default target/bench-report/).
# Vectors: ../shared/vectors/conformance beside the project, or $SIGVERIFY_CONFORMANCE_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CRITERION=1 CALLGRIND=1 CLI=1 FACES=1 MEASURE=3 WARMUP=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-criterion) CRITERION=0 ;;
    --no-callgrind) CALLGRIND=0 ;;
    --no-cli) CLI=0 ;;
    --no-faces) FACES=0 ;;
    --measurement-time) MEASURE=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=${BENCH_OUT:-$TARGET/bench-report}
mkdir -p "$OUT"
REPORT=$OUT/report-$(date -u +%Y%m%dT%H%M%SZ).md
VECTORS=${SIGVERIFY_CONFORMANCE_DIR:-$ROOT/../shared/vectors/conformance}
[ -d "$VECTORS/happy-path-v0.3" ] || { echo "no conformance vectors at $VECTORS (set SIGVERIFY_CONFORMANCE_DIR)" >&2; exit 2; }
VECTORS=$(cd "$VECTORS" && pwd)
export SIGVERIFY_CONFORMANCE_DIR=$VECTORS
FEATURES="--features rustcrypto"   # both backends: aws-lc-rs (default) and RustCrypto
IDENTITY="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
ISSUER="https://token.actions.githubusercontent.com"
NAMES="happy-path-v0.3 happy-path-v0.1 happy-path-intoto-in-dsse-v3 rekor2-happy-path"

exec > >(tee "$REPORT") 2>&1

say() { printf '\n## %s\n\n' "$*"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

say "Machine"
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "- memory: $(free -h | awk '/^Mem:/ {print $2}')"
echo "- load average at start (1, 5, 15 min): $(load)"
echo "- rustc: $(rustc --version)"
echo "- git: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"

# ---------------------------------------------------------------------------------------------
# 1. criterion
if [ "$CRITERION" = 1 ]; then
  say "criterion (warm-up ${WARMUP} s, measurement ${MEASURE} s per bench; medians)"
  for b in primitives checks bundles; do
    echo "cargo bench -p sigverify $FEATURES --bench $b -- --warm-up-time $WARMUP --measurement-time $MEASURE --noplot"
    cargo bench -q -p sigverify $FEATURES --bench "$b" -- \
      --warm-up-time "$WARMUP" --measurement-time "$MEASURE" --noplot > "$OUT/criterion-$b.log" 2>&1 \
      || { cat "$OUT/criterion-$b.log"; exit 1; }
  done
  python3 - "$TARGET/criterion" <<'PY'
import json, os, sys
base = sys.argv[1]
res = {}
for dirpath, _, files in os.walk(base):
    if os.path.basename(dirpath) == "new" and "estimates.json" in files and "benchmark.json" in files:
        meta = json.load(open(os.path.join(dirpath, "benchmark.json")))
        est = json.load(open(os.path.join(dirpath, "estimates.json")))
        res[(meta["group_id"], meta.get("function_id") or "")] = est["median"]["point_estimate"]

def fmt(ns):
    return f"{ns/1000:.1f} µs" if ns >= 1000 else f"{ns:.0f} ns"

print("### Primitives\n")
print("| group | bench | median |\n|---|---|---|")
for (g, f), ns in sorted(res.items()):
    if g.startswith("primitives/"):
        print(f"| {g} | {f} | {fmt(ns)} |")
print("\n### Checks through the public API\n")
print("| group | bench | median |\n|---|---|---|")
for (g, f), ns in sorted(res.items()):
    if g.startswith("check/"):
        print(f"| {g} | {f} | {fmt(ns)} |")
print("\n### Whole bundle vs floor (wall time, median)\n")
for v in ["happy-path-v0.3", "happy-path-v0.1", "happy-path-intoto-in-dsse-v3", "rekor2-happy-path"]:
    g = f"bundle/{v}"
    rows = sorted({f.rsplit("/", 1)[0] for (gg, f) in res if gg == g})
    if not rows:
        continue
    print(f"**{v}**\n")
    print("| backend / artifact | floor | verify (parsed bundle) | verify / floor | verify_json (incl. parse) | verify_json / floor |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        fl, ve, vj = (res.get((g, f"{r}/{k}")) for k in ("floor", "verify", "verify_json"))
        if None in (fl, ve, vj):
            continue
        print(f"| {r} | {fmt(fl)} | {fmt(ve)} | **{ve/fl:.2f}** | {fmt(vj)} | **{vj/fl:.2f}** |")
    print()
print("(goal: whole / floor ≤ 1.1)")
PY
fi

# The bench binary, for loops outside criterion.
bench_bin() {
  cargo bench -q -p sigverify $FEATURES --bench bundles --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "bundles" and m.get("executable"):
        print(m["executable"])'
}

# ---------------------------------------------------------------------------------------------
# 2. callgrind
if [ "$CALLGRIND" = 1 ]; then
  if ! command -v valgrind > /dev/null; then
    say "Instruction counts: SKIPPED (valgrind is not installed: apt-get install -y valgrind)"
  else
    BIN=$(bench_bin | tail -1)
    [ -x "$BIN" ] || { echo "no bench binary" >&2; exit 1; }
    say "Floors (what each vector's verification must compute)"
    SIGVERIFY_BENCH_LOOP=plan "$BIN"
    say "Whole bundle vs floor (instructions per bundle, valgrind callgrind; not disturbed by load)"
    ITERS=10
    count() { # vector backend form what -> instructions per iteration
      local f="$OUT/cg.$1.$2.$3.$4.out"
      SIGVERIFY_BENCH_LOOP="$1,$2,$3,$4,$ITERS" valgrind --tool=callgrind \
        --toggle-collect='*sigverify_bench_measured*' --callgrind-out-file="$f" "$BIN" \
        > /dev/null 2> "$f.log" || { cat "$f.log" >&2; return 1; }
      local ir
      ir=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$f.log")
      echo $((ir / ITERS))
    }
    BACKENDS="aws-lc-rs rustcrypto"
    for v in $NAMES; do
      echo "**$v**"
      echo
      echo "| backend / artifact | floor (Ir) | verify (Ir) | verify / floor | verify_json (Ir) | verify_json / floor |"
      echo "|---|---|---|---|---|---|"
      for b in $BACKENDS; do
        for form in digest bytes; do
          fl=$(count "$v" "$b" "$form" floor)
          ve=$(count "$v" "$b" "$form" verify)
          vj=$(count "$v" "$b" "$form" verify_json)
          python3 -c "import sys; fl,ve,vj=map(int,sys.argv[1:4]); print(f'| $b/$form | {fl:,} | {ve:,} | **{ve/fl:.2f}** | {vj:,} | **{vj/fl:.2f}** |')" "$fl" "$ve" "$vj"
        done
      done
      echo
    done

    say "Where the time goes beyond the floor: happy-path-v0.3, aws-lc-rs, digest (callgrind, 20 bundles)"
    N=20
    for w in floor verify_json; do
      SIGVERIFY_BENCH_LOOP="happy-path-v0.3,aws-lc-rs,digest,$w,$N" valgrind --tool=callgrind \
        --toggle-collect='*sigverify_bench_measured*' --callgrind-out-file="$OUT/cg.profile.$w.out" "$BIN" \
        > /dev/null 2> "$OUT/cg.profile.$w.log"
      callgrind_annotate --threshold=100 --inclusive=no "$OUT/cg.profile.$w.out" 2> /dev/null > "$OUT/cg.profile.$w.self.txt" || true
      callgrind_annotate --threshold=100 --inclusive=yes "$OUT/cg.profile.$w.out" 2> /dev/null > "$OUT/cg.profile.$w.incl.txt" || true
    done
    python3 - "$OUT/cg.profile.floor.self.txt" "$OUT/cg.profile.verify_json.self.txt" "$OUT/cg.profile.verify_json.incl.txt" "$N" <<'PY'
import re, sys
floorf, wholef, inclf, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def rows(path):
    out = {}
    for line in open(path, errors="replace"):
        m = re.match(r"\s*([\d,]+)\s+(?:\([\s\d.]+%\)\s+)?(.*)$", line)
        if not m or ":" not in m.group(2) or "PROGRAM TOTALS" in line:
            continue
        ir = int(m.group(1).replace(",", ""))
        name = re.sub(r"\s*\[.*\]$", "", m.group(2).split(":", 1)[1]).strip()
        out[name] = out.get(name, 0) + ir
    return out
def category(name):
    l = name.lower()
    if "aws_lc" in l or "nistz256" in l or "sha256_block" in l or "sha512_block" in l:
        return "crypto (aws-lc)"
    if any(k in l for k in ("malloc", "free", "realloc", "calloc", "unlink_chunk", "__rust_alloc", "__rust_dealloc", "raw_vec", "finish_grow")):
        return "allocation"
    if any(k in l for k in ("memcpy", "memmove", "memset", "memcmp", "bcmp")):
        return "memcpy/memset/memcmp"
    if "serde_json" in l or "serde_core" in l or "serde::" in l:
        return "JSON (serde_json)"
    if "base64" in l:
        return "base64"
    if "webpki" in l:
        return "webpki (path validation, not crypto)"
    if any(k in l for k in ("der::", "x509_cert", "spki::", "const_oid")):
        return "DER / X.509 / OID"
    if "regex" in l:
        return "regex"
    if "fmt" in l or "display" in l or "to_string" in l:
        return "formatting (core::fmt)"
    if "sigverify" in l:
        return "sigverify's own code"
    return "other"
fl, wh = rows(floorf), rows(wholef)
def total(path):
    for line in open(path, errors="replace"):
        if "PROGRAM TOTALS" in line:
            return int(line.split()[0].replace(",", ""))
    return 0
tf, tw = total(floorf) / n, total(wholef) / n
if tw == 0:
    print("(no profile: callgrind_annotate found no functions)")
    sys.exit(0)
print(f"- instructions per bundle: whole (verify_json) {tw:,.0f}; floor {tf:,.0f}; overhead {tw-tf:,.0f} ({100*(tw-tf)/tf:.1f}% of the floor)\n")
delta = {k: (wh.get(k, 0) - fl.get(k, 0)) / n for k in set(fl) | set(wh)}
cats = {}
for k, d in delta.items():
    cats[category(k)] = cats.get(category(k), 0) + d
print("Overhead (whole minus floor, self cost) by kind:\n")
print("| kind | Ir per bundle | share of the overhead |\n|---|---|---|")
for c, d in sorted(cats.items(), key=lambda x: -x[1]):
    if abs(d) >= 1:
        print(f"| {c} | {d:,.0f} | {100*d/(tw-tf):.1f}% |")
print("\nTop 30 functions by overhead (whole minus floor, self cost):\n")
print("| Ir per bundle | function |\n|---|---|")
for k, d in sorted(delta.items(), key=lambda x: -x[1])[:30]:
    print(f"| {d:,.0f} | `{k[:150]}` |")
inc = rows(inclf)
print("\nInclusive cost of sigverify's and webpki's functions in the whole verification (crypto included):\n")
print("| Ir per bundle | share | function |\n|---|---|---|")
top = [(k, ir) for k, ir in inc.items() if ("sigverify" in k or "webpki::" in k) and "bench" not in k]
for k, ir in sorted(top, key=lambda x: -x[1])[:25]:
    print(f"| {ir/n:,.0f} | {100*ir/n/tw:.1f}% | `{k[:150]}` |")
PY
    echo
    echo "(raw profiles: callgrind_annotate $OUT/cg.profile.verify_json.out, and .floor.out)"
  fi
fi

# ---------------------------------------------------------------------------------------------
# 3. the CLI
if [ "$CLI" = 1 ]; then
  say "CLI (release build: lto = \"fat\", codegen-units = 1)"
  cargo build -q --release -p sigverify-cli
  SV=$TARGET/release/sigverify
  BUNDLE=$VECTORS/happy-path-v0.3/bundle.sigstore.json
  ART=$VECTORS/a.txt
  ONE=("$SV" verify "$BUNDLE" "$ART" --identity "$IDENTITY" --issuer "$ISSUER")
  "${ONE[@]}" > /dev/null
  peak_kb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'; }

  echo "### One \`sigverify verify\` (happy-path-v0.3, artifact a.txt, embedded public-good root)"
  echo
  if command -v hyperfine > /dev/null; then
    hyperfine -N --warmup 10 --runs 200 --export-json "$OUT/hyperfine-verify.json" \
      "$(printf '%q ' "${ONE[@]}")" > "$OUT/hyperfine-verify.log" 2>&1
    python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"- whole process (hyperfine, 200 runs): mean {r['mean']*1e3:.2f} ms ± {r['stddev']*1e3:.2f} ms, median {r['median']*1e3:.2f} ms, min {r['min']*1e3:.2f} ms\")" "$OUT/hyperfine-verify.json"
  else
    N=200
    t0=$(date +%s%N)
    for _ in $(seq $N); do "${ONE[@]}" > /dev/null; done
    t1=$(date +%s%N)
    echo "- whole process (loop of $N, date +%s%N; hyperfine not installed): mean $(( (t1 - t0) / N / 1000 )) µs"
  fi
  echo "- peak RSS (/usr/bin/time -v): $(peak_kb "${ONE[@]}") KiB"
  if command -v valgrind > /dev/null; then
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.cli.out" "${ONE[@]}" > /dev/null 2> "$OUT/cg.cli.log"
    echo "- instructions of the whole process (callgrind): $(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$OUT/cg.cli.log" | python3 -c 'import sys; print(f"{int(sys.stdin.read()):,}")'); by step (inclusive):"
    echo
    callgrind_annotate --threshold=100 --inclusive=yes "$OUT/cg.cli.out" 2> /dev/null | python3 -c '
import re, sys
want = ["sigverify::main", "sigverify::trusted_root", "sigverify::verify::Verifier::with_options",
        "sigverify::x509::AuthorityChain::new", "sigverify::crypto::PublicKey::from_spki_der",
        "sigverify::bundle::Bundle::from_json", "sigverify::ArtifactInput::load",
        "sigverify::verify::Verifier::verify"]
seen = {}
for line in sys.stdin:
    m = re.match(r"\s*([\d,]+)\s+(?:\([\s\d.]+%\)\s+)?[^\s:]*:(\S+)", line)
    if m and m.group(2) in want and m.group(2) not in seen:
        seen[m.group(2)] = int(m.group(1).replace(",", ""))
print("  | step | instructions |\n  |---|---|")
for w in want:
    if w in seen:
        print(f"  | `{w}` | {seen[w]:,} |")
'
  fi
  echo

  # A manifest of 4000 lines (long enough that reading it and starting threads, which are
  # serial, do not hide the parallel part): the four vectors in turn, artifact and digest forms
  # alternating.
  BATCH=4000
  MAN=$OUT/manifest-$BATCH.jsonl
  BATCH=$BATCH python3 - "$VECTORS" "$MAN" "$IDENTITY" "$ISSUER" <<'PY'
import hashlib, json, os, sys
vec, out, ident, iss = sys.argv[1:5]
names = ["happy-path-v0.3", "happy-path-v0.1", "happy-path-intoto-in-dsse-v3", "rekor2-happy-path"]
art = os.path.join(vec, "a.txt")
digest = "sha256:" + hashlib.sha256(open(art, "rb").read()).hexdigest()
with open(out, "w") as f:
    for i in range(int(os.environ["BATCH"])):
        n = names[i % 4]
        line = {"bundle": os.path.join(vec, n, "bundle.sigstore.json"), "identity": ident, "issuer": iss}
        if (i // 4) % 2 == 0:
            line["artifact"] = art
        else:
            line["digest"] = digest
        tr = os.path.join(vec, n, "trusted_root.json")
        if os.path.exists(tr):
            line["trusted_root"] = tr
        f.write(json.dumps(line) + "\n")
PY
  "$SV" verify-batch "$MAN" --jobs 1 > /dev/null
  echo "### \`sigverify verify-batch\` on $BATCH bundles (4 vectors in turn; artifact and digest forms)"
  echo
  echo "| jobs | time (mean ± σ) | bundles/s | speed-up | peak RSS |"
  echo "|---|---|---|---|---|"
  T1=
  for j in 1 2; do
    if command -v hyperfine > /dev/null; then
      hyperfine -N --warmup 1 --runs 5 --export-json "$OUT/hyperfine-batch-$j.json" \
        "$SV verify-batch $MAN --jobs $j" > "$OUT/hyperfine-batch-$j.log" 2>&1
      read -r MEAN SD < <(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(r['mean'], r['stddev'])" "$OUT/hyperfine-batch-$j.json")
    else
      t0=$(date +%s%N)
      for _ in 1 2 3 4 5; do "$SV" verify-batch "$MAN" --jobs $j > /dev/null; done
      t1=$(date +%s%N)
      MEAN=$(python3 -c "print(($t1 - $t0) / 5 / 1e9)"); SD=0
    fi
    [ -z "$T1" ] && T1=$MEAN
    python3 -c "import sys; m,s,t1=map(float,sys.argv[1:4]); print(f'| $j | {m*1e3:.1f} ms ± {s*1e3:.1f} | {$BATCH/m:,.0f} | {t1/m:.2f}× | $(peak_kb "$SV" verify-batch "$MAN" --jobs $j) KiB |')" "$MEAN" "$SD" "$T1"
  done
  echo
  echo "(goal: --jobs 2 at least 1.8× --jobs 1 on 2 idle cores)"
fi

# ---------------------------------------------------------------------------------------------
# 4. every face against the core
if [ "$FACES" = 1 ]; then
  say "Every face against the core (bench/faces.py --rounds 9 --iterations 2500)"
  python3 bench/faces.py --rounds 9 --iterations 2500
fi

say "Load"
echo "- load average at the end (1, 5, 15 min): $(load) on $(nproc) cores"
echo
echo "Report: $REPORT"
