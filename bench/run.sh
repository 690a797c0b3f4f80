#!/usr/bin/env bash
# Benchmark harness: runs the Dast benchmarks (bench/*.dast) beside their C and Lua
# peers (bench/peers/), checks every program's output, and prints a table of median
# wall times with the ratios dast/Lua 5.4 and dast/C and their geometric means.
#
#   bench/run.sh                      build dast (release), 3 runs of every benchmark
#   bench/run.sh -n 5 --only fib,loop
#   bench/run.sh --dast-args "--mode=release"     (arguments passed to `dast run`)
#   bench/run.sh --help
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

ALL_BENCHES=(fib loop nbody sieve records strcat hashmap enum_vm entities quicksort)
declare -A EXPECTED=(
    [fib]="2178309"
    [loop]="99999998"
    [nbody]=$'-0.169075164\n-0.169086185'
    [sieve]="664579"
    [records]="374997763012.908203"
    [strcat]="4250000"
    [hashmap]="499999500000"
    [enum_vm]="13500022500000"
    [entities]="26020600"
    [quicksort]="71071195"
)

RUNS=3
ONLY=""
DAST_ARGS=""
BUILD=1
INSTALL=ask          # ask | yes | no
USE_HYPERFINE=1
DAST_BIN="$ROOT/target/release/dast"
PEERS=""

usage() {
    cat <<'EOF'
usage: bench/run.sh [options]
  -n, --runs N          timed runs per program (median is reported; default 3)
  --only LIST           comma-separated benchmarks (fib,loop,nbody,sieve,records,strcat,hashmap,enum_vm,
                        entities,quicksort)
  --dast-args ARGS      extra arguments for `dast run` (e.g. "--mode=release")
  --no-build            do not run `cargo build --release -p dast-cli`
  --dast PATH           dast binary to use (default: target/release/dast)
  --peers DIR           directory holding c/ and lua/ peers (default: bench/peers,
                        then /work/shared/bench/peers)
  --install-peers       install missing Lua 5.4 / LuaJIT / hyperfine without asking
  --no-install          never offer to install missing peers
  --no-hyperfine        time with the built-in loop even if hyperfine is installed
  -h, --help            this help
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        -n|--runs) RUNS="${2:?-n needs a number}"; shift 2 ;;
        --runs=*) RUNS="${1#*=}"; shift ;;
        --only) ONLY="${2:?--only needs a list}"; shift 2 ;;
        --only=*) ONLY="${1#*=}"; shift ;;
        --dast-args) DAST_ARGS="${2-}"; shift 2 ;;
        --dast-args=*) DAST_ARGS="${1#*=}"; shift ;;
        --no-build) BUILD=0; shift ;;
        --dast) DAST_BIN="${2:?--dast needs a path}"; BUILD=0; shift 2 ;;
        --dast=*) DAST_BIN="${1#*=}"; BUILD=0; shift ;;
        --peers) PEERS="${2:?--peers needs a directory}"; shift 2 ;;
        --peers=*) PEERS="${1#*=}"; shift ;;
        --install-peers) INSTALL=yes; shift ;;
        --no-install) INSTALL=no; shift ;;
        --no-hyperfine) USE_HYPERFINE=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 64 ;;
    esac
done

if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: -n wants a positive integer, got '$RUNS'" >&2
    exit 64
fi

BENCHES=()
if [ -n "$ONLY" ]; then
    IFS=',' read -r -a wanted <<<"$ONLY"
    for w in "${wanted[@]}"; do
        w="${w// /}"
        [ -z "$w" ] && continue
        if [ -z "${EXPECTED[$w]+x}" ]; then
            echo "error: unknown benchmark '$w' (known: ${ALL_BENCHES[*]})" >&2
            exit 64
        fi
        BENCHES+=("$w")
    done
else
    BENCHES=("${ALL_BENCHES[@]}")
fi
read -r -a DAST_ARGV <<<"$DAST_ARGS"

