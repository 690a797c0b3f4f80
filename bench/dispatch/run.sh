#!/usr/bin/env bash
# Dynamic against static dispatch: bench/dispatch/{static,dyn}.dast on bytecode and on
# machine code, beside Rust's `Box<dyn Trait>` and static call (dispatch.rs, rustc -O).
# Prints median wall seconds of N runs (default 5) and the dyn/static ratios.
#   bench/dispatch/run.sh [-n N] [--dast PATH]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../pair.sh
source "$HERE/../pair.sh"
bench_options "$@"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
same_output "$HERE" static dyn
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
