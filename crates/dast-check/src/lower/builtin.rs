//! Lowering of built-in operations (`tir::Builtin`, `tir::MutBuiltin`): one table entry
//! per built-in.
//!
//! [`lowering`] says how each built-in becomes bytecode: most run an intrinsic on their
//! arguments (the table names it, and which type it is given), a few are a handful of
//! inline instructions (the table names the function that emits them). [`mut_lowering`]
//! does the same for the methods that mutate their receiver in place. The native back
//! end pattern-matches these shapes; `tests/lower.rs` snapshots them.

use dast_bytecode::{Cvt, FBinary, Inst, Intrinsic, Layout, R, S};

use super::{field_offset, fields_of, vec_elem, FnLower, Loc};
use crate::tir::{self, Builtin, Expr, MutBuiltin, Place};
use crate::ty::{FloatTy, IntTy, Ty};

/// How one built-in is lowered (in a function lowered by a `FnLower<'b, 'c, 'a>`).
#[derive(Clone, Copy)]
pub(super) enum Lowering<'b, 'c, 'a> {
    /// The arguments go into the window of intrinsic `0` (of type operand `1`); its
    /// result is moved to the destination.
    Intrinsic(Intrinsic, TyOperand),
    /// Intrinsic `0` runs for its effect (printing, sleeping, exiting): type operand
    /// `()`, no result.
    Effect(Intrinsic),
    /// Inline instructions, emitted by the function.
    Inline(fn(&mut FnLower<'b, 'c, 'a>, &Call)),
}

/// The type operand (`ty`) an intrinsic is given.
#[derive(Clone, Copy)]
pub(super) enum TyOperand {
    /// `()`: the intrinsic needs no type.
    Unit,
    /// The element type of the first argument, a `Vec[T]`.
    Elem,
    /// The type of the first argument (a map, the value to serialize).
    Arg0,
    /// The type of the result.
    Result,
}

/// A built-in operation being lowered: its arguments, result type and destination.
pub(super) struct Call<'x> {
    pub op: Builtin,
    pub args: &'x [Expr],
    pub ty: &'x Ty,
    pub dst: Loc,
}

impl Call<'_> {
    /// The destination's first scalar register.
    fn d(&self) -> S {
        S(self.dst.s)
    }
}

