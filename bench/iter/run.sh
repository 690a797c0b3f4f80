#!/usr/bin/env bash
# An iterator chain against the hand-written loop: bench/iter/{chain,hand}.dast
# on bytecode and on machine code. The chain runs as one fused loop, so the two should
# run alike (chain/hand near 1.00; the target is at most 1.3 in machine code). Prints median wall seconds of N runs (default 5).
#   bench/iter/run.sh [-n N] [--dast PATH]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUNS=5
DAST="$ROOT/target/release/dast"
while [ $# -gt 0 ]; do
    case "$1" in
        -n) RUNS="$2"; shift 2 ;;
        --dast) DAST="$2"; shift 2 ;;
        *) echo "usage: $0 [-n N] [--dast PATH]" >&2; exit 2 ;;
    esac
done
[ -x "$DAST" ] || (cd "$ROOT" && cargo build --release -p dast-cli)
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
want="$("$DAST" run "$HERE/hand.dast")"
for mode in dev release; do
    for kind in hand chain; do
        got="$("$DAST" run --mode=$mode "$HERE/$kind.dast")"
        [ "$got" = "$want" ] || { echo "$kind ($mode) printed $got, expected $want" >&2; exit 1; }
    done
done
printf '| | hand | chain | chain/hand |\n|---|---|---|---|\n'
for mode in dev release; do
    h="$(median "$DAST" run --mode=$mode "$HERE/hand.dast")"
    g="$(median "$DAST" run --mode=$mode "$HERE/chain.dast")"
    name="dast bytecode"; [ "$mode" = release ] && name="dast native"
    printf '| %s | %s | %s | %s |\n' "$name" "$h" "$g" "$(python3 -c "print(f'{$g/$h:.2f}')")"
done
