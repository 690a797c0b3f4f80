#!/usr/bin/env bash
# Dynamic against static dispatch: bench/dispatch/{static,dyn}.dast on bytecode and on
# machine code, beside Rust's `Box<dyn Trait>` and static call (dispatch.rs, rustc -O).
# Prints median wall seconds of N runs (default 5) and the dyn/static ratios.
#   bench/dispatch/run.sh [-n N] [--dast PATH]
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
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
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
want="$("$DAST" run "$HERE/static.dast")"
for mode in dev release; do
    for kind in static dyn; do
        got="$("$DAST" run --mode=$mode "$HERE/$kind.dast")"
        [ "$got" = "$want" ] || { echo "$kind ($mode) printed $got, expected $want" >&2; exit 1; }
    done
done
declare -A T
for mode in dev release; do
    for kind in static dyn; do
        T[$mode-$kind]="$(median "$DAST" run --mode=$mode "$HERE/$kind.dast")"
    done
done
if command -v rustc >/dev/null; then
    rustc -O -o "$TMP/dispatch" "$HERE/dispatch.rs"
    T[rust-static]="$(median "$TMP/dispatch" static)"
    T[rust-dyn]="$(median "$TMP/dispatch" dyn)"
fi
printf '| | static | dyn | dyn/static |\n|---|---|---|---|\n'
for row in dev release rust; do
    s="${T[$row-static]:-}"; d="${T[$row-dyn]:-}"
    [ -n "$s" ] || continue
    ratio="$(python3 -c "print(f'{$d/$s:.2f}')")"
    name="$row"; [ "$row" = dev ] && name="dast bytecode"; [ "$row" = release ] && name="dast native"
    printf '| %s | %s | %s | %s |\n' "$name" "$s" "$d" "$ratio"
done
