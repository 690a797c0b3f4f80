#!/usr/bin/env bash
# Re-derives the expected outputs of test-programs/run/*.dast from their Rust
# translations in test-programs/rust-mirrors/ (rustc only, no cargo): compiles each
# mirror into a temporary directory, runs it, and compares its stdout with the
# `// expect:` lines (and its exit status with `// expect-exit:`).
#   scripts/check-rust-mirrors.sh [NAME...]
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="$ROOT/test-programs/run"
MIR="$ROOT/test-programs/rust-mirrors"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$RUN"/*.dast; do names+=("$(basename "$f" .dast)"); done
fi
fail=0
for n in "${names[@]}"; do
    if [ ! -f "$MIR/$n.rs" ]; then echo "NO MIRROR $n"; fail=1; continue; fi
    if ! (cd "$MIR" && rustc -A warnings -o "$TMP/$n" "$n.rs" 2>"$TMP/$n.cerr"); then
        echo "COMPILE FAIL $n"; head -20 "$TMP/$n.cerr"; fail=1; continue
    fi
    "$TMP/$n" >"$TMP/$n.out" 2>"$TMP/$n.err"; rc=$?
    grep -oE '// expect:( .*)?$' "$RUN/$n.dast" | sed -E 's#^// expect: ?##' >"$TMP/$n.exp"
    want_rc=$(grep -oE '// expect-exit: *[0-9]+' "$RUN/$n.dast" | grep -oE '[0-9]+$' || true)
    want_rc=${want_rc:-0}
    if ! diff "$TMP/$n.exp" "$TMP/$n.out" >"$TMP/$n.diff"; then
        echo "DIFF $n"; head -20 "$TMP/$n.diff"; fail=1
    elif [ "$rc" != "$want_rc" ]; then
        echo "EXIT $n: got $rc, want $want_rc"; fail=1
    else
        echo "ok $n"
    fi
done
exit $fail
