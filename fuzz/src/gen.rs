//! A generator of well-typed Dast programs from a fuzzer's bytes: a small grammar of
//! functions over `i64`, `bool`, `String`, `Vec[i64]`, a struct and an enum, with
//! arithmetic that may divide by zero or wrap, comparisons, `if`/`else`, bounded
//! `while` and `for` loops, `match`, vectors and strings, calls (to earlier functions
//! only, and one bounded recursion), `&mut` parameters, prints and panics.
//!
//! Every program it writes should compile; one that does not is a bug of the generator
//! (or of the compiler). Every loop is bounded, recursion is at most 8 deep, and
//! strings and vectors grow by small pieces only, so programs end quickly.

use arbitrary::Unstructured;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ty {
    Int,
    I32,
    U8,
    F64,
    Bool,
    Str,
    Vec,
    Pt,
    Shape,
}

const ALL: [Ty; 9] = [
    Ty::Int,
    Ty::I32,
    Ty::U8,
    Ty::F64,
    Ty::Bool,
    Ty::Str,
    Ty::Vec,
    Ty::Pt,
    Ty::Shape,
];

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Int => "i64",
            Ty::I32 => "i32",
            Ty::U8 => "u8",
            Ty::F64 => "f64",
            Ty::Bool => "bool",
            Ty::Str => "String",
            Ty::Vec => "Vec[i64]",
            Ty::Pt => "Pt",
            Ty::Shape => "Shape",
        }
    }
}

#[derive(Clone)]
struct Var {
    name: String,
    ty: Ty,
    mutable: bool,
}

#[derive(Clone)]
struct Param {
    name: String,
    ty: Ty,
    /// `&mut Vec[i64]` (only vectors are passed by `&mut`).
    by_mut: bool,
}

#[derive(Clone)]
struct Func {
    name: String,
    params: Vec<Param>,
    ret: Ty,
}

/// Items every program has: the struct, the enum and their methods.
const PRELUDE: &str = "\
struct Pt {
    x: i64,
    y: i64,
    tag: bool,
}

impl Pt {
    fn sum(self: &Self) -> i64 {
        self.x + self.y
    }
    fn bump(self: &mut Self, d: i64) {
        self.x += d
        self.tag = !self.tag
    }
}

enum Shape {
    Dot,
    Num(i64),
    Pair { a: i64, b: i64 },
}
";

const STRINGS: [&str; 9] = [
    "",
    "a",
    "xyz",
    "h\u{e9}",
    "a b",
    "\u{dc}n\u{ef}",
    "\\t",
    "\\\"q\\\"",
    "{}",
];

const INTS: [&str; 14] = [
    "0",
    "1",
    "2",
    "3",
    "7",
    "10",
    "100",
    "-1",
    "-3",
    "255",
    "65536",
    "9223372036854775807i64",
    "(-9223372036854775807i64 - 1)",
    "4294967296i64",
];

pub struct Gen<'a> {
    u: Unstructured<'a>,
    out: String,
    funcs: Vec<Func>,
    scopes: Vec<Vec<Var>>,
    names: usize,
    /// Nodes left to generate; at zero only leaves are written.
    budget: usize,
    indent: usize,
    /// Nested loops around the current point (a loop body repeats what it holds).
    loops: usize,
    /// The function being written (its return type, for `return`), `None` in `main`.
    current: Option<Ty>,
    /// Functions the current body may call.
    callable: usize,
}

