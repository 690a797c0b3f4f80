//! Checker tests through one helper: `errors(src)` lists each diagnostic as
//! `line:col code message (label)`.

use dast_base::SourceMap;
use dast_check::{check, SourceModule};
use expect_test::{expect, Expect};

fn errors(src: &str) -> String {
    let mut sources = SourceMap::new();
    let file = sources.add("test.dast", src);
    let (tree, mut diags) = dast_syntax::parse(file, src);
    let modules = [SourceModule {
        name: "test".into(),
        file,
        path: "test.dast".into(),
        ast: &tree,
    }];
    let out = check(&modules, &sources);
    diags.extend(out.diagnostics);
    diags
        .iter()
        .map(|d| {
            let lc = sources.line_col(file, d.primary.span.start);
            format!("{lc} {} {} ({})\n", d.code, d.message, d.primary.message)
        })
        .collect()
}

fn check_errors(src: &str, expect: Expect) {
    expect.assert_eq(&errors(src));
}

#[test]
fn well_typed_program_has_no_errors() {
    check_errors(
        r#"
struct Point { x: i32, y: i32 }
impl Point {
    fn new(x: i32, y: i32) -> Self { Point { x, y } }
    fn len2(self: &Self) -> i32 { self.x * self.x + self.y * self.y }
}
enum Shape { Circle(f64), Rect { w: f64, h: f64 } }
fn area(s: Shape) -> f64 {
    match s {
        .Circle(r) => 3.14 * r * r,
        .Rect { w, h } => w * h,
    }
}
fn main() {
    let p = Point.new(3, 4)
    let mut v = Vec.new()
    v.push(p.len2())
    let i = 0
    println("{} {}", v[i], area(Shape.Circle(1.0)))
}
"#,
        expect![[""]],
    );
}

#[test]
fn reports_every_error_with_positions() {
    check_errors(
        r#"
fn f(a: i32) -> i32 { a }
fn main() {
    let x: String = 5
    f(1, 2)
    let y = countr
}
"#,
        expect![[r#"
            4:21 E0301 mismatched types (expected `String`, found `{integer}`)
            5:5 E0410 wrong number of arguments: `f` takes 1 argument but 2 were supplied (expected 1 argument)
            6:13 E0407 cannot find value `countr` in this scope (not found in this scope)
        "#]],
    );
}

#[test]
fn integer_literals_take_their_type_from_uses() {
    check_errors(
        r#"
fn take(n: i64) -> i64 { n }
fn main() {
    let v = [1, 2, 3]
    let i = 1
    let a = v[i]
    for k in 0..20 { take(k); }
    let b: u8 = 300
}
"#,
        expect![[r#"
            8:17 E0303 literal out of range for `u8` (`300` does not fit in `u8`)
        "#]],
    );
}

#[test]
fn non_exhaustive_match_names_the_missing_variant() {
    check_errors(
        r#"
enum E { A, B(i32), C }
fn f(e: E) -> i32 {
    match e {
        .A => 1,
        .C => 3,
    }
}
"#,
        expect![[r#"
            4:11 E0508 non-exhaustive patterns: `E.B(_)` not covered (pattern `E.B(_)` not covered)
        "#]],
    );
}

#[test]
fn static_mut_in_hot_reload_module_is_refused() {
    let out = errors("@hot_reload\nmodule M {\n    static mut G: i32 = 0\n    fn f() {}\n}\n");
    assert!(out.contains("E0211"), "{out}");
    assert!(out.contains("static mut"), "{out}");
}

#[test]
fn immutable_assignment_and_mut_borrow() {
    check_errors(
        r#"

fn main() {
    let a = 1
    a = 2
    let v: Vec[i32] = Vec.new()
    v.push(1)
}
"#,
        expect![[r#"
            5:5 E0315 cannot assign twice to immutable variable `a` (cannot assign to an immutable variable)
            7:5 E0411 cannot borrow `v` as mutable, as it is not declared as mutable (cannot borrow as mutable)
        "#]],
    );
}

/// Every program of `test-programs/run` and `bench` is well typed.
#[test]
fn all_run_programs_check() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut failures = Vec::new();
    for dir in ["test-programs/run", "bench"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "dast"))
        {
            let src = std::fs::read_to_string(f).unwrap();
            let out = errors(&src);
            if !out.is_empty() {
                failures.push(format!("{}:\n{out}", f.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn if_without_else_drops_a_call_and_reports_a_value_once() {
    check_errors(
        r#"
fn main() {
    let mut v = [1]
    let mut m: HashMap[String, i32] = HashMap.new()
    if v.len() > 0 { v.pop() }
    if true { if false { m.remove("a") } else { m.insert("a", 1) } }
    let bonus = if v.len() > 3 { 10 }
    println("{:?} {}", bonus, bonus + 1)
}
"#,
        expect![[r#"
            7:32 E0317 `if` without `else` must have type `()` (this block has type `{integer}`)
        "#]],
    );
}

#[test]
fn a_mistake_in_a_pattern_or_an_operator_is_reported_once() {
    check_errors(
        r#"
enum Shape { Circle(f64), Square(f64) }
struct Size { w: f64, h: f64 }
fn area(s: Shape, z: Size) -> f64 {
    let Size { width, h } = z
    let line = "=" * 20
    match s {
        .Circle(r) => r * width * h,
        Square(a) => a * a,
    }
}
"#,
        expect![[r#"
            5:16 E0503 no field `width` in this pattern's type (unknown field)
            6:16 E0311 cannot apply binary operator `*` to type `String` (`*` is not defined for `String`)
            9:9 E0502 cannot find variant or struct `Square` (not a variant or struct)
        "#]],
    );
}
