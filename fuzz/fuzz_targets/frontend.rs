//! The whole front end on arbitrary text: the text is `src/main.dast` of a project in
//! memory; it is parsed, checked and lowered to bytecode; its diagnostics are rendered
//! as a user sees them; every module it compiles to must pass the bytecode verifier and
//! come back unchanged from `encode` then `decode`. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    dast_fuzz::frontend::check(&text);
});
