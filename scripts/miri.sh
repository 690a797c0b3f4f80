#!/usr/bin/env bash
# Runs Miri (Rust's UB checker) on the crates with unsafe code: the VM's tests and the
# native loader's pure-Rust paths (its unit tests; nothing that opens a library, which
# Miri cannot run). Needs a nightly toolchain with the `miri` component: installed here
# when rustup can fetch it, else skipped with a message (the run is then not a failure).
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v rustup >/dev/null 2>&1; then
    echo "miri: skipped (no rustup to get a nightly toolchain with Miri)"
    exit 0
fi
if ! cargo +nightly miri --version >/dev/null 2>&1; then
    echo "miri: installing the nightly toolchain's miri component..."
    if ! rustup toolchain install nightly --profile minimal --component miri,rust-src >/dev/null 2>&1 \
        && ! rustup component add --toolchain nightly miri rust-src >/dev/null 2>&1; then
        echo "miri: skipped (nightly Miri is not available on this machine: rustup could not install it)"
        exit 0
    fi
fi
set -e
# Float functions (sin, hypot) compute what the platform's do: the tests compare the
# VM's results with Rust's, exactly, so Miri's modelled extra error is turned off; and
# `now()`/`sleep` read the real clock (no isolation); parking_lot (the state locks) keeps
# thread queues in integers, which Miri allows with permissive provenance.
export MIRIFLAGS="${MIRIFLAGS:-} -Zmiri-deterministic-floats -Zmiri-disable-isolation -Zmiri-permissive-provenance"
cargo +nightly miri setup >/dev/null
# The VM: unit tests (heap objects, buffers, the word-map entries) and the integration
# tests of the interpreter, instances and host requests.
cargo +nightly miri test -p dast-vm
# The loader: nested holds of a group (the re-entry path) and the runtime table.
cargo +nightly miri test -p dast-native --lib
