//! The instruction set of the Dast VM.
//!
//! # Registers
//! A function has two register files, sized in its header:
//! - **scalar registers** `S(n)`: 64-bit words holding `bool` (0/1), integers and floats.
//!   Integers are kept *canonical*: a value of a type narrower than 64 bits is stored
//!   sign-extended (signed types) or zero-extended (unsigned types) to 64 bits. `f64` is
//!   stored as its bits, `f32` as its bits in the low 32 bits (high bits zero).
//! - **reference registers** `R(n)`: a reference-counted pointer to a heap object
//!   (`String`, `Vec`, `HashMap`), or null. Writing a reference register releases the
//!   value it held. Heap objects are copy-on-write: an instruction that mutates an object
//!   first makes it unique (copies it if its count is above one).
//!
//! Composite values (tuples, structs, enums) are never boxed: a value of such a type
//! occupies a run of consecutive scalar registers and a run of consecutive reference
//! registers, as given by [`crate::Layout`]. An enum is a tag word (variant index)
//! followed by the fields of every variant, variants not overlapping.
//!
//! # Calls
//! `Call { func, s, r }` runs `func` with a new frame whose scalar registers start at the
//! caller's `S(s)` and whose reference registers start at the caller's `R(r)`: the
//! caller has put the arguments there, flattened in parameter order (each parameter's
//! scalar words in the scalar window, its references in the reference window). On
//! return, the callee's results are in the same place: first the return value, then the
//! final value of every `&mut` parameter in parameter order (the caller writes them back
//! to the places it passed). Reference registers of the window past the results are
//! null after a call.
//!
//! `Intrinsic` uses the same window convention; each [`Intrinsic`] documents its
//! arguments and results.
//!
//! # Panics
//! Instructions that can fail (division by zero, index out of range, `Panic`, ...) stop
//! the current host call with a panic carrying the message and a stack trace made from
//! each frame's line table.

/// Scalar register index (relative to the frame).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct S(pub u16);

/// Reference register index (relative to the frame).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct R(pub u16);

/// Index into the module's function table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(pub u32);

/// Index into the module's import table (functions of other modules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImportId(pub u32);

/// Index into the module's type table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

/// Index of a scalar slot (`GS`) or reference slot (`GR`) of the module's globals
/// (`var` and `static` state, one instance per loaded module version).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalSlot(pub u32);

/// Index of a word of the module's shared-word table: the words of its `@shared static`s,
/// which live outside the version (see [`crate::SharedStatic`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SharedSlot(pub u32);

/// Index into the module's impl table ([`crate::ImplDesc`]): a trait object's type and
/// trait.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImplId(pub u32);

/// Index into the module's dynamic-call table ([`crate::DynMethod`]): a trait method
/// called through a trait object, and the signature the caller expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DynMethodId(pub u32);

/// Index into the module's constant pools (`scalars`, `strings` or `formats` depending on
/// the instruction).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConstId(pub u32);

/// An instruction address within one function's code.
pub type Target = u32;

/// Integer kinds for [`Inst::Norm`] and casts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum IntKind {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

impl IntKind {
    /// The kind's width in bits.
    #[inline(always)]
    pub const fn bits(self) -> u32 {
        match self {
            IntKind::I8 | IntKind::U8 => 8,
            IntKind::I16 | IntKind::U16 => 16,
            IntKind::I32 | IntKind::U32 => 32,
            IntKind::I64 | IntKind::U64 => 64,
        }
    }

    #[inline(always)]
    pub const fn is_signed(self) -> bool {
        matches!(
            self,
            IntKind::I8 | IntKind::I16 | IntKind::I32 | IntKind::I64
        )
    }
}

/// Numeric conversions for [`Inst::Cvt`]; float-to-int conversions saturate and map NaN to
/// zero, as Rust's `as` does. Integer sources are canonical 64-bit words (see the module
/// docs), so "from signed" covers i8..i64 and "from unsigned" u8..u64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Cvt {
    /// signed integer -> f64
    SToF64,
    /// unsigned integer -> f64
    UToF64,
    /// signed integer -> f32
    SToF32,
    /// unsigned integer -> f32
    UToF32,
    /// f64 -> i64 (saturating); follow with `Norm` for narrower types
    F64ToS,
    /// f64 -> u64 (saturating)
    F64ToU,
    /// f32 -> i64 (saturating)
    F32ToS,
    /// f32 -> u64 (saturating)
    F32ToU,
    /// f32 -> f64
    F32ToF64,
    /// f64 -> f32 (rounding)
    F64ToF32,
}

