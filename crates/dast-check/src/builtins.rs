//! The built-in functions and methods as the checker sees them: one table entry each,
//! naming the operation it becomes (`tir::Builtin`, whose lowering — the intrinsic or
//! the inline instructions — is the table in `lower/builtin.rs`) and how its arguments
//! are checked.
//!
//! - [`METHODS`]: `value.name(args)` on built-in types: receiver, name, operation,
//!   parameter types, result type. The same table answers "did you mean" for an unknown
//!   method, so what is accepted and what is suggested cannot drift apart.
//! - [`PRELUDE_FNS`]: `name(args)` (`println`, `min`, `sleep`, ...): name and argument
//!   check. Unknown names are suggested from it as well.

use dast_bytecode::{FBinary, FUnary};

use crate::tir::{Builtin, MutBuiltin};

/// A type in a built-in's signature, relative to the receiver for methods.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Sig {
    /// The receiver's own type.
    Recv,
    /// `T` of a receiver `Vec[T]`, `Option[T]` or `Result[T, E]`.
    Elem,
    /// `E` of a receiver `Result[T, E]`.
    ErrTy,
    /// `K` of a receiver `HashMap[K, V]`.
    Key,
    /// `V` of a receiver `HashMap[K, V]`.
    Val,
    Unit,
    Never,
    Bool,
    Char,
    Str,
    U8,
    U32,
    U64,
    Usize,
    I32,
    I64,
    F64,
    Option(&'static Sig),
    Vec(&'static Sig),
    Result(&'static Sig, &'static Sig),
    /// A type of the prelude (`Value`, `CallError`).
    Prelude(&'static str),
    /// `deserialize`'s result: its type argument (`deserialize[T](..)`), else the
    /// expected type, else inferred from the uses.
    Target,
}

/// The built-in types that have methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Recv {
    /// Every type (but the error type).
    Any,
    Vec,
    Str,
    Map,
    Option,
    Result,
    /// Integers, and integer literals whose type is not decided yet.
    Int,
    /// Floats, and float literals whose type is not decided yet.
    Float,
    Bool,
    Char,
    /// The prelude's `ModuleRegistry` (the host API of hot reloading).
    Registry,
}

/// What a method does: computes a value, or mutates its receiver in place.
#[derive(Clone, Copy, Debug)]
pub(crate) enum MethodOp {
    Pure(Builtin),
    Mut(MutBuiltin),
}

/// One built-in method.
pub(crate) struct Method {
    pub recv: Recv,
    pub name: &'static str,
    pub op: MethodOp,
    pub params: &'static [Sig],
    pub ret: Sig,
}

const fn pure(
    recv: Recv,
    name: &'static str,
    op: Builtin,
    params: &'static [Sig],
    ret: Sig,
) -> Method {
    Method {
        recv,
        name,
        op: MethodOp::Pure(op),
        params,
        ret,
    }
}

const fn muta(
    recv: Recv,
    name: &'static str,
    op: MutBuiltin,
    params: &'static [Sig],
    ret: Sig,
) -> Method {
    Method {
        recv,
        name,
        op: MethodOp::Mut(op),
        params,
        ret,
    }
}

const fn funary(name: &'static str, f: FUnary) -> Method {
    pure(Recv::Float, name, Builtin::FUnary(f), &[], Sig::Recv)
}

const fn fbinary(name: &'static str, f: FBinary) -> Method {
    pure(
        Recv::Float,
        name,
        Builtin::FBinary(f),
        &[Sig::Recv],
        Sig::Recv,
    )
}

/// Every built-in method. The first entry whose receiver and name match is the one
/// called (so `clone`, first, works on every type).
pub(crate) const METHODS: &[Method] = {
    use Builtin as B;
    use MutBuiltin as M;
    use Recv::*;
    use Sig::{Elem, ErrTy, Key, Usize, Val};
    const OPT_ELEM: Sig = Sig::Option(&Elem);
    const OPT_VAL: Sig = Sig::Option(&Val);
    &[
        pure(Any, "clone", B::Clone, &[], Sig::Recv),
        // Vec[T]
        pure(Vec, "len", B::VecLen, &[], Usize),
        pure(Vec, "is_empty", B::VecIsEmpty, &[], Sig::Bool),
        pure(Vec, "get", B::VecGet, &[Usize], OPT_ELEM),
        pure(Vec, "contains", B::VecContains, &[Elem], Sig::Bool),
        pure(
            Vec,
            "binary_search",
            B::VecBinarySearch,
            &[Elem],
            Sig::Result(&Usize, &Usize),
        ),
        pure(Vec, "join", B::VecJoin, &[Sig::Str], Sig::Str),
        pure(Vec, "first", B::VecFirst, &[], OPT_ELEM),
        pure(Vec, "last", B::VecLast, &[], OPT_ELEM),
        pure(Vec, "iter", B::Clone, &[], Sig::Recv),
        pure(Vec, "into_iter", B::Clone, &[], Sig::Recv),
        pure(Vec, "to_vec", B::Clone, &[], Sig::Recv),
        muta(Vec, "push", M::VecPush, &[Elem], Sig::Unit),
        muta(Vec, "pop", M::VecPop, &[], OPT_ELEM),
        muta(Vec, "insert", M::VecInsert, &[Usize, Elem], Sig::Unit),
        muta(Vec, "remove", M::VecRemove, &[Usize], Elem),
        muta(Vec, "sort", M::VecSort, &[], Sig::Unit),
        muta(Vec, "reverse", M::VecReverse, &[], Sig::Unit),
        muta(Vec, "dedup", M::VecDedup, &[], Sig::Unit),
        muta(Vec, "clear", M::VecClear, &[], Sig::Unit),
        muta(Vec, "extend", M::VecExtend, &[Sig::Recv], Sig::Unit),
        muta(Vec, "append", M::VecExtend, &[Sig::Recv], Sig::Unit),
        muta(Vec, "truncate", M::VecTruncate, &[Usize], Sig::Unit),
        muta(Vec, "swap", M::VecSwap, &[Usize, Usize], Sig::Unit),
        // String
        pure(Str, "len", B::StrLen, &[], Usize),
        pure(Str, "is_empty", B::StrIsEmpty, &[], Sig::Bool),
        pure(Str, "contains", B::StrContains, &[Sig::Str], Sig::Bool),
        pure(Str, "starts_with", B::StrStartsWith, &[Sig::Str], Sig::Bool),
        pure(Str, "ends_with", B::StrEndsWith, &[Sig::Str], Sig::Bool),
        pure(Str, "split", B::StrSplit, &[Sig::Str], Sig::Vec(&Sig::Str)),
        pure(
            Str,
            "split_whitespace",
            B::StrSplitWhitespace,
            &[],
            Sig::Vec(&Sig::Str),
        ),
        pure(Str, "trim", B::StrTrim, &[], Sig::Str),
        pure(Str, "trim_start", B::StrTrimStart, &[], Sig::Str),
        pure(Str, "trim_end", B::StrTrimEnd, &[], Sig::Str),
        pure(Str, "find", B::StrFind, &[Sig::Str], Sig::Option(&Usize)),
        pure(Str, "lines", B::StrLines, &[], Sig::Vec(&Sig::Str)),
        pure(Str, "as_bytes", B::StrAsBytes, &[], Sig::Vec(&Sig::U8)),
        pure(Str, "bytes", B::StrAsBytes, &[], Sig::Vec(&Sig::U8)),
        pure(Str, "to_uppercase", B::StrToUpper, &[], Sig::Str),
        pure(Str, "to_lowercase", B::StrToLower, &[], Sig::Str),
        pure(
            Str,
            "replace",
            B::StrReplace,
            &[Sig::Str, Sig::Str],
            Sig::Str,
        ),
        pure(
            Str,
            "parse_i64",
            B::StrParseI64,
            &[],
            Sig::Option(&Sig::I64),
        ),
        pure(
            Str,
            "parse_f64",
            B::StrParseF64,
            &[],
            Sig::Option(&Sig::F64),
        ),
        pure(Str, "chars", B::StrChars, &[], Sig::Vec(&Sig::Char)),
        pure(Str, "to_string", B::Clone, &[], Sig::Str),
        pure(Str, "as_str", B::Clone, &[], Sig::Str),
        pure(Str, "to_owned", B::Clone, &[], Sig::Str),
        muta(Str, "push_str", M::StrPushStr, &[Sig::Str], Sig::Unit),
        muta(Str, "push", M::StrPush, &[Sig::Char], Sig::Unit),
        // HashMap[K, V]
        pure(Map, "get", B::MapGet, &[Key], OPT_VAL),
        pure(Map, "contains_key", B::MapContainsKey, &[Key], Sig::Bool),
        pure(Map, "len", B::MapLen, &[], Usize),
        pure(Map, "is_empty", B::MapIsEmpty, &[], Sig::Bool),
        pure(Map, "keys", B::MapKeys, &[], Sig::Vec(&Key)),
        pure(Map, "values", B::MapValues, &[], Sig::Vec(&Val)),
        pure(Map, "iter", B::Clone, &[], Sig::Recv),
        muta(Map, "insert", M::MapInsert, &[Key, Val], OPT_VAL),
        muta(Map, "remove", M::MapRemove, &[Key], OPT_VAL),
        muta(Map, "clear", M::MapClear, &[], Sig::Unit),
        // Option[T]
        pure(Option, "unwrap", B::Unwrap, &[], Elem),
        pure(Option, "expect", B::Expect, &[Sig::Str], Elem),
        pure(Option, "unwrap_or", B::UnwrapOr, &[Elem], Elem),
        pure(Option, "unwrap_or_default", B::UnwrapOrDefault, &[], Elem),
        pure(Option, "is_some", B::IsSome, &[], Sig::Bool),
        pure(Option, "is_none", B::IsNone, &[], Sig::Bool),
        // Result[T, E]
        pure(Result, "unwrap", B::Unwrap, &[], Elem),
        pure(Result, "expect", B::Expect, &[Sig::Str], Elem),
        pure(Result, "unwrap_or", B::UnwrapOr, &[Elem], Elem),
        pure(Result, "is_ok", B::IsOk, &[], Sig::Bool),
        pure(Result, "is_err", B::IsErr, &[], Sig::Bool),
        pure(Result, "ok", B::ResultOk, &[], OPT_ELEM),
        pure(Result, "err", B::ResultErr, &[], Sig::Option(&ErrTy)),
        // integers
        pure(Int, "abs", B::Abs, &[], Sig::Recv),
        pure(Int, "pow", B::IntPow, &[Sig::U32], Sig::Recv),
        pure(Int, "min", B::Min, &[Sig::Recv], Sig::Recv),
        pure(Int, "max", B::Max, &[Sig::Recv], Sig::Recv),
        pure(Int, "to_string", B::ToString, &[], Sig::Str),
        // floats
        funary("sqrt", FUnary::Sqrt),
        funary("sin", FUnary::Sin),
        funary("cos", FUnary::Cos),
        funary("tan", FUnary::Tan),
        funary("asin", FUnary::Asin),
        funary("acos", FUnary::Acos),
        funary("atan", FUnary::Atan),
        funary("exp", FUnary::Exp),
        funary("ln", FUnary::Ln),
        funary("log10", FUnary::Log10),
        funary("log2", FUnary::Log2),
        funary("floor", FUnary::Floor),
        funary("ceil", FUnary::Ceil),
        funary("round", FUnary::Round),
        funary("trunc", FUnary::Trunc),
        funary("abs", FUnary::Abs),
        funary("fract", FUnary::Fract),
        funary("signum", FUnary::Signum),
        fbinary("powf", FBinary::Powf),
        fbinary("atan2", FBinary::Atan2),
        fbinary("min", FBinary::Min),
        fbinary("max", FBinary::Max),
        fbinary("hypot", FBinary::Hypot),
        pure(Float, "powi", B::Powi, &[Sig::I32], Sig::Recv),
        pure(Float, "is_nan", B::IsNan, &[], Sig::Bool),
        pure(Float, "to_string", B::ToString, &[], Sig::Str),
        // bool, char
        pure(Bool, "to_string", B::ToString, &[], Sig::Str),
        pure(Char, "to_string", B::CharToString, &[], Sig::Str),
        // ModuleRegistry
        pure(
            Registry,
            "load_module",
            B::RegistryLoad,
            &[Sig::Str, Sig::Str],
            Sig::Bool,
        ),
        pure(
            Registry,
            "has_update",
            B::RegistryHasUpdate,
            &[Sig::Str],
            Sig::Bool,
        ),
        pure(
            Registry,
            "reload_module",
            B::RegistryReload,
            &[Sig::Str],
            Sig::Bool,
        ),
        pure(
            Registry,
            "call",
            B::RegistryCall,
            &[Sig::Str, Sig::Str, Sig::Vec(&Sig::Prelude("Value"))],
            Sig::Result(&Sig::Prelude("Value"), &Sig::Prelude("CallError")),
        ),
        pure(
            Registry,
            "get_version",
            B::RegistryGetVersion,
            &[Sig::Str],
            Sig::Option(&Sig::U32),
        ),
        pure(
            Registry,
            "pin",
            B::RegistryPin,
            &[Sig::Str],
            Sig::Option(&Sig::U32),
        ),
        pure(
            Registry,
            "unpin",
            B::RegistryUnpin,
            &[Sig::Str, Sig::U32],
            Sig::Bool,
        ),
        pure(
            Registry,
            "call_version",
            B::RegistryCallVersion,
            &[
                Sig::Str,
                Sig::U32,
                Sig::Str,
                Sig::Vec(&Sig::Prelude("Value")),
            ],
            Sig::Result(&Sig::Prelude("Value"), &Sig::Prelude("CallError")),
        ),
    ]
};

/// How the arguments of a prelude function are checked (and what it becomes).
#[derive(Clone, Copy, Debug)]
pub(crate) enum PreludeArgs {
    /// `(fmt, args...)`, or nothing (an empty line): the formatted message is given to
    /// built-in `0`, which prints it; the call is `()`.
    Print(Builtin),
    /// `(fmt, args...)`: the formatted `String`.
    Format,
    /// `(fmt, args...)`, or nothing ("explicit panic"): panics with the message.
    Panic,
    /// `(cond)` or `(cond, fmt, args...)`: `if !cond { panic(..) }`.
    Assert,
    /// `(left, right)` or `(left, right, fmt, args...)`: panics with both values' debug
    /// form when they are not equal (`eq: true`, `assert_eq`) or equal (`assert_ne`).
    AssertEq { eq: bool },
    /// `n` numbers of one type, which is also the result's, given to built-in `op`.
    Numbers { op: Builtin, n: usize },
    /// Arguments of the given types (see [`Param`]), given to built-in `op`.
    Fixed {
        op: Builtin,
        params: &'static [Param],
        ret: Sig,
    },
}

/// A parameter of a prelude function.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Param {
    /// A value of this type.
    Is(Sig),
    /// A value of this type, which may be written `&value`.
    Ref(Sig),
    /// A value of any type, which may be written `&value`.
    AnyRef,
}

