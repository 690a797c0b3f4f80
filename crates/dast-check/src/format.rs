//! Parsing of format strings (`"{} {:?} {:.2} {name} {{"`), as Rust's `format!`.

use dast_bytecode::{Align, FormatKind, FormatStyle};

/// A piece of a parsed format string.
#[derive(Debug, PartialEq)]
pub enum Piece {
    Lit(String),
    /// A placeholder: which argument (`None`: the next positional one, `Some(Ok(n))`:
    /// `{n}`, `Some(Err(name))`: `{name}` captured from scope) and its style.
    Hole(Option<Result<usize, String>>, FormatStyle),
}

/// Parses `text`; the error is a message and a byte offset within `text`.
pub fn parse_format(text: &str) -> Result<Vec<Piece>, (String, usize)> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|p| p.1) == Some('{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek().map(|p| p.1) == Some('}') => {
                chars.next();
                lit.push('}');
            }
            '{' => {
                let mut inner = String::new();
                let mut closed = false;
                for (_, c2) in chars.by_ref() {
                    if c2 == '}' {
                        closed = true;
                        break;
                    }
                    inner.push(c2);
                }
                if !closed {
                    return Err(("unclosed `{` in format string".into(), i));
                }
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                pieces.push(parse_hole(&inner).map_err(|m| (m, i))?);
            }
            '}' => return Err(("unmatched `}` in format string".into(), i)),
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    Ok(pieces)
}

fn parse_hole(inner: &str) -> Result<Piece, String> {
    let (arg, spec) = match inner.split_once(':') {
        Some((a, s)) => (a.trim(), Some(s)),
        None => (inner.trim(), None),
    };
    let which = if arg.is_empty() {
        None
    } else if let Ok(n) = arg.parse::<usize>() {
        Some(Ok(n))
    } else if arg.chars().all(|c| c.is_alphanumeric() || c == '_') {
        Some(Err(arg.to_string()))
    } else {
        return Err(format!("invalid placeholder `{{{inner}}}`"));
    };
    let style = match spec {
        Some(s) => parse_spec(s)?,
        None => FormatStyle::default(),
    };
    Ok(Piece::Hole(which, style))
}