/// One-argument float functions for [`Inst::FUnary`] (on f64; f32 code converts around).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum FUnary {
    Sqrt,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Exp,
    Ln,
    Log10,
    Log2,
    Floor,
    Ceil,
    Round,
    Trunc,
    Abs,
    Fract,
    Signum,
}

/// Two-argument float functions for [`Inst::FBinary`] (on f64).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum FBinary {
    Powf,
    /// `a.powi(b as i32)`: `b` holds the exponent as an f64 (exact for every i32).
    Powi,
    Atan2,
    Min,
    Max,
    Hypot,
}

impl Intrinsic {
    /// A host request (`ModuleRegistry`): the runtime asks its host instead of running
    /// it (`Foreign`, the VM's own body of foreign functions, is not one).
    pub fn is_host_request(self) -> bool {
        matches!(
            self,
            Intrinsic::RegistryLoad
                | Intrinsic::HostFn
                | Intrinsic::RegistryPin
                | Intrinsic::RegistryUnpin
                | Intrinsic::RegistryCallVersion
                | Intrinsic::RegistryHasUpdate
                | Intrinsic::RegistryReload
                | Intrinsic::RegistryCall
                | Intrinsic::RegistryGetVersion
                | Intrinsic::RegistryModules
                | Intrinsic::LoadBytecode
                | Intrinsic::ReadDir
        )
    }
}

/// How native code runs an instruction that it does not translate itself, the contract
/// between the code generator and the runtime (`dast_abi::RuntimeTable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuntimeRole {
    /// The runtime's `exec_one` runs it with the interpreter's own code.
    ExecOne,
    /// A host request, served by the runtime's host (also through `exec_one`).
    HostRequest,
}

impl Inst {
    /// What the runtime does for this instruction when native code hands it over, or
    /// `None` for instructions the code generator must translate itself (scalar
    /// operations, jumps, calls, returns, the VM's own `Foreign` body).
    pub fn runtime_role(&self) -> Option<RuntimeRole> {
        use Inst::*;
        match self {
            Intrinsic { op, .. } if op.is_host_request() => Some(RuntimeRole::HostRequest),
            Intrinsic {
                op: self::Intrinsic::Foreign,
                ..
            } => None,
            Intrinsic { .. } => Some(RuntimeRole::ExecOne),
            MovR { .. } | TakeR { .. } | ClearR { .. } | LoadStr { .. } | Panic { .. } => {
                Some(RuntimeRole::ExecOne)
            }
            LoadG { .. } | StoreG { .. } | LoadGR { .. } | TakeGR { .. } | StoreGR { .. } => {
                Some(RuntimeRole::ExecOne)
            }
            StrConcat { .. }
            | StrPush { .. }
            | StrEq { .. }
            | StrCmp { .. }
            | StrLen { .. }
            | Format { .. } => Some(RuntimeRole::ExecOne),
            VecNew { .. }
            | VecLen { .. }
            | VecLoadW { .. }
            | VecStoreW { .. }
            | VecLoadR { .. }
            | VecStoreR { .. }
            | VecLoadB { .. }
            | VecStoreB { .. }
            | VecPush { .. }
            | MapNew { .. } => Some(RuntimeRole::ExecOne),
            DynNew { .. } | DynLoad { .. } | DynTake { .. } | DynPut { .. } => {
                Some(RuntimeRole::ExecOne)
            }
            _ => None,
        }
    }
}

