//! Helpers shared by the integration tests.

#![allow(dead_code)]

use dast_base::{Diagnostic, LineIndex};
use dast_syntax::ast::*;

/// `line:col code message`, then the labels and help indented, one diagnostic after the
/// other.
pub fn render_diagnostics(text: &str, diags: &[Diagnostic]) -> String {
    let index = LineIndex::new(text);
    let mut out = String::new();
    for d in diags {
        let at = index.line_col(text, d.primary.span.start);
        out.push_str(&format!("{at} {} {}\n", d.code, d.message));
        if !d.primary.message.is_empty() {
            out.push_str(&format!("    label: {}\n", d.primary.message));
        }
        for secondary in &d.secondary {
            let at = index.line_col(text, secondary.span.start);
            out.push_str(&format!("    {at}: {}\n", secondary.message));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("    help: {help}\n"));
        }
    }
    out
}

/// Checks that expression and pattern ids are exactly `0..count`, each used once, and
/// that every span lies inside the text.
pub fn check_ids_and_spans(file: &File, text_len: usize) -> Result<(), String> {
    let mut walker = Walker {
        exprs: Vec::new(),
        pats: Vec::new(),
        bad_spans: Vec::new(),
        text_len: text_len as u32,
    };
    for item in &file.items {
        walker.item(item);
    }
    let mut exprs = walker.exprs;
    exprs.sort();
    let expected: Vec<u32> = (0..file.expr_count).collect();
    if exprs != expected {
        return Err(format!(
            "expression ids are not dense: count {} but {} nodes",
            file.expr_count,
            exprs.len()
        ));
    }
    let mut pats = walker.pats;
    pats.sort();
    let expected: Vec<u32> = (0..file.pat_count).collect();
    if pats != expected {
        return Err(format!(
            "pattern ids are not dense: count {} but {} nodes",
            file.pat_count,
            pats.len()
        ));
    }
    if let Some(span) = walker.bad_spans.first() {
        return Err(format!("span out of range: {span:?}"));
    }
    Ok(())
}

struct Walker {
    exprs: Vec<u32>,
    pats: Vec<u32>,
    bad_spans: Vec<dast_base::Span>,
    text_len: u32,
}

impl Walker {
    fn span(&mut self, span: dast_base::Span) {
        if span.start > span.end || span.end > self.text_len {
            self.bad_spans.push(span);
        }
    }

    fn item(&mut self, item: &Item) {
        self.span(item.span);
        match &item.kind {
            ItemKind::Fn(f) => {
                for p in &f.params {
                    self.span(p.span);
                    self.ty(&p.ty);
                }
                if let Some(t) = &f.ret {
                    self.ty(t);
                }
                if let Some(b) = &f.body {
                    self.block(b);
                }
            }
            ItemKind::Struct(s) => s.fields.iter().for_each(|f| self.ty(&f.ty)),
            ItemKind::Enum(e) => {
                for v in &e.variants {
                    match &v.kind {
                        VariantKind::Unit => {}
                        VariantKind::Tuple(ts) => ts.iter().for_each(|t| self.ty(t)),
                        VariantKind::Struct(fs) => fs.iter().for_each(|f| self.ty(&f.ty)),
                    }
                }
            }
            ItemKind::Impl(i) => {
                self.ty(&i.self_ty);
                i.items.iter().for_each(|it| self.item(it));
            }
            ItemKind::Trait(t) => t.items.iter().for_each(|it| self.item(it)),
            ItemKind::Module(m) => m.items.iter().for_each(|it| self.item(it)),
            ItemKind::Var(g) | ItemKind::Const(g) | ItemKind::Static { decl: g, .. } => {
                if let Some(t) = &g.ty {
                    self.ty(t);
                }
                if let Some(e) = &g.init {
                    self.expr(e);
                }
            }
            ItemKind::Import(_) | ItemKind::Error => {}
        }
    }

    fn ty(&mut self, t: &Type) {
        self.span(t.span);
        match &t.kind {
            TypeKind::Path { args, .. } => args.iter().for_each(|a| self.ty(a)),
            TypeKind::Tuple(ts) => ts.iter().for_each(|a| self.ty(a)),
            TypeKind::Ref { inner, .. } | TypeKind::Ptr { inner, .. } => self.ty(inner),
            TypeKind::Slice { elem, .. } => self.ty(elem),
            TypeKind::Fn { params, ret } => {
                params.iter().for_each(|a| self.ty(a));
                if let Some(r) = ret {
                    self.ty(r);
                }
            }
            TypeKind::Dyn(_) | TypeKind::Never | TypeKind::Error => {}
        }
    }

