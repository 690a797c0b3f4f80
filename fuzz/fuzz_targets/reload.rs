//! The reload transaction: a random sequence of edits of module `game` (valid and
//! invalid: `var`s added, removed or retyped, a struct `var` changed, hooks, functions
//! `main` or the host call removed or changed, compile errors) applied to a running
//! program, each checked against a model of the contract (`dast_fuzz::reload`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    dast_fuzz::reload::run(data);
});
