//! The `.dbc` loader on arbitrary bytes: decode, disassemble, verify, and for modules
//! that verify, link and run `init` and every exported zero-argument function with a
//! small instruction budget. Nothing may panic, hang or crash.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A wrong checksum is refused at once: half the inputs are sealed first, so the
    // decoder behind the checksum is explored too.
    let mut sealed = data.to_vec();
    if data.first().is_some_and(|b| b & 1 == 0) {
        dast_bytecode::seal(&mut sealed);
    }
    let Ok(module) = dast_bytecode::decode(&sealed) else {
        return;
    };
    let _ = dast_bytecode::disassemble(&module);
    if dast_bytecode::verify(&module).is_err() {
        return;
    }
    // Decoding what we encode gives the module back.
    let again = dast_bytecode::decode(&dast_bytecode::encode(&module)).expect("re-decodes");
    assert_eq!(again, module);
    let name = module.name.clone();
    let entry_points: Vec<String> = module
        .functions
        .iter()
        .filter(|f| f.exported && f.sig.params.is_empty())
        .map(|f| f.name.clone())
        .collect();
    let Ok(mut program) = dast_vm::link(vec![module]) else {
        return;
    };
    program.set_output(Box::new(std::io::sink()));
    program.set_fuel(100_000);
    let _ = program.init();
    for f in entry_points {
        program.set_fuel(100_000);
        let _ = program.call(&name, &f, &[]);
    }
});