note() { echo "note: $*" >&2; }
warn() { echo "WARNING: $*" >&2; }

# ---------------------------------------------------------------- peers
if [ -z "$PEERS" ]; then
    if [ -d "$HERE/peers" ]; then
        PEERS="$HERE/peers"
    elif [ -d /work/shared/bench/peers ]; then
        PEERS=/work/shared/bench/peers
    fi
fi
[ -n "$PEERS" ] || note "no peer sources found (bench/peers or /work/shared/bench/peers): running dast only"

find_lua54() {
    local c
    for c in lua5.4 lua54 lua; do
        if command -v "$c" >/dev/null 2>&1 && "$c" -v 2>&1 | grep -q 'Lua 5\.4'; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}
find_tools() {
    LUA54="$(find_lua54 || true)"
    LUAJIT="$(command -v luajit 2>/dev/null || true)"
    HYPERFINE=""
    if [ "$USE_HYPERFINE" = 1 ]; then
        HYPERFINE="$(command -v hyperfine 2>/dev/null || true)"
    fi
}
find_tools

missing=()
[ -n "$LUA54" ] || missing+=("Lua 5.4")
[ -n "$LUAJIT" ] || missing+=("LuaJIT")
[ "$USE_HYPERFINE" = 0 ] || [ -n "$HYPERFINE" ] || missing+=("hyperfine")
if [ ${#missing[@]} -gt 0 ] && [ -n "$PEERS" ]; then
    installer="$ROOT/scripts/install-peers.sh"
    do_install=0
    case "$INSTALL" in
        yes) do_install=1 ;;
        ask)
            if [ -t 0 ] && [ -t 1 ]; then
                printf 'Missing: %s. Install them with scripts/install-peers.sh (apt-get)? [y/N] ' "$(IFS=,; echo "${missing[*]}" | sed 's/,/, /g')"
                read -r answer || answer=""
                case "$answer" in y|Y|yes|YES) do_install=1 ;; esac
            else
                note "missing: $(IFS=,; echo "${missing[*]}" | sed 's/,/, /g'); run scripts/install-peers.sh (or pass --install-peers) to add them"
            fi
            ;;
    esac
    if [ "$do_install" = 1 ]; then
        if bash "$installer"; then
            find_tools
        else
            warn "installing peers failed; continuing with what is available"
        fi
    fi
fi

# ---------------------------------------------------------------- build dast
if [ "$BUILD" = 1 ]; then
    echo "building dast: cargo build --release -p dast-cli" >&2
    if ! (cd "$ROOT" && cargo build --release -p dast-cli >&2); then
        echo "error: cargo build failed" >&2
        exit 1
    fi
fi
HAVE_DAST=1
if [ ! -x "$DAST_BIN" ]; then
    warn "dast binary not found at $DAST_BIN: the dast column will be empty"
    HAVE_DAST=0
fi

# ---------------------------------------------------------------- compile C peers
TMP="$(mktemp -d "${TMPDIR:-/tmp}/dast-bench.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
HAVE_C=0
if [ -n "$PEERS" ] && [ -d "$PEERS/c" ]; then
    if command -v gcc >/dev/null 2>&1; then
        HAVE_C=1
        for b in "${BENCHES[@]}"; do
            if [ -f "$PEERS/c/$b.c" ]; then
                gcc -O2 -o "$TMP/c_$b" "$PEERS/c/$b.c" -lm 2>"$TMP/gcc_$b.log" ||
                    warn "gcc failed on $b.c: $(head -3 "$TMP/gcc_$b.log")"
            fi
        done
    else
        note "gcc not found: skipping the C peers"
    fi
fi
[ -n "$PEERS" ] && [ ! -d "$PEERS/lua" ] && note "no Lua peers in $PEERS/lua: skipping Lua"
[ -n "$LUA54" ] || note "Lua 5.4 not found (lua5.4 / lua54 / lua reporting 5.4): column left empty"
[ -n "$LUAJIT" ] || note "luajit not found: LuaJIT columns left empty"

