//! `print_tree`: a compact, indented, deterministic rendering of the tree for tests.
//!
//! One line per item, statement and expression, children indented by two spaces, each
//! line ending with the node's byte span (`@start..end`). Types and patterns are short,
//! so they are printed inline in a Dast-like notation (`Vec[i32]`, `.Some(x) | _`).

use std::fmt::Write;

use crate::ast::*;

pub fn print_tree(file: &File) -> String {
    let mut printer = Printer { out: String::new() };
    for item in &file.items {
        printer.item(item, 0);
    }
    printer.out
}

struct Printer {
    out: String,
}

fn span_text(span: dast_base::Span) -> String {
    format!("@{}..{}", span.start, span.end)
}

impl Printer {
    fn line(&mut self, depth: usize, text: &str, span: dast_base::Span) {
        let _ = writeln!(
            self.out,
            "{:indent$}{text} {}",
            "",
            span_text(span),
            indent = depth * 2
        );
    }

    fn plain(&mut self, depth: usize, text: &str) {
        let _ = writeln!(self.out, "{:indent$}{text}", "", indent = depth * 2);
    }

    // ---------- items ----------

    fn item(&mut self, item: &Item, depth: usize) {
        let attrs: String = item
            .attrs
            .iter()
            .map(|a| {
                if a.args.is_empty() {
                    format!("@{} ", a.name.name)
                } else {
                    format!("@{}({}) ", a.name.name, a.args.join(", "))
                }
            })
            .collect();
        match &item.kind {
            ItemKind::Fn(f) => self.fn_decl(&attrs, f, item.span, depth),
            ItemKind::Struct(s) => {
                self.line(depth, &format!("{attrs}struct {}", s.name.name), item.span);
                self.fields(&s.fields, depth + 1);
            }
            ItemKind::Enum(e) => {
                self.line(depth, &format!("{attrs}enum {}", e.name.name), item.span);
                for v in &e.variants {
                    match &v.kind {
                        VariantKind::Unit => self.plain(depth + 1, &v.name.name),
                        VariantKind::Tuple(types) => {
                            let types = types.iter().map(ty).collect::<Vec<_>>().join(", ");
                            self.plain(depth + 1, &format!("{}({types})", v.name.name));
                        }
                        VariantKind::Struct(fields) => {
                            self.plain(depth + 1, &format!("{} {{}}", v.name.name));
                            self.fields(fields, depth + 2);
                        }
                    }
                }
            }
            ItemKind::Impl(i) => {
                let header = match &i.trait_name {
                    Some(t) => format!("{attrs}impl {} for {}", t.name, ty(&i.self_ty)),
                    None => format!("{attrs}impl {}", ty(&i.self_ty)),
                };
                self.line(depth, &header, item.span);
                self.items(&i.items, depth + 1);
            }
            ItemKind::Trait(t) => {
                self.line(depth, &format!("{attrs}trait {}", t.name.name), item.span);
                self.items(&t.items, depth + 1);
            }
            ItemKind::Module(m) => {
                self.line(depth, &format!("{attrs}module {}", m.name.name), item.span);
                self.items(&m.items, depth + 1);
            }
            ItemKind::Var(g) => self.global(&format!("{attrs}var"), g, item.span, depth),
            ItemKind::Const(g) => self.global(&format!("{attrs}const"), g, item.span, depth),
            ItemKind::Static { decl, mutable } => {
                let keyword = if *mutable { "static mut" } else { "static" };
                self.global(&format!("{attrs}{keyword}"), decl, item.span, depth);
            }
            ItemKind::Import(path) => {
                let path = path.iter().map(|s| s.name.as_str()).collect::<Vec<_>>();
                self.line(
                    depth,
                    &format!("{attrs}import {}", path.join(".")),
                    item.span,
                );
            }
            ItemKind::Error => self.line(depth, &format!("{attrs}<error item>"), item.span),
        }
    }

