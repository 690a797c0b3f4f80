#!/usr/bin/env bash
# The parallel runtime's soak run (not in CI): calling threads on a stateless and a
# stateful module while each is reloaded RELOADS times (every tenth edit invalid).
# Prints calls per second per thread, reload latency p50/p99 and RSS every 1,000
# reloads, and fails if a call failed, the count is off, or RSS grew more than 10%
# after the first 1,000 reloads.
#   scripts/soak.sh [RELOADS (10000)] [THREADS (2)]
set -eu
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
cargo build --quiet --release -p dast --example soak
exec ./target/release/examples/soak "${1:-10000}" "${2:-2}"
