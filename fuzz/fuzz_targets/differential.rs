//! Differential execution: the fuzzer's bytes describe a well-typed program
//! (`dast_fuzz::gen`), which runs on the VM and as machine code with the same fuel;
//! output, result, panic message and trace must agree. A generated program that does
//! not compile is a generator bug: `DAST_FUZZ_DEBUG=1` prints it with its diagnostics,
//! and every 100 runs how many programs compiled, panicked or ran out of fuel.
#![no_main]

use std::sync::atomic::{AtomicU64, Ordering};

use dast_fuzz::differential::{check, Verdict};
use libfuzzer_sys::fuzz_target;

static RUNS: AtomicU64 = AtomicU64::new(0);
static NOT_COMPILED: AtomicU64 = AtomicU64::new(0);
static OUT_OF_FUEL: AtomicU64 = AtomicU64::new(0);
static PANICKED: AtomicU64 = AtomicU64::new(0);

fuzz_target!(|data: &[u8]| {
    let debug = std::env::var_os("DAST_FUZZ_DEBUG").is_some();
    let optimize = data.first().is_some_and(|b| b & 1 == 1);
    let source = dast_fuzz::gen::program(data.get(1..).unwrap_or_default());
    if debug && std::env::var_os("DAST_FUZZ_SHOW").is_some() {
        eprintln!("{source}");
    }
    let counter = match check(&source, optimize) {
        Verdict::NotCompiled(diags) => {
            if debug {
                eprintln!("generated program does not compile:\n{source}\n{diags}");
            }
            &NOT_COMPILED
        }
        Verdict::OutOfFuel => &OUT_OF_FUEL,
        Verdict::Agree(run) if run.result.is_err() => &PANICKED,
        Verdict::Agree(_) => &RUNS,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    let total = [&RUNS, &NOT_COMPILED, &OUT_OF_FUEL, &PANICKED]
        .iter()
        .map(|c| c.load(Ordering::Relaxed))
        .sum::<u64>();
    if debug && total % 100 == 0 {
        eprintln!(
            "{total} programs: {} did not compile, {} ran out of fuel, {} panicked",
            NOT_COMPILED.load(Ordering::Relaxed),
            OUT_OF_FUEL.load(Ordering::Relaxed),
            PANICKED.load(Ordering::Relaxed)
        );
    }
});