# ---------------------------------------------------------------- timing
# median_seconds CMD... : prints the median wall time of RUNS runs (stdout discarded).
median_seconds() {
    if [ -n "$HYPERFINE" ]; then
        local json="$TMP/hf.json" cmdline="" a
        for a in "$@"; do cmdline+="$(printf '%q' "$a") "; done
        if "$HYPERFINE" --runs "$RUNS" --warmup 0 -N --style none --export-json "$json" -- "$cmdline" >/dev/null 2>&1 ||
            "$HYPERFINE" --runs "$RUNS" --warmup 0 --style none --export-json "$json" -- "$cmdline" >/dev/null 2>&1; then
            if command -v python3 >/dev/null 2>&1; then
                python3 -c 'import json,sys; print("%.6f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$json"
            else
                grep -o '"median": *[0-9.eE+-]*' "$json" | head -1 | sed 's/.*: *//'
            fi
            return 0
        fi
        note "hyperfine failed for: $cmdline; timing with the built-in loop"
    fi
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$RUNS" "$@" <<'PY'
import statistics, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - t0)
print("%.6f" % statistics.median(times))
PY
        return 0
    fi
    local i t0 t1 ts=()
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        ts+=("$((t1 - t0))")
    done
    printf '%s\n' "${ts[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.6f\n", m / 1e9 }'
}

IMPLS=(dast c luajit luajit_joff lua54)
declare -A LABEL=([dast]="dast" [c]="C" [luajit]="LuaJIT" [luajit_joff]="LuaJIT -joff" [lua54]="Lua 5.4")
declare -A TIME=()       # TIME[bench,impl] = seconds
declare -A STATUS=()     # STATUS[bench,impl] = ok | mismatch | fail
MISMATCHES=()

# command_for BENCH IMPL: sets CMD (array); returns 1 when unavailable.
command_for() {
    local b="$1" impl="$2"
    CMD=()
    case "$impl" in
        dast) [ "$HAVE_DAST" = 1 ] && [ -f "$HERE/$b.dast" ] || return 1
              CMD=("$DAST_BIN" run ${DAST_ARGV[@]+"${DAST_ARGV[@]}"} "$HERE/$b.dast") ;;
        c) [ "$HAVE_C" = 1 ] && [ -x "$TMP/c_$b" ] || return 1
           CMD=("$TMP/c_$b") ;;
        luajit) [ -n "$LUAJIT" ] && [ -f "$PEERS/lua/$b.lua" ] || return 1
                CMD=("$LUAJIT" "$PEERS/lua/$b.lua") ;;
        luajit_joff) [ -n "$LUAJIT" ] && [ -f "$PEERS/lua/$b.lua" ] || return 1
                     CMD=("$LUAJIT" -joff "$PEERS/lua/$b.lua") ;;
        lua54) [ -n "$LUA54" ] && [ -f "$PEERS/lua/$b.lua" ] || return 1
               CMD=("$LUA54" "$PEERS/lua/$b.lua") ;;
    esac
    return 0
}

for b in "${BENCHES[@]}"; do
    for impl in "${IMPLS[@]}"; do
        command_for "$b" "$impl" || continue
        printf '%-8s %-13s ' "$b" "${LABEL[$impl]}" >&2
        # One untimed run checks the output (and warms the caches).
        out="$("${CMD[@]}" 2>"$TMP/stderr")"
        rc=$?
        # compare ignoring trailing whitespace
        got="$(printf '%s' "$out" | sed -e 's/[[:space:]]*$//')"
        want="${EXPECTED[$b]}"
        if [ $rc -ne 0 ]; then
            STATUS[$b,$impl]=fail
            MISMATCHES+=("$b/${LABEL[$impl]}: exit status $rc; stderr: $(head -c 300 "$TMP/stderr" | tr '\n' ' ')")
            echo "FAILED (exit $rc)" >&2
            continue
        elif [ "$got" != "$want" ]; then
            STATUS[$b,$impl]=mismatch
            MISMATCHES+=("$b/${LABEL[$impl]}: expected [$(echo "$want" | tr '\n' ' ')] got [$(echo "$got" | tr '\n' ' ')]")
            printf 'OUTPUT MISMATCH ' >&2
        else
            STATUS[$b,$impl]=ok
        fi
        t="$(median_seconds "${CMD[@]}")"
        TIME[$b,$impl]="$t"
        echo "$t s" >&2
    done