/// A VM instruction. Operands are written `dst, a, b`; `S` operands are scalar registers,
/// `R` operands reference registers. "Wrapping" means two's complement wrap-around as
/// Rust's `wrapping_*` methods.
#[derive(Clone, Copy, Debug, PartialEq)]
// A plain tag byte first (instead of a niche in `Intrinsic`'s operand) makes the
// interpreter's dispatch one byte load and a jump; the size stays 12 bytes.
#[repr(u8)]
pub enum Inst {
    // ---- moves and constants ----
    /// `dst = src` (scalar).
    Mov { dst: S, src: S },
    /// `dst = src` (reference; the object's count goes up).
    MovR { dst: R, src: R },
    /// `dst = src; src = null` (moves a reference without touching its count).
    TakeR { dst: R, src: R },
    /// `dst = null` (releases the reference).
    ClearR { dst: R },
    /// `dst = imm` sign-extended to 64 bits.
    LoadI { dst: S, imm: i32 },
    /// `dst = scalars[k]` (any 64-bit constant: large integers, float bits).
    LoadK { dst: S, k: ConstId },
    /// `dst = strings[k]` (a new reference to the constant string).
    LoadStr { dst: R, k: ConstId },

    // ---- integer arithmetic (canonical words, see module docs) ----
    /// `dst = a + b`, wrapping at 64 bits (i64, u64, isize, usize).
    Add64 { dst: S, a: S, b: S },
    /// `dst = a - b`, wrapping at 64 bits.
    Sub64 { dst: S, a: S, b: S },
    /// `dst = a * b`, wrapping at 64 bits.
    Mul64 { dst: S, a: S, b: S },
    /// `dst = a + b`, wrapping as i32 (result sign-extended).
    Add32 { dst: S, a: S, b: S },
    /// `dst = a - b`, wrapping as i32.
    Sub32 { dst: S, a: S, b: S },
    /// `dst = a * b`, wrapping as i32.
    Mul32 { dst: S, a: S, b: S },
    /// `dst = a + imm`, wrapping at 64 bits.
    AddImm64 { dst: S, a: S, imm: i32 },
    /// `dst = a + imm`, wrapping as i32.
    AddImm32 { dst: S, a: S, imm: i32 },
    /// Signed division of canonical words, wrapping (`MIN / -1 == MIN` for i64); panics
    /// "attempt to divide by zero" when `b == 0`.
    DivS { dst: S, a: S, b: S },
    /// Signed remainder; panics "attempt to calculate the remainder with a divisor of
    /// zero" when `b == 0`. `MIN % -1 == 0`.
    RemS { dst: S, a: S, b: S },
    /// Unsigned 64-bit division; panics on zero like `DivS`.
    DivU { dst: S, a: S, b: S },
    /// Unsigned 64-bit remainder; panics on zero like `RemS`.
    RemU { dst: S, a: S, b: S },
    /// `dst = -a` wrapping at 64 bits (follow with `Norm` for narrower types).
    Neg64 { dst: S, a: S },
    /// `dst = a & b`
    And { dst: S, a: S, b: S },
    /// `dst = a | b`
    Or { dst: S, a: S, b: S },
    /// `dst = a ^ b`
    Xor { dst: S, a: S, b: S },
    /// `dst = !a` (bitwise; follow with `Norm` for unsigned types narrower than 64).
    BitNot { dst: S, a: S },
    /// `dst = a << (b & (bits-1))` then made canonical for `kind`.
    Shl { dst: S, a: S, b: S, kind: IntKind },
    /// Arithmetic (signed kinds) or logical (unsigned kinds) right shift by
    /// `b & (bits-1)`.
    Shr { dst: S, a: S, b: S, kind: IntKind },
    /// `dst = a` truncated to `kind`'s width and made canonical (sign- or
    /// zero-extended). Used after 64-bit arithmetic on narrow types and for integer casts.
    Norm { dst: S, src: S, kind: IntKind },
    /// `dst = (a == b)` on 64-bit words (any integer kind, bool).
    EqI { dst: S, a: S, b: S },
    /// `dst = (a != b)`
    NeI { dst: S, a: S, b: S },
    /// `dst = (a < b)` signed 64-bit (also correct for every canonical kind but u64).
    LtS { dst: S, a: S, b: S },
    /// `dst = (a <= b)` signed 64-bit.
    LeS { dst: S, a: S, b: S },
    /// `dst = (a < b)` unsigned 64-bit (u64, usize).
    LtU { dst: S, a: S, b: S },
    /// `dst = (a <= b)` unsigned 64-bit.
    LeU { dst: S, a: S, b: S },
    /// `dst = !a` for a bool (0/1).
    NotB { dst: S, a: S },

