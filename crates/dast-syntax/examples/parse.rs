//! Prints the tree and the syntax errors of Dast files:
//! `cargo run -p dast-syntax --example parse -- FILE...` (`--errors-only` to skip trees).

use dast_base::{FileId, LineIndex};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let errors_only = args.iter().any(|a| a == "--errors-only");
    for path in args.iter().filter(|a| !a.starts_with("--")) {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let (file, diags) = dast_syntax::parse(FileId(0), &text);
        if !errors_only {
            print!("{}", dast_syntax::print_tree(&file));
        }
        let index = LineIndex::new(&text);
        for d in &diags {
            let at = index.line_col(&text, d.primary.span.start);
            println!("{path}:{at}: {} {}", d.code, d.message);
        }
    }
}
