//! `parse` must terminate without panicking on any input: random bytes, mutations of
//! real programs, and pathological nesting. (The cargo-fuzz target in `fuzz/` does the
//! same at scale.) Every tree it returns must keep the id and span invariants.

mod support;

use std::path::Path;

use dast_base::FileId;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pieces that make mutations likely to reach interesting parser states.
const FRAGMENTS: &[&str] = &[
    "(", ")", "[", "]", "{", "}", ",", ";", ":", ".", "..", "..=", "=>", "->", "|", "||", "&",
    "&&", "-", "!", "?", "=", "+=", "<", ">", ">>", "::", "@", "\n", " ", "\"", "'", "/*", "*/",
    "//", "fn ", "let ", "mut ", "if ", "else ", "match ", "while ", "for ", " in ", "loop ",
    "return ", "break ", "struct ", "enum ", "impl ", "trait ", "module ", "var ", "const ",
    "static ", "import ", "unsafe ", "dyn ", "as ", "self", "Self", "_", "x", "Foo", "0", "1.5",
    "0x", "'a'", "\"s\"", "\\u{", "é", "\u{0}",
];

fn check_parse(text: &str) {
    let (file, diags) = dast_syntax::parse(FileId(0), text);
    if let Err(problem) = support::check_ids_and_spans(&file, text.len()) {
        panic!("{problem}\ninput: {text:?}");
    }
    for d in &diags {
        let span = d.primary.span;
        assert!(
            span.start <= span.end && span.end as usize <= text.len(),
            "diagnostic span {span:?} out of range for input {text:?}"
        );
        assert!(!d.message.is_empty());
    }
    let _ = dast_syntax::print_tree(&file);
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(5) {
            0 if !chars.is_empty() => {
                let end = (at + 1 + rng.below(8)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 => {
                let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
                chars.splice(at..at, fragment.chars());
            }
            2 if !chars.is_empty() => {
                let start = rng.below(chars.len());
                let end = (start + 1 + rng.below(40)).min(chars.len());
                let copy: Vec<char> = chars[start..end].to_vec();
                chars.splice(at..at, copy);
            }
            3 => chars.truncate(at),
            _ => {
                let c = char::from_u32(rng.below(0x80) as u32).unwrap_or(' ');
                chars.insert(at, c);
            }
        }
    }
    chars.into_iter().collect()
}

/// Rounds per test: `DAST_FUZZ_ROUNDS=200000 cargo test --release --test robustness`
/// for a longer campaign.
fn rounds() -> usize {
    std::env::var("DAST_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500)
}

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data");
    let mut texts = Vec::new();
    for dir in ["ok", "err"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("test_data directory")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "dast"))
            .collect();
        paths.sort();
        for path in paths {
            texts.push(std::fs::read_to_string(path).expect("read"));
        }
    }
    texts
}

#[test]
fn mutated_programs_never_break_the_parser() {
    let corpus = corpus();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..rounds() {
        let seed = &corpus[round % corpus.len()];
        let mut text = mutate(&mut rng, seed);
        for _ in 0..rng.below(3) {
            text = mutate(&mut rng, &text);
        }
        check_parse(&text);
    }
}

#[test]
fn random_bytes_never_break_the_parser() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for _ in 0..rounds() {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        check_parse(&String::from_utf8_lossy(&bytes));
        let pieces: String = (0..rng.below(60))
            .map(|_| FRAGMENTS[rng.below(FRAGMENTS.len())])
            .collect();
        check_parse(&pieces);
    }
}

/// Deep input is cut off by the nesting limit before the stack runs out, even in a
/// thread with a small stack and an unoptimised build.
#[test]
fn pathological_nesting_is_bounded() {
    let n = 50_000;
    let cases = [
        format!("fn f() {{ {} }}", "(".repeat(n)),
        format!("fn f() {{ {}1{} }}", "(".repeat(250), ")".repeat(250)),
        format!("fn f() {{ {}1{} }}", "[".repeat(n), "]".repeat(n)),
        format!("fn f() {{ {} }}", "{".repeat(n)),
        format!("fn f() {{ {}x }}", "-".repeat(n)),
        format!("fn f() {{ {}x }}", "&mut ".repeat(n)),
        format!("fn f() {{ x{} }}", ".y".repeat(n)),
        format!("fn f() {{ f{} }}", "()".repeat(n)),
        format!("fn f() {{ x{} }}", " + x".repeat(n)),
        format!("fn f() {{ x{} }}", " = x".repeat(n)),
        format!("fn f() {{ x{} }}", "?".repeat(n)),
        format!("fn f() {{ {} }}", "..".repeat(n)),
        format!("fn f() {{ {} }}", "return ".repeat(n)),
        format!("fn f() {{ {} }}", "|x| ".repeat(n)),
        format!("fn f() {{ if a {{ }} {} }}", "else if a { } ".repeat(n)),
        format!("fn f() {{ {} }}", "match x { _ => ".repeat(n)),
        format!("fn f() {{ {} }}", "Foo { a: ".repeat(n)),
        format!("fn f(x: {}) {{}}", "Vec[".repeat(n)),
        format!("fn f(x: {}i32) {{}}", "&".repeat(n)),
        format!("fn f(x: {}) {{}}", "Vec<".repeat(n)),
        format!("fn f() {{ let {} = 1 }}", "(".repeat(n)),
        format!("fn f() {{ let {} = 1 }}", "Some(".repeat(n)),
        format!("fn f() {{ let {}x = 1 }}", "&".repeat(n)),
        "module m { ".repeat(n),
        "fn f() { ".repeat(n),
        format!("fn f() {{ x{} }}", "[i]".repeat(n)),
        format!("fn f() {{ x{} }}", " as T".repeat(n)),
        "x[".repeat(n),
        "\"\n".repeat(n),
        "$ a ".repeat(n),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for text in &cases {
                let started = std::time::Instant::now();
                check_parse(text);
                let elapsed = started.elapsed();
                assert!(
                    elapsed.as_secs() < 10,
                    "parsing took {elapsed:?} for input starting {:?}",
                    &text[..text.len().min(40)]
                );
            }
        })
        .expect("spawn");
    handle.join().expect("no panic or overflow");
}