/// A prelude function.
pub(crate) struct PreludeFn {
    pub name: &'static str,
    pub args: PreludeArgs,
}

impl PreludeFn {
    /// Whether the function takes a type argument, `deserialize[T](..)`: its result is
    /// that type.
    pub fn takes_type_arg(&self) -> bool {
        matches!(
            self.args,
            PreludeArgs::Fixed {
                ret: Sig::Target,
                ..
            }
        )
    }
}

const fn prelude(name: &'static str, args: PreludeArgs) -> PreludeFn {
    PreludeFn { name, args }
}

/// Every prelude function (found when no item of the program has the name).
pub(crate) const PRELUDE_FNS: &[PreludeFn] = {
    use Builtin as B;
    use PreludeArgs::*;
    &[
        prelude("print", Print(B::Print)),
        prelude("println", Print(B::Println)),
        prelude("eprint", Print(B::Eprint)),
        prelude("eprintln", Print(B::Eprintln)),
        prelude("format", Format),
        prelude("panic", Panic),
        prelude("assert", Assert),
        prelude("assert_eq", AssertEq { eq: true }),
        prelude("assert_ne", AssertEq { eq: false }),
        prelude("min", Numbers { op: B::Min, n: 2 }),
        prelude("max", Numbers { op: B::Max, n: 2 }),
        prelude("abs", Numbers { op: B::Abs, n: 1 }),
        prelude(
            "sleep",
            Fixed {
                op: B::Sleep,
                params: &[Param::Is(Sig::U64)],
                ret: Sig::Unit,
            },
        ),
        prelude(
            "read_dir",
            Fixed {
                op: B::ReadDir,
                params: &[Param::Ref(Sig::Str)],
                ret: Sig::Vec(&Sig::Str),
            },
        ),
        prelude(
            "now_ms",
            Fixed {
                op: B::NowMs,
                params: &[],
                ret: Sig::U64,
            },
        ),
        prelude(
            "serialize",
            Fixed {
                op: B::Serialize,
                params: &[Param::AnyRef],
                ret: Sig::Vec(&Sig::U8),
            },
        ),
        prelude(
            "deserialize",
            Fixed {
                op: B::Deserialize,
                params: &[Param::Ref(Sig::Vec(&Sig::U8))],
                ret: Sig::Target,
            },
        ),
        prelude(
            "exit",
            Fixed {
                op: B::Exit,
                params: &[Param::Is(Sig::I32)],
                ret: Sig::Never,
            },
        ),
    ]
};

/// The prelude function `name`.
pub(crate) fn prelude_fn(name: &str) -> Option<&'static PreludeFn> {
    PRELUDE_FNS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name is never shadowed by an earlier entry for the same receiver (only `clone`
    /// of `Any` comes first, and no other entry is named `clone`).
    #[test]
    fn each_receiver_has_each_method_once() {
        for (i, m) in METHODS.iter().enumerate() {
            for later in &METHODS[i + 1..] {
                let same_recv = m.recv == later.recv || m.recv == Recv::Any;
                assert!(
                    !(same_recv && m.name == later.name),
                    "`{}` of {:?} is listed twice",
                    m.name,
                    later.recv
                );
            }
        }
        let names: Vec<&str> = PRELUDE_FNS.iter().map(|f| f.name).collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(n), "prelude `{n}` listed twice");
        }
    }
}
