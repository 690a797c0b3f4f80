//! The typed IR: what the checker hands to lowering. Names are resolved, methods are
//! calls, places are explicit, and (after `zonk`) every type is concrete.

use crate::env::{AdtId, ConstId, FnId, GlobalId};
use crate::ty::{TraitId, Ty};
use dast_base::Span;

/// A local variable (parameter, `let`, pattern binding, hidden loop variable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LocalId(pub u32);

#[derive(Clone, Debug)]
pub struct LocalInfo {
    pub name: String,
    pub ty: Ty,
    pub mutable: bool,
    pub span: Span,
}

/// A checked function body.
#[derive(Clone, Debug)]
pub struct Body {
    pub params: Vec<LocalId>,
    pub locals: Vec<LocalInfo>,
    pub value: Expr,
    /// The instances of generic functions the body calls (function, type arguments),
    /// in concrete types; empty when the body is itself generic.
    pub instances: Vec<(FnId, Vec<crate::ty::Ty>)>,
    /// The closures written in the body: each becomes a function of its own, whose
    /// locals are this body's (captured ones passed as parameters).
    pub closures: Vec<ClosureBody>,
}

/// A closure's code, checked with its enclosing body.
#[derive(Clone, Debug)]
pub struct ClosureBody {
    pub id: crate::ty::ClosureId,
    /// The enclosing body's locals it reads, then its own parameters.
    pub captures: Vec<LocalId>,
    pub params: Vec<LocalId>,
    pub sig: crate::generics::CallSig,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    /// `!` on bool (logical) or integers (bitwise).
    Not,
}

/// Operations of the prelude that lowering turns into instructions or intrinsics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    Print,
    Println,
    Eprint,
    Eprintln,
    Sleep,
    NowMs,
    Min,
    Max,
    Abs,
    /// Integer `pow(u32)` (wrapping).
    IntPow,
    FUnary(dast_bytecode::FUnary),
    FBinary(dast_bytecode::FBinary),
    /// `f.powi(n)`
    Powi,
    IsNan,
    /// `x.to_string()` (Display).
    ToString,
    StrLen,
    StrIsEmpty,
    StrContains,
    StrStartsWith,
    StrEndsWith,
    StrSplit,
    StrSplitWhitespace,
    StrTrim,
    StrTrimStart,
    StrTrimEnd,
    StrFind,
    StrLines,
    StrAsBytes,
    StrToUpper,
    StrToLower,
    StrReplace,
    StrParseI64,
    StrParseF64,
    StrChars,
    VecLen,
    VecIsEmpty,
    VecGet,
    VecContains,
    VecBinarySearch,
    VecJoin,
    VecFirst,
    VecLast,
    MapGet,
    MapContainsKey,
    MapLen,
    MapIsEmpty,
    MapKeys,
    MapValues,
    Unwrap,
    Expect,
    UnwrapOr,
    UnwrapOrDefault,
    IsSome,
    IsNone,
    IsOk,
    IsErr,
    /// `Result.ok()` -> Option
    ResultOk,
    /// `Result.err()` -> Option
    ResultErr,
    Serialize,
    Deserialize,
    /// `T.default()` (type is the expression's type)
    Default,
    /// `x.clone()`: a copy (values are values).
    Clone,
    /// `c.to_string()` for `char`
    CharToString,
    /// `c as u32`-like helpers are casts; `c.is_digit()` etc. are not in v0.
    Exit,
    /// `registry.load_module(name, label)` (the receiver is a zero-size handle).
    RegistryLoad,
    RegistryHasUpdate,
    RegistryReload,
    /// `registry.call(module, func, &[Value])`
    RegistryCall,
    RegistryGetVersion,
    /// `registry.pin(name)`, `registry.unpin(name, version)`,
    /// `registry.call_version(module, version, func, &[Value])`: module handles.
    RegistryPin,
    RegistryUnpin,
    RegistryCallVersion,
    /// `registry.modules`
    RegistryModules,
    /// `read_dir(path)`: the entries of a directory, from the host.
    ReadDir,
}