impl<'a> Gen<'a> {
    pub fn new(data: &'a [u8]) -> Gen<'a> {
        Gen {
            u: Unstructured::new(data),
            out: String::new(),
            funcs: Vec::new(),
            scopes: Vec::new(),
            names: 0,
            budget: 600,
            indent: 0,
            loops: 0,
            current: None,
            callable: 0,
        }
    }

    fn pick(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.u.choose_index(n).unwrap_or(0)
    }

    fn chance(&mut self, percent: u8) -> bool {
        self.u
            .int_in_range(0u8..=99)
            .map(|x| x < percent)
            .unwrap_or(false)
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}", self.names)
    }

    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn vars(&self, ty: Ty, mutable: bool) -> Vec<Var> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        // Innermost first: a shadowed name is the inner one.
        for scope in self.scopes.iter().rev() {
            for v in scope.iter().rev() {
                if seen.insert(v.name.clone()) && v.ty == ty && (!mutable || v.mutable) {
                    out.push(v.clone());
                }
            }
        }
        out
    }

    fn declare(&mut self, name: &str, ty: Ty, mutable: bool) {
        self.scopes.last_mut().unwrap().push(Var {
            name: name.to_string(),
            ty,
            mutable,
        });
    }

    /// The whole program.
    pub fn program(mut self) -> String {
        self.out.push_str(PRELUDE);
        let n = 1 + self.pick(5);
        for _ in 0..n {
            self.function();
        }
        self.recursive();
        self.main();
        self.out
    }

    fn ty(&mut self) -> Ty {
        ALL[self.pick(ALL.len())]
    }

    fn function(&mut self) {
        let name = self.fresh("f");
        let mut params = Vec::new();
        let np = self.pick(4);
        for _ in 0..np {
            let ty = self.ty();
            let by_mut = ty == Ty::Vec && self.chance(30);
            params.push(Param {
                name: self.fresh("p"),
                ty,
                by_mut,
            });
        }
        let ret = self.ty();
        let shown: Vec<String> = params
            .iter()
            .map(|p| {
                let amp = if p.by_mut { "&mut " } else { "" };
                format!("{}: {amp}{}", p.name, p.ty.name())
            })
            .collect();
        self.line("");
        self.line(&format!(
            "fn {name}({}) -> {} {{",
            shown.join(", "),
            ret.name()
        ));
        self.indent += 1;
        self.scopes.push(
            params
                .iter()
                .map(|p| Var {
                    name: p.name.clone(),
                    ty: p.ty,
                    mutable: p.by_mut,
                })
                .collect(),
        );
        self.current = Some(ret);
        self.callable = self.funcs.len();
        let ns = self.pick(5);
        for _ in 0..ns {
            self.stmt(0);
        }
        let tail = self.expr(ret, 0);
        self.line(&tail);
        self.scopes.pop();
        self.indent -= 1;
        self.line("}");
        self.funcs.push(Func { name, params, ret });
    }

    /// `fn rN(n: i64, acc: T) -> T`: recursion at most 8 deep (callers pass `e % 9`).
    fn recursive(&mut self) {
        let name = self.fresh("r");
        let ty = self.ty();
        self.line("");
        self.line(&format!(
            "fn {name}(n: i64, acc: {t}) -> {t} {{",
            t = ty.name()
        ));
        self.indent += 1;
        self.scopes.push(vec![
            Var {
                name: "n".into(),
                ty: Ty::Int,
                mutable: false,
            },
            Var {
                name: "acc".into(),
                ty,
                mutable: false,
            },
        ]);
        self.current = Some(ty);
        self.callable = self.funcs.len();
        self.line("if n <= 0 {");
        self.indent += 1;
        let base = self.expr(ty, 1);
        self.line(&base);
        self.indent -= 1;
        self.line("} else {");
        self.indent += 1;
        self.scopes.push(Vec::new());
        let ns = self.pick(3);
        for _ in 0..ns {
            self.stmt(1);
        }
        let next = self.expr(ty, 1);
        let r = self.fresh("v");
        self.line(&format!("let {r}: {} = {name}(n - 1, {next})", ty.name()));
        self.declare(&r, ty, false);
        let tail = self.expr(ty, 1);
        self.line(&tail);
        self.scopes.pop();
        self.indent -= 1;
        self.line("}");
        self.scopes.pop();
        self.indent -= 1;
        self.line("}");
        self.funcs.push(Func {
            name,
            params: vec![
                Param {
                    name: "n".into(),
                    ty: Ty::Int,
                    by_mut: false,
                },
                Param {
                    name: "acc".into(),
                    ty,
                    by_mut: false,
                },
            ],
            ret: ty,
        });
    }

    fn main(&mut self) {
        self.line("");
        self.line("fn main() {");
        self.indent += 1;
        self.scopes.push(Vec::new());
        self.current = None;
        self.callable = self.funcs.len();
        let ns = 1 + self.pick(10);
        for _ in 0..ns {
            self.stmt(0);
        }
        // Print everything in scope at the end.
        let all: Vec<Var> = self.scopes.last().unwrap().clone();
        for v in all {
            self.line(&format!("println(\"{} = {{:?}}\", {})", v.name, v.name));
        }
        self.scopes.pop();
        self.indent -= 1;
        self.line("}");
    }

    fn block(&mut self, depth: u32, n: usize) {
        self.indent += 1;
        self.scopes.push(Vec::new());
        for _ in 0..n {
            self.stmt(depth + 1);
        }
        self.scopes.pop();
        self.indent -= 1;
    }

    fn stmt(&mut self, depth: u32) {
        self.budget = self.budget.saturating_sub(1);
        let deep = depth >= 3 || self.budget == 0;
        let choice = self.pick(if deep { 6 } else { 14 });
        match choice {
            0 | 1 => {
                let ty = self.ty();
                let mutable = self.chance(60);
                let e = self.expr(ty, 0);
                let name = self.fresh("v");
                let m = if mutable { "mut " } else { "" };
                self.line(&format!("let {m}{name}: {} = {e}", ty.name()));
                self.declare(&name, ty, mutable);
            }
            2 => self.assign(),
            3 => {
                let n = 1 + self.pick(3);
                let mut args = Vec::new();
                let mut spec = Vec::new();
                for _ in 0..n {
                    let ty = self.ty();
                    let (s, e) = self.formatted(ty);
                    spec.push(s);
                    args.push(e);
                }
                self.line(&format!(
                    "println(\"{}\", {})",
                    spec.join(" "),
                    args.join(", ")
                ));
            }
            4 => {
                // A panic or an assertion behind a condition.
                let c = self.expr(Ty::Bool, 1);
                if self.chance(50) {
                    let msg = self.fresh("stop ");
                    self.line(&format!("if {c} {{"));
                    self.indent += 1;
                    self.line(&format!("panic(\"{msg}\")"));
                    self.indent -= 1;
                    self.line("}");
                } else {
                    self.line(&format!("assert({c})"));
                }
            }
            5 => {
                // Mutating methods.
                let vs = self.vars(Ty::Vec, true);
                let ps = self.vars(Ty::Pt, true);
                let ss = self.vars(Ty::Str, true);
                match self.pick(3) {
                    0 if !vs.is_empty() => {
                        let v = &vs[self.pick(vs.len())];
                        let e = self.expr(Ty::Int, 2);
                        match self.pick(4) {
                            0 => {
                                let i = self.index(&v.name);
                                self.line(&format!("{}[{i}] = {e}", v.name));
                            }
                            1 => self.line(&format!("let _ = {}.pop()", v.name)),
                            _ => self.line(&format!("{}.push({e})", v.name)),
                        }
                    }
                    1 if !ps.is_empty() => {
                        let p = &ps[self.pick(ps.len())];
                        let e = self.expr(Ty::Int, 2);
                        self.line(&format!("{}.bump({e})", p.name));
                    }
                    _ if !ss.is_empty() => {
                        let s = &ss[self.pick(ss.len())];
                        let e = self.small_str();
                        self.line(&format!("{}.push_str({e})", s.name));
                    }
                    _ => {
                        let e = self.expr(Ty::Int, 1);
                        self.line(&format!("println(\"{{}}\", {e})"));
                    }
                }
            }
            6 => {
                let c = self.expr(Ty::Bool, 1);
                self.line(&format!("if {c} {{"));
                let n = 1 + self.pick(3);
                self.block(depth, n);
                if self.chance(50) {
                    self.line("} else {");
                    let n = 1 + self.pick(3);
                    self.block(depth, n);
                }
                self.line("}");
            }
            7 if self.loops < 2 => {
                let i = self.fresh("i");
                let k = self.pick(6);
                let inclusive = if self.chance(30) { "=" } else { "" };
                // The bound's suffix types the loop variable (a method call on an
                // integer whose type is still open would make it `i32`).
                self.line(&format!("for {i} in 0..{inclusive}{k}i64 {{"));
                self.indent += 1;
                self.scopes.push(vec![Var {
                    name: i,
                    ty: Ty::Int,
                    mutable: false,
                }]);
                self.loops += 1;
                let n = 1 + self.pick(3);
                for _ in 0..n {
                    self.stmt(depth + 1);
                }
                self.loops -= 1;
                self.scopes.pop();
                self.indent -= 1;
                self.line("}");
            }
            8 if self.loops < 2 => {
                let w = self.fresh("w");
                let k = self.pick(6);
                let c = self.expr(Ty::Bool, 2);
                self.line(&format!("let mut {w}: i64 = 0"));
                self.line(&format!("while {w} < {k} && {c} {{"));
                self.indent += 1;
                self.line(&format!("{w} += 1"));
                self.scopes.push(Vec::new());
                self.loops += 1;
                let n = 1 + self.pick(3);
                for _ in 0..n {
                    self.stmt(depth + 1);
                }
                self.loops -= 1;
                self.scopes.pop();
                self.indent -= 1;
                self.line("}");
            }
            9 if self.loops < 2 => {
                let vs = self.vars(Ty::Vec, false);
                if vs.is_empty() {
                    return;
                }
                let v = vs[self.pick(vs.len())].name.clone();
                let x = self.fresh("x");
                self.line(&format!("for {x} in {v} {{"));
                self.indent += 1;
                self.scopes.push(vec![Var {
                    name: x,
                    ty: Ty::Int,
                    mutable: false,
                }]);
                self.loops += 1;
                let n = 1 + self.pick(2);
                for _ in 0..n {
                    self.stmt(depth + 1);
                }
                self.loops -= 1;
                self.scopes.pop();
                self.indent -= 1;
                self.line("}");
            }
            10 => {
                // A match statement on a shape.
                let s = self.expr(Ty::Shape, 1);
                self.line(&format!("match ({s}) {{"));
                self.indent += 1;
                self.line("Shape.Dot => {");
                self.block(depth, 1);
                self.line("}");
                let n = self.fresh("m");
                self.line(&format!("Shape.Num({n}) => {{"));
                self.scopes.push(vec![Var {
                    name: n,
                    ty: Ty::Int,
                    mutable: false,
                }]);
                self.block(depth, 1);
                self.scopes.pop();
                self.line("}");
                self.line(".Pair { a, b } => {");
                self.scopes.push(vec![
                    Var {
                        name: "a".into(),
                        ty: Ty::Int,
                        mutable: false,
                    },
                    Var {
                        name: "b".into(),
                        ty: Ty::Int,
                        mutable: false,
                    },
                ]);
                self.block(depth, 1);
                self.scopes.pop();
                self.line("}");
                self.indent -= 1;
                self.line("}");
            }
            11 => {
                if let Some(ret) = self.current {
                    let c = self.expr(Ty::Bool, 1);
                    let e = self.expr(ret, 1);
                    self.line(&format!("if {c} {{"));
                    self.indent += 1;
                    self.line(&format!("return {e}"));
                    self.indent -= 1;
                    self.line("}");
                } else {
                    self.assign();
                }
            }
            12 => {
                // A call for its effects (its value printed).
                let ty = self.ty();
                if let Some(call) = self.call(ty, 1) {
                    let (spec, _) = self.formatted(ty);
                    self.line(&format!("println(\"{spec}\", {call})"));
                }
            }
            _ => self.assign(),
        }
    }

    fn assign(&mut self) {
        let ty = self.ty();
        let vs = self.vars(ty, true);
        if vs.is_empty() {
            return;
        }
        let v = vs[self.pick(vs.len())].name.clone();
        match ty {
            Ty::Int | Ty::I32 | Ty::U8 if self.chance(50) => {
                let op = ["+=", "-=", "*=", "/=", "%=", "^=", "<<="][self.pick(7)];
                let e = self.expr(ty, 1);
                self.line(&format!("{v} {op} {e}"));
            }
            Ty::F64 if self.chance(50) => {
                let op = ["+=", "-=", "*=", "/="][self.pick(4)];
                let e = self.expr(ty, 1);
                self.line(&format!("{v} {op} {e}"));
            }
            Ty::Pt if self.chance(50) => {
                let field = ["x", "y"][self.pick(2)];
                let e = self.expr(Ty::Int, 1);
                self.line(&format!("{v}.{field} = {e}"));
            }
            // Strings only grow by small pieces.
            Ty::Str => {
                let e = self.small_str();
                self.line(&format!("{v} = {e}"));
            }
            // A vector variable of a `&mut` parameter is a place too.
            _ => {
                let e = self.expr(ty, 1);
                self.line(&format!("{v} = {e}"));
            }
        }
    }

    /// A format spec for a value of `ty` and the value.
    fn formatted(&mut self, ty: Ty) -> (&'static str, String) {
        let e = self.expr(ty, 1);
        let spec = match ty {
            Ty::Int => ["{}", "{:?}", "{:>6}", "{:x}", "{:+}", "{:08}"][self.pick(6)],
            Ty::I32 | Ty::U8 => ["{}", "{:?}", "{:<5}", "{:#x}", "{:b}", "{:+}"][self.pick(6)],
            Ty::F64 => ["{}", "{:?}", "{:.3}", "{:e}", "{:>10.2}", "{:+.1}"][self.pick(6)],
            Ty::Bool => ["{}", "{:?}"][self.pick(2)],
            Ty::Str => ["{}", "{:?}", "{:-^9}"][self.pick(3)],
            _ => ["{:?}", "{:#?}"][self.pick(2)],
        };
        (spec, e)
    }

    /// An index into vector `v`: usually in range when `v` is not empty.
    fn index(&mut self, v: &str) -> String {
        let e = self.expr(Ty::Int, 2);
        match self.pick(3) {
            0 => format!("(({e}) as usize)"),
            _ => format!("((({e}) & 3) as usize % ({v}.len() + 1))"),
        }
    }

    /// A string expression that does not grow with the variables it reads.
    fn small_str(&mut self) -> String {
        match self.pick(4) {
            0 => {
                let e = self.expr(Ty::Int, 2);
                format!("(({e}) as i64).to_string()")
            }
            1 => {
                let e = self.expr(Ty::Int, 2);
                let b = self.expr(Ty::Bool, 2);
                format!("format(\"<{{}}|{{}}>\", {e}, {b})")
            }
            _ => format!("\"{}\"", STRINGS[self.pick(STRINGS.len())]),
        }
    }

    fn literal(&mut self, ty: Ty) -> String {
        match ty {
            Ty::Int => {
                if self.chance(10) {
                    // Literals outside `i32` need the suffix where nothing else types
                    // them (a format argument, a method's receiver).
                    let x: i64 = self.u.arbitrary().unwrap_or(0);
                    if x < 0 {
                        format!("({}i64 - 1)", x + 1)
                    } else {
                        format!("{x}i64")
                    }
                } else {
                    INTS[self.pick(INTS.len())].to_string()
                }
            }
            Ty::I32 => [
                "0",
                "1",
                "-1",
                "7",
                "100",
                "65536",
                "2147483647i32",
                "(-2147483647i32 - 1)",
            ][self.pick(8)]
            .to_string(),
            Ty::U8 => ["0", "1", "7", "100", "200", "255u8"][self.pick(6)].to_string(),
            Ty::F64 => [
                "0.0",
                "1.5",
                "-0.0",
                "0.1",
                "-2.75",
                "1e300",
                "123456789.125",
                "(0.0 / 0.0)",
                "(1.0 / 0.0)",
            ][self.pick(9)]
            .to_string(),
            Ty::Bool => ["true", "false"][self.pick(2)].to_string(),
            Ty::Str => format!("\"{}\"", STRINGS[self.pick(STRINGS.len())]),
            Ty::Vec => match self.pick(3) {
                0 => "Vec.new()".to_string(),
                _ => {
                    let a = self.literal(Ty::Int);
                    let b = self.literal(Ty::Int);
                    format!("[{a}, {b}]")
                }
            },
            Ty::Pt => {
                let x = self.literal(Ty::Int);
                let y = self.literal(Ty::Int);
                let t = self.literal(Ty::Bool);
                format!("Pt {{ x: {x}, y: {y}, tag: {t} }}")
            }
            Ty::Shape => match self.pick(3) {
                0 => "Shape.Dot".to_string(),
                1 => format!("Shape.Num({})", self.literal(Ty::Int)),
                _ => format!(
                    "Shape.Pair {{ a: {}, b: {} }}",
                    self.literal(Ty::Int),
                    self.literal(Ty::Int)
                ),
            },
        }
    }

    fn leaf(&mut self, ty: Ty) -> String {
        let vs = self.vars(ty, false);
        if !vs.is_empty() && self.chance(70) {
            return vs[self.pick(vs.len())].name.clone();
        }
        self.literal(ty)
    }

    /// A call of a function returning `ty`, when one may be called here.
    fn call(&mut self, ty: Ty, depth: u32) -> Option<String> {
        let candidates: Vec<Func> = self.funcs[..self.callable]
            .iter()
            .filter(|f| f.ret == ty)
            .filter(|f| {
                f.params
                    .iter()
                    .all(|p| !p.by_mut || !self.vars(Ty::Vec, true).is_empty())
            })
            .cloned()
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let f = &candidates[self.pick(candidates.len())];
        let mut args = Vec::new();
        for (i, p) in f.params.iter().enumerate() {
            if p.by_mut {
                let vs = self.vars(Ty::Vec, true);
                let v = &vs[self.pick(vs.len())];
                args.push(format!("&mut {}", v.name));
            } else if i == 0 && f.name.starts_with('r') {
                let e = self.expr(Ty::Int, depth + 1);
                args.push(format!("({e}) % 9"));
            } else {
                args.push(self.expr(p.ty, depth + 1));
            }
        }
        Some(format!("{}({})", f.name, args.join(", ")))
    }

    pub fn expr(&mut self, ty: Ty, depth: u32) -> String {
        self.budget = self.budget.saturating_sub(1);
        if depth >= 4 || self.budget == 0 || self.chance(25) {
            return self.leaf(ty);
        }
        let d = depth + 1;
        if self.chance(12) {
            if let Some(c) = self.call(ty, d) {
                return c;
            }
        }
        if self.chance(8) {
            let c = self.expr(Ty::Bool, d);
            let a = self.expr(ty, d);
            let b = self.expr(ty, d);
            return format!("if {c} {{ {a} }} else {{ {b} }}");
        }
        match ty {
            Ty::Int => match self.pick(13) {
                0..=3 => {
                    let op = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"][self.pick(10)];
                    let a = self.expr(Ty::Int, d);
                    let b = self.expr(Ty::Int, d);
                    format!("({a} {op} {b})")
                }
                4 => {
                    let a = self.expr(Ty::Int, d);
                    format!("-({a})")
                }
                5 => {
                    let v = self.expr(Ty::Vec, d);
                    match self.pick(4) {
                        0 => format!("(({v}).len() as i64)"),
                        1 => {
                            let i = self.expr(Ty::Int, d);
                            format!("({v}).get(((({i}) & 3) as usize)).unwrap_or(-5)")
                        }
                        _ => {
                            let vs = self.vars(Ty::Vec, false);
                            if vs.is_empty() {
                                format!("(({v}).len() as i64)")
                            } else {
                                let name = vs[self.pick(vs.len())].name.clone();
                                let i = self.index(&name);
                                format!("{name}[{i}]")
                            }
                        }
                    }
                }
                6 => {
                    let s = self.expr(Ty::Str, d);
                    format!("(({s}).len() as i64)")
                }
                7 => {
                    let p = self.expr(Ty::Pt, d);
                    match self.pick(3) {
                        0 => format!("({p}).x"),
                        1 => format!("({p}).y"),
                        _ => format!("({p}).sum()"),
                    }
                }
                8 => {
                    let s = self.expr(Ty::Shape, d);
                    let a = self.expr(Ty::Int, d);
                    let m = self.fresh("m");
                    self.scopes.push(vec![Var {
                        name: m.clone(),
                        ty: Ty::Int,
                        mutable: false,
                    }]);
                    let b = self.expr(Ty::Int, d);
                    self.scopes.pop();
                    self.scopes.push(vec![
                        Var {
                            name: "a".into(),
                            ty: Ty::Int,
                            mutable: false,
                        },
                        Var {
                            name: "b".into(),
                            ty: Ty::Int,
                            mutable: false,
                        },
                    ]);
                    let c = self.expr(Ty::Int, d);
                    self.scopes.pop();
                    format!(
                        "match ({s}) {{ .Dot => {a}, .Num({m}) => {b}, Shape.Pair {{ a, b }} => {c} }}"
                    )
                }
                9 => {
                    let a = self.expr(Ty::Int, d);
                    let b = self.expr(Ty::Int, d);
                    format!("{}({a}, {b})", ["min", "max"][self.pick(2)])
                }
                10 => {
                    let a = self.expr(Ty::Int, d);
                    match self.pick(3) {
                        // The receiver's type must be known at the call.
                        0 => format!("(({a}) as i64).abs()"),
                        1 => format!("(({a}) as i64).pow({})", self.pick(5)),
                        _ => format!("((({a}) as i32) as i64)"),
                    }
                }
                11 => {
                    let from = [Ty::I32, Ty::U8, Ty::F64][self.pick(3)];
                    let a = self.expr(from, d);
                    format!("(({a}) as i64)")
                }
                _ => self.leaf(Ty::Int),
            },
            Ty::I32 | Ty::U8 => match self.pick(6) {
                0..=2 => {
                    let op = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"][self.pick(10)];
                    let a = self.expr(ty, d);
                    let b = self.expr(ty, d);
                    format!("({a} {op} {b})")
                }
                3 => {
                    let from = [Ty::Int, Ty::F64, Ty::I32, Ty::U8][self.pick(4)];
                    let a = self.expr(from, d);
                    format!("(({a}) as {})", ty.name())
                }
                4 => {
                    let a = self.expr(ty, d);
                    let b = self.expr(ty, d);
                    format!("{}({a}, {b})", ["min", "max"][self.pick(2)])
                }
                _ if ty == Ty::I32 => {
                    let a = self.expr(ty, d);
                    format!("-({a})")
                }
                _ => self.leaf(ty),
            },
            Ty::F64 => match self.pick(6) {
                0..=2 => {
                    let op = ["+", "-", "*", "/"][self.pick(4)];
                    let a = self.expr(ty, d);
                    let b = self.expr(ty, d);
                    format!("({a} {op} {b})")
                }
                3 => {
                    let from = [Ty::Int, Ty::I32, Ty::U8][self.pick(3)];
                    let a = self.expr(from, d);
                    format!("(({a}) as f64)")
                }
                4 => {
                    let a = self.expr(ty, d);
                    let m = ["sqrt()", "floor()", "abs()", "round()", "fract()"][self.pick(5)];
                    format!("(({a}) as f64).{m}")
                }
                _ => {
                    let a = self.expr(ty, d);
                    format!("-({a})")
                }
            },
            Ty::Bool => match self.pick(8) {
                7 => {
                    let t = [Ty::I32, Ty::U8, Ty::F64][self.pick(3)];
                    let op = ["<", "<=", ">", ">=", "==", "!="][self.pick(6)];
                    let a = self.expr(t, d);
                    let b = self.expr(t, d);
                    format!("({a} {op} {b})")
                }
                0 | 1 => {
                    let op = ["<", "<=", ">", ">=", "==", "!="][self.pick(6)];
                    let a = self.expr(Ty::Int, d);
                    let b = self.expr(Ty::Int, d);
                    format!("({a} {op} {b})")
                }
                2 => {
                    let op = ["&&", "||"][self.pick(2)];
                    let a = self.expr(Ty::Bool, d);
                    let b = self.expr(Ty::Bool, d);
                    format!("({a} {op} {b})")
                }
                3 => {
                    let a = self.expr(Ty::Bool, d);
                    format!("!({a})")
                }
                4 => {
                    let op = ["==", "<", "!="][self.pick(3)];
                    let a = self.expr(Ty::Str, d);
                    let b = self.expr(Ty::Str, d);
                    format!("({a} {op} {b})")
                }
                5 => {
                    let s = self.expr(Ty::Str, d);
                    let t = STRINGS[self.pick(STRINGS.len())];
                    format!("({s}).contains(\"{t}\")")
                }
                _ => match self.pick(3) {
                    0 => {
                        let v = self.expr(Ty::Vec, d);
                        format!("({v}).is_empty()")
                    }
                    1 => {
                        let p = self.expr(Ty::Pt, d);
                        format!("({p}).tag")
                    }
                    _ => {
                        let a = self.expr(Ty::Pt, d);
                        let b = self.expr(Ty::Pt, d);
                        format!("({a} == {b})")
                    }
                },
            },
            Ty::Str => match self.pick(6) {
                0 => {
                    let a = self.expr(Ty::Str, d);
                    let b = self.expr(Ty::Str, d);
                    format!("({a} + {b})")
                }
                1 => {
                    let (s1, a) = self.formatted(Ty::Int);
                    let (s2, b) = self.formatted(Ty::Shape);
                    format!("format(\"{s1}:{s2}\", {a}, {b})")
                }
                2 => {
                    let a = self.expr(Ty::Str, d);
                    let m =
                        ["to_uppercase()", "trim()", "replace(\"a\", \"\u{e9}\")"][self.pick(3)];
                    format!("({a}).{m}")
                }
                3 => {
                    let a = self.expr(Ty::Int, d);
                    format!("(({a}) as i64).to_string()")
                }
                _ => self.small_str(),
            },
            Ty::Vec => match self.pick(3) {
                0 => {
                    let a = self.expr(Ty::Int, d);
                    let b = self.expr(Ty::Int, d);
                    format!("[{a}, {b}]")
                }
                _ => self.leaf(Ty::Vec),
            },
            Ty::Pt => {
                let x = self.expr(Ty::Int, d);
                let y = self.expr(Ty::Int, d);
                let t = self.expr(Ty::Bool, d);
                format!("Pt {{ x: {x}, y: {y}, tag: {t} }}")
            }
            Ty::Shape => match self.pick(3) {
                0 => "Shape.Dot".to_string(),
                1 => format!("Shape.Num({})", self.expr(Ty::Int, d)),
                _ => {
                    let a = self.expr(Ty::Int, d);
                    let b = self.expr(Ty::Int, d);
                    format!("Shape.Pair {{ a: {a}, b: {b} }}")
                }
            },
        }
    }
}

/// The program `data` describes.
pub fn program(data: &[u8]) -> String {
    Gen::new(data).program()
}
