//! One table of instructions, from which the opcode byte, the operand encoding, decoding,
//! the disassembler's operand list and the verifier's generic operand walk are all
//! generated, so the four can never disagree. Opcode numbers are part of the `.dbc`
//! format (FORMAT.md): append new instructions at the end, never renumber.

use crate::codec::{DecodeError, Reader, Writer};
use crate::inst::*;

/// An operand as seen by the verifier and the disassembler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    S(u16),
    R(u16),
    Target(u32),
    Func(u32),
    Import(u32),
    Type(u32),
    /// A constant pool index (which pool depends on the instruction).
    Const(u32),
    /// A global slot (scalar or reference depending on the instruction).
    Global(u32),
    /// A slot of the module's shared-word table.
    Shared(u32),
    /// An impl of the module's impl table.
    Impl(u32),
    /// An entry of the module's dynamic-call table.
    DynMethod(u32),
    /// An immediate number.
    Imm(i64),
    /// An enumerated sub-operation (`IntKind`, `Cvt`, `Intrinsic`, ...).
    Name(&'static str),
}

/// How an operand type is written to and read from a `.dbc` file.
pub(crate) trait Codec: Sized + Copy {
    fn put(self, w: &mut Writer);
    fn get(r: &mut Reader) -> Result<Self, DecodeError>;
    fn operand(self) -> Operand;
    /// The operand under `renamer` (registers and jump targets; the rest stay).
    fn rename(self, _renamer: &mut dyn Renamer) -> Self {
        self
    }
}

/// New names for an instruction's registers and jump targets ([`Inst::renamed`]): how
/// the native backend splices a callee's code into its caller.
pub trait Renamer {
    fn scalar(&mut self, r: S) -> S;
    fn reference(&mut self, r: R) -> R;
    fn target(&mut self, pc: u32) -> u32;
}

macro_rules! newtype_codec {
    ($ty:ident, $prim:ident, $variant:ident $(, $rename:ident)?) => {
        impl Codec for $ty {
            fn put(self, w: &mut Writer) {
                w.$prim(self.0);
            }
            fn get(r: &mut Reader) -> Result<Self, DecodeError> {
                Ok($ty(r.$prim()?))
            }
            fn operand(self) -> Operand {
                Operand::$variant(self.0)
            }
            $(fn rename(self, renamer: &mut dyn Renamer) -> Self {
                renamer.$rename(self)
            })?
        }
    };
}

newtype_codec!(S, u16, S, scalar);
newtype_codec!(R, u16, R, reference);
newtype_codec!(FuncId, u32, Func);
newtype_codec!(ImportId, u32, Import);
newtype_codec!(TypeId, u32, Type);
newtype_codec!(ConstId, u32, Const);
newtype_codec!(GlobalSlot, u32, Global);
newtype_codec!(SharedSlot, u32, Shared);
newtype_codec!(ImplId, u32, Impl);
newtype_codec!(DynMethodId, u32, DynMethod);

/// Jump targets are the only bare `u32` operands.
impl Codec for u32 {
    fn put(self, w: &mut Writer) {
        w.u32(self)
    }
    fn get(r: &mut Reader) -> Result<Self, DecodeError> {
        r.u32()
    }
    fn operand(self) -> Operand {
        Operand::Target(self)
    }
    fn rename(self, renamer: &mut dyn Renamer) -> Self {
        renamer.target(self)
    }
}

impl Codec for i32 {
    fn put(self, w: &mut Writer) {
        w.i32(self)
    }
    fn get(r: &mut Reader) -> Result<Self, DecodeError> {
        r.i32()
    }
    fn operand(self) -> Operand {
        Operand::Imm(self as i64)
    }
}

/// `off` operands of vector instructions.
impl Codec for u16 {
    fn put(self, w: &mut Writer) {
        w.u16(self)
    }
    fn get(r: &mut Reader) -> Result<Self, DecodeError> {
        r.u16()
    }
    fn operand(self) -> Operand {
        Operand::Imm(self as i64)
    }
}

