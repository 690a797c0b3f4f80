#!/usr/bin/env bash
# An iterator chain against the hand-written loop: bench/iter/{hand,chain}.dast on
# bytecode and on machine code (the chain runs as one fused loop: chain/hand should stay
# near 1.00; the target is at most 1.3 in machine code). Median wall seconds of N runs
# (default 5).
#   bench/iter/run.sh [-n N] [--dast PATH]
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$HERE/../pair.sh" "$HERE" hand chain "$@"