    fn block(&mut self, b: &Block) {
        self.span(b.span);
        for s in &b.stmts {
            self.span(s.span);
            match &s.kind {
                StmtKind::Let { pat, ty, init } => {
                    self.pat(pat);
                    if let Some(t) = ty {
                        self.ty(t);
                    }
                    if let Some(e) = init {
                        self.expr(e);
                    }
                }
                StmtKind::Expr { expr, .. } => self.expr(expr),
                StmtKind::Item(item) => self.item(item),
            }
        }
        if let Some(t) = &b.tail {
            self.expr(t);
        }
    }

    fn opt(&mut self, e: &Option<Box<Expr>>) {
        if let Some(e) = e {
            self.expr(e);
        }
    }

    fn expr(&mut self, e: &Expr) {
        self.exprs.push(e.id.0);
        self.span(e.span);
        match &e.kind {
            ExprKind::Lit(_)
            | ExprKind::Name(_)
            | ExprKind::InferredVariant(_)
            | ExprKind::Continue(_)
            | ExprKind::Error => {}
            ExprKind::Labeled { body, .. } => self.expr(body),
            ExprKind::Closure { params, ret, body } => {
                for p in params {
                    self.pat(&p.pat);
                    if let Some(t) = &p.ty {
                        self.ty(t);
                    }
                }
                if let Some(r) = ret {
                    self.ty(r);
                }
                self.expr(body);
            }
            ExprKind::Field { base, .. } | ExprKind::TupleField { base, .. } => self.expr(base),
            ExprKind::Call { callee, args } => {
                self.expr(callee);
                args.iter().for_each(|a| self.expr(a));
            }
            ExprKind::TypeArgs { base, args } => {
                self.expr(base);
                args.iter().for_each(|a| self.ty(a));
            }
            ExprKind::Index { base, index } => {
                self.expr(base);
                self.expr(index);
            }
            ExprKind::Unary { expr, .. }
            | ExprKind::Ref { expr, .. }
            | ExprKind::Deref(expr)
            | ExprKind::Paren(expr)
            | ExprKind::Try(expr) => self.expr(expr),
            ExprKind::Cast { expr, ty } => {
                self.expr(expr);
                self.ty(ty);
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Assign { place, value, .. } => {
                self.expr(place);
                self.expr(value);
            }
            ExprKind::Tuple(es) | ExprKind::Array(es) => es.iter().for_each(|a| self.expr(a)),
            ExprKind::ArrayRepeat { value, count } => {
                self.expr(value);
                self.expr(count);
            }
            ExprKind::StructLit { path, fields, rest } => {
                self.expr(path);
                fields.iter().for_each(|f| self.expr(&f.value));
                self.opt(rest);
            }
            ExprKind::Range { start, end, .. } => {
                self.opt(start);
                self.opt(end);
            }
            ExprKind::Block(b) | ExprKind::Unsafe(b) | ExprKind::Loop(b) => self.block(b),
            ExprKind::If { cond, then, els } => {
                self.expr(cond);
                self.block(then);
                self.opt(els);
            }
            ExprKind::IfLet {
                pat,
                value,
                then,
                els,
            } => {
                self.pat(pat);
                self.expr(value);
                self.block(then);
                self.opt(els);
            }
            ExprKind::Match { scrutinee, arms } => {
                self.expr(scrutinee);
                for arm in arms {
                    self.pat(&arm.pat);
                    if let Some(g) = &arm.guard {
                        self.expr(g);
                    }
                    self.expr(&arm.body);
                }
            }
            ExprKind::While { cond, body } => {
                self.expr(cond);
                self.block(body);
            }
            ExprKind::WhileLet { pat, value, body } => {
                self.pat(pat);
                self.expr(value);
                self.block(body);
            }
            ExprKind::For { pat, iter, body } => {
                self.pat(pat);
                self.expr(iter);
                self.block(body);
            }
            ExprKind::Break { value: v, .. } | ExprKind::Return(v) => self.opt(v),
        }
    }

    fn pat(&mut self, p: &Pat) {
        self.pats.push(p.id.0);
        self.span(p.span);
        match &p.kind {
            PatKind::Tuple(ps) | PatKind::Or(ps) => ps.iter().for_each(|q| self.pat(q)),
            PatKind::TupleStruct { elems, .. } => elems.iter().for_each(|q| self.pat(q)),
            PatKind::Struct { fields, .. } => fields.iter().for_each(|f| self.pat(&f.pat)),
            PatKind::Ref(inner) => self.pat(inner),
            _ => {}
        }
    }
}