/// The table: how each built-in is lowered.
pub(super) fn lowering<'b, 'c, 'a>(op: Builtin) -> Lowering<'b, 'c, 'a> {
    use Builtin as B;
    use Intrinsic as I;
    use Lowering::{Effect, Inline, Intrinsic as Intr};
    use TyOperand::{Arg0, Elem, Result, Unit};
    match op {
        B::Print => Effect(I::Print),
        B::Println => Effect(I::Println),
        // There is no intrinsic without the newline for stderr (yet).
        B::Eprint | B::Eprintln => Effect(I::Eprintln),
        B::Sleep => Effect(I::Sleep),
        B::Exit => Effect(I::Exit),
        B::NowMs => Intr(I::NowMs, Unit),
        B::Min | B::Max => Inline(FnLower::lower_min_max),
        B::Abs => Inline(FnLower::lower_abs),
        B::IntPow => Inline(FnLower::lower_int_pow),
        B::FUnary(_) => Inline(FnLower::lower_funary),
        B::FBinary(_) => Inline(FnLower::lower_fbinary),
        B::Powi => Inline(FnLower::lower_powi),
        B::IsNan => Inline(FnLower::lower_is_nan),
        B::ToString => Inline(FnLower::lower_to_string),
        B::CharToString => Intr(I::CharToString, Unit),
        B::Clone => Inline(FnLower::lower_clone),
        B::StrLen => Inline(FnLower::lower_str_len),
        B::StrIsEmpty => Inline(FnLower::lower_str_is_empty),
        B::StrContains => Intr(I::StrContains, Unit),
        B::StrStartsWith => Intr(I::StrStartsWith, Unit),
        B::StrEndsWith => Intr(I::StrEndsWith, Unit),
        B::StrSplit => Intr(I::StrSplit, Unit),
        B::StrSplitWhitespace => Intr(I::StrSplitWhitespace, Unit),
        B::StrTrim => Intr(I::StrTrim, Unit),
        B::StrTrimStart => Intr(I::StrTrimStart, Unit),
        B::StrTrimEnd => Intr(I::StrTrimEnd, Unit),
        B::StrFind => Intr(I::StrFind, Unit),
        B::StrLines => Intr(I::StrLines, Unit),
        B::StrAsBytes => Intr(I::StrAsBytes, Unit),
        B::StrToUpper => Intr(I::StrToUpper, Unit),
        B::StrToLower => Intr(I::StrToLower, Unit),
        B::StrReplace => Intr(I::StrReplace, Unit),
        B::StrParseI64 => Intr(I::StrParseI64, Unit),
        B::StrParseF64 => Intr(I::StrParseF64, Unit),
        B::StrChars => Intr(I::StrChars, Unit),
        B::VecLen => Inline(FnLower::lower_vec_len),
        B::VecIsEmpty => Inline(FnLower::lower_vec_is_empty),
        B::VecGet => Intr(I::VecGet, Elem),
        B::VecFirst | B::VecLast => Inline(FnLower::lower_vec_end),
        B::VecContains => Intr(I::VecContains, Elem),
        B::VecBinarySearch => Intr(I::VecBinarySearch, Elem),
        B::VecJoin => Intr(I::VecJoin, Unit),
        B::MapGet => Intr(I::MapGet, Arg0),
        B::MapContainsKey => Intr(I::MapContainsKey, Arg0),
        B::MapLen => Intr(I::MapLen, Arg0),
        B::MapIsEmpty => Inline(FnLower::lower_map_is_empty),
        B::MapKeys => Intr(I::MapKeys, Arg0),
        B::MapValues => Intr(I::MapValues, Arg0),
        B::Unwrap | B::Expect => Inline(FnLower::lower_unwrap),
        B::UnwrapOr | B::UnwrapOrDefault => Inline(FnLower::lower_unwrap_or),
        B::IsSome | B::IsNone | B::IsOk | B::IsErr => Inline(FnLower::lower_is_variant),
        B::ResultOk | B::ResultErr => Inline(FnLower::lower_result_side),
        B::Serialize => Intr(I::Serialize, Arg0),
        B::Deserialize => Intr(I::Deserialize, Result),
        B::Default => Inline(FnLower::lower_default),
        B::RegistryLoad => Intr(I::RegistryLoad, Unit),
        B::RegistryHasUpdate => Intr(I::RegistryHasUpdate, Unit),
        B::RegistryReload => Intr(I::RegistryReload, Unit),
        B::RegistryCall => Intr(I::RegistryCall, Result),
        B::RegistryGetVersion => Intr(I::RegistryGetVersion, Unit),
        B::RegistryPin => Intr(I::RegistryPin, Unit),
        B::RegistryUnpin => Intr(I::RegistryUnpin, Unit),
        B::RegistryCallVersion => Intr(I::RegistryCallVersion, Result),
        B::RegistryModules => Intr(I::RegistryModules, Result),
        B::ReadDir => Intr(I::ReadDir, Unit),
    }
}

