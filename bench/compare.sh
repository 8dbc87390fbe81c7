#!/usr/bin/env bash
# sigverify side by side with the other Sigstore verifiers, on the same bundles, in one run.
#
#   bench/compare.sh --install   installs the peers into git-ignored folders here, then compares:
#       sigstore-python  (PyPI `sigstore`)                      -> bench/.venv
#       sigstore-js      (npm `@sigstore/verify`, `@sigstore/bundle`) -> bench/node_modules
#       sigstore-rust    (crates.io `sigstore-verify`, through bench/peers/src/main.rs)
#                                                               -> bench/peers/target
#   bench/compare.sh             compares with whatever is installed; a peer that is not is
#                                reported as such, never guessed.
#   bench/compare.sh --interleaved   only the interleaved sigverify / sigstore-rust section.
#
# For each conformance vector (happy-path-v0.3, happy-path-v0.1, happy-path-intoto-in-dsse-v3,
# rekor2-happy-path), artifact given as bytes (a.txt):
#   - in-process: the verifier prepared once, then bundle parsing + verification per bundle,
#     from memory (sigverify: Verifier::verify_json in the core's bench binary, aws-lc-rs); the
#     best of 3 loops of about 0.5 s each;
#   - whole process: one verification from the command line (read files, trusted root, verify),
#     with hyperfine when installed (else a shell loop): median and minimum of 20 runs;
#   - ratios to sigverify use the minimum of each (on a shared, loaded machine the minimum is
#     the reproducible number; the medians are shown too);
#   - peak RSS of that process (/usr/bin/time -v);
#   - sigverify and sigstore-rust again in interleaved rounds (bench/peers/interleave.py:
#     INTERLEAVE_ROUNDS, default 9): both in-process loops, then whole processes alternating,
#     each ratio the median of the per-round ratios (the figures issue 23 sets targets for);
#   - for the native verifiers (sigverify, sigstore-rust), instructions (valgrind callgrind),
#     which the load of a shared machine does not disturb: per bundle in-process (10 bundles),
#     and for the whole process.
# The peers' harnesses (bench/peers/) read the trusted root from a file: the vector's own, or
# core/roots/public-good.trusted_root.json (the root sigverify embeds). Nothing goes online.
# Output: stdout, and a Markdown copy in $BENCH_OUT (default target/bench-report/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench

INSTALL=0 RUNS=20 SECONDS_IN=0.5 REPEAT=3 ONLY_INTERLEAVED=0
while [ $# -gt 0 ]; do
  case "$1" in
    --install) INSTALL=1 ;;
    --runs) RUNS=$2; shift ;;
    --interleaved) ONLY_INTERLEAVED=1 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=${BENCH_OUT:-$TARGET/bench-report}
mkdir -p "$OUT"
REPORT=$OUT/compare-$(date -u +%Y%m%dT%H%M%SZ).md
VECTORS=${SIGVERIFY_CONFORMANCE_DIR:-$ROOT/../shared/vectors/conformance}
[ -d "$VECTORS/happy-path-v0.3" ] || { echo "no conformance vectors at $VECTORS (set SIGVERIFY_CONFORMANCE_DIR)" >&2; exit 2; }
VECTORS=$(cd "$VECTORS" && pwd)
export SIGVERIFY_CONFORMANCE_DIR=$VECTORS
IDENTITY="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
ISSUER="https://token.actions.githubusercontent.com"
NAMES="happy-path-v0.3 happy-path-v0.1 happy-path-intoto-in-dsse-v3 rekor2-happy-path"
PUBLIC_GOOD=$ROOT/core/roots/public-good.trusted_root.json
PEER_RS=$BENCH/peers/target/release/peer-sigstore-rs

exec > >(tee "$REPORT") 2>&1