done

# ---------------------------------------------------------------- table
fmt_time() {  # bench impl
    local v="${TIME[$1,$2]-}" s="${STATUS[$1,$2]-}"
    if [ "$s" = fail ]; then echo "FAIL"; return; fi
    [ -z "$v" ] && { echo "-"; return; }
    local mark=""
    [ "$s" = mismatch ] && mark="!"
    awk -v v="$v" -v m="$mark" 'BEGIN { if (v < 10) printf "%.3f%s", v, m; else printf "%.2f%s", v, m }'
}
ratio() {  # bench implA implB -> A/B when both ran with correct output
    local a="${TIME[$1,$2]-}" b="${TIME[$1,$3]-}"
    if [ -z "$a" ] || [ -z "$b" ] || [ "${STATUS[$1,$2]}" != ok ] || [ "${STATUS[$1,$3]}" != ok ]; then
        echo "-"
        return
    fi
    awk -v a="$a" -v b="$b" 'BEGIN { if (b <= 0) print "-"; else printf "%.2f", a / b }'
}
geomean() {  # list of numbers ("-" skipped)
    printf '%s\n' "$@" | awk '$1 != "-" && $1 > 0 { s += log($1); n++ } END { if (n) printf "%.2f (%d)", exp(s / n), n; else printf "-" }'
}

echo
echo "median wall seconds of $RUNS run(s), process start-up included$( [ -n "$DAST_ARGS" ] && echo "; dast run $DAST_ARGS")"
echo
printf '| %-8s | %9s | %9s | %9s | %12s | %9s | %11s | %7s |\n' bench dast C LuaJIT "LuaJIT -joff" "Lua 5.4" "dast/Lua5.4" "dast/C"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "----------" "-----------" "-----------" "-----------" "--------------" "-----------" "-------------" "---------"
R_LUA=()
R_C=()
declare -A VS_LUA=()
for b in "${BENCHES[@]}"; do
    rl="$(ratio "$b" dast lua54)"
    rc="$(ratio "$b" dast c)"
    R_LUA+=("$rl")
    R_C+=("$rc")
    for impl in dast c luajit luajit_joff; do
        VS_LUA[$impl]+="$(ratio "$b" "$impl" lua54) "
    done
    printf '| %-8s | %9s | %9s | %9s | %12s | %9s | %11s | %7s |\n' "$b" \
        "$(fmt_time "$b" dast)" "$(fmt_time "$b" c)" "$(fmt_time "$b" luajit)" \
        "$(fmt_time "$b" luajit_joff)" "$(fmt_time "$b" lua54)" "$rl" "$rc"
done
echo
# shellcheck disable=SC2086
echo "geometric mean dast/Lua5.4: $(geomean "${R_LUA[@]}")   dast/C: $(geomean "${R_C[@]}")   (number of benchmarks in parentheses)"
# shellcheck disable=SC2086
echo "geometric mean vs Lua 5.4:  dast $(geomean ${VS_LUA[dast]})  C $(geomean ${VS_LUA[c]})  LuaJIT $(geomean ${VS_LUA[luajit]})  LuaJIT -joff $(geomean ${VS_LUA[luajit_joff]})"
echo "(\"!\" after a time: wrong output; FAIL: non-zero exit; -: not available)"

if [ ${#MISMATCHES[@]} -gt 0 ]; then
    echo
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "!!! ${#MISMATCHES[@]} program(s) printed the wrong output or failed:"
    for m in "${MISMATCHES[@]}"; do
        echo "!!!   $m"
    done
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    exit 2
fi
exit 0