impl FnLower<'_, '_, '_> {
    /// Lowers built-in `op` on `args` (result type `ty`) into `dst`, as the table says.
    pub(super) fn builtin_into(
        &mut self,
        op: Builtin,
        args: &[Expr],
        ty: &Ty,
        dst: Loc,
        span: dast_base::Span,
    ) {
        let m = self.mark();
        let arg_refs: Vec<&Expr> = args.iter().collect();
        self.at(span);
        match lowering(op) {
            Lowering::Effect(i) => {
                self.intrinsic_exprs(i, &Ty::unit(), &arg_refs, &Ty::unit());
            }
            Lowering::Intrinsic(i, operand) => {
                let t = match operand {
                    TyOperand::Unit => Ty::unit(),
                    TyOperand::Elem => vec_elem(&args[0].ty),
                    TyOperand::Arg0 => args[0].ty.clone(),
                    TyOperand::Result => ty.clone(),
                };
                self.intrinsic_to(i, &t, &arg_refs, ty, dst);
            }
            Lowering::Inline(f) => f(self, &Call { op, args, ty, dst }),
        }
        self.release(m);
    }

    fn lower_min_max(&mut self, c: &Call) {
        self.min_max(c.op == Builtin::Min, &c.args[0], &c.args[1], c.d());
    }

    fn lower_abs(&mut self, c: &Call) {
        self.abs_into(&c.args[0], c.d());
    }

    fn lower_int_pow(&mut self, c: &Call) {
        self.int_pow(&c.args[0], &c.args[1], c.d());
    }

    fn lower_funary(&mut self, c: &Call) {
        let Builtin::FUnary(f) = c.op else {
            unreachable!("the table gives FUnary only")
        };
        let a = self.expr_s(&c.args[0]);
        self.float_op(
            &c.args[0].ty,
            c.d(),
            |fl, x| {
                fl.emit(Inst::FUnary {
                    dst: x,
                    a: x,
                    op: f,
                });
            },
            a,
            None,
        );
    }

    fn lower_fbinary(&mut self, c: &Call) {
        let Builtin::FBinary(f) = c.op else {
            unreachable!("the table gives FBinary only")
        };
        let a = self.expr_s(&c.args[0]);
        let b = self.expr_s(&c.args[1]);
        self.float_op(
            &c.args[0].ty,
            c.d(),
            |fl, x| {
                fl.emit(Inst::FBinary {
                    dst: x,
                    a: x,
                    b,
                    op: f,
                });
            },
            a,
            Some(b),
        );
    }

    fn lower_powi(&mut self, c: &Call) {
        let a = self.expr_s(&c.args[0]);
        let n = self.expr_s(&c.args[1]);
        let nf = self.alloc_s();
        self.emit(Inst::Cvt {
            dst: nf,
            src: n,
            op: Cvt::SToF64,
        });
        self.float_op(
            &c.args[0].ty,
            c.d(),
            |fl, x| {
                fl.emit(Inst::FBinary {
                    dst: x,
                    a: x,
                    b: nf,
                    op: FBinary::Powi,
                });
            },
            a,
            None,
        );
    }

    fn lower_is_nan(&mut self, c: &Call) {
        let (a, d) = (self.expr_s(&c.args[0]), c.d());
        match c.args[0].ty {
            Ty::Float(FloatTy::F32) => self.emit(Inst::EqF32 { dst: d, a, b: a }),
            _ => self.emit(Inst::EqF64 { dst: d, a, b: a }),
        };
        self.emit(Inst::NotB { dst: d, a: d });
    }

    fn lower_to_string(&mut self, c: &Call) {
        let style = dast_bytecode::FormatStyle::default();
        self.format_into(&[tir::FmtPiece::Arg(0, style)], c.args, R(c.dst.r));
    }

    fn lower_clone(&mut self, c: &Call) {
        self.expr_into(&c.args[0], c.dst);
    }

    fn lower_str_len(&mut self, c: &Call) {
        let a = self.expr_r(&c.args[0]);
        self.emit(Inst::StrLen { dst: c.d(), a });
    }

    fn lower_str_is_empty(&mut self, c: &Call) {
        let (a, d) = (self.expr_r(&c.args[0]), c.d());
        self.emit(Inst::StrLen { dst: d, a });
        self.is_zero(d, d);
    }

    fn lower_vec_len(&mut self, c: &Call) {
        let v = self.expr_r(&c.args[0]);
        self.emit(Inst::VecLen { dst: c.d(), v });
    }

    fn lower_vec_is_empty(&mut self, c: &Call) {
        let (v, d) = (self.expr_r(&c.args[0]), c.d());
        self.emit(Inst::VecLen { dst: d, v });
        self.is_zero(d, d);
    }

    /// `first()` / `last()`: `VecGet` at 0 or at `len - 1`.
    fn lower_vec_end(&mut self, c: &Call) {
        let elem = vec_elem(&c.args[0].ty);
        let v = self.expr_loc(&c.args[0]);
        let i = self.alloc_s();
        if c.op == Builtin::VecFirst {
            self.emit(Inst::LoadI { dst: i, imm: 0 });
        } else {
            self.emit(Inst::VecLen { dst: i, v: R(v.r) });
            self.emit(Inst::AddImm64 {
                dst: i,
                a: i,
                imm: -1,
            });
        }
        let l = self.layout(c.ty);
        let res = self.intrinsic_locs(
            Intrinsic::VecGet,
            &elem,
            &[(v, Layout::REF), (Loc { s: i.0, r: 0 }, Layout::WORD)],
            l,
        );
        self.move_val(res, c.dst, l);
    }

    fn lower_map_is_empty(&mut self, c: &Call) {
        let mt = c.args[0].ty.clone();
        let args: Vec<&Expr> = c.args.iter().collect();
        let r = self.intrinsic_exprs(Intrinsic::MapLen, &mt, &args, &Ty::Int(IntTy::Usize));
        self.is_zero(c.d(), S(r.s));
    }

    /// `d = (a == 0)`.
    fn is_zero(&mut self, d: S, a: S) {
        let z = self.alloc_s();
        self.emit(Inst::LoadI { dst: z, imm: 0 });
        self.emit(Inst::EqI { dst: d, a, b: z });
    }

    /// `unwrap()` / `expect(msg)` of an Option or a Result: the payload, or a panic.
    fn lower_unwrap(&mut self, c: &Call) {
        let (op, args, ty) = (c.op, c.args, c.ty);
        let v = self.expr_loc(&args[0]);
        let (ok, msg) = match (&args[0].ty, op) {
            (Ty::Option(_), Builtin::Unwrap) => {
                (1, Some("called `Option::unwrap()` on a `None` value"))
            }
            (Ty::Result(..), Builtin::Unwrap) => (0, None),
            (Ty::Option(_), _) => (1, None),
            _ => (0, None),
        };
        let opt_ty = args[0].ty.clone();
        match msg {
            Some(msg) => self.unwrap_or_panic(v, &opt_ty, ok, msg, c.dst, ty),
            None => self.unwrap_with_message(v, &opt_ty, ok, args.get(1), op, c.dst, ty),
        }
    }

    /// `unwrap_or(x)` / `unwrap_or_default()`: the payload, or the fallback.
    fn lower_unwrap_or(&mut self, c: &Call) {
        let (args, ty, dst) = (c.args, c.ty, c.dst);
        let v = self.expr_loc(&args[0]);
        let ok = if matches!(args[0].ty, Ty::Option(_)) {
            1
        } else {
            0
        };
        let mut fails = Vec::new();
        self.test_word(v, ok, &mut fails);
        let off = field_offset(&self.mb.c.env, &args[0].ty, Some(ok as u32), 0);
        let l = self.layout(ty);
        self.copy(v.plus(off), dst, l);
        let j = self.emit(Inst::Jmp { target: 0 });
        self.patch_here(fails);
        if c.op == Builtin::UnwrapOr {
            self.expr_into(&args[1], dst);
        } else {
            self.default_into(ty, dst);
        }
        self.patch_here(vec![j]);
    }

    /// `is_some()`, `is_none()`, `is_ok()`, `is_err()`: a test of the tag word.
    fn lower_is_variant(&mut self, c: &Call) {
        let v = self.expr_loc(&c.args[0]);
        let want = match c.op {
            Builtin::IsSome | Builtin::IsErr => 1,
            _ => 0,
        };
        let k = self.alloc_s();
        self.emit(Inst::LoadI { dst: k, imm: want });
        self.emit(Inst::EqI {
            dst: c.d(),
            a: S(v.s),
            b: k,
        });
    }

    /// `ok()` / `err()` of a Result: `Some(payload)` of the wanted side, else `None`.
    fn lower_result_side(&mut self, c: &Call) {
        let (args, d) = (c.args, c.d());
        let v = self.expr_loc(&args[0]);
        let variant = if c.op == Builtin::ResultOk { 0 } else { 1 };
        let mut fails = Vec::new();
        self.test_word(v, variant, &mut fails);
        let off = field_offset(&self.mb.c.env, &args[0].ty, Some(variant as u32), 0);
        let pl = fields_of(&self.mb.c.env, &args[0].ty, Some(variant as u32));
        let l = self.layout(&pl[0]);
        self.emit(Inst::LoadI { dst: d, imm: 1 });
        self.copy(v.plus(off), c.dst.plus(Layout::WORD), l);
        let j = self.emit(Inst::Jmp { target: 0 });
        self.patch_here(fails);
        self.emit(Inst::LoadI { dst: d, imm: 0 });
        self.patch_here(vec![j]);
    }

    fn lower_default(&mut self, c: &Call) {
        self.default_into(c.ty, c.dst);
    }
}

