#!/usr/bin/env bash
# Two Dast programs that must print the same, timed on bytecode and on machine code:
# the shared driver of bench/generic, bench/iter and bench/dispatch. Prints median wall
# seconds of N runs (default 5) and the ratio B/A per mode, as a Markdown table.
#   bench/pair.sh DIR A B [-n N] [--dast PATH]
# (DIR/A.dast is the reference, DIR/B.dast the one measured against it.)
# Also usable as a library: `source bench/pair.sh` defines `median CMD...`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=${RUNS:-5}
DAST=${DAST:-"$ROOT/target/release/dast"}

median() {  # median wall seconds of RUNS runs of "$@"
    python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time, statistics
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
print(f"{statistics.median(times):.3f}")
PY
}

# Parses `-n N` and `--dast PATH` (the options every bench script takes).
bench_options() {
    while [ $# -gt 0 ]; do
        case "$1" in
            -n) RUNS="$2"; shift 2 ;;
            --dast) DAST="$2"; shift 2 ;;
            *) echo "usage: $0 [-n N] [--dast PATH]" >&2; exit 2 ;;
        esac
    done
    [ -x "$DAST" ] || (cd "$ROOT" && cargo build --release -p dast-cli)
}

# DIR/A.dast and DIR/B.dast print the same, on bytecode and on machine code.
same_output() {
    local dir=$1 a=$2 b=$3
    local want got mode kind
    want="$("$DAST" run "$dir/$a.dast")"
    for mode in dev release; do
        for kind in "$a" "$b"; do
            got="$("$DAST" run --mode=$mode "$dir/$kind.dast")"
            [ "$got" = "$want" ] || { echo "$kind ($mode) printed $got, expected $want" >&2; exit 1; }
        done
    done
}

# The output check, then the table.
pair_table() {
    local dir=$1 a=$2 b=$3
    local mode ta tb name
    same_output "$dir" "$a" "$b"
    printf '| | %s | %s | %s/%s |\n|---|---|---|---|\n' "$a" "$b" "$b" "$a"
    for mode in dev release; do
        ta="$(median "$DAST" run --mode=$mode "$dir/$a.dast")"
        tb="$(median "$DAST" run --mode=$mode "$dir/$b.dast")"
        name="dast bytecode"; [ "$mode" = release ] && name="dast native"
        printf '| %s | %s | %s | %s |\n' "$name" "$ta" "$tb" "$(python3 -c "print(f'{$tb/$ta:.2f}')")"
    done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    [ $# -ge 3 ] || { echo "usage: $0 DIR A B [-n N] [--dast PATH]" >&2; exit 2; }
    dir=$1 a=$2 b=$3
    shift 3
    bench_options "$@"
    pair_table "$dir" "$a" "$b"
fi