    // ---- floats ----
    /// f64 `dst = a + b`
    AddF64 { dst: S, a: S, b: S },
    /// f64 `dst = a - b`
    SubF64 { dst: S, a: S, b: S },
    /// f64 `dst = a * b`
    MulF64 { dst: S, a: S, b: S },
    /// f64 `dst = a / b` (IEEE: no panic)
    DivF64 { dst: S, a: S, b: S },
    /// f64 `dst = a % b` (Rust's `%` on floats)
    RemF64 { dst: S, a: S, b: S },
    /// f64 `dst = -a`
    NegF64 { dst: S, a: S },
    /// f32 `dst = a + b`
    AddF32 { dst: S, a: S, b: S },
    /// f32 `dst = a - b`
    SubF32 { dst: S, a: S, b: S },
    /// f32 `dst = a * b`
    MulF32 { dst: S, a: S, b: S },
    /// f32 `dst = a / b`
    DivF32 { dst: S, a: S, b: S },
    /// f32 `dst = a % b`
    RemF32 { dst: S, a: S, b: S },
    /// f32 `dst = -a`
    NegF32 { dst: S, a: S },
    /// f64 `dst = (a == b)`
    EqF64 { dst: S, a: S, b: S },
    /// f64 `dst = (a < b)`
    LtF64 { dst: S, a: S, b: S },
    /// f64 `dst = (a <= b)`
    LeF64 { dst: S, a: S, b: S },
    /// f32 `dst = (a == b)`
    EqF32 { dst: S, a: S, b: S },
    /// f32 `dst = (a < b)`
    LtF32 { dst: S, a: S, b: S },
    /// f32 `dst = (a <= b)`
    LeF32 { dst: S, a: S, b: S },
    /// Numeric conversion `dst = op(src)`.
    Cvt { dst: S, src: S, op: Cvt },
    /// f64 `dst = op(a)`
    FUnary { dst: S, a: S, op: FUnary },
    /// f64 `dst = op(a, b)`
    FBinary { dst: S, a: S, b: S, op: FBinary },

    // ---- control flow ----
    /// Jump to `target`.
    Jmp { target: Target },
    /// Jump to `target` if `cond != 0`.
    JmpIf { cond: S, target: Target },
    /// Jump to `target` if `cond == 0`.
    JmpIfNot { cond: S, target: Target },
    /// Jump to `target` if `a < b` (signed 64-bit).
    JmpLtS { a: S, b: S, target: Target },
    /// Jump to `target` if `a >= b` (signed 64-bit).
    JmpGeS { a: S, b: S, target: Target },
    /// Jump to `target` if `a != imm` (`imm` sign-extended to 64 bits): one instruction
    /// for the variant tests of `match`, `if let` and `unwrap`.
    JmpNeImm { a: S, imm: i32, target: Target },
    /// Loop back-edge of `for i in a..b`: `ctr += 1; if ctr < end { jump target }`
    /// (signed 64-bit compare).
    LoopLt { ctr: S, end: S, target: Target },
    /// Loop back-edge of `for i in a..=b`: `ctr += 1; if ctr <= end { jump target }`.
    /// Stops without wrapping when `ctr` was `i64::MAX`.
    LoopLe { ctr: S, end: S, target: Target },
    /// Call a function of this module (see "Calls" in the module docs).
    Call { func: FuncId, s: S, r: R },
    /// Call a function of another module through the import table (same convention).
    CallImport { import: ImportId, s: S, r: R },
    /// Return. The results (return value then `&mut` parameters) are at `S(s)..` and
    /// `R(r)..`; they are moved to the start of the frame (the caller's window) and every
    /// other reference register of the frame is released.
    Ret { s: S, r: R },
    /// Panic with the message in string register `msg`.
    Panic { msg: R },
    /// Run a built-in operation with arguments and results in the window at
    /// `S(s)..`/`R(r)..` (see [`Intrinsic`]); `ty` is the type operand where the
    /// intrinsic needs one (else 0).
    Intrinsic {
        op: Intrinsic,
        ty: TypeId,
        s: S,
        r: R,
    },

