mod common;

use dast_bytecode::disassemble;
use expect_test::expect_file;

#[test]
fn sample_listing() {
    expect_file!["disasm_sample.txt"].assert_eq(&disassemble(&common::sample_module()));
}
