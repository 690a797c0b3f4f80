//! Host-side values: what the host passes to and gets back from Dast functions.

use std::fmt;

/// A Dast value outside the VM. Integers of every width are `Int` (signed types) or
/// `UInt` (unsigned types); `f32` values travel as `Float` too. Struct and enum names are
/// qualified as in the bytecode (`game.Point`).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Unit,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Char(char),
    Str(String),
    Vec(Vec<Value>),
    /// Entries in the map's iteration order.
    Map(Vec<(Value, Value)>),
    Tuple(Vec<Value>),
    Struct {
        name: String,
        fields: Vec<(String, Value)>,
    },
    Enum {
        name: String,
        variant: String,
        fields: Vec<Value>,
    },
}

/// The name without its module qualifier (`game.Point` -> `Point`) nor the type
/// arguments of a generic type's instance (`game.Pair[i64, game.Point]` -> `Pair`), as
/// Dast prints it (Rust's Debug shows no type arguments either).
pub(crate) fn short_name(name: &str) -> &str {
    let base = name.split('[').next().unwrap_or(name);
    base.rsplit('.').next().unwrap_or(base)
}

/// Prints like Dast's `{:?}` (Rust's Debug): `[1, 2]`, `Point { x: 1, y: 2 }`,
/// `Some(4)`, `{"a": 1}`, `"text"`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Unit => f.write_str("()"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::UInt(u) => write!(f, "{u}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Char(c) => write!(f, "{c:?}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Vec(items) => {
                f.write_str("[")?;
                comma_separated(f, items.iter())?;
                f.write_str("]")
            }
            Value::Map(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Value::Tuple(items) => {
                f.write_str("(")?;
                comma_separated(f, items.iter())?;
                if items.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            Value::Struct { name, fields } => {
                f.write_str(short_name(name))?;
                if fields.is_empty() {
                    return Ok(());
                }
                f.write_str(" { ")?;
                for (i, (n, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{n}: {v}")?;
                }
                f.write_str(" }")
            }
            Value::Enum {
                variant, fields, ..
            } => {
                f.write_str(variant)?;
                if fields.is_empty() {
                    return Ok(());
                }
                f.write_str("(")?;
                comma_separated(f, fields.iter())?;
                f.write_str(")")
            }
        }
    }
}

fn comma_separated<'a>(
    f: &mut fmt::Formatter<'_>,
    items: impl Iterator<Item = &'a Value>,
) -> fmt::Result {
    for (i, v) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{v}")?;
    }
    Ok(())
}
