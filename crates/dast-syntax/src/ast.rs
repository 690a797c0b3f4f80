//! The abstract syntax tree. The parser always produces one, even for broken input:
//! what could not be parsed becomes an `Error` node (expression, type, pattern or item),
//! so later phases can keep going and report more problems.
//!
//! Every expression carries an [`ExprId`] unique within its file, so the checker can keep
//! types and resolutions in side tables instead of mutating the tree.

use dast_base::Span;

/// Identity of an expression node within one parsed file (dense, from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExprId(pub u32);

/// Identity of a pattern node within one parsed file (dense, from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PatId(pub u32);

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A parsed file: its items in order. `expr_count`/`pat_count` size the side tables.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
    pub expr_count: u32,
    pub pat_count: u32,
}

/// `@name` or `@name(args)` before an item, e.g. `@hot_reload`, `@abi_stable(1)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: Ident,
    /// Literal arguments as written (`@abi_stable(1)` has `["1"]`).
    pub args: Vec<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub attrs: Vec<Attribute>,
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    Fn(FnDecl),
    Struct(StructDecl),
    Enum(EnumDecl),
    Impl(ImplDecl),
    Trait(TraitDecl),
    /// `module Name { items }`
    Module(ModuleDecl),
    /// `var name: T = init` (module state). `ty` or `init` may be missing (not both,
    /// which the checker reports).
    Var(GlobalDecl),
    /// `const NAME: T = v`
    Const(GlobalDecl),
    /// `static mut NAME: T = v` (`mutable` false for plain `static`).
    Static {
        decl: GlobalDecl,
        mutable: bool,
    },
    /// `import a.b.c` (path segments).
    Import(Vec<Ident>),
    /// Something that could not be parsed as an item; the parser already reported it.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FnDecl {
    pub name: Ident,
    /// `fn largest[T: Ord](..)`: the type parameters, in order.
    pub generics: Vec<GenericParam>,
    pub params: Vec<Param>,
    /// `None` when there is no `-> T` (returns unit).
    pub ret: Option<Type>,
    /// `None` for a signature without body (trait methods: `fn init(self: &mut Self)`).
    pub body: Option<Block>,
    pub is_unsafe: bool,
    /// `host fn f(..)`: declared in Dast, its body provided by the Rust host.
    pub is_host: bool,
}

/// A closure parameter: a pattern (`x`, `(a, b)`, `_`) with an optional type.
#[derive(Clone, Debug, PartialEq)]
pub struct ClosureParam {
    pub pat: Pat,
    pub ty: Option<Type>,
    pub span: Span,
}