/// Field-less enums encoded as their index in declaration order.
macro_rules! enum_codec {
    ($ty:ident, $prim:ident, [$($v:ident),* $(,)?]) => {
        impl $ty {
            /// Every value. Each is encoded as its discriminant.
            pub const ALL: &'static [$ty] = &[$($ty::$v),*];

            pub fn name(self) -> &'static str {
                match self { $($ty::$v => stringify!($v)),* }
            }
        }

        impl Codec for $ty {
            fn put(self, w: &mut Writer) {
                w.$prim(self as _);
            }
            fn get(r: &mut Reader) -> Result<Self, DecodeError> {
                let at = r.pos();
                let i = r.$prim()?;
                // Looked up by discriminant, so the order of `ALL` does not matter.
                match $ty::ALL.iter().find(|v| **v as $prim == i) {
                    Some(v) => Ok(*v),
                    None => Err(r.error_at(at, format!(concat!("unknown ", stringify!($ty), " {}"), i))),
                }
            }
            fn operand(self) -> Operand {
                Operand::Name(self.name())
            }
        }
    };
}

enum_codec!(IntKind, u8, [I8, I16, I32, I64, U8, U16, U32, U64]);
enum_codec!(
    Cvt,
    u8,
    [SToF64, UToF64, SToF32, UToF32, F64ToS, F64ToU, F32ToS, F32ToU, F32ToF64, F64ToF32]
);
enum_codec!(
    FUnary,
    u8,
    [
        Sqrt, Sin, Cos, Tan, Asin, Acos, Atan, Exp, Ln, Log10, Log2, Floor, Ceil, Round, Trunc,
        Abs, Fract, Signum
    ]
);
enum_codec!(FBinary, u8, [Powf, Atan2, Min, Max, Hypot, Powi]);
enum_codec!(
    Intrinsic,
    u16,
    [
        Print,
        Println,
        Eprintln,
        Sleep,
        NowMs,
        VecPop,
        VecGet,
        VecInsert,
        VecRemove,
        VecContains,
        VecSort,
        VecReverse,
        VecClear,
        VecExtend,
        VecSlice,
        VecRepeat,
        VecJoin,
        MapInsert,
        MapGet,
        MapRemove,
        MapContainsKey,
        MapLen,
        MapEntryAt,
        MapKeys,
        MapValues,
        MapClear,
        StrContains,
        StrStartsWith,
        StrEndsWith,
        StrSplit,
        StrSplitWhitespace,
        StrTrim,
        StrToUpper,
        StrToLower,
        StrReplace,
        StrParseI64,
        StrParseF64,
        StrChars,
        StrSlice,
        StrPushChar,
        CharToString,
        Serialize,
        Deserialize,
        Eq,
        Cmp,
        Default,
        Exit,
        RegistryLoad,
        RegistryHasUpdate,
        RegistryReload,
        RegistryCall,
        RegistryGetVersion,
        RegistryModules,
        Foreign,
        LoadBytecode,
        Instantiate,
        ReadDir,
        StrTrimStart,
        StrTrimEnd,
        StrFind,
        StrLines,
        VecDedup,
        VecBinarySearch,
        StrAsBytes,
        HostFn,
        RegistryPin,
        RegistryUnpin,
        RegistryCallVersion,
    ]
);

macro_rules! inst_table {
    ($($op:literal $name:ident { $($field:ident),* })*) => {
        pub(crate) fn encode_inst(inst: &Inst, w: &mut Writer) {
            match *inst {
                $(Inst::$name { $($field),* } => {
                    w.u8($op);
                    $(Codec::put($field, w);)*
                })*
            }
        }

        pub(crate) fn decode_inst(r: &mut Reader) -> Result<Inst, DecodeError> {
            let at = r.pos();
            match r.u8()? {
                $($op => Ok(Inst::$name { $($field: Codec::get(r)?),* }),)*
                op => Err(r.error_at(at, format!("unknown opcode {op:#04x}"))),
            }
        }

        impl Inst {
            /// The instruction's name, as the disassembler prints it.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Inst::$name { .. } => stringify!($name),)*
                }
            }

            /// The opcode byte of this instruction in `.dbc` files.
            pub fn opcode(&self) -> u8 {
                match self {
                    $(Inst::$name { .. } => $op,)*
                }
            }

            /// The same instruction with its registers and jump targets renamed.
            pub fn renamed(&self, renamer: &mut dyn Renamer) -> Inst {
                match *self {
                    $(Inst::$name { $($field),* } => Inst::$name {
                        $($field: Codec::rename($field, renamer)),*
                    },)*
                }
            }

            /// The operands in declaration order.
            pub fn operands(&self) -> Vec<Operand> {
                match *self {
                    $(Inst::$name { $($field),* } => vec![$(Codec::operand($field)),*],)*
                }
            }
        }
    };
}

