//! A compiled module: what a `.dbc` file holds, in memory.

use crate::inst::{ConstId, FuncId, Inst, TypeId};

/// Magic number at the start of every `.dbc` file.
pub const MAGIC: [u8; 4] = *b"DBC\0";

/// Bytes of the checksum that ends a `.dbc` file.
pub const CHECKSUM_BYTES: usize = 8;

/// FNV-1a (64-bit) of `bytes`: the `.dbc` checksum, and the hash the build cache records
/// of native libraries. Detects corruption (truncation, flipped bits, a file cut and
/// pasted), not tampering by someone who recomputes it.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Recomputes the checksum at the end of a `.dbc` file (for tools that edit files on
/// purpose, such as fuzzers and tests of the decoder); does nothing to a file shorter
/// than a checksum.
pub fn seal(bytes: &mut [u8]) {
    if let Some(body) = bytes.len().checked_sub(CHECKSUM_BYTES) {
        let sum = content_hash(&bytes[..body]);
        bytes[body..].copy_from_slice(&sum.to_le_bytes());
    }
}
/// Version of the `.dbc` format (bumped on any incompatible change).
pub const FORMAT_VERSION: u32 = 4;

/// A type in a module's type table. Types are structural within a module: the compiler
/// interns them, so equal types have equal ids. Across modules, a struct or enum is
/// identified by its qualified name (`module.Type`) and its fields matched by name.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeDesc {
    /// `()`: no registers.
    Unit,
    /// `!`: no registers (a value of it never exists).
    Never,
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    Isize,
    Usize,
    F32,
    F64,
    /// A Unicode scalar value, stored as a u32 word.
    Char,
    /// `String`: one reference.
    Str,
    /// `Vec[T]`: one reference.
    Vec(TypeId),
    /// `HashMap[K, V]`: one reference.
    Map(TypeId, TypeId),
    /// `(A, B, ...)`: the fields' registers in order.
    Tuple(Vec<TypeId>),
    /// A struct: fields in declaration order. `name` is qualified (`game_logic.GameState`).
    Struct {
        name: String,
        fields: Vec<Field>,
    },
    /// An enum: a tag word (variant index), then every variant's fields in turn.
    /// `Option[T]` is `Enum { name: "Option", variants: [None, Some(T)] }` and
    /// `Result[T, E]` is `Enum { name: "Result", variants: [Ok(T), Err(E)] }`.
    Enum {
        name: String,
        variants: Vec<Variant>,
    },
    /// `Box[T]`: one reference to a heap vector holding exactly one `T` (so every vector
    /// instruction reads and writes it; element 0 is the boxed value).
    Box(TypeId),
    /// A trait object (`Box[dyn Trait]`, `&dyn Trait`): one reference to a handle that
    /// holds a boxed value and the vtable of its type's impl of the trait. `trait_name`
    /// is qualified (`main.Plugin`).
    Dyn {
        trait_name: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub ty: TypeId,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub name: String,
    /// Fields; for a tuple variant the names are "0", "1", ...
    pub fields: Vec<Field>,
    /// True for `B(i32, String)`, false for `C { x: f64 }` and unit variants.
    pub is_tuple: bool,
}

/// How many scalar words and references a value of a type occupies (in registers, in
/// globals, in a vector element).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Layout {
    pub words: u32,
    pub refs: u32,
}

impl Layout {
    pub const ZERO: Layout = Layout { words: 0, refs: 0 };
    pub const WORD: Layout = Layout { words: 1, refs: 0 };
    pub const REF: Layout = Layout { words: 0, refs: 1 };

    pub fn plus(self, other: Layout) -> Layout {
        Layout {
            words: self.words + other.words,
            refs: self.refs + other.refs,
        }
    }
}

/// The layout of `ty`. Types may refer to any id of the table, but no struct, tuple or
/// enum may contain itself by value (the compiler refuses it and the verifier checks it
/// before anything asks for a layout), so layouts are finite.
pub fn layout_of(types: &[TypeDesc], ty: TypeId) -> Layout {
    match &types[ty.0 as usize] {
        TypeDesc::Unit | TypeDesc::Never => Layout::ZERO,
        TypeDesc::Bool
        | TypeDesc::I8
        | TypeDesc::I16
        | TypeDesc::I32
        | TypeDesc::I64
        | TypeDesc::U8
        | TypeDesc::U16
        | TypeDesc::U32
        | TypeDesc::U64
        | TypeDesc::Isize
        | TypeDesc::Usize
        | TypeDesc::F32
        | TypeDesc::F64
        | TypeDesc::Char => Layout::WORD,
        TypeDesc::Str
        | TypeDesc::Vec(_)
        | TypeDesc::Map(..)
        | TypeDesc::Box(_)
        | TypeDesc::Dyn { .. } => Layout::REF,
        TypeDesc::Tuple(elems) => elems
            .iter()
            .fold(Layout::ZERO, |acc, t| acc.plus(layout_of(types, *t))),
        TypeDesc::Struct { fields, .. } => fields
            .iter()
            .fold(Layout::ZERO, |acc, f| acc.plus(layout_of(types, f.ty))),
        TypeDesc::Enum { variants, .. } => variants
            .iter()
            .flat_map(|v| v.fields.iter())
            .fold(Layout::WORD, |acc, f| acc.plus(layout_of(types, f.ty))),
    }
}