    fn items(&mut self, items: &[Item], depth: usize) {
        for item in items {
            self.item(item, depth);
        }
    }

    fn fields(&mut self, fields: &[FieldDecl], depth: usize) {
        for f in fields {
            self.plain(depth, &format!("{}: {}", f.name.name, ty(&f.ty)));
        }
    }

    fn fn_decl(&mut self, attrs: &str, f: &FnDecl, span: dast_base::Span, depth: usize) {
        let params = f
            .params
            .iter()
            .map(|p| {
                let mutable = if p.mutable { "mut " } else { "" };
                format!("{mutable}{}: {}", p.name.name, ty(&p.ty))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let ret = f
            .ret
            .as_ref()
            .map(|t| format!(" -> {}", ty(t)))
            .unwrap_or_default();
        let unsafety = match (f.is_unsafe, f.is_host) {
            (true, _) => "unsafe ",
            (_, true) => "host ",
            _ => "",
        };
        let generics = if f.generics.is_empty() {
            String::new()
        } else {
            let shown: Vec<String> = f
                .generics
                .iter()
                .map(|g| {
                    let bounds: Vec<String> = g.bounds.iter().map(ty).collect();
                    if bounds.is_empty() {
                        g.name.name.clone()
                    } else {
                        format!("{}: {}", g.name.name, bounds.join(" + "))
                    }
                })
                .collect();
            format!("[{}]", shown.join(", "))
        };
        let header = format!(
            "{attrs}{unsafety}fn {}{generics}({params}){ret}",
            f.name.name
        );
        match &f.body {
            Some(body) => {
                self.line(depth, &header, span);
                self.block(body, depth + 1);
            }
            None => self.line(depth, &format!("{header} (no body)"), span),
        }
    }

    fn global(&mut self, keyword: &str, g: &GlobalDecl, span: dast_base::Span, depth: usize) {
        let annotation =
            g.ty.as_ref()
                .map(|t| format!(": {}", ty(t)))
                .unwrap_or_default();
        self.line(
            depth,
            &format!("{keyword} {}{annotation}", g.name.name),
            span,
        );
        if let Some(init) = &g.init {
            self.expr(init, depth + 1);
        }
    }

    // ---------- blocks and statements ----------

    fn block(&mut self, block: &Block, depth: usize) {
        self.line(depth, "block", block.span);
        for stmt in &block.stmts {
            self.stmt(stmt, depth + 1);
        }
        if let Some(tail) = &block.tail {
            self.plain(depth + 1, "tail:");
            self.expr(tail, depth + 2);
        }
    }

    fn stmt(&mut self, stmt: &Stmt, depth: usize) {
        match &stmt.kind {
            StmtKind::Let {
                pat: p,
                ty: t,
                init,
            } => {
                let annotation = t
                    .as_ref()
                    .map(|t| format!(": {}", ty(t)))
                    .unwrap_or_default();
                self.line(depth, &format!("let {}{annotation}", pat(p)), stmt.span);
                if let Some(init) = init {
                    self.expr(init, depth + 1);
                }
            }
            StmtKind::Expr { expr, semi } => {
                let label = if *semi { "expr;" } else { "expr" };
                self.line(depth, label, stmt.span);
                self.expr(expr, depth + 1);
            }
            StmtKind::Item(item) => self.item(item, depth),
        }
    }

    // ---------- expressions ----------

    fn expr(&mut self, e: &Expr, depth: usize) {
        let d = depth + 1;
        match &e.kind {
            ExprKind::Lit(l) => self.line(depth, &format!("lit {}", lit(l)), e.span),
            ExprKind::Closure { params, ret, body } => {
                let shown: Vec<String> = params
                    .iter()
                    .map(|p| match &p.ty {
                        Some(t) => format!("{}: {}", pat(&p.pat), ty(t)),
                        None => pat(&p.pat),
                    })
                    .collect();
                let ret = ret
                    .as_ref()
                    .map(|t| format!(" -> {}", ty(t)))
                    .unwrap_or_default();
                self.line(
                    depth,
                    &format!("closure |{}|{ret}", shown.join(", ")),
                    e.span,
                );
                self.expr(body, d);
            }
            ExprKind::Name(n) => self.line(depth, &format!("name {}", n.name), e.span),
            ExprKind::InferredVariant(n) => {
                self.line(depth, &format!("variant .{}", n.name), e.span)
            }
            ExprKind::Field { base, name } => {
                self.line(depth, &format!("field .{}", name.name), e.span);
                self.expr(base, d);
            }
            ExprKind::TupleField { base, index, .. } => {
                self.line(depth, &format!("tuple field .{index}"), e.span);
                self.expr(base, d);
            }
            ExprKind::Call { callee, args } => {
                self.line(depth, "call", e.span);
                self.expr(callee, d);
                self.exprs(args, d);
            }
            ExprKind::TypeArgs { base, args } => {
                let args = args.iter().map(ty).collect::<Vec<_>>().join(", ");
                self.line(depth, &format!("type args [{args}]"), e.span);
                self.expr(base, d);
            }
            ExprKind::Index { base, index } => {
                self.line(depth, "index", e.span);
                self.expr(base, d);
                self.expr(index, d);
            }
            ExprKind::Unary { op, expr } => {
                let op = match op {
                    UnOp::Neg => "-",
                    UnOp::Not => "!",
                };
                self.line(depth, &format!("unary {op}"), e.span);
                self.expr(expr, d);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.line(depth, &format!("binary {}", bin_op(*op)), e.span);
                self.expr(lhs, d);
                self.expr(rhs, d);
            }
            ExprKind::Assign { op, place, value } => {
                let op = op
                    .map(|op| format!("{}=", bin_op(op)))
                    .unwrap_or("=".to_string());
                self.line(depth, &format!("assign {op}"), e.span);
                self.expr(place, d);
                self.expr(value, d);
            }
            ExprKind::Cast { expr, ty: t } => {
                self.line(depth, &format!("cast as {}", ty(t)), e.span);
                self.expr(expr, d);
            }
            ExprKind::Deref(expr) => {
                self.line(depth, "deref", e.span);
                self.expr(expr, d);
            }
            ExprKind::Ref { mutable, expr } => {
                let label = if *mutable { "ref mut" } else { "ref" };
                self.line(depth, label, e.span);
                self.expr(expr, d);
            }
            ExprKind::Tuple(elems) => {
                self.line(depth, "tuple", e.span);
                self.exprs(elems, d);
            }
            ExprKind::Paren(inner) => {
                self.line(depth, "paren", e.span);
                self.expr(inner, d);
            }
            ExprKind::Array(elems) => {
                self.line(depth, "array", e.span);
                self.exprs(elems, d);
            }
            ExprKind::ArrayRepeat { value, count } => {
                self.line(depth, "array repeat", e.span);
                self.expr(value, d);
                self.expr(count, d);
            }
            ExprKind::StructLit { path, fields, rest } => {
                self.line(depth, "struct literal", e.span);
                self.expr(path, d);
                for f in fields {
                    self.plain(d, &format!("{}:", f.name.name));
                    self.expr(&f.value, d + 1);
                }
                if let Some(rest) = rest {
                    self.plain(d, "..");
                    self.expr(rest, d + 1);
                }
            }
            ExprKind::Range {
                start,
                end,
                inclusive,
            } => {
                let op = if *inclusive { "..=" } else { ".." };
                self.line(depth, &format!("range {op}"), e.span);
                self.optional(d, "start", start.as_deref());
                self.optional(d, "end", end.as_deref());
            }
            ExprKind::Block(block) => self.block(block, depth),
            ExprKind::Unsafe(block) => {
                self.line(depth, "unsafe", e.span);
                self.block(block, d);
            }
            ExprKind::If { cond, then, els } => {
                self.line(depth, "if", e.span);
                self.expr(cond, d);
                self.block(then, d);
                self.optional(d, "else", els.as_deref());
            }
            ExprKind::IfLet {
                pat: p,
                value,
                then,
                els,
            } => {
                self.line(depth, &format!("if let {}", pat(p)), e.span);
                self.expr(value, d);
                self.block(then, d);
                self.optional(d, "else", els.as_deref());
            }
            ExprKind::Match { scrutinee, arms } => {
                self.line(depth, "match", e.span);
                self.expr(scrutinee, d);
                for arm in arms {
                    let guard = if arm.guard.is_some() { " if" } else { "" };
                    self.line(d, &format!("arm {}{guard}", pat(&arm.pat)), arm.span);
                    if let Some(guard) = &arm.guard {
                        self.expr(guard, d + 1);
                    }
                    self.expr(&arm.body, d + 1);
                }
            }
            ExprKind::While { cond, body } => {
                self.line(depth, "while", e.span);
                self.expr(cond, d);
                self.block(body, d);
            }
            ExprKind::WhileLet {
                pat: p,
                value,
                body,
            } => {
                self.line(depth, &format!("while let {}", pat(p)), e.span);
                self.expr(value, d);
                self.block(body, d);
            }
            ExprKind::Loop(body) => {
                self.line(depth, "loop", e.span);
                self.block(body, d);
            }
            ExprKind::For { pat: p, iter, body } => {
                self.line(depth, &format!("for {} in", pat(p)), e.span);
                self.expr(iter, d);
                self.block(body, d);
            }
            ExprKind::Break { label, value } => {
                let text = match label {
                    Some(l) => format!("break {}", l.name),
                    None => "break".to_string(),
                };
                self.line(depth, &text, e.span);
                if let Some(value) = value {
                    self.expr(value, d);
                }
            }
            ExprKind::Continue(label) => {
                let text = match label {
                    Some(l) => format!("continue {}", l.name),
                    None => "continue".to_string(),
                };
                self.line(depth, &text, e.span);
            }
            ExprKind::Labeled { label, body } => {
                self.line(depth, &format!("label {}", label.name), e.span);
                self.expr(body, d);
            }
            ExprKind::Return(value) => {
                self.line(depth, "return", e.span);
                if let Some(value) = value {
                    self.expr(value, d);
                }
            }
            ExprKind::Try(inner) => {
                self.line(depth, "try ?", e.span);
                self.expr(inner, d);
            }
            ExprKind::Error => self.line(depth, "<error>", e.span),
        }
    }

    fn exprs(&mut self, exprs: &[Expr], depth: usize) {
        for e in exprs {
            self.expr(e, depth);
        }
    }

    fn optional(&mut self, depth: usize, role: &str, e: Option<&Expr>) {
        if let Some(e) = e {
            self.plain(depth, &format!("{role}:"));
            self.expr(e, depth + 1);
        }
    }
}

fn bin_op(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Rem => "%",
        BinOp::And => "&&",
        BinOp::Or => "||",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::Shl => "<<",
        BinOp::Shr => ">>",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
    }
}

fn lit(l: &Lit) -> String {
    match l {
        Lit::Int { value, suffix } => format!("{value}{}", suffix.as_deref().unwrap_or("")),
        Lit::Float { value, suffix } => format!("{value:?}{}", suffix.as_deref().unwrap_or("")),
        Lit::Bool(b) => b.to_string(),
        Lit::Str(s) => format!("{s:?}"),
        Lit::Char(c) => format!("{c:?}"),
    }
}

/// Pattern literals print negative integers as such (they are stored wrapped).
fn pat_lit(l: &Lit) -> String {
    match l {
        Lit::Int { value, suffix } if *value > i128::MAX as u128 => {
            format!("{}{}", *value as i128, suffix.as_deref().unwrap_or(""))
        }
        other => lit(other),
    }
}

fn ty(t: &Type) -> String {
    match &t.kind {
        TypeKind::Path { segments, args } => {
            let path = segments
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(".");
            if args.is_empty() {
                path
            } else {
                let args = args.iter().map(ty).collect::<Vec<_>>().join(", ");
                format!("{path}[{args}]")
            }
        }
        TypeKind::Tuple(elems) => {
            let elems = elems.iter().map(ty).collect::<Vec<_>>();
            if elems.len() == 1 {
                format!("({},)", elems[0])
            } else {
                format!("({})", elems.join(", "))
            }
        }
        TypeKind::Ref { mutable, inner } => {
            format!("&{}{}", if *mutable { "mut " } else { "" }, ty(inner))
        }
        TypeKind::Slice { mutable, elem } => {
            format!("&{}[{}]", if *mutable { "mut " } else { "" }, ty(elem))
        }
        TypeKind::Ptr { mutable, inner } => {
            format!("*{} {}", if *mutable { "mut" } else { "const" }, ty(inner))
        }
        TypeKind::Fn { params, ret } => {
            let params = params.iter().map(ty).collect::<Vec<_>>().join(", ");
            let ret = ret
                .as_ref()
                .map(|r| format!(" -> {}", ty(r)))
                .unwrap_or_default();
            format!("Fn({params}){ret}")
        }
        TypeKind::Dyn(path) => {
            let names: Vec<&str> = path.iter().map(|i| i.name.as_str()).collect();
            format!("dyn {}", names.join("."))
        }
        TypeKind::Never => "!".to_string(),
        TypeKind::Error => "<error>".to_string(),
    }
}

fn path(segments: &[Ident], inferred: bool) -> String {
    let joined = segments
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(".");
    if inferred {
        format!(".{joined}")
    } else {
        joined
    }
}

fn pat(p: &Pat) -> String {
    match &p.kind {
        PatKind::Wild => "_".to_string(),
        PatKind::Bind { name, mutable } => {
            format!("{}{}", if *mutable { "mut " } else { "" }, name.name)
        }
        PatKind::At {
            name,
            mutable,
            pat: inner,
        } => format!(
            "{}{} @ {}",
            if *mutable { "mut " } else { "" },
            name.name,
            pat(inner)
        ),
        PatKind::Lit(l) => pat_lit(l),
        PatKind::Range {
            start,
            end,
            inclusive,
        } => {
            let start = start.as_ref().map(pat_lit).unwrap_or_default();
            let end = end.as_ref().map(pat_lit).unwrap_or_default();
            format!("{start}{}{end}", if *inclusive { "..=" } else { ".." })
        }
        PatKind::Tuple(elems) => {
            let elems = elems.iter().map(pat).collect::<Vec<_>>();
            if elems.len() == 1 {
                format!("({},)", elems[0])
            } else {
                format!("({})", elems.join(", "))
            }
        }
        PatKind::Path { segments, inferred } => path(segments, *inferred),
        PatKind::TupleStruct {
            segments,
            inferred,
            elems,
        } => {
            let elems = elems.iter().map(pat).collect::<Vec<_>>().join(", ");
            format!("{}({elems})", path(segments, *inferred))
        }
        PatKind::Struct {
            segments,
            inferred,
            fields,
            has_rest,
        } => {
            let mut parts: Vec<String> = fields
                .iter()
                .map(|f| match &f.pat.kind {
                    PatKind::Bind { name, mutable } if name.name == f.name.name => {
                        format!("{}{}", if *mutable { "mut " } else { "" }, name.name)
                    }
                    _ => format!("{}: {}", f.name.name, pat(&f.pat)),
                })
                .collect();
            if *has_rest {
                parts.push("..".to_string());
            }
            format!("{} {{ {} }}", path(segments, *inferred), parts.join(", "))
        }
        PatKind::Or(alternatives) => alternatives.iter().map(pat).collect::<Vec<_>>().join(" | "),
        PatKind::Ref(inner) => format!("&{}", pat(inner)),
        PatKind::Error => "<error>".to_string(),
    }
}
