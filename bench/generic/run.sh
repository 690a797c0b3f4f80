#!/usr/bin/env bash
# A generic function against its hand-specialized copy: bench/generic/{hand,generic}.dast
# on bytecode and on machine code (instances are ordinary functions, so the two must run
# alike: generic/hand near 1.00). Median wall seconds of N runs (default 5).
#   bench/generic/run.sh [-n N] [--dast PATH]
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$HERE/../pair.sh" "$HERE" hand generic "$@"
