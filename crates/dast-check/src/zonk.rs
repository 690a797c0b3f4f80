//! Replaces inference variables in a checked body by their final types, so lowering only
//! sees concrete types (unconstrained integer literals become `i32`, floats `f64`).

use crate::tir::{Arg, Block, Body, Expr, ExprKind, Pat, PatKind, Place, PlaceRoot, Proj, Stmt};
use crate::ty::Infer;

pub fn zonk_body(body: &mut Body, infer: &Infer) {
    for l in &mut body.locals {
        l.ty = infer.finish(&l.ty);
    }
    expr(&mut body.value, infer);
    for c in &mut body.closures {
        expr(&mut c.value, infer);
        c.sig.params.iter_mut().for_each(|t| *t = infer.finish(t));
        c.sig.ret = infer.finish(&c.sig.ret);
    }
}

fn expr(e: &mut Expr, inf: &Infer) {
    e.ty = inf.finish(&e.ty);
    match &mut e.kind {
        ExprKind::Call {
            args, type_args, ..
        } => {
            type_args.iter_mut().for_each(|t| *t = inf.finish(t));
            for a in args {
                match a {
                    Arg::Value(v) => expr(v, inf),
                    Arg::MutPlace(p) => place(p, inf),
                }
            }
        }
        ExprKind::Builtin { args, .. } | ExprKind::Tuple(args) | ExprKind::VecLit(args) => {
            args.iter_mut().for_each(|a| expr(a, inf))
        }
        ExprKind::Struct { fields, .. } | ExprKind::Variant { fields, .. } => {
            fields.iter_mut().for_each(|a| expr(a, inf))
        }
        ExprKind::Format { args, .. } => args.iter_mut().for_each(|a| expr(a, inf)),
        ExprKind::MutBuiltin { place: p, args, .. } => {
            place(p, inf);
            args.iter_mut().for_each(|a| expr(a, inf));
        }
        ExprKind::Field { base, .. } => expr(base, inf),
        ExprKind::Index { base, index } => {
            expr(base, inf);
            expr(index, inf);
        }
        ExprKind::MapIndex { base, key } => {
            expr(base, inf);
            expr(key, inf);
        }
        ExprKind::Unary { expr: x, .. }
        | ExprKind::Cast(x)
        | ExprKind::Try(x)
        | ExprKind::Panic(x)
        | ExprKind::BoxNew(x)
        | ExprKind::ToDyn { value: x, .. }
        | ExprKind::DynPayload { obj: x, .. }
        | ExprKind::LoadBytecode(x)
        | ExprKind::Instantiate { module: x, .. } => expr(x, inf),
        ExprKind::DynCall { recv, args, .. } => {
            expr(recv, inf);
            args.iter_mut().for_each(|a| expr(a, inf));
        }
        ExprKind::DynPut { obj, value } => {
            expr(obj, inf);
            expr(value, inf);
        }
        ExprKind::CallClosure { callee, args, .. } => {
            expr(callee, inf);
            args.iter_mut().for_each(|a| expr(a, inf));
        }
        ExprKind::Loop { body } => expr(body, inf),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::And(lhs, rhs) | ExprKind::Or(lhs, rhs) => {
            expr(lhs, inf);
            expr(rhs, inf);
        }
        ExprKind::VecRepeat { value, count } => {
            expr(value, inf);
            expr(count, inf);
        }
        ExprKind::Assign { place: p, value }
        | ExprKind::CompoundAssign {
            place: p, value, ..
        } => {
            place(p, inf);
            expr(value, inf);
        }
        ExprKind::Block(b) => block(b, inf),
        ExprKind::If { cond, then, els } => {
            expr(cond, inf);
            expr(then, inf);
            if let Some(e) = els {
                expr(e, inf);
            }
        }
        ExprKind::Match { scrutinee, arms } => {
            expr(scrutinee, inf);
            for a in arms {
                pat(&mut a.pat, inf);
                if let Some(g) = &mut a.guard {
                    expr(g, inf);
                }
                expr(&mut a.body, inf);
            }
        }
        ExprKind::While { cond, body } => {
            expr(cond, inf);
            expr(body, inf);
        }
        ExprKind::ForRange {
            var,
            start,
            end,
            body,
            ..
        } => {
            pat(var, inf);
            expr(start, inf);
            expr(end, inf);
            expr(body, inf);
        }
        ExprKind::ForVec { var, vec: it, body } | ExprKind::ForMap { var, map: it, body } => {
            pat(var, inf);
            expr(it, inf);
            expr(body, inf);
        }
        ExprKind::Break { value: v, .. } | ExprKind::Return(v) => {
            if let Some(v) = v {
                expr(v, inf);
            }
        }
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Str(_)
        | ExprKind::Char(_)
        | ExprKind::Unit
        | ExprKind::Closure { .. }
        | ExprKind::Pipeline(_)
        | ExprKind::Local(_)
        | ExprKind::Global(_)
        | ExprKind::Const(_)
        | ExprKind::Continue(_)
        | ExprKind::Error => {}
    }
}

fn block(b: &mut Block, inf: &Infer) {
    for s in &mut b.stmts {
        match s {
            Stmt::Let { pat: p, init } => {
                pat(p, inf);
                if let Some(i) = init {
                    expr(i, inf);
                }
            }
            Stmt::Expr(e) => expr(e, inf),
        }
    }
    if let Some(t) = &mut b.tail {
        expr(t, inf);
    }
}

fn place(p: &mut Place, inf: &Infer) {
    p.ty = inf.finish(&p.ty);
    if let PlaceRoot::Temp(e) = &mut p.root {
        expr(e, inf);
    }
    for proj in &mut p.projs {
        match proj {
            Proj::Field { of, .. } => *of = inf.finish(of),
            Proj::Index(i) => expr(i, inf),
        }
    }
}

fn pat(p: &mut Pat, inf: &Infer) {
    p.ty = inf.finish(&p.ty);
    match &mut p.kind {
        PatKind::Fields(fs) | PatKind::Variant { fields: fs, .. } => {
            fs.iter_mut().for_each(|(_, sp)| pat(sp, inf))
        }
        PatKind::Or(alts) => alts.iter_mut().for_each(|a| pat(a, inf)),
        PatKind::At(_, sub) => pat(sub, inf),
        _ => {}
    }
}