/// `[[fill]align][+][#][0][width][.precision][type]`, type one of `?`, `x`, `X`, `b`,
/// `o`, `e`, `E`.
fn parse_spec(spec: &str) -> Result<FormatStyle, String> {
    let mut style = FormatStyle::default();
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let align_of = |c: char| match c {
        '<' => Some(Align::Left),
        '>' => Some(Align::Right),
        '^' => Some(Align::Center),
        _ => None,
    };
    if chars.len() >= 2 && align_of(chars[1]).is_some() {
        style.fill = Some(chars[0]);
        style.align = align_of(chars[1]);
        i = 2;
    } else if !chars.is_empty() && align_of(chars[0]).is_some() {
        style.align = align_of(chars[0]);
        i = 1;
    }
    if chars.get(i) == Some(&'+') {
        style.plus = true;
        i += 1;
    }
    if chars.get(i) == Some(&'#') {
        style.alternate = true;
        i += 1;
    }
    if chars.get(i) == Some(&'0') {
        style.zero = true;
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        let w: String = chars[start..i].iter().collect();
        style.width = Some(
            w.parse()
                .map_err(|_| "format width too large".to_string())?,
        );
    }
    if chars.get(i) == Some(&'.') {
        i += 1;
        let ps = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == ps {
            return Err("expected digits after `.` in format spec".into());
        }
        let p: String = chars[ps..i].iter().collect();
        style.precision = Some(
            p.parse()
                .map_err(|_| "format precision too large".to_string())?,
        );
    }
    let kind = match chars.get(i) {
        Some('?') => {
            style.debug = true;
            None
        }
        Some('x') => Some(FormatKind::LowerHex),
        Some('X') => Some(FormatKind::UpperHex),
        Some('b') => Some(FormatKind::Binary),
        Some('o') => Some(FormatKind::Octal),
        Some('e') => Some(FormatKind::LowerExp),
        Some('E') => Some(FormatKind::UpperExp),
        _ => None,
    };
    if let Some(k) = kind {
        style.kind = k;
    }
    if style.debug || kind.is_some() {
        i += 1;
    }
    if i != chars.len() {
        return Err(format!("unsupported format spec `{{:{spec}}}`"));
    }
    Ok(style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_placeholders() {
        let p = parse_format("a {} b {:?} {:.2} {{x}} {name}").unwrap();
        assert_eq!(p.len(), 8);
        assert!(matches!(&p[3], Piece::Hole(None, s) if s.debug));
        assert!(matches!(&p[5], Piece::Hole(None, s) if s.precision == Some(2)));
        assert_eq!(p[6], Piece::Lit(" {x} ".into()));
        assert!(matches!(&p[7], Piece::Hole(Some(Err(n)), _) if n == "name"));
    }

    #[test]
    fn parses_width_and_fill() {
        let p = parse_format("{:>8.3}{:-^10}{:05}").unwrap();
        let Piece::Hole(_, s) = &p[0] else { panic!() };
        assert_eq!(
            (s.width, s.precision, s.align),
            (Some(8), Some(3), Some(Align::Right))
        );
        let Piece::Hole(_, s) = &p[1] else { panic!() };
        assert_eq!(
            (s.fill, s.align, s.width),
            (Some('-'), Some(Align::Center), Some(10))
        );
        let Piece::Hole(_, s) = &p[2] else { panic!() };
        assert!(s.zero && s.width == Some(5));
    }

    fn spec(s: &str) -> FormatStyle {
        match parse_format(&format!("{{:{s}}}")).unwrap().as_slice() {
            [Piece::Hole(None, st)] => *st,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_pretty_debug() {
        let s = spec("#?");
        assert!(s.debug && s.alternate);
        assert_eq!(s.kind, FormatKind::Default);
        let s = spec("?");
        assert!(s.debug && !s.alternate);
        let s = spec(">#12?");
        assert!(s.debug && s.alternate && s.width == Some(12));
    }

    #[test]
    fn parses_each_kind() {
        for (t, k) in [
            ("x", FormatKind::LowerHex),
            ("X", FormatKind::UpperHex),
            ("b", FormatKind::Binary),
            ("o", FormatKind::Octal),
            ("e", FormatKind::LowerExp),
            ("E", FormatKind::UpperExp),
        ] {
            let s = spec(t);
            assert_eq!(s.kind, k, "{t}");
            assert!(!s.alternate && !s.debug && !s.zero && s.width.is_none());
            let s = spec(&format!("#{t}"));
            assert_eq!(s.kind, k, "#{t}");
            assert!(s.alternate && !s.debug);
        }
    }

    #[test]
    fn parses_radix_combinations() {
        let s = spec("08x");
        assert_eq!(
            (s.zero, s.width, s.kind),
            (true, Some(8), FormatKind::LowerHex)
        );
        assert!(!s.alternate);
        let s = spec("#010b");
        assert_eq!(
            (s.alternate, s.zero, s.width, s.kind),
            (true, true, Some(10), FormatKind::Binary)
        );
        let s = spec(">8x");
        assert_eq!(
            (s.align, s.width, s.kind),
            (Some(Align::Right), Some(8), FormatKind::LowerHex)
        );
        let s = spec("*<+#12o");
        assert_eq!(
            (s.fill, s.align, s.plus, s.alternate, s.width, s.kind),
            (
                Some('*'),
                Some(Align::Left),
                true,
                true,
                Some(12),
                FormatKind::Octal
            )
        );
        let s = spec("#X");
        assert_eq!((s.alternate, s.kind), (true, FormatKind::UpperHex));
    }

    #[test]
    fn parses_exp_with_precision() {
        let s = spec(".3e");
        assert_eq!((s.precision, s.kind), (Some(3), FormatKind::LowerExp));
        let s = spec("+12.2E");
        assert_eq!(
            (s.plus, s.width, s.precision, s.kind),
            (true, Some(12), Some(2), FormatKind::UpperExp)
        );
    }

    #[test]
    fn refuses_bad_specs() {
        for bad in ["q", "x?", "xx", "0#x", "#+x", "?x", "e?"] {
            let r = parse_format(&format!("{{:{bad}}}"));
            assert!(r.is_err(), "{bad} parsed as {r:?}");
        }
    }

    #[test]
    fn reports_unclosed() {
        assert!(parse_format("{").is_err());
        assert!(parse_format("}").is_err());
    }
}