# ---------------------------------------------------------------------------------------------
if [ "$INSTALL" = 1 ]; then
  echo "## Installing the peers (into git-ignored folders under bench/)"
  if python3 -m venv "$BENCH/.venv" && "$BENCH/.venv/bin/pip" install -q --upgrade sigstore; then
    echo "- sigstore-python: $("$BENCH/.venv/bin/pip" show sigstore | sed -n 's/^Version: //p')"
  else
    echo "- sigstore-python: NOT INSTALLABLE here (pip install sigstore failed)"
  fi
  if (cd "$BENCH" && npm install --no-save --no-package-lock --no-audit --no-fund --prefix . \
        @sigstore/verify @sigstore/bundle > "$OUT/npm-install.log" 2>&1); then
    echo "- sigstore-js: @sigstore/verify $(node -p "require('$BENCH/node_modules/@sigstore/verify/package.json').version")"
  else
    echo "- sigstore-js: NOT INSTALLABLE here (npm install failed, see $OUT/npm-install.log)"
  fi
  if (cd "$BENCH/peers" && cargo build -q --release > "$OUT/peer-rs-build.log" 2>&1); then
    echo "- sigstore-rust: sigstore-verify $(cd "$BENCH/peers" && cargo tree -q --depth 1 -e normal 2>/dev/null | sed -n 's/.*sigstore-verify v\([^ ]*\).*/\1/p' | head -1)"
  else
    echo "- sigstore-rust: NOT INSTALLABLE here (cargo build of bench/peers failed, see $OUT/peer-rs-build.log)"
  fi
  echo
fi

# ---------------------------------------------------------------------------------------------
echo "## Machine"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); memory: $(free -h | awk '/^Mem:/ {print $2}')"
echo "- load average at start (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# sigverify itself: the CLI and the core's bench binary (in-process loop, aws-lc-rs).
cargo build -q --release -p sigverify-cli
SV=$TARGET/release/sigverify
BENCH_BIN=$(cargo bench -q -p sigverify --bench bundles --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "bundles" and m.get("executable"):
        print(m["executable"])' | tail -1)

# Which peers are here.
PEERS="sigverify"
NOTES=()
if [ -x "$BENCH/.venv/bin/python" ] && "$BENCH/.venv/bin/python" -c 'import sigstore' 2> /dev/null; then
  PEERS="$PEERS sigstore-python"
  NOTES+=("sigstore-python $("$BENCH/.venv/bin/python" -c 'import sigstore; print(sigstore.__version__)') ($("$BENCH/.venv/bin/python" --version))")
else
  NOTES+=("sigstore-python: not installed (bench/compare.sh --install); no numbers")
fi
if [ -d "$BENCH/node_modules/@sigstore/verify" ] && command -v node > /dev/null; then
  PEERS="$PEERS sigstore-js"
  NOTES+=("sigstore-js: @sigstore/verify $(node -p "require('$BENCH/node_modules/@sigstore/verify/package.json').version") (node $(node --version))")
else
  NOTES+=("sigstore-js: not installed (bench/compare.sh --install); no numbers")
fi
if [ -x "$PEER_RS" ]; then
  PEERS="$PEERS sigstore-rust"
  NOTES+=("sigstore-rust: crate sigstore-verify $(cd "$BENCH/peers" && cargo tree -q --offline --depth 1 -e normal 2>/dev/null | sed -n 's/.*sigstore-verify v\([^ ]*\).*/\1/p' | head -1) (aws-lc-rs, release, lto = \"fat\")")
else
  NOTES+=("sigstore-rust: not built (bench/compare.sh --install); no numbers")
fi
NOTES+=("sigverify $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo '+changes') (aws-lc-rs, release, lto = \"fat\")")
echo "## Verifiers"
echo
for n in "${NOTES[@]}"; do echo "- $n"; done
echo

# argv of a whole-process verification, and of an in-process loop of N bundles.
cmd_once() { # peer vector
  local b=$VECTORS/$2/bundle.sigstore.json root=$PUBLIC_GOOD own=
  [ -f "$VECTORS/$2/trusted_root.json" ] && { root=$VECTORS/$2/trusted_root.json; own=1; }
  case $1 in
    sigverify) printf '%q ' "$SV" verify-bundle --bundle "$b" --certificate-identity "$IDENTITY" \
                 --certificate-oidc-issuer "$ISSUER" ${own:+--trusted-root "$root"} "$VECTORS/a.txt" ;;
    sigstore-python) printf '%q ' "$BENCH/.venv/bin/python" "$BENCH/peers/py_verify.py" once "$b" "$VECTORS/a.txt" "$root" "$IDENTITY" "$ISSUER" ;;
    sigstore-js) printf '%q ' node "$BENCH/peers/js_verify.js" once "$b" "$VECTORS/a.txt" "$root" "$IDENTITY" "$ISSUER" ;;
    sigstore-rust) printf '%q ' "$PEER_RS" once "$b" "$VECTORS/a.txt" "$root" "$IDENTITY" "$ISSUER" ;;
  esac
}
in_process_ns() { # peer vector iterations
  local b=$VECTORS/$2/bundle.sigstore.json root=$PUBLIC_GOOD
  [ -f "$VECTORS/$2/trusted_root.json" ] && root=$VECTORS/$2/trusted_root.json
  case $1 in
    sigverify) SIGVERIFY_BENCH_LOOP="$2,aws-lc-rs,bytes,verify_json,$3" "$BENCH_BIN" ;;
    sigstore-python) "$BENCH/.venv/bin/python" "$BENCH/peers/py_verify.py" loop "$b" "$VECTORS/a.txt" "$root" "$IDENTITY" "$ISSUER" "$3" ;;
    sigstore-js) node "$BENCH/peers/js_verify.js" loop "$b" "$VECTORS/a.txt" "$root" "$IDENTITY" "$ISSUER" "$3" ;;
    sigstore-rust) "$PEER_RS" loop "$b" "$VECTORS/a.txt" "$root" "$IDENTITY" "$ISSUER" "$3" ;;
  esac | sed -n 's/^ns_per_iter=//p'
}
iterations() { # about SECONDS_IN seconds of work, from a first estimate
  local est
  est=$(in_process_ns "$1" "$2" 3 || echo 0)
  python3 -c "import sys; e=float(sys.argv[1] or 0); print(max(5, min(5000, int($SECONDS_IN*1e9/e))) if e>0 else 5)" "${est:-0}"
}
best_ns() { # peer vector iterations: the best of REPEAT loops
  local best= x
  for _ in $(seq "$REPEAT"); do
    x=$(in_process_ns "$1" "$2" "$3")
    best=$(python3 -c "import sys; a=[float(v) for v in sys.argv[1:] if v]; print(f'{min(a):.0f}' if a else '')" "$x" "$best")
  done
  echo "$best"
}
whole_ms() { # peer vector -> "median min" in ms
  local c
  c=$(cmd_once "$1" "$2")
  if command -v hyperfine > /dev/null; then
    hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$OUT/cmp-$1-$2.json" "$c" > /dev/null 2>&1 || { echo "- -"; return; }
    python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"{r['median']*1e3:.2f} {r['min']*1e3:.2f}\")" "$OUT/cmp-$1-$2.json"
  else
    local t0 t1
    local t0 t1 all=()
    for _ in $(seq "$RUNS"); do
      t0=$(date +%s%N); eval "$c" > /dev/null 2>&1; t1=$(date +%s%N)
      all+=($((t1 - t0)))
    done
    python3 -c "import statistics,sys; a=[int(x)/1e6 for x in sys.argv[1:]]; print(f'{statistics.median(a):.2f} {min(a):.2f}')" "${all[@]}"
  fi
}
ir_once() { # peer vector: instructions of one whole process (callgrind), native verifiers only
  case $1 in sigverify|sigstore-rust) ;; *) echo "-"; return ;; esac
  command -v valgrind > /dev/null || { echo "-"; return; }
  local c
  c=$(cmd_once "$1" "$2")
  eval "valgrind --tool=callgrind --callgrind-out-file=$OUT/cg.once.$1.$2.out $c" 2>&1 > /dev/null \
    | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