/// Mutating operations on a place (`v.push(x)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MutBuiltin {
    VecPush,
    VecPop,
    VecInsert,
    VecRemove,
    VecSort,
    VecReverse,
    VecDedup,
    VecClear,
    VecExtend,
    VecTruncate,
    VecSwap,
    StrPushStr,
    StrPush,
    MapInsert,
    MapRemove,
    MapClear,
}

/// A memory location that can be assigned or mutated in place.
#[derive(Clone, Debug)]
pub struct Place {
    pub root: PlaceRoot,
    pub projs: Vec<Proj>,
    pub ty: Ty,
}

#[derive(Clone, Debug)]
pub enum PlaceRoot {
    Local(LocalId),
    Global(GlobalId),
    /// A temporary (`make_vec().push(1)`): evaluated, mutated, dropped.
    Temp(Box<Expr>),
}

#[derive(Clone, Debug)]
pub enum Proj {
    /// Field `index` of a struct or tuple whose type is `of`.
    Field { of: Ty, index: u32 },
    /// Element of a `Vec`.
    Index(Box<Expr>),
}

#[derive(Clone, Debug)]
pub enum Arg {
    Value(Expr),
    /// `&mut place`: passed in and written back after the call.
    MutPlace(Place),
}

/// A piece of a format string after checking.
#[derive(Clone, Debug)]
pub enum FmtPiece {
    Lit(String),
    Arg(usize, dast_bytecode::FormatStyle),
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Int(i128),
    Float(f64),
    Bool(bool),
    Str(String),
    Char(char),
    Unit,
    Local(LocalId),
    Global(GlobalId),
    /// A constant, inlined at each use.
    Const(ConstId),
    /// A call of a user function; `type_args` are those of a generic function's
    /// instance (empty otherwise): lowering calls that instance.
    Call {
        func: FnId,
        type_args: Vec<crate::ty::Ty>,
        args: Vec<Arg>,
    },
    Builtin {
        op: Builtin,
        args: Vec<Expr>,
    },
    MutBuiltin {
        op: MutBuiltin,
        place: Place,
        args: Vec<Expr>,
    },
    /// Field `index` of a struct/tuple value.
    Field {
        base: Box<Expr>,
        index: u32,
    },
    /// `v[i]` on a `Vec`.
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    /// `m[k]` on a `HashMap` (panics when missing).
    MapIndex {
        base: Box<Expr>,
        key: Box<Expr>,
    },
    Unary {
        op: UnOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cast(Box<Expr>),
    Tuple(Vec<Expr>),
    /// Struct literal, fields in declaration order.
    Struct {
        adt: AdtId,
        fields: Vec<Expr>,
    },
    /// Enum value (user enum, `Option`, `Result`), fields in declaration order.
    Variant {
        variant: u32,
        fields: Vec<Expr>,
    },
    VecLit(Vec<Expr>),
    VecRepeat {
        value: Box<Expr>,
        count: Box<Expr>,
    },
    Assign {
        place: Place,
        value: Box<Expr>,
    },
    CompoundAssign {
        op: BinOp,
        place: Place,
        value: Box<Expr>,
    },
    /// String `+=` (push_str on the place).
    Block(Block),
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        els: Option<Box<Expr>>,
    },
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<Arm>,
    },
    While {
        cond: Box<Expr>,
        body: Box<Expr>,
    },
    Loop {
        body: Box<Expr>,
    },
    ForRange {
        var: Pat,
        start: Box<Expr>,
        end: Box<Expr>,
        inclusive: bool,
        /// `(start..end).rev()`: counts down.
        reverse: bool,
        body: Box<Expr>,
    },
    ForVec {
        var: Pat,
        vec: Box<Expr>,
        body: Box<Expr>,
    },
    ForMap {
        var: Pat,
        map: Box<Expr>,
        body: Box<Expr>,
    },
    /// `depth` counts the enclosing loops to leave besides the innermost (0 for a plain
    /// `break`; more for `break 'outer`).
    Break {
        depth: usize,
        value: Option<Box<Expr>>,
    },
    Continue(usize),
    Return(Option<Box<Expr>>),
    Format {
        pieces: Vec<FmtPiece>,
        args: Vec<Expr>,
    },
    /// `e?` on Option/Result: early-returns the None/Err.
    Try(Box<Expr>),
    /// `Box.new(value)`. Reading the boxed value (`*b`, and `b.field` / `b.method()`
    /// through the box) is `Index` with index 0: a box is a one-element vector.
    BoxNew(Box<Expr>),
    /// A `Box[T]` made a trait object of `T`'s impl of `tr` (`T` is the struct or enum
    /// `adt`): a coercion the checker inserts where a `dyn tr` is expected.
    ToDyn {
        value: Box<Expr>,
        adt: AdtId,
        tr: TraitId,
    },
    /// An iterator chain not run yet: only between the checking of its methods (what
    /// is left of it is collected into a `Vec`; lowering never sees one).
    Pipeline(Box<crate::iter::Pipeline>),
    /// A closure value: the values of the locals it captures, in order (its layout is
    /// theirs, one after another).
    Closure {
        id: crate::ty::ClosureId,
        captures: Vec<LocalId>,
    },
    /// `f(args)` where `f` is closure `id`: a direct call of its function, which takes
    /// the captured values first, then the arguments.
    CallClosure {
        id: crate::ty::ClosureId,
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `recv.method(args)` on a trait object: method `method` (index in the trait) of
    /// the object's type, found at run time.
    DynCall {
        tr: TraitId,
        method: u32,
        recv: Box<Expr>,
        args: Vec<Expr>,
    },
    /// The boxed value of a trait object, copied (`take == false`) or moved out until
    /// `DynPut`: the body of the method shims lowering writes.
    DynPayload {
        obj: Box<Expr>,
        take: bool,
    },
    /// Puts a boxed value back into a trait object.
    DynPut {
        obj: Box<Expr>,
        value: Box<Expr>,
    },
    /// `load_bytecode(path)`: loads a module (a `.dbc`, or Dast source compiled on the
    /// fly) into the program and returns its handle.
    LoadBytecode(Box<Expr>),
    /// `module.instantiate[dyn tr]()`: a new object of the one type of the loaded
    /// module that implements `tr`.
    Instantiate {
        module: Box<Expr>,
        tr: TraitId,
    },
    Panic(Box<Expr>),
    Error,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub tail: Option<Box<Expr>>,
}

#[derive(Clone, Debug)]
pub enum Stmt {
    Let { pat: Pat, init: Option<Expr> },
    Expr(Expr),
}

#[derive(Clone, Debug)]
pub struct Arm {
    pub pat: Pat,
    pub guard: Option<Expr>,
    pub body: Expr,
}

#[derive(Clone, Debug)]
pub struct Pat {
    pub kind: PatKind,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum PatKind {
    Wild,
    Bind(LocalId),
    /// `name @ pat`: binds the whole value when the sub-pattern matches.
    At(LocalId, Box<Pat>),
    Int(i128),
    Float(f64),
    Bool(bool),
    Str(String),
    Char(char),
    /// Inclusive or exclusive integer/char range.
    Range {
        lo: Option<i128>,
        hi: Option<i128>,
        inclusive: bool,
    },
    /// Tuple or struct: sub-patterns by field index (missing fields are wildcards).
    Fields(Vec<(u32, Pat)>),
    /// Enum variant with sub-patterns by field index.
    Variant {
        variant: u32,
        fields: Vec<(u32, Pat)>,
    },
    Or(Vec<Pat>),
}