/// Whether vectors of this type store one byte per element (`bool`, `u8`, `i8`).
pub fn is_byte_elem(types: &[TypeDesc], ty: TypeId) -> bool {
    matches!(
        types[ty.0 as usize],
        TypeDesc::Bool | TypeDesc::U8 | TypeDesc::I8
    )
}

/// A function's signature: parameter types and return type. `mut_params` lists the
/// indices of `&mut` parameters, whose final values are returned after the return value.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub params: Vec<TypeId>,
    pub ret: TypeId,
    pub mut_params: Vec<u32>,
}

/// A line table entry: instructions from `pc` on come from `line:col` of the module's
/// source file (until the next entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineEntry {
    pub pc: u32,
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// Qualified for methods: `GameState.default`, `Point.len`.
    pub name: String,
    pub sig: Signature,
    /// Exported functions can be called from the host and other modules by name.
    pub exported: bool,
    /// Scalar and reference register counts of a frame (parameters included).
    pub scalar_regs: u16,
    pub ref_regs: u16,
    pub code: Vec<Inst>,
    /// Sorted by `pc`, first entry at pc 0.
    pub lines: Vec<LineEntry>,
}

impl Function {
    /// The source position of instruction `pc`, from the line table.
    pub fn line_of(&self, pc: u32) -> Option<(u32, u32)> {
        let idx = match self.lines.binary_search_by_key(&pc, |e| e.pc) {
            Ok(i) => i,
            Err(0) => return None,
            Err(i) => i - 1,
        };
        let e = self.lines[idx];
        Some((e.line, e.col))
    }
}

/// A function of another module this module calls. Resolved by name when modules are
/// linked; the signature must match the callee's exactly (types compared by structure and
/// qualified names).
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub sig: Signature,
}

/// A module-level `var` or `static`: its slots in the module's globals.
#[derive(Clone, Debug, PartialEq)]
pub struct Global {
    pub name: String,
    pub ty: TypeId,
    /// First scalar slot and first reference slot (the type's layout says how many).
    pub word_slot: u32,
    pub ref_slot: u32,
    /// `static mut` (true) or `var` (false).
    pub is_static: bool,
}

/// The most words one `@shared static` may have: its cell is reserved at this size when
/// first created and never moves, so appending fields never relocates bytes that old
/// versions (and native code) point at.
pub const SHARED_CELL_WORDS: u32 = 8192;

/// A `@shared static mut`: its value lives in memory owned by the runtime (one cell per
/// module name and static name), outside every version of the module, so every loaded
/// version (a Draining one too) reads and writes the same words. Its type holds no
/// references (scalars and structs of scalars), so the words are plain data.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedStatic {
    pub name: String,
    pub ty: TypeId,
    /// The `N` of the type's `@abi_stable(N)` (0 for a scalar type).
    pub abi: u32,
    /// First slot of the module's shared-word table; the type's words follow.
    pub slot: u32,
    /// Stores the initial value (with `StoreSh`); run only when the cell is new, so a
    /// later version keeps the bytes and fields it appends stay zero (their default).
    pub init: FuncId,
}

/// An `impl Trait for Type` of the module, what a trait object of that type needs: the
/// method shims its vtable lists and the function that makes a default instance.
#[derive(Clone, Debug, PartialEq)]
pub struct ImplDesc {
    /// The implementing struct or enum.
    pub ty: TypeId,
    /// The trait, qualified (`main.Plugin`).
    pub trait_name: String,
    /// One per trait method, in the trait's declaration order: the method's name and
    /// its shim, a function `(this: dyn Trait, params..) -> ret` that runs the method on
    /// the object's boxed value (`DynLoad`/`DynTake`, then `DynPut` for `&mut self`).
    pub methods: Vec<ImplMethod>,
    /// A function `() -> dyn Trait` returning a new object of the type (its `new()`
    /// when it has one taking nothing, else its default value), for `instantiate`; or
    /// `None` when the type has neither.
    pub make: Option<FuncId>,
}

/// A trait method called through a trait object (`CallDyn`), as the calling module
/// sees it: the trait, the method's place in it and its signature without the receiver
/// (the window holds the object first, then these parameters).
#[derive(Clone, Debug, PartialEq)]
pub struct DynMethod {
    /// The trait, qualified (`main.Plugin`).
    pub trait_name: String,
    pub name: String,
    /// The method's index in the trait (its vtable slot).
    pub slot: u32,
    /// The shim's signature: the trait object, then the method's parameters.
    pub sig: Signature,
}