ir_in_process() { # peer vector: instructions per bundle in-process (callgrind), native only
  command -v valgrind > /dev/null || { echo "-"; return; }
  local b=$VECTORS/$2/bundle.sigstore.json root=$PUBLIC_GOOD f=$OUT/cg.inproc.$1.$2.out n=10
  [ -f "$VECTORS/$2/trusted_root.json" ] && root=$VECTORS/$2/trusted_root.json
  case $1 in
    sigverify) SIGVERIFY_BENCH_LOOP="$2,aws-lc-rs,bytes,verify_json,$n" valgrind --tool=callgrind \
                 --toggle-collect='*sigverify_bench_measured*' --callgrind-out-file="$f" "$BENCH_BIN" ;;
    sigstore-rust) valgrind --tool=callgrind --toggle-collect='*peer_bench_measured*' \
                 --callgrind-out-file="$f" "$PEER_RS" loop "$b" "$VECTORS/a.txt" "$root" "$IDENTITY" "$ISSUER" "$n" ;;
    *) echo "-"; return ;;
  esac 2>&1 > /dev/null | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' \
    | python3 -c "import sys; k=sys.stdin.read().strip(); print(int(k)//$n if k else '-')"
}
peak_mib() { # peer vector
  local c
  c=$(cmd_once "$1" "$2")
  eval "/usr/bin/time -v $c" 2>&1 > /dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p' \
    | python3 -c "import sys; k=sys.stdin.read().strip(); print(f'{int(k)/1024:.1f}' if k else '-')"
}