/// How one mutating built-in (`v.push(x)`, `m.insert(k, v)`) is lowered.
#[derive(Clone, Copy)]
pub(super) enum MutLowering<'b, 'c, 'a> {
    /// The container moves into the window of intrinsic `op` (so it stays unique and
    /// is changed without a copy), the arguments after it, and comes back as the first
    /// result; with `returns`, the method's value follows it. `ty` is the type operand.
    Window {
        op: Intrinsic,
        ty: MutTyOperand,
        returns: bool,
    },
    /// Inline instructions on the place, emitted by the function.
    Inline(fn(&mut FnLower<'b, 'c, 'a>, &MutCall)),
}

/// The type operand of a mutating built-in's intrinsic.
#[derive(Clone, Copy)]
pub(super) enum MutTyOperand {
    Unit,
    /// The element type of the container, a `Vec[T]`.
    Elem,
    /// The container's type (a map).
    Container,
}

/// A mutating built-in lowered inline: the place it mutates and its arguments (its
/// result is `()`).
pub(super) struct MutCall<'x> {
    pub place: &'x Place,
    pub args: &'x [Expr],
    pub span: dast_base::Span,
}

/// The table: how each mutating built-in is lowered.
pub(super) fn mut_lowering<'b, 'c, 'a>(op: MutBuiltin) -> MutLowering<'b, 'c, 'a> {
    use Intrinsic as I;
    use MutBuiltin as M;
    use MutLowering::{Inline, Window};
    use MutTyOperand::{Container, Elem, Unit};
    let window = |op, ty, returns| Window { op, ty, returns };
    match op {
        M::VecPush => Inline(FnLower::lower_vec_push),
        M::VecPop => window(I::VecPop, Elem, true),
        M::VecInsert => window(I::VecInsert, Elem, false),
        M::VecRemove => window(I::VecRemove, Elem, true),
        M::VecSort => window(I::VecSort, Elem, false),
        M::VecReverse => window(I::VecReverse, Elem, false),
        M::VecDedup => window(I::VecDedup, Elem, false),
        M::VecClear => window(I::VecClear, Elem, false),
        M::VecExtend => window(I::VecExtend, Elem, false),
        // `truncate(n)` is `slice(0, min(n, len))` (see `mut_window`).
        M::VecTruncate => window(I::VecSlice, Elem, false),
        M::VecSwap => Inline(FnLower::lower_vec_swap),
        M::StrPushStr => Inline(FnLower::lower_str_push_str),
        M::StrPush => window(I::StrPushChar, Unit, false),
        M::MapInsert => window(I::MapInsert, Container, true),
        M::MapRemove => window(I::MapRemove, Container, true),
        M::MapClear => window(I::MapClear, Container, false),
    }
}