    // ---- module state ----
    /// `dst = globals.scalar[g]`
    LoadG { dst: S, g: GlobalSlot },
    /// `globals.scalar[g] = src`
    StoreG { g: GlobalSlot, src: S },
    /// `dst = globals.refs[g]` (count goes up)
    LoadGR { dst: R, g: GlobalSlot },
    /// `dst = globals.refs[g]; globals.refs[g] = null` (to mutate it uniquely, then
    /// store it back)
    TakeGR { dst: R, g: GlobalSlot },
    /// `globals.refs[g] = src` (count goes up)
    StoreGR { g: GlobalSlot, src: R },
    /// `dst = shared[g]`: a word of a `@shared static`, in memory every version of the
    /// module shares (the instance holds a pointer per shared slot).
    LoadSh { dst: S, g: SharedSlot },
    /// `shared[g] = src`
    StoreSh { g: SharedSlot, src: S },

    // ---- strings ----
    /// `dst = a + b` (new string)
    StrConcat { dst: R, a: R, b: R },
    /// `a.push_str(b)` in place (copy-on-write)
    StrPush { a: R, b: R },
    /// `dst = (a == b)` byte-wise
    StrEq { dst: S, a: R, b: R },
    /// `dst = ordering of a vs b` (-1, 0, 1 as i64), byte-wise lexicographic
    StrCmp { dst: S, a: R, b: R },
    /// `dst = a.len()` in bytes
    StrLen { dst: S, a: R },
    /// `dst = formats[spec]` rendered: the format constant lists the literal pieces and,
    /// for each placeholder, the argument's type and its first scalar/reference register
    /// in this frame.
    Format { dst: R, spec: ConstId },

    // ---- vectors ----
    /// `dst = Vec.new()` with elements of type `elem` (its layout decides the storage:
    /// one byte per element for `bool`/`u8`/`i8`, else words and references per element).
    VecNew { dst: R, elem: TypeId },
    /// `dst = v.len()`
    VecLen { dst: S, v: R },
    /// `dst = word `off` of element `idx`` (panics "index out of bounds: the len is L but
    /// the index is I" when out of range). Word-storage vectors only.
    VecLoadW { dst: S, v: R, idx: S, off: u16 },
    /// Word `off` of element `idx` = `src` (copy-on-write; same bounds panic).
    VecStoreW { v: R, idx: S, off: u16, src: S },
    /// `dst = reference `off` of element `idx`` (count goes up).
    VecLoadR { dst: R, v: R, idx: S, off: u16 },
    /// Reference `off` of element `idx` = `src` (count goes up; copy-on-write).
    VecStoreR { v: R, idx: S, off: u16, src: R },
    /// `dst = element idx` of a byte-storage vector, canonical for the element type.
    VecLoadB { dst: S, v: R, idx: S },
    /// Element `idx` of a byte-storage vector = low byte of `src`.
    VecStoreB { v: R, idx: S, src: S },
    /// `v.push(value)` where the value's words start at `S(s)` and references at `R(r)`
    /// (the vector's element layout says how many; the references are moved out, their
    /// registers become null). Copy-on-write.
    VecPush { v: R, s: S, r: R },

    // ---- maps (hot paths; the rest are intrinsics) ----
    /// `dst = HashMap.new()` with key type `key` and value type from the map type `ty`
    /// (a `TypeDesc::Map`).
    MapNew { dst: R, ty: TypeId },

    // ---- trait objects ----
    /// `dst` = a new trait object holding the box `src` (a `Box[T]`, count goes up),
    /// whose type and trait are the module's impl `imp`: the object's vtable is that
    /// impl's, in whichever version of the module is active when a method is called.
    DynNew { dst: R, src: R, imp: ImplId },
    /// Calls trait method `m` on the trait object at `R(r)`, the first argument of the
    /// window (same convention as `Call`; the rest of the arguments follow it): runs the
    /// shim that the object's vtable lists for the method. Panics when the object's type
    /// has no compatible method (a reload removed it), naming both.
    CallDyn { m: DynMethodId, s: S, r: R },
    /// `dst` = the boxed value of the trait object `obj` (count goes up): for `&self`
    /// methods.
    DynLoad { dst: R, obj: R },
    /// `dst` = the boxed value of `obj`, moved out until `DynPut` puts it back: for
    /// `&mut self` methods. Panics "already borrowed" when it is out (a `&mut self`
    /// method of the object is running).
    DynTake { dst: R, obj: R },
    /// Puts the box `src` (moved) back into the trait object `obj`.
    DynPut { obj: R, src: R },
}