if [ "$ONLY_INTERLEAVED" = 0 ]; then
echo "## Per bundle, artifact as bytes (in-process: best of $REPEAT loops; whole process: median and min of $RUNS runs; ratios on the minimum)"
echo
TSV=$OUT/compare.tsv
: > "$TSV"
for v in $NAMES; do
  for p in $PEERS; do
    ok=1
    eval "$(cmd_once "$p" "$v")" > /dev/null 2> "$OUT/cmp-$p-$v.err" || ok=0
    if [ $ok = 0 ]; then
      printf '%s\t%s\tFAIL\t-\t-\t-\t-\t-\n' "$v" "$p" >> "$TSV"
      continue
    fi
    n=$(iterations "$p" "$v")
    ns=$(best_ns "$p" "$v" "$n")
    read -r wmed wmin < <(whole_ms "$p" "$v")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$p" "${ns:--}" "$wmed" "$wmin" "$(peak_mib "$p" "$v")" "$(ir_once "$p" "$v")" "$(ir_in_process "$p" "$v")" >> "$TSV"
  done
done
python3 - "$TSV" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = {}
for v, p, ns, wmed, wmin, rss, ir, irp in rows:
    by.setdefault(v, []).append((p, ns, wmed, wmin, rss, ir, irp))
def num(x):
    try:
        return float(x)
    except ValueError:
        return None
for v, items in by.items():
    base = dict((p, (num(ns), num(wmin), num(ir), num(irp))) for p, ns, _, wmin, _, ir, irp in items).get("sigverify", (None, None, None, None))
    print(f"**{v}**\n")
    print("| verifier | in-process per bundle | × sigverify | in-process, instructions | × sigverify | whole process: min (median) | × sigverify | whole process, instructions | × sigverify | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for p, ns, wmed, wmin, rss, ir, irp in items:
        if ns == "FAIL":
            print(f"| {p} | rejected the bundle (see cmp-{p}-{v}.err) | | | | | | | | |")
            continue
        i, ii = num(ir), num(irp)
        ip_ir = f"{i/1e6:.2f} M" if i else "-"
        r3 = f"{i/base[2]:.2f}×" if i and base[2] else "-"
        in_ir = f"{ii/1e6:.2f} M" if ii else "-"
        r4 = f"{ii/base[3]:.2f}×" if ii and base[3] else "-"
        n, w = num(ns), num(wmin)
        ip = f"{n/1000:,.0f} µs" if n else "-"
        r1 = f"{n/base[0]:.2f}×" if n and base[0] else "-"
        wp = f"{w:.2f} ms ({float(wmed):.2f} ms)" if w else "-"
        r2 = f"{w/base[1]:.2f}×" if w and base[1] else "-"
        print(f"| {p} | {ip} | {r1} | {in_ir} | {r4} | {wp} | {r2} | {ip_ir} | {r3} | {rss} MiB |")
    print()
PY
fi

# sigverify against sigstore-rust in interleaved rounds (issue 23's two ratios): medians of the
# per-round ratios, in-process and whole process (bench/peers/interleave.py).
if [[ " $PEERS " == *" sigstore-rust "* ]]; then
  echo "## sigverify and sigstore-rust, interleaved"
  echo
  SPEC=$OUT/interleave.json
  echo '{}' > "$SPEC"
  for v in $NAMES; do
    n=$(iterations sigverify "$v")
    b=$VECTORS/$v/bundle.sigstore.json root=$PUBLIC_GOOD
    [ -f "$VECTORS/$v/trusted_root.json" ] && root=$VECTORS/$v/trusted_root.json
    python3 - "$SPEC" "$v" \
      "SIGVERIFY_BENCH_LOOP=$v,aws-lc-rs,bytes,verify_json,$n $(printf '%q' "$BENCH_BIN")" \
      "$(printf '%q ' "$PEER_RS" loop "$b" "$VECTORS/a.txt" "$root" "$IDENTITY" "$ISSUER" "$n")" \
      "$(cmd_once sigverify "$v")" "$(cmd_once sigstore-rust "$v")" <<'PY'
import json, sys
path, v, a, b, c, d = sys.argv[1:]
spec = json.load(open(path))
spec[v] = {"inproc": {"sigverify": a, "sigstore-rust": b}, "once": {"sigverify": c, "sigstore-rust": d}}
json.dump(spec, open(path, "w"), indent=1)
PY
  done
  python3 "$BENCH/peers/interleave.py" "$SPEC" --rounds "${INTERLEAVE_ROUNDS:-9}" --runs 5
  echo
fi
echo "- load average at the end (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo
echo "Report: $REPORT"