/// One vtable entry of an [`ImplDesc`].
#[derive(Clone, Debug, PartialEq)]
pub struct ImplMethod {
    pub name: String,
    pub shim: FuncId,
}

/// A piece of a format string.
#[derive(Clone, Debug, PartialEq)]
pub enum FormatPiece {
    /// Literal text.
    Lit(String),
    /// A placeholder for one argument.
    Arg(FormatArg),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// Which formatting trait a placeholder uses besides Display/Debug: `{:x}`, `{:X}`,
/// `{:b}`, `{:o}`, `{:e}`, `{:E}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FormatKind {
    /// Display, or Debug when `debug` is set.
    #[default]
    Default,
    /// `x`
    LowerHex,
    /// `X`
    UpperHex,
    /// `b`
    Binary,
    /// `o`
    Octal,
    /// `e`
    LowerExp,
    /// `E`
    UpperExp,
}

/// A placeholder's format spec, as Rust's: `{}`, `{:?}`, `{:.3}`, `{:>8}`, `{:08.2}`,
/// `{:-^10}`, `{:+}`, `{:#?}`, `{:#010x}`, `{:.3e}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FormatStyle {
    /// `?`: Debug instead of Display.
    pub debug: bool,
    /// `.N`: digits after the point for floats; maximum chars for strings.
    pub precision: Option<u32>,
    /// Minimum width in chars.
    pub width: Option<u32>,
    /// Alignment when padding (`None`: numbers right, everything else left).
    pub align: Option<Align>,
    /// Padding char (default ' ').
    pub fill: Option<char>,
    /// `0` flag: pad numbers with zeros after the sign.
    pub zero: bool,
    /// `+` flag: always print the sign of numbers.
    pub plus: bool,
    /// `#` flag: pretty Debug (`{:#?}`), `0x`/`0b`/`0o` prefixes.
    pub alternate: bool,
    /// `x`, `X`, `b`, `o`, `e`, `E` (or none).
    pub kind: FormatKind,
}

/// Where a placeholder's value is: its type and first registers in the current frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatArg {
    pub ty: TypeId,
    pub style: FormatStyle,
    pub s: u16,
    pub r: u16,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FormatSpec {
    pub pieces: Vec<FormatPiece>,
}

/// A compiled module.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Module {
    /// Registry name (`game_logic`, `plugins.greeter`).
    pub name: String,
    /// Source file path as given to the compiler (for stack traces).
    pub source: String,
    /// Hot-reloadable (`@hot_reload module` or any `@hot_reload fn`).
    pub hot_reload: bool,
    pub types: Vec<TypeDesc>,
    pub functions: Vec<Function>,
    pub imports: Vec<Import>,
    pub globals: Vec<Global>,
    /// Total global slots (sum of the globals' layouts).
    pub global_words: u32,
    pub global_refs: u32,
    /// `@shared static mut`s: memory owned by the runtime, outside every version.
    pub shared: Vec<SharedStatic>,
    /// Total shared word slots (sum of the shared statics' layouts; `LoadSh`/`StoreSh`).
    pub shared_words: u32,
    /// Trait impls that trait objects can be made of (`DynNew`'s operand indexes this).
    pub impls: Vec<ImplDesc>,
    /// Trait methods this module calls through trait objects (`CallDyn`'s operand).
    pub dyn_methods: Vec<DynMethod>,
    /// Runs the `var`/`static` initializers; takes nothing, returns unit.
    pub init: Option<FuncId>,
    /// 64-bit constants for `LoadK`.
    pub scalars: Vec<u64>,
    /// String constants for `LoadStr`.
    pub strings: Vec<String>,
    /// Format specs for `Format`.
    pub formats: Vec<FormatSpec>,
}

impl Module {
    pub fn layout(&self, ty: TypeId) -> Layout {
        layout_of(&self.types, ty)
    }

    /// Whether function `index` is one the runtime calls to initialize the module: its
    /// `init` or a shared static's initializer (such functions need an entry point).
    pub fn is_initializer(&self, index: usize) -> bool {
        let is = |f: FuncId| f.0 as usize == index;
        self.init.is_some_and(is) || self.shared.iter().any(|g| is(g.init))
    }

    /// Whether function `index` is a method shim of an impl (a vtable entry: the
    /// runtime calls it, so it needs an entry point like an exported function).
    pub fn is_shim(&self, index: usize) -> bool {
        self.impls
            .iter()
            .any(|imp| imp.methods.iter().any(|m| m.shim.0 as usize == index))
    }

    pub fn function_by_name(&self, name: &str) -> Option<FuncId> {
        self.functions
            .iter()
            .position(|f| f.name == name)
            .map(|i| FuncId(i as u32))
    }

    pub fn format(&self, k: ConstId) -> &FormatSpec {
        &self.formats[k.0 as usize]
    }
}
