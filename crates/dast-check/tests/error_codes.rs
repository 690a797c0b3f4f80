//! The checker's error codes live in one table, `src/errors.rs` (a documented list of
//! code -> meaning, then one constant per code). These tests keep that table honest: the
//! list and the constants agree, every diagnostic of the checker takes its code from
//! the table, and every code is shown to users by some program of
//! `test-programs/errors` (its `.stderr` snapshot contains `error[CODE]`).

use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Pairs of strings: `(code, meaning)` rows or `(NAME, code)` constants.
type Pairs = Vec<(String, String)>;

/// `(code, meaning)` rows of the module doc table.
fn doc_rows(src: &str) -> Pairs {
    src.lines()
        .filter_map(|l| l.strip_prefix("//! | `E"))
        .map(|rest| {
            let (code, meaning) = rest.split_once("` |").expect("row `| `E0xxx` | meaning |`");
            let meaning = meaning.trim().trim_end_matches('|').trim();
            (format!("E{code}"), meaning.to_string())
        })
        .collect()
}

/// `(NAME, code)` of every `pub const NAME: &str = "E0xxx";`.
fn consts(src: &str) -> Pairs {
    src.lines()
        .filter_map(|l| l.strip_prefix("pub const "))
        .map(|rest| {
            let (name, value) = rest
                .split_once(": &str = \"")
                .expect("`pub const NAME: &str = \"E0xxx\";`");
            let code = value.strip_suffix("\";").expect("ends with `\";`");
            (name.to_string(), code.to_string())
        })
        .collect()
}

fn table() -> (Pairs, Pairs) {
    let src = read(&crate_dir().join("src/errors.rs"));
    (doc_rows(&src), consts(&src))
}

#[test]
fn table_lists_each_code_once_with_its_constant() {
    let (rows, consts) = table();
    assert!(rows.len() >= 70, "only {} rows parsed", rows.len());
    let row_codes: Vec<&str> = rows.iter().map(|(c, _)| c.as_str()).collect();
    let const_codes: Vec<&str> = consts.iter().map(|(_, c)| c.as_str()).collect();
    assert_eq!(
        row_codes, const_codes,
        "the doc table and the constants must list the same codes in the same order"
    );
    let mut sorted = row_codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, row_codes, "codes must be unique and ascending");
    let mut names: Vec<&str> = consts.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    let n = names.len();
    names.dedup();
    assert_eq!(n, names.len(), "constant names must be unique");
    for (code, meaning) in &rows {
        assert!(!meaning.is_empty(), "{code} has no meaning");
        assert!(
            code.len() == 5 && code[1..].chars().all(|c| c.is_ascii_digit()),
            "malformed code {code}"
        );
    }
}

/// Every diagnostic the checker makes names its code through `errors::NAME`: no code is
/// written as a string anywhere else, and no constant of the table is unused.
#[test]
fn checker_codes_come_from_the_table() {
    let (_, consts) = table();
    let src_dir = crate_dir().join("src");
    let mut sources = String::new();
    let mut literals = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&src_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    for f in files.iter().filter(|f| !f.ends_with("errors.rs")) {
        let text = read(f);
        for (i, line) in text.lines().enumerate() {
            if let Some(at) = line.find("\"E0") {
                let code = &line[at + 1..];
                if code.len() >= 6 && code[1..5].chars().all(|c| c.is_ascii_digit()) {
                    literals.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
                }
            }
        }
        sources.push_str(&text);
    }
    assert!(
        literals.is_empty(),
        "error codes written as strings (use `errors::NAME`):\n{}",
        literals.join("\n")
    );
    let used = |name: &str| {
        let pat = format!("errors::{name}");
        sources.match_indices(&pat).any(|(at, _)| {
            !sources[at + pat.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    let unused: Vec<&str> = consts
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !used(name))
        .collect();
    assert!(unused.is_empty(), "codes nobody reports: {unused:?}");
}

/// Every code is shown to users by at least one program of `test-programs/errors`: its
/// `.stderr` snapshot (the full `dast check` output) contains `error[CODE]`.
#[test]
fn every_code_appears_in_an_error_program_snapshot() {
    let (rows, _) = table();
    let dir = crate_dir().join("../../test-programs/errors");
    let mut snapshots = String::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "stderr") {
            snapshots.push_str(&read(&p));
        }
    }
    let missing: Vec<String> = rows
        .iter()
        .filter(|(code, _)| !snapshots.contains(&format!("error[{code}]")))
        .map(|(code, meaning)| format!("{code} ({meaning})"))
        .collect();
    assert!(
        missing.is_empty(),
        "no program of test-programs/errors shows these codes; add a small program with \
         the mistake (and `UPDATE_EXPECT=1 cargo test -p dast-cli --test programs` for its \
         snapshot):\n{}",
        missing.join("\n")
    );
}