/// One type parameter with its bounds: `T`, `T: Ord`, `T: Display + Clone`,
/// `T: shapes.Shape` (each bound a trait's path).
#[derive(Clone, Debug, PartialEq)]
pub struct GenericParam {
    pub name: Ident,
    /// Trait paths (`TypeKind::Path` without arguments) and `Fn(..) -> R` bounds.
    pub bounds: Vec<Type>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Ident,
    /// `self` without type means `self: Self`; the parser fills `ty` as `Self` then.
    pub ty: Type,
    pub mutable: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StructDecl {
    pub name: Ident,
    /// `struct Pair[A, B]`: the type parameters.
    pub generics: Vec<GenericParam>,
    pub fields: Vec<FieldDecl>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    pub name: Ident,
    /// `enum Tree[T]`: the type parameters.
    pub generics: Vec<GenericParam>,
    pub variants: Vec<VariantDecl>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VariantDecl {
    pub name: Ident,
    pub kind: VariantKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum VariantKind {
    /// `A`
    Unit,
    /// `B(i32, String)`
    Tuple(Vec<Type>),
    /// `C { x: f64 }`
    Struct(Vec<FieldDecl>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImplDecl {
    /// `impl[T: Ord] Stack[T]`: type parameters the methods share.
    pub generics: Vec<GenericParam>,
    /// `impl Trait for Type`: the trait name.
    pub trait_name: Option<Ident>,
    pub self_ty: Type,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TraitDecl {
    pub name: Ident,
    /// Method signatures (and default bodies, if any), as `ItemKind::Fn` items.
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ModuleDecl {
    pub name: Ident,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GlobalDecl {
    pub name: Ident,
    pub ty: Option<Type>,
    pub init: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Type {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// A (possibly dotted) name with optional `[args]`: `i32`, `Vec[u8]`,
    /// `HashMap[String, u32]`, `other_module.Type`, `Self`.
    Path {
        segments: Vec<Ident>,
        args: Vec<Type>,
    },
    /// `(A, B)`; `()` is the unit type (empty list).
    Tuple(Vec<Type>),
    /// `&T` / `&mut T`.
    Ref { mutable: bool, inner: Box<Type> },
    /// `&[T]` (a borrowed `Vec[T]`); `&mut [T]` sets `mutable`.
    Slice { mutable: bool, elem: Box<Type> },
    /// `*const T` / `*mut T` (only for runtime host code).
    Ptr { mutable: bool, inner: Box<Type> },
    /// `dyn Trait`, `dyn other_module.Trait`: the trait's path.
    Dyn(Vec<Ident>),
    /// `Fn(i32, i32) -> bool` (also spelled `FnMut`/`FnOnce`, the same to Dast): the
    /// bound of a type parameter that is called; `ret` is `None` for `()`.
    Fn {
        params: Vec<Type>,
        ret: Option<Box<Type>>,
    },
    /// `!`
    Never,
    /// Unparseable type; already reported.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    /// The trailing expression without `;` (the block's value), if any.
    pub tail: Option<Box<Expr>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `let pat: T = init` (`init` optional: `let x: i32` then assigned later).
    Let {
        pat: Pat,
        ty: Option<Type>,
        init: Option<Expr>,
    },
    /// An expression statement. `semi` tells whether it ended with `;` (a block-like
    /// expression such as `if`/`match`/`while` needs none).
    Expr { expr: Expr, semi: bool },
    /// A nested item (fn, struct, const ...) inside a block.
    Item(Box<Item>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub id: ExprId,
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    And,
    Or,
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
    /// `-x`
    Neg,
    /// `!x`
    Not,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// Integer literal value (already parsed; `0xff`, `1_000`). An optional suffix
    /// (`10u8`, `5i64`) is kept.
    Int {
        value: u128,
        suffix: Option<String>,
    },
    /// Float literal (`1.5`, `1e3`, `2.0f32`).
    Float {
        value: f64,
        suffix: Option<String>,
    },
    Bool(bool),
    /// String literal with escapes already processed.
    Str(String),
    /// Character literal `'a'` (typed as `char` if supported, otherwise reported).
    Char(char),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Lit(Lit),
    /// `|a, b: i32| a + b`, `|x| -> i32 { x * 2 }`, `|| 5`, `move |x| x` (`move` changes
    /// nothing: captured variables are always copied).
    Closure {
        params: Vec<ClosureParam>,
        ret: Option<Type>,
        body: Box<Expr>,
    },
    /// A simple name: a local, a function, a type, a module, a const (`x`, `foo`,
    /// `GameState`, `Some`, `None`, `self`).
    Name(Ident),
    /// `.Variant` with the enum inferred from the expected type.
    InferredVariant(Ident),
    /// `base.name`: field access, or a path such as `GameState.default`,
    /// `VersionState.Active`, `other_module.f`. The checker decides which.
    Field {
        base: Box<Expr>,
        name: Ident,
    },
    /// `base.0`: tuple field.
    TupleField {
        base: Box<Expr>,
        index: u32,
        index_span: Span,
    },
    /// `callee(args)`. A method call `a.f(x)` is a `Call` whose callee is a `Field`.
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `base[T, U]` with types inside: explicit type arguments, as in
    /// `deserialize[GameState](bytes)`, `x.method[T](..)` or `HashMap[String, i32].new()`.
    /// The parser produces it when the bracket follows a name or field and the matching
    /// `]` is directly followed by `(`, or follows a capitalised name and is followed
    /// by `.`; otherwise `[..]` is indexing.
    TypeArgs {
        base: Box<Expr>,
        args: Vec<Type>,
    },
    /// `base[index]`
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
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
    /// `place = value`, or `place op= value` when `op` is set.
    Assign {
        op: Option<BinOp>,
        place: Box<Expr>,
        value: Box<Expr>,
    },
    /// `expr as T`
    Cast {
        expr: Box<Expr>,
        ty: Type,
    },
    /// `*expr`: the value a `Box` holds; on anything else (`*out = v` with `out` a
    /// `&mut` parameter) the operand itself, as values are values.
    Deref(Box<Expr>),
    /// `&expr` / `&mut expr` (only meaningful as an argument).
    Ref {
        mutable: bool,
        expr: Box<Expr>,
    },
    /// `(a, b)`; `()` is unit (empty).
    Tuple(Vec<Expr>),
    /// `(e)`: kept so spans and precedence are exact.
    Paren(Box<Expr>),
    /// `[a, b, c]`
    Array(Vec<Expr>),
    /// `[value; count]`
    ArrayRepeat {
        value: Box<Expr>,
        count: Box<Expr>,
    },
    /// `Name { a: 1, b }`, `E.C { x: 1.0 }`, `.C { x }`. `path` is the expression naming
    /// the struct or variant (a `Name`, `Field` or `InferredVariant`). A field written
    /// without `: value` has `value` = a `Name` expression of the same identifier.
    StructLit {
        path: Box<Expr>,
        fields: Vec<FieldInit>,
        /// `..base` functional update (remaining fields from `base`).
        rest: Option<Box<Expr>>,
    },
    /// `a..b`, `a..=b`, `a..`, `..b`
    Range {
        start: Option<Box<Expr>>,
        end: Option<Box<Expr>>,
        inclusive: bool,
    },
    Block(Block),
    /// `unsafe { ... }`
    Unsafe(Block),
    If {
        cond: Box<Expr>,
        then: Block,
        /// `else { }` or `else if ...` (an `If` expression).
        els: Option<Box<Expr>>,
    },
    /// `if let pat = value { } else { }`
    IfLet {
        pat: Pat,
        value: Box<Expr>,
        then: Block,
        els: Option<Box<Expr>>,
    },
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<MatchArm>,
    },
    While {
        cond: Box<Expr>,
        body: Block,
    },
    /// `while let pat = value { }`
    WhileLet {
        pat: Pat,
        value: Box<Expr>,
        body: Block,
    },
    Loop(Block),
    For {
        pat: Pat,
        iter: Box<Expr>,
        body: Block,
    },
    /// `break`, `break value`, `break 'label value`.
    Break {
        label: Option<Ident>,
        value: Option<Box<Expr>>,
    },
    /// `continue` or `continue 'label`.
    Continue(Option<Ident>),
    /// `'label: loop/while/for ...`; `body` is always one of those loops. The label's
    /// name keeps its `'`.
    Labeled {
        label: Ident,
        body: Box<Expr>,
    },
    Return(Option<Box<Expr>>),
    /// `expr?`
    Try(Box<Expr>),
    /// Unparseable expression (closures `|a| e` are not in v0 and end up here too);
    /// already reported.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldInit {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MatchArm {
    pub pat: Pat,
    pub guard: Option<Expr>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pat {
    pub id: PatId,
    pub kind: PatKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PatKind {
    /// `_`
    Wild,
    /// `x`, `mut x`. A lone identifier that names a unit variant or a constant in scope
    /// (`None`, `MAX`) is decided by the checker, not the parser.
    Bind { name: Ident, mutable: bool },
    /// `name @ pat`, `mut name @ pat`: binds the whole value when `pat` matches.
    At {
        name: Ident,
        mutable: bool,
        pat: Box<Pat>,
    },
    /// `42`, `-1`, `"s"`, `true`, `1.5`
    Lit(Lit),
    /// `1..=5`, `'a'..='z'`, `0..10` (exclusive). Bounds are literals (possibly negative).
    Range {
        start: Option<Lit>,
        end: Option<Lit>,
        inclusive: bool,
    },
    /// `(a, b)`
    Tuple(Vec<Pat>),
    /// A path to a unit variant or constant: `E.A`, `.A`, `Option.None`
    /// (`segments` empty means the inferred form `.A`).
    Path {
        segments: Vec<Ident>,
        inferred: bool,
    },
    /// `E.B(x, _)`, `.Some(x)`, `Some(x)`
    TupleStruct {
        segments: Vec<Ident>,
        inferred: bool,
        elems: Vec<Pat>,
    },
    /// `Point { x, y: 0, .. }`, `.C { x }`
    Struct {
        segments: Vec<Ident>,
        inferred: bool,
        fields: Vec<FieldPat>,
        has_rest: bool,
    },
    /// `a | b`
    Or(Vec<Pat>),
    /// `&x` in a pattern: treated as `x`.
    Ref(Box<Pat>),
    /// Unparseable pattern; already reported.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldPat {
    pub name: Ident,
    /// `x` alone is `Bind x`.
    pub pat: Pat,
    pub span: Span,
}