inst_table! {
    0x00 Mov { dst, src }
    0x01 MovR { dst, src }
    0x02 TakeR { dst, src }
    0x03 ClearR { dst }
    0x04 LoadI { dst, imm }
    0x05 LoadK { dst, k }
    0x06 LoadStr { dst, k }
    0x07 Add64 { dst, a, b }
    0x08 Sub64 { dst, a, b }
    0x09 Mul64 { dst, a, b }
    0x0a Add32 { dst, a, b }
    0x0b Sub32 { dst, a, b }
    0x0c Mul32 { dst, a, b }
    0x0d AddImm64 { dst, a, imm }
    0x0e AddImm32 { dst, a, imm }
    0x0f DivS { dst, a, b }
    0x10 RemS { dst, a, b }
    0x11 DivU { dst, a, b }
    0x12 RemU { dst, a, b }
    0x13 Neg64 { dst, a }
    0x14 And { dst, a, b }
    0x15 Or { dst, a, b }
    0x16 Xor { dst, a, b }
    0x17 BitNot { dst, a }
    0x18 Shl { dst, a, b, kind }
    0x19 Shr { dst, a, b, kind }
    0x1a Norm { dst, src, kind }
    0x1b EqI { dst, a, b }
    0x1c NeI { dst, a, b }
    0x1d LtS { dst, a, b }
    0x1e LeS { dst, a, b }
    0x1f LtU { dst, a, b }
    0x20 LeU { dst, a, b }
    0x21 NotB { dst, a }
    0x22 AddF64 { dst, a, b }
    0x23 SubF64 { dst, a, b }
    0x24 MulF64 { dst, a, b }
    0x25 DivF64 { dst, a, b }
    0x26 RemF64 { dst, a, b }
    0x27 NegF64 { dst, a }
    0x28 AddF32 { dst, a, b }
    0x29 SubF32 { dst, a, b }
    0x2a MulF32 { dst, a, b }
    0x2b DivF32 { dst, a, b }
    0x2c RemF32 { dst, a, b }
    0x2d NegF32 { dst, a }
    0x2e EqF64 { dst, a, b }
    0x2f LtF64 { dst, a, b }
    0x30 LeF64 { dst, a, b }
    0x31 EqF32 { dst, a, b }
    0x32 LtF32 { dst, a, b }
    0x33 LeF32 { dst, a, b }
    0x34 Cvt { dst, src, op }
    0x35 FUnary { dst, a, op }
    0x36 FBinary { dst, a, b, op }
    0x37 Jmp { target }
    0x38 JmpIf { cond, target }
    0x39 JmpIfNot { cond, target }
    0x3a JmpLtS { a, b, target }
    0x3b JmpGeS { a, b, target }
    0x3c LoopLt { ctr, end, target }
    0x3d LoopLe { ctr, end, target }
    0x3e Call { func, s, r }
    0x3f CallImport { import, s, r }
    0x40 Ret { s, r }
    0x41 Panic { msg }
    0x42 Intrinsic { op, ty, s, r }
    0x43 LoadG { dst, g }
    0x44 StoreG { g, src }
    0x45 LoadGR { dst, g }
    0x46 TakeGR { dst, g }
    0x47 StoreGR { g, src }
    0x48 StrConcat { dst, a, b }
    0x49 StrPush { a, b }
    0x4a StrEq { dst, a, b }
    0x4b StrCmp { dst, a, b }
    0x4c StrLen { dst, a }
    0x4d Format { dst, spec }
    0x4e VecNew { dst, elem }
    0x4f VecLen { dst, v }
    0x50 VecLoadW { dst, v, idx, off }
    0x51 VecStoreW { v, idx, off, src }
    0x52 VecLoadR { dst, v, idx, off }
    0x53 VecStoreR { v, idx, off, src }
    0x54 VecLoadB { dst, v, idx }
    0x55 VecStoreB { v, idx, src }
    0x56 VecPush { v, s, r }
    0x57 MapNew { dst, ty }
    0x58 LoadSh { dst, g }
    0x59 StoreSh { g, src }
    0x5a DynNew { dst, src, imp }
    0x5b CallDyn { m, s, r }
    0x5c DynLoad { dst, obj }
    0x5d DynTake { dst, obj }
    0x5e DynPut { obj, src }
    0x5f JmpNeImm { a, imm, target }
}