/// Built-in operations run by [`Inst::Intrinsic`]. Arguments are flattened into the
/// window (scalar words at `S(s)..`, references at `R(r)..`, in argument order) and
/// results are written to the start of the window the same way. `T`, `K`, `V` are the
/// element, key and value types; `ty` is the type operand named in each entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Intrinsic {
    /// `(msg: String)` -> `()`: writes `msg` to stdout.
    Print,
    /// `(msg: String)` -> `()`: writes `msg` and a newline to stdout.
    Println,
    /// `(msg: String)` -> `()`: writes `msg` and a newline to stderr.
    Eprintln,
    /// `(ms: u64)` -> `()`: sleeps.
    Sleep,
    /// `()` -> `u64`: milliseconds since the Unix epoch.
    NowMs,
    /// ty = `T`: `(v: Vec[T])` -> `(Vec[T], Option[T])` (the vector without its last
    /// element, and that element).
    VecPop,
    /// ty = `T`: `(v: Vec[T], i: usize)` -> `Option[T]` (a copy of element i, or None).
    VecGet,
    /// ty = `T`: `(v: Vec[T], i: usize, x: T)` -> `Vec[T]` (x inserted at i; panics
    /// "insertion index (is I) should be <= len (is L)").
    VecInsert,
    /// ty = `T`: `(v: Vec[T], i: usize)` -> `(Vec[T], T)` (the element removed at i;
    /// panics "removal index (is I) should be < len (is L)").
    VecRemove,
    /// ty = `T`: `(v: Vec[T], x: T)` -> `bool`.
    VecContains,
    /// ty = `T`: `(v: Vec[T])` -> `Vec[T]` sorted ascending (stable; floats by
    /// `total_cmp`; strings byte-wise; tuples/structs field by field).
    VecSort,
    /// ty = `T`: `(v: Vec[T])` -> `Vec[T]` reversed.
    VecReverse,
    /// ty = `T`: `(v: Vec[T])` -> `Vec[T]` emptied.
    VecClear,
    /// ty = `T`: `(v: Vec[T], w: Vec[T])` -> `Vec[T]` (w's elements appended).
    VecExtend,
    /// ty = `T`: `(v: Vec[T], start: usize, end: usize)` -> `Vec[T]` (a copy of
    /// `v[start..end]`; panics when out of range).
    VecSlice,
    /// ty = `T`: `(x: T, n: usize)` -> `Vec[T]` (n copies of x: `[x; n]`).
    VecRepeat,
    /// `(v: Vec[String], sep: String)` -> `String`.
    VecJoin,
    /// ty = the map type `HashMap[K, V]`: `(m, k: K, v: V)` -> `(HashMap[K, V],
    /// Option[V])` (the previous value).
    MapInsert,
    /// ty = map type: `(m, k: K)` -> `Option[V]` (a copy).
    MapGet,
    /// ty = map type: `(m, k: K)` -> `(HashMap[K, V], Option[V])`.
    MapRemove,
    /// ty = map type: `(m, k: K)` -> `bool`.
    MapContainsKey,
    /// ty = map type: `(m)` -> `usize`.
    MapLen,
    /// ty = map type: `(m, i: usize)` -> `(K, V)`: the i-th entry in iteration order
    /// (insertion order; `remove` moves the last entry into the removed one's place).
    /// Used by `for (k, v) in m`; `i < len` is guaranteed by the caller's loop, but is
    /// checked (panics "index out of bounds").
    MapEntryAt,
    /// ty = map type: `(m)` -> `Vec[K]` (keys in iteration order).
    MapKeys,
    /// ty = map type: `(m)` -> `Vec[V]`.
    MapValues,
    /// ty = map type: `(m)` -> `HashMap[K, V]` emptied.
    MapClear,
    /// `(s: String, pat: String)` -> `bool`.
    StrContains,
    /// `(s: String, pat: String)` -> `bool`.
    StrStartsWith,
    /// `(s: String, pat: String)` -> `bool`.
    StrEndsWith,
    /// `(s: String, sep: String)` -> `Vec[String]` (as Rust's `split(sep).collect()`).
    StrSplit,
    /// `(s: String)` -> `Vec[String]` (Rust's `split_whitespace`).
    StrSplitWhitespace,
    /// `(s: String)` -> `String` (Rust's `trim`).
    StrTrim,
    /// `(s: String)` -> `String`.
    StrToUpper,
    /// `(s: String)` -> `String`.
    StrToLower,
    /// `(s: String, from: String, to: String)` -> `String`.
    StrReplace,
    /// `(s: String)` -> `Option[i64]` (Rust's `s.parse::<i64>().ok()`, no trimming).
    StrParseI64,
    /// `(s: String)` -> `Option[f64]`.
    StrParseF64,
    /// `(s: String)` -> `Vec[char]` as `Vec[u32]`-like words (chars are `char` scalars).
    StrChars,
    /// `(s: String, start: usize, end: usize)` -> `String` (byte range; panics when out
    /// of range or not on a char boundary).
    StrSlice,
    /// `(s: String, c: char)` -> `String` (c appended).
    StrPushChar,
    /// `(c: char)` -> `String`.
    CharToString,
    /// ty = `T`: `(x: T)` -> `Vec[u8]`: the self-describing encoding (see `serialize.md`
    /// in the docs: field names kept, so a struct read back with added fields fills them
    /// with defaults).
    Serialize,
    /// ty = `T`: `(bytes: Vec[u8])` -> `T`; panics "deserialize: ..." when the bytes do
    /// not describe a `T` (lossless widening of numbers allowed, missing struct fields
    /// take their defaults, unknown fields ignored).
    Deserialize,
    /// ty = `T`: `(a: T, b: T)` -> `bool`: structural equality (floats by `==`).
    Eq,
    /// ty = `T`: `(a: T, b: T)` -> `i64` (-1, 0, 1): structural ordering as `VecSort`.
    Cmp,
    /// ty = `T`: `()` -> `T`: the default value (zero, false, empty, `None`, first variant
    /// for enums whose first variant has no fields).
    Default,
    /// `ModuleRegistry.load_module`: `(name: String, label: String)` -> `bool` (false,
    /// and an error logged by the host, when there is no such module). Handled by the
    /// host: the VM suspends the call, the host answers, the VM resumes.
    RegistryLoad,
    /// `ModuleRegistry.has_update`: `(name: String)` -> `bool` (the module's source
    /// changed since it was loaded or last reloaded). Host-handled.
    RegistryHasUpdate,
    /// `ModuleRegistry.reload_module`: `(name: String)` -> `bool` (true when the new
    /// version is active; false when the reload was refused, which the host logs).
    /// Host-handled.
    RegistryReload,
    /// `ModuleRegistry.call`: ty = the prelude's `Value` enum; `(module: String, func:
    /// String, args: Vec[Value])` -> `Value`: calls `func` of the module's active
    /// version, converting each `Value` to the parameter's type and the result back.
    /// Host-handled (a nested call on the same stacks).
    RegistryCall,
    /// `ModuleRegistry.get_version`: `(name: String)` -> `Option[u32]` (the active
    /// version's number). Host-handled.
    RegistryGetVersion,
    /// `registry.modules`: ty = `HashMap[String, Vec[ModuleVersion]]` (prelude types:
    /// `ModuleVersion { version: u32, label: String, state: VersionState, active_calls:
    /// u32 }`, `VersionState { Active, Draining, Unloaded }`); `()` -> that map, modules
    /// in load order. Host-handled.
    RegistryModules,
    /// `(code: i32)` -> never: exits the process with `code` (used by `exit`).
    Exit,
    /// `load_bytecode(path)`: `(path: String)` -> `String`, the name of the module the
    /// host loaded from `path` (a `.dbc` file, or a `.dast` file or project compiled on
    /// the fly) into the program, hot-reloadable like the others. Host-handled; a
    /// failure panics with the host's diagnostic.
    LoadBytecode,
    /// `module.instantiate[dyn T]()`: ty = the trait object type `dyn T`; `(module:
    /// String)` -> `dyn T`: a new object of the one type of that module's active
    /// version whose impl of a trait named `T` matches the caller's trait (the
    /// caller's dynamic-call table lists every method of `T`: each must be in the impl
    /// at the same place, with the same name and signature). Runs the impl's maker.
    /// Handled by the program (a nested call); panics naming the trait and module when
    /// no impl, or several, match.
    Instantiate,
    /// `read_dir(path)`: `(path: String)` -> `Vec[String]`, the names of the entries of
    /// the directory (relative paths from the program's root, as `load_bytecode`),
    /// sorted. Host-handled; a failure panics with the host's message.
    ReadDir,
    /// Never in a module (the verifier rejects it): the body the VM gives each function
    /// of an instance whose code runs elsewhere (a native module in hybrid mode),
    /// followed by `Ret { s: 0, r: 0 }`. Suspends to the host, which runs the function
    /// on the frame's parameters (the frame's first words and references) and leaves
    /// its results at the frame's start. Host-handled.
    Foreign,
    // Added after format 4 was first released: appended, so every older
    // discriminant (the encoding) stays as it was.
    /// `(s: String)` -> `String` (Rust's `trim_start`).
    StrTrimStart,
    /// `(s: String)` -> `String` (Rust's `trim_end`).
    StrTrimEnd,
    /// `(s: String, pat: String)` -> `Option[usize]`: the byte index of the first
    /// match (Rust's `find` with a string pattern).
    StrFind,
    /// `(s: String)` -> `Vec[String]` (Rust's `lines().collect()`: split at `\n`, a
    /// `\r` before it dropped, no empty last line).
    StrLines,
    /// `(s: String)` -> `Vec[u8]`: a copy of the UTF-8 bytes (`as_bytes`, `bytes`).
    StrAsBytes,
    /// ty = `T`: `(v: Vec[T])` -> `Vec[T]` without consecutive equal elements (Rust's
    /// `dedup`; equality as `==`).
    VecDedup,
    /// ty = `T`: `(v: Vec[T], x: T)` -> `Result[usize, usize]` (Rust's `binary_search`
    /// on a sorted vector: `Ok(index)` of a match, or `Err(index)` where `x` would go;
    /// ordering as `VecSort`).
    VecBinarySearch,
    /// The whole body of a `host fn` (with `Ret { s: 0, r: 0 }` after it): ty = the
    /// tuple `((P1, .., Pn), R)` of the function's parameter types and its return
    /// type; `(P1, .., Pn)` -> `R`, the window at the frame's start (where the
    /// parameters are). Host-handled: the host runs the function it registered under
    /// the module's and the function's names and replies its result.
    HostFn,
    /// `ModuleRegistry.pin`: `(name: String)` -> `Option[u32]`: holds the module's
    /// active version (it is not unloaded while held, see `unpin`) and gives its number;
    /// `None` when there is no such module. Host-handled.
    RegistryPin,
    /// `ModuleRegistry.unpin`: `(name: String, version: u32)` -> `bool`: releases one
    /// hold `pin` took (false when there was none). Host-handled.
    RegistryUnpin,
    /// `ModuleRegistry.call_version`: ty as `RegistryCall`; `(module: String, version:
    /// u32, func: String, args: Vec[Value])` -> `Result[Value, CallError]`: calls `func`
    /// of that version of the module (active or held). Host-handled.
    RegistryCallVersion,
}

impl Inst {
    /// The jump target of a branch instruction, if it is one.
    pub fn target(&self) -> Option<Target> {
        match *self {
            Inst::Jmp { target }
            | Inst::JmpIf { target, .. }
            | Inst::JmpIfNot { target, .. }
            | Inst::JmpLtS { target, .. }
            | Inst::JmpGeS { target, .. }
            | Inst::JmpNeImm { target, .. }
            | Inst::LoopLt { target, .. }
            | Inst::LoopLe { target, .. } => Some(target),
            _ => None,
        }
    }

    /// Mutable access to the jump target (used by the compiler to patch forward jumps).
    pub fn target_mut(&mut self) -> Option<&mut Target> {
        match self {
            Inst::Jmp { target }
            | Inst::JmpIf { target, .. }
            | Inst::JmpIfNot { target, .. }
            | Inst::JmpLtS { target, .. }
            | Inst::JmpGeS { target, .. }
            | Inst::JmpNeImm { target, .. }
            | Inst::LoopLt { target, .. }
            | Inst::LoopLe { target, .. } => Some(target),
            _ => None,
        }
    }
}
