//! The parser on arbitrary bytes (as lossy UTF-8): it must terminate without panicking,
//! and every span it reports must lie inside the text.
#![no_main]

use dast_base::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let len = text.len() as u32;
    let (tokens, _) = dast_syntax::lex(FileId(0), &text);
    assert!(tokens
        .iter()
        .all(|t| t.span.start <= t.span.end && t.span.end <= len));
    let (file, diags) = dast_syntax::parse(FileId(0), &text);
    for d in &diags {
        assert!(d.primary.span.start <= d.primary.span.end && d.primary.span.end <= len);
    }
    let _ = dast_syntax::print_tree(&file);
});
