//! Runs `.dbc` files with this crate's VM and times the call to `main` (for profiling
//! compiled programs without the CLI): `cargo run --release -p dast-vm --example run_dbc
//! -- ENTRY.dbc [OTHER.dbc ...]`; the first file's module is the entry.

use std::time::Instant;

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let modules: Vec<_> = paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{p}: {e}"));
            dast_bytecode::decode(&bytes).unwrap_or_else(|e| panic!("{p}: {e}"))
        })
        .collect();
    let entry = modules[0].name.clone();
    let mut program = dast_vm::link(modules).unwrap_or_else(|e| panic!("{e}"));
    let start = Instant::now();
    let result = program
        .init()
        .and_then(|_| program.call(&entry, "main", &[]));
    eprintln!("{entry}: {:.3} s", start.elapsed().as_secs_f64());
    if let Err(p) = result {
        eprintln!("panicked: {p}");
        std::process::exit(101);
    }
}