impl FnLower<'_, '_, '_> {
    /// Lowers mutating built-in `op` of `place` (result type `ty`) into `dst`, as the
    /// table says.
    pub(super) fn mut_builtin_into(
        &mut self,
        op: MutBuiltin,
        place: &Place,
        args: &[Expr],
        ty: &Ty,
        dst: Loc,
        span: dast_base::Span,
    ) {
        let m = self.mark();
        self.at(span);
        match mut_lowering(op) {
            MutLowering::Inline(f) => f(self, &MutCall { place, args, span }),
            MutLowering::Window {
                op: intr,
                ty: operand,
                returns,
            } => {
                let tyop = match operand {
                    MutTyOperand::Unit => Ty::unit(),
                    MutTyOperand::Elem => vec_elem(&place.ty),
                    MutTyOperand::Container => place.ty.clone(),
                };
                let res_extra = if returns { ty.clone() } else { Ty::unit() };
                self.mut_window(op, intr, &tyop, &res_extra, place, args, dst);
            }
        }
        self.release(m);
    }

    fn lower_vec_push(&mut self, c: &MutCall) {
        let l = self.layout(&c.args[0].ty);
        let tmp = self.alloc(l);
        self.expr_into(&c.args[0], tmp);
        self.at(c.span);
        self.with_place_ref(c.place, &mut |fl, v| {
            fl.emit(Inst::VecPush {
                v,
                s: S(tmp.s),
                r: R(tmp.r),
            });
        });
    }

    fn lower_str_push_str(&mut self, c: &MutCall) {
        let b = self.expr_r(&c.args[0]);
        self.with_place_ref(c.place, &mut |fl, a| {
            fl.emit(Inst::StrPush { a, b });
        });
    }

    fn lower_vec_swap(&mut self, c: &MutCall) {
        let elem = vec_elem(&c.place.ty);
        let el = self.layout(&elem);
        let i = self.expr_s(&c.args[0]);
        let j = self.expr_s(&c.args[1]);
        let (ti, tj) = (self.alloc(el), self.alloc(el));
        self.with_place_ref(c.place, &mut |fl, v| {
            fl.vec_load(v, i, &elem, Layout::ZERO, el, ti);
            fl.vec_load(v, j, &elem, Layout::ZERO, el, tj);
            fl.vec_store(v, i, &elem, Layout::ZERO, el, tj);
            fl.vec_store(v, j, &elem, Layout::ZERO, el, ti);
        });
    }

    /// The container goes through intrinsic `intr`'s window and comes back as its first
    /// result (moved, so it stays unique); `res_extra` is the type of what follows it.
    #[allow(clippy::too_many_arguments)]
    fn mut_window(
        &mut self,
        op: MutBuiltin,
        intr: Intrinsic,
        tyop: &Ty,
        res_extra: &Ty,
        place: &Place,
        args: &[Expr],
        dst: Loc,
    ) {
        let arg_locs: Vec<(Loc, Layout)> = args
            .iter()
            .map(|a| {
                let l = self.layout(&a.ty);
                (self.expr_loc(a), l)
            })
            .collect();
        let extra = self.layout(res_extra);
        let res_layout = Layout::REF.plus(extra);
        self.with_place_ref(place, &mut |fl, c| {
            let mut all = vec![(Loc { s: 0, r: c.0 }, Layout::REF)];
            if op == MutBuiltin::VecTruncate {
                // truncate(n) is slice(0, min(n, len)).
                let z = fl.alloc_s();
                let len = fl.alloc_s();
                let n = S(arg_locs[0].0.s);
                fl.emit(Inst::LoadI { dst: z, imm: 0 });
                fl.emit(Inst::VecLen { dst: len, v: c });
                let t = fl.alloc_s();
                fl.emit(Inst::LtU {
                    dst: t,
                    a: n,
                    b: len,
                });
                let j = fl.emit(Inst::JmpIfNot { cond: t, target: 0 });
                fl.emit(Inst::Mov { dst: len, src: n });
                fl.patch_here(vec![j]);
                all.push((Loc { s: z.0, r: 0 }, Layout::WORD));
                all.push((Loc { s: len.0, r: 0 }, Layout::WORD));
            } else {
                all.extend(arg_locs.iter().copied());
            }
            let total = all.iter().fold(Layout::ZERO, |a, (_, l)| a.plus(*l));
            if total.refs.max(res_layout.refs) == 1 {
                // The container is the only reference in and out (`pop`, `sort`,
                // `insert` of a number...): the intrinsic works on its own register,
                // and only the words go through a window.
                fl.window_on_place(c, &all[1..], total, res_layout, intr, tyop, dst, extra);
                return;
            }
            // Move the container into the window rather than copying it.
            let win = fl.alloc(Layout {
                words: total.words.max(res_layout.words),
                refs: total.refs.max(res_layout.refs),
            });
            let mut at = win;
            for (k, (loc, l)) in all.iter().enumerate() {
                if k == 0 {
                    fl.emit(Inst::TakeR {
                        dst: R(at.r),
                        src: c,
                    });
                } else {
                    fl.copy(*loc, at, *l);
                }
                at = at.plus(*l);
            }
            let t = fl.tid(tyop);
            fl.emit(Inst::Intrinsic {
                op: intr,
                ty: t,
                s: S(win.s),
                r: R(win.r),
            });
            fl.emit(Inst::TakeR {
                dst: c,
                src: R(win.r),
            });
            // Extra result: words at win.s.., refs after the container's reference.
            fl.move_val(
                Loc {
                    s: win.s,
                    r: win.r + 1,
                },
                dst,
                extra,
            );
        });
    }

    /// `mut_window`'s intrinsic when its only reference is the container, in `c`: the
    /// words of `args` (which hold no references) copied to a window, the intrinsic run
    /// on `c` itself, the extra result's words moved to `dst`.
    #[allow(clippy::too_many_arguments)]
    fn window_on_place(
        &mut self,
        c: R,
        args: &[(Loc, Layout)],
        total: Layout,
        res_layout: Layout,
        intr: Intrinsic,
        tyop: &Ty,
        dst: Loc,
        extra: Layout,
    ) {
        if args.is_empty() && total.words == 0 {
            // No arguments (`pop`, `sort`...): the results land in `dst` directly.
            let t = self.tid(tyop);
            self.emit(Inst::Intrinsic {
                op: intr,
                ty: t,
                s: S(dst.s),
                r: c,
            });
            return;
        }
        let win = self.alloc(Layout {
            words: total.words.max(res_layout.words),
            refs: 0,
        });
        let mut at = win;
        for (loc, l) in args {
            self.copy(*loc, at, *l);
            at = at.plus(*l);
        }
        let t = self.tid(tyop);
        self.emit(Inst::Intrinsic {
            op: intr,
            ty: t,
            s: S(win.s),
            r: c,
        });
        self.move_val(Loc { s: win.s, r: 0 }, dst, extra);
    }
}
