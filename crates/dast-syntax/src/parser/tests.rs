//! Parser tests: `check` compares the printed tree of a program without errors,
//! `check_errors` the list of `line:col code message` (and the tree after them).

use dast_base::{FileId, LineIndex};
use expect_test::{expect, Expect};

use crate::{parse, print_tree};

fn check(text: &str, expect: Expect) {
    let (file, diags) = parse(FileId(0), text);
    let errors = render_errors(text, &diags);
    assert!(errors.is_empty(), "unexpected errors:\n{errors}");
    expect.assert_eq(&print_tree(&file));
}

fn check_errors(text: &str, expect: Expect) {
    let (_, diags) = parse(FileId(0), text);
    assert!(!diags.is_empty(), "expected errors");
    expect.assert_eq(&render_errors(text, &diags));
}

/// Errors with their label and help, as in the `.txt` snapshots of `test_data/err`.
fn check_errors_detailed(text: &str, expect: Expect) {
    let (_, diags) = parse(FileId(0), text);
    let index = LineIndex::new(text);
    let mut out = String::new();
    for d in &diags {
        let at = index.line_col(text, d.primary.span.start);
        out.push_str(&format!(
            "{at} {} {} [{}]\n",
            d.code, d.message, d.primary.message
        ));
        for s in &d.secondary {
            let at = index.line_col(text, s.span.start);
            out.push_str(&format!("  {at} {}\n", s.message));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("  help: {help}\n"));
        }
    }
    expect.assert_eq(&out);
}

fn render_errors(text: &str, diags: &[dast_base::Diagnostic]) -> String {
    let index = LineIndex::new(text);
    diags
        .iter()
        .map(|d| {
            let at = index.line_col(text, d.primary.span.start);
            format!("{at} {} {}\n", d.code, d.message)
        })
        .collect()
}

// ---------- items ----------

#[test]
fn function_with_params_and_return_type() {
    check(
        "fn add(a: i32, mut b: &mut Vec[i32]) -> i32 { a + b }",
        expect![[r#"
            fn add(a: i32, mut b: &mut Vec[i32]) -> i32 @0..53
              block @44..53
                tail:
                  binary + @46..51
                    name a @46..47
                    name b @50..51
        "#]],
    );
}

#[test]
fn self_parameters_in_every_spelling() {
    check(
        "impl Counter {
    fn a(self) {}
    fn b(mut self) {}
    fn c(self: &Self) {}
    fn d(self: &mut Self) {}
    fn e(&self) {}
    fn f(&mut self, x: i32) {}
}",
        expect![[r#"
            impl Counter @0..160
              fn a(self: Self) @19..32
                block @30..32
              fn b(mut self: Self) @37..54
                block @52..54
              fn c(self: &Self) @59..79
                block @77..79
              fn d(self: &mut Self) @84..108
                block @106..108
              fn e(self: &Self) @113..127
                block @125..127
              fn f(self: &mut Self, x: i32) @132..158
                block @156..158
        "#]],
    );
}

#[test]
fn structs_enums_and_unit_structs() {
    check(
        "struct Point { x: i32, y: i32, }
struct Config {
    name: String
    level: u8
}
struct Unit
struct Marker;
enum E { A, B(i32, String), C { x: f64 } }",
        expect![[r#"
            struct Point @0..32
              x: i32
              y: i32
            struct Config @33..81
              name: String
              level: u8
            struct Unit @82..93
            struct Marker @94..107
            enum E @109..151
              A
              B(i32, String)
              C {}
                x: f64
        "#]],
    );
}

#[test]
fn attributes_on_separate_lines() {
    check(
        "@shared
@abi_stable(1)
struct GameState { score: i32 }

@shared
static mut STATE: GameState = GameState { score: 0 }
@hot_reload @custom(1, \"a\") fn f() {}",
        expect![[r#"
            @shared @abi_stable(1) struct GameState @0..54
              score: i32
            @shared static mut STATE: GameState @56..116
              struct literal @94..116
                name GameState @94..103
                score:
                  lit 0 @113..114
            @hot_reload @custom(1, "a") fn f() @117..154
              block @152..154
        "#]],
    );
}

#[test]
fn module_state_consts_statics_and_imports() {
    check(
        "import util
import a.b.c
module M {
    var state: GameState
    var count = 0
    var total: i64 = 1
    const N: usize = 4;
    static LIMIT: i32 = N * 2
    static mut GLOBAL: i32 = 0
}",
        expect![[r#"
            import util @0..11
            import a.b.c @12..24
            module M @25..188
              var state: GameState @40..60
              var count @65..78
                lit 0 @77..78
              var total: i64 @83..101
                lit 1 @100..101
              const N: usize @106..125
                lit 4 @123..124
              static LIMIT: i32 @130..155
                binary * @150..155
                  name N @150..151
                  lit 2 @154..155
              static mut GLOBAL: i32 @160..186
                lit 0 @185..186
        "#]],
    );
}

#[test]
fn traits_impls_and_unsafe_fns() {
    check(
        "trait Plugin {
    fn init(self: &mut Self)
    fn update(self: &mut Self, dt: f32);
    fn name(&self) -> String { \"plugin\" }
}
impl Drop for ModuleHandle { fn drop(self: &mut Self) {} }
unsafe fn raw(p: *const ()) -> *mut u8 { p as *mut u8 }",
        expect![[r#"
            trait Plugin @0..128
              fn init(self: &mut Self) (no body) @19..43
              fn update(self: &mut Self, dt: f32) (no body) @48..84
              fn name(self: &Self) -> String @89..126
                block @114..126
                  tail:
                    lit "plugin" @116..124
            impl Drop for ModuleHandle @129..187
              fn drop(self: &mut Self) @158..185
                block @183..185
            unsafe fn raw(p: *const ()) -> *mut u8 @188..243
              block @227..243
                tail:
                  cast as *mut u8 @229..241
                    name p @229..230
        "#]],
    );
}

#[test]
fn types_of_every_kind() {
    check(
        "struct T {
    a: HashMap[String, Vec[u8]],
    b: other_module.Type,
    c: (A, B),
    d: (),
    e: &[T],
    f: &mut [T],
    g: &str,
    h: *const (),
    i: *mut T,
    j: Box[dyn Plugin],
    k: Atomic[usize],
    l: !,
    m: Result[Option[T], E],
    n: (i32,),
    o: Self,
}",
        expect![[r#"
            struct T @0..286
              a: HashMap[String, Vec[u8]]
              b: other_module.Type
              c: (A, B)
              d: ()
              e: &[T]
              f: &mut [T]
              g: &str
              h: *const ()
              i: *mut T
              j: Box[dyn Plugin]
              k: Atomic[usize]
              l: !
              m: Result[Option[T], E]
              n: (i32,)
              o: Self
        "#]],
    );
}

#[test]
fn items_inside_blocks() {
    check(
        "fn main() {
    const N: i32 = 3
    fn helper() -> i32 { N }
    struct P { x: i32 }
    helper()
}",
        expect![[r#"
            fn main() @0..100
              block @10..100
                const N: i32 @16..32
                  lit 3 @31..32
                fn helper() -> i32 @37..61
                  block @56..61
                    tail:
                      name N @58..59
                struct P @66..85
                  x: i32
                tail:
                  call @90..98
                    name helper @90..96
        "#]],
    );
}

// ---------- statements and newlines ----------

#[test]
fn newlines_end_statements() {
    check(
        "fn main() {
    let mut registry = ModuleRegistry.new()
    let x: i32
    let (a, b) = t
    x = 5
    -x
    foo()
    (a)
    [1, 2]
    &y
    !z
}",
        expect![[r#"
            fn main() @0..151
              block @10..151
                let mut registry @16..55
                  call @35..55
                    field .new @35..53
                      name ModuleRegistry @35..49
                let x: i32 @60..70
                let (a, b) @75..89
                  name t @88..89
                expr @94..99
                  assign = @94..99
                    name x @94..95
                    lit 5 @98..99
                expr @104..106
                  unary - @104..106
                    name x @105..106
                expr @111..116
                  call @111..116
                    name foo @111..114
                expr @121..124
                  paren @121..124
                    name a @122..123
                expr @129..135
                  array @129..135
                    lit 1 @130..131
                    lit 2 @133..134
                expr @140..142
                  ref @140..142
                    name y @141..142
                tail:
                  unary ! @147..149
                    name z @148..149
        "#]],
    );
}

#[test]
fn tokens_that_continue_the_previous_line() {
    check(
        "fn main() {
    let total = a
        + b
        * c
    let ok = x > 0
        && y < 10
        || z
    let v = list
        .iter()
        .count()?
    let n = v
        as i64
    x
        = 3
    r = 0
        ..10
}",
        expect![[r#"
            fn main() @0..226
              block @10..226
                let total @16..53
                  binary + @28..53
                    name a @28..29
                    binary * @40..53
                      name b @40..41
                      name c @52..53
                let ok @58..103
                  binary || @67..103
                    binary && @67..90
                      binary > @67..72
                        name x @67..68
                        lit 0 @71..72
                      binary < @84..90
                        name y @84..85
                        lit 10 @88..90
                    name z @102..103
                let v @108..154
                  try ? @116..154
                    call @116..153
                      field .count @116..151
                        call @116..136
                          field .iter @116..134
                            name list @116..120
                let n @159..183
                  cast as i64 @167..183
                    name v @167..168
                expr @188..201
                  assign = @188..201
                    name x @188..189
                    lit 3 @200..201
                tail:
                  assign = @206..224
                    name r @206..207
                    range .. @210..224
                      start:
                        lit 0 @210..211
                      end:
                        lit 10 @222..224
        "#]],
    );
}

#[test]
fn semicolons_and_tails() {
    check(
        "fn f() -> i32 { let a = 1; a; if a > 0 { 1 } else { 2 } }
fn g() { loop { break } while x { x -= 1 } for i in 0..n { } }
fn h() { g(); }",
        expect![[r#"
            fn f() -> i32 @0..57
              block @14..57
                let a @16..26
                  lit 1 @24..25
                expr; @27..29
                  name a @27..28
                tail:
                  if @30..55
                    binary > @33..38
                      name a @33..34
                      lit 0 @37..38
                    block @39..44
                      tail:
                        lit 1 @41..42
                    else:
                      block @50..55
                        tail:
                          lit 2 @52..53
            fn g() @58..120
              block @65..120
                expr @67..81
                  loop @67..81
                    block @72..81
                      tail:
                        break @74..79
                expr @82..100
                  while @82..100
                    name x @88..89
                    block @90..100
                      tail:
                        assign -= @92..98
                          name x @92..93
                          lit 1 @97..98
                tail:
                  for i in @101..118
                    range .. @110..114
                      start:
                        lit 0 @110..111
                      end:
                        name n @113..114
                    block @115..118
            fn h() @121..136
              block @128..136
                expr; @130..134
                  call @130..133
                    name g @130..131
        "#]],
    );
}

#[test]
fn block_like_statement_ends_before_minus_but_continues_with_method() {
    check(
        "fn f() {
    if a { b } else { c } - 1
    match x { _ => y }.unwrap()
}",
        expect![[r#"
            fn f() @0..72
              block @7..72
                expr @13..34
                  if @13..34
                    name a @16..17
                    block @18..23
                      tail:
                        name b @20..21
                    else:
                      block @29..34
                        tail:
                          name c @31..32
                expr @35..38
                  unary - @35..38
                    lit 1 @37..38
                tail:
                  call @43..70
                    field .unwrap @43..68
                      match @43..61
                        name x @49..50
                        arm _ @53..59
                          name y @58..59
        "#]],
    );
}

#[test]
fn break_and_return_take_values_on_the_same_line_only() {
    check(
        "fn f() -> i32 {
    loop {
        break
        x
    }
    loop { break 5 }
    return
    g()
}",
        expect![[r#"
            fn f() -> i32 @0..98
              block @14..98
                expr @20..56
                  loop @20..56
                    block @25..56
                      expr @35..40
                        break @35..40
                      tail:
                        name x @49..50
                expr @61..77
                  loop @61..77
                    block @66..77
                      tail:
                        break @68..75
                          lit 5 @74..75
                expr @82..88
                  return @82..88
                tail:
                  call @93..96
                    name g @93..94
        "#]],
    );
}

// ---------- expressions ----------

#[test]
fn precedence_follows_rust() {
    check(
        "fn f() { a = b || c && d == e | f ^ g & h << i + j * -k as u8 }",
        expect![[r#"
            fn f() @0..63
              block @7..63
                tail:
                  assign = @9..61
                    name a @9..10
                    binary || @13..61
                      name b @13..14
                      binary && @18..61
                        name c @18..19
                        binary == @23..61
                          name d @23..24
                          binary | @28..61
                            name e @28..29
                            binary ^ @32..61
                              name f @32..33
                              binary & @36..61
                                name g @36..37
                                binary << @40..61
                                  name h @40..41
                                  binary + @45..61
                                    name i @45..46
                                    binary * @49..61
                                      name j @49..50
                                      cast as u8 @53..61
                                        unary - @53..55
                                          name k @54..55
        "#]],
    );
}

#[test]
fn assignment_is_right_associative_and_compound() {
    check(
        "fn f() { a = b = c; x += 1; y <<= 2; z %= 3 }",
        expect![[r#"
            fn f() @0..45
              block @7..45
                expr; @9..19
                  assign = @9..18
                    name a @9..10
                    assign = @13..18
                      name b @13..14
                      name c @17..18
                expr; @20..27
                  assign += @20..26
                    name x @20..21
                    lit 1 @25..26
                expr; @28..36
                  assign <<= @28..35
                    name y @28..29
                    lit 2 @34..35
                tail:
                  assign %= @37..43
                    name z @37..38
                    lit 3 @42..43
        "#]],
    );
}

#[test]
fn postfix_forms() {
    check(
        "fn f() { a.b.0.1(x)[i]?.c(); -x.f() }",
        expect![[r#"
            fn f() @0..37
              block @7..37
                expr; @9..28
                  call @9..27
                    field .c @9..25
                      try ? @9..23
                        index @9..22
                          call @9..19
                            tuple field .1 @9..16
                              tuple field .0 @9..14
                                field .b @9..12
                                  name a @9..10
                            name x @17..18
                          name i @20..21
                tail:
                  unary - @29..35
                    call @30..35
                      field .f @30..33
                        name x @30..31
        "#]],
    );
}

#[test]
fn type_arguments_versus_indexing() {
    check(
        "fn f() {
    let s = deserialize[GameState](bytes)
    let p = module.instantiate[dyn Plugin]()
    let m = HashMap[String, i32].new()
    let v = Vec[u8].new()
    let a = v[i]
    let b = TABLE[i].x
    let c = fns[0](x)
    let d = grid[i][j]
}",
        expect![[r#"
            fn f() @0..247
              block @7..247
                let s @13..50
                  call @21..50
                    type args [GameState] @21..43
                      name deserialize @21..32
                    name bytes @44..49
                let p @55..95
                  call @63..95
                    type args [dyn Plugin] @63..93
                      field .instantiate @63..81
                        name module @63..69
                let m @100..134
                  call @108..134
                    field .new @108..132
                      type args [String, i32] @108..128
                        name HashMap @108..115
                let v @139..160
                  call @147..160
                    field .new @147..158
                      type args [u8] @147..154
                        name Vec @147..150
                let a @165..177
                  index @173..177
                    name v @173..174
                    name i @175..176
                let b @182..200
                  field .x @190..200
                    index @190..198
                      name TABLE @190..195
                      name i @196..197
                let c @205..222
                  call @213..222
                    index @213..219
                      name fns @213..216
                      lit 0 @217..218
                    name x @220..221
                let d @227..245
                  index @235..245
                    index @235..242
                      name grid @235..239
                      name i @240..241
                    name j @243..244
        "#]],
    );
}

#[test]
fn literals_references_tuples_and_arrays() {
    check(
        r#"fn f() {
    g(42, 0xff, 1.5, 1e-3, 10u8, "a\n", 'c', true, false)
    h(&x, &mut y, &[a, b], &&z)
    let t = ((), (a), (a,), (a, b))
    let arr = [[0; n], []]
}"#,
        expect![[r#"
            fn f() @0..163
              block @7..163
                expr @13..66
                  call @13..66
                    name g @13..14
                    lit 42 @15..17
                    lit 255 @19..23
                    lit 1.5 @25..28
                    lit 0.001 @30..34
                    lit 10u8 @36..40
                    lit "a\n" @42..47
                    lit 'c' @49..52
                    lit true @54..58
                    lit false @60..65
                expr @71..98
                  call @71..98
                    name h @71..72
                    ref @73..75
                      name x @74..75
                    ref mut @77..83
                      name y @82..83
                    ref @85..92
                      array @86..92
                        name a @87..88
                        name b @90..91
                    ref @94..97
                      ref @95..97
                        name z @96..97
                let t @103..134
                  tuple @111..134
                    tuple @112..114
                    paren @116..119
                      name a @117..118
                    tuple @121..125
                      name a @122..123
                    tuple @127..133
                      name a @128..129
                      name b @131..132
                let arr @139..161
                  array @149..161
                    array repeat @150..156
                      lit 0 @151..152
                      name n @154..155
                    array @158..160
        "#]],
    );
}

#[test]
fn struct_literals_and_inferred_variants() {
    check(
        "fn f() {
    let p = Point { x: 1, y }
    let q = Point { x: 2, ..p }
    let e = E.C { x: 1.0 }
    let i = .C { x }
    let o = .Some(3)
    let s = .Active
    let multi = Config {
        name: \"n\"
        level: 2
    }
    let empty = Unit {}
}",
        expect![[r#"
            fn f() @0..251
              block @7..251
                let p @13..38
                  struct literal @21..38
                    name Point @21..26
                    x:
                      lit 1 @32..33
                    y:
                      name y @35..36
                let q @43..70
                  struct literal @51..70
                    name Point @51..56
                    x:
                      lit 2 @62..63
                    ..
                      name p @67..68
                let e @75..97
                  struct literal @83..97
                    field .C @83..86
                      name E @83..84
                    x:
                      lit 1.0 @92..95
                let i @102..118
                  struct literal @110..118
                    variant .C @110..112
                    x:
                      name x @115..116
                let o @123..139
                  call @131..139
                    variant .Some @131..136
                    lit 3 @137..138
                let s @144..159
                  variant .Active @152..159
                let multi @164..225
                  struct literal @176..225
                    name Config @176..182
                    name:
                      lit "n" @199..202
                    level:
                      lit 2 @218..219
                let empty @230..249
                  struct literal @242..249
                    name Unit @242..246
        "#]],
    );
}

#[test]
fn no_struct_literals_in_heads() {
    check(
        "fn f() {
    if x == Foo { a } else { b }
    while running { tick() }
    match state { _ => 0 }
    for v in versions { use(v) }
    if (Foo { a: 1 }) == x { }
    for i in 0.. { }
}",
        expect![[r#"
            fn f() @0..184
              block @7..184
                expr @13..41
                  if @13..41
                    binary == @16..24
                      name x @16..17
                      name Foo @21..24
                    block @25..30
                      tail:
                        name a @27..28
                    else:
                      block @36..41
                        tail:
                          name b @38..39
                expr @46..70
                  while @46..70
                    name running @52..59
                    block @60..70
                      tail:
                        call @62..68
                          name tick @62..66
                expr @75..97
                  match @75..97
                    name state @81..86
                    arm _ @89..95
                      lit 0 @94..95
                expr @102..130
                  for v in @102..130
                    name versions @111..119
                    block @120..130
                      tail:
                        call @122..128
                          name use @122..125
                          name v @126..127
                expr @135..161
                  if @135..161
                    binary == @138..157
                      paren @138..152
                        struct literal @139..151
                          name Foo @139..142
                          a:
                            lit 1 @148..149
                      name x @156..157
                    block @158..161
                tail:
                  for i in @166..182
                    range .. @175..178
                      start:
                        lit 0 @175..176
                    block @179..182
        "#]],
    );
}

#[test]
fn ranges() {
    check(
        "fn f() { g(a..b, a..=b, a.., ..b, .., ..=b, 0..n + 1) }",
        expect![[r#"
            fn f() @0..55
              block @7..55
                tail:
                  call @9..53
                    name g @9..10
                    range .. @11..15
                      start:
                        name a @11..12
                      end:
                        name b @14..15
                    range ..= @17..22
                      start:
                        name a @17..18
                      end:
                        name b @21..22
                    range .. @24..27
                      start:
                        name a @24..25
                    range .. @29..32
                      end:
                        name b @31..32
                    range .. @34..36
                    range ..= @38..42
                      end:
                        name b @41..42
                    range .. @44..52
                      start:
                        lit 0 @44..45
                      end:
                        binary + @47..52
                          name n @47..48
                          lit 1 @51..52
        "#]],
    );
}

#[test]
fn control_flow_expressions() {
    check(
        "fn f() {
    if let .Some(data) = data { a } else if b { c } else { d }
    while let Some(top) = stack.pop() { }
    let v = unsafe { call(p) }
    let w = { 1 }
    continue
}",
        expect![[r#"
            fn f() @0..177
              block @7..177
                expr @13..71
                  if let .Some(data) @13..71
                    name data @34..38
                    block @39..44
                      tail:
                        name a @41..42
                    else:
                      if @50..71
                        name b @53..54
                        block @55..60
                          tail:
                            name c @57..58
                        else:
                          block @66..71
                            tail:
                              name d @68..69
                expr @76..113
                  while let Some(top) @76..113
                    call @98..109
                      field .pop @98..107
                        name stack @98..103
                    block @110..113
                let v @118..144
                  unsafe @126..144
                    block @133..144
                      tail:
                        call @135..142
                          name call @135..139
                          name p @140..141
                let w @149..162
                  block @157..162
                    tail:
                      lit 1 @159..160
                tail:
                  continue @167..175
        "#]],
    );
}

#[test]
fn match_arms_with_and_without_commas() {
    check(
        "fn f() {
    match m {
        .Quit => 0
        .Move { x, y } if x > 0 => { x }
        .Write(s) => s.len(),
        Msg.Color(r, _, _) | Msg.Tint(r) => r
        _ => {
            panic(\"no\")
        },
    }
}",
        expect![[r#"
            fn f() @0..216
              block @7..216
                tail:
                  match @13..214
                    name m @19..20
                    arm .Quit @31..41
                      lit 0 @40..41
                    arm .Move { x, y } if @50..82
                      binary > @68..73
                        name x @68..69
                        lit 0 @72..73
                      block @77..82
                        tail:
                          name x @79..80
                    arm .Write(s) @91..111
                      call @104..111
                        field .len @104..109
                          name s @104..105
                    arm Msg.Color(r, _, _) | Msg.Tint(r) @121..158
                      name r @157..158
                    arm _ @167..207
                      block @172..207
                        tail:
                          call @186..197
                            name panic @186..191
                            lit "no" @192..196
        "#]],
    );
}

#[test]
fn patterns_of_every_kind() {
    check(
        "fn f() {
    match x {
        0 => a,
        -1 => a,
        1 | 2 => a,
        4..=9 => a,
        10..100 => a,
        'a'..='z' => a,
        -5..=-1 => a,
        100.. => a,
        ..=3 => a,
        \"s\" => a,
        true => a,
        1.5 => a,
        (0, true) => a,
        (n, _) => a,
        E.A => a,
        Option.None => a,
        Some(Some(v)) => a,
        Point { x: 0, y, .. } => a,
        .C { mut x } => a,
        &r => a,
        mut m => a,
        | Q => a,
    }
}",
        expect![[r#"
            fn f() @0..500
              block @7..500
                tail:
                  match @13..498
                    name x @19..20
                    arm 0 @31..37
                      name a @36..37
                    arm -1 @47..54
                      name a @53..54
                    arm 1 | 2 @64..74
                      name a @73..74
                    arm 4..=9 @84..94
                      name a @93..94
                    arm 10..100 @104..116
                      name a @115..116
                    arm 'a'..='z' @126..140
                      name a @139..140
                    arm -5..=-1 @150..162
                      name a @161..162
                    arm 100.. @172..182
                      name a @181..182
                    arm ..=3 @192..201
                      name a @200..201
                    arm "s" @211..219
                      name a @218..219
                    arm true @229..238
                      name a @237..238
                    arm 1.5 @248..256
                      name a @255..256
                    arm (0, true) @266..280
                      name a @279..280
                    arm (n, _) @290..301
                      name a @300..301
                    arm E.A @311..319
                      name a @318..319
                    arm Option.None @329..345
                      name a @344..345
                    arm Some(Some(v)) @355..373
                      name a @372..373
                    arm Point { x: 0, y, .. } @383..409
                      name a @408..409
                    arm .C { mut x } @419..436
                      name a @435..436
                    arm &r @446..453
                      name a @452..453
                    arm mut m @463..473
                      name a @472..473
                    arm Q @483..491
                      name a @490..491
        "#]],
    );
}

#[test]
fn inferred_variant_on_a_new_line_starts_a_new_expression() {
    check(
        "fn f() -> Shape {
    made += 1
    .Rect { w, h }
}
fn g() {
    match o {
        .Some(x) => x
        .None => 0
    }
}",
        expect![[r#"
            fn f() -> Shape @0..52
              block @16..52
                expr @22..31
                  assign += @22..31
                    name made @22..26
                    lit 1 @30..31
                tail:
                  struct literal @36..50
                    variant .Rect @36..41
                    w:
                      name w @44..45
                    h:
                      name h @47..48
            fn g() @53..124
              block @60..124
                tail:
                  match @66..122
                    name o @72..73
                    arm .Some(x) @84..97
                      name x @96..97
                    arm .None @106..116
                      lit 0 @115..116
        "#]],
    );
}

#[test]
fn ids_are_dense_in_creation_order() {
    let (file, _) = parse(FileId(0), "fn f() { let (a, b) = (1, g(2)); a }");
    // Children are created before their parent: 1, g, 2, g(2), (1, g(2)), a.
    assert_eq!(file.expr_count, 6);
    // a, b, (a, b).
    assert_eq!(file.pat_count, 3);
    let crate::ast::ItemKind::Fn(f) = &file.items[0].kind else {
        panic!("not a fn")
    };
    let body = f.body.as_ref().expect("body");
    let crate::ast::StmtKind::Let { pat, init, .. } = &body.stmts[0].kind else {
        panic!("not a let")
    };
    assert_eq!(pat.id, crate::ast::PatId(2));
    assert_eq!(init.as_ref().expect("init").id, crate::ast::ExprId(4));
    assert_eq!(body.tail.as_ref().expect("tail").id, crate::ast::ExprId(5));
}

// ---------- errors ----------

#[test]
fn missing_colon_in_parameter() {
    check_errors_detailed(
        "fn f(a i32) {}",
        expect![[r#"
            1:8 E0010 expected `:`, found `i32` [expected `:`]
              help: add `:` between the parameter name and its type
        "#]],
    );
}

#[test]
fn unclosed_brace_points_at_the_opener() {
    check_errors_detailed(
        "fn main() {\n    let x = 1\n",
        expect![[r#"
            3:1 E0011 expected `}`, found end of file [expected `}`]
              1:11 unclosed delimiter
        "#]],
    );
}

#[test]
fn missing_paren_does_not_eat_the_file() {
    check_errors(
        "fn f() {
    g(a, b
    let y = 2
}
fn h() { let z = (1 + }
fn k() { ok() }",
        expect![[r#"
            3:5 E0011 expected `)`, found `let`
            5:23 E0014 expected an expression, found `}`
        "#]],
    );
}

#[test]
fn statements_on_one_line_need_a_semicolon() {
    check_errors_detailed(
        "fn f() { let x = 5 let y = 6; x y }",
        expect![[r#"
            1:20 E0017 expected `;` or a newline, found `let` [expected `;` or a newline]
              help: put statements on separate lines or separate them with `;`
            1:33 E0017 expected `;` or a newline, found `y` [expected `;` or a newline]
              help: put statements on separate lines or separate them with `;`
        "#]],
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    check_errors(
        "fn a() { let = 1 }
fn b(x: ) {}
struct S { x i32, y: }
fn c() { 1 + }
enum E { A = 1, B }
fn d() { x.; }",
        expect![[r#"
            1:14 E0016 expected a pattern, found `=`
            2:9 E0015 expected a type, found `)`
            3:14 E0010 expected `:`, found `i32`
            3:22 E0015 expected a type, found `}`
            4:14 E0014 expected an expression, found `}`
            5:12 E0025 enum discriminants are not supported in Dast v0
            6:12 E0010 expected a field name, found `;`
        "#]],
    );
}

#[test]
fn closures_parse_with_patterns_types_and_return_types() {
    let src = "fn f() { let g = |x, (a, b): (i32, i32)| x + a; let h = || 1; let k = move |s: &str| -> i32 { 2 } }";
    let (file, diags) = parse(FileId(0), src);
    assert!(diags.is_empty(), "{diags:?}");
    // g, x, (a, b), a, b, h, k, s
    assert_eq!(file.pat_count, 8);
}

#[test]
fn generic_functions_and_types_parse_with_bounds() {
    let src = "struct Pair[A, B] { a: A, b: B }\nimpl[T: Ord] Pair[T, T] {}\nfn apply[T: Ord + shapes.Shape, F: Fn(T, i32) -> bool](f: F) {}";
    let (file, diags) = parse(FileId(0), src);
    assert!(diags.is_empty(), "{diags:?}");
    let crate::ast::ItemKind::Fn(f) = &file.items[2].kind else {
        panic!("fn expected")
    };
    assert_eq!(f.generics.len(), 2);
    assert_eq!(f.generics[0].bounds.len(), 2);
    assert!(
        matches!(f.generics[1].bounds[0].kind, crate::ast::TypeKind::Fn { ref params, .. } if params.len() == 2)
    );
}

#[test]
fn a_discriminant_before_a_stray_closer_does_not_stall() {
    // Found by the frontend fuzzer: skipping `= ...` up to the next variant looped on
    // the `)` (skipping a closer consumes nothing).
    check_errors(
        "enum Shape {\n    Circle(f64ts: Vec[Option[i64]] =),\n}",
        expect![[r#"
            2:17 E0010 expected `,` or `)`, found `:`
            2:36 E0011 expected `)`, found `=`
            2:37 E0011 expected `}`, found `)`
            2:38 E0013 expected an item, found `,`
            3:1 E0012 unexpected closing delimiter `}`
        "#]],
    );
}

#[test]
fn a_closure_with_a_return_type_needs_a_block() {
    check_errors(
        "fn f() { let g = |x| -> i32 x }",
        expect![[r#"
            1:29 E0010 expected `{` (a closure with a return type has a block body), found `x`
        "#]],
    );
}

#[test]
fn chained_comparisons_are_rejected() {
    check_errors(
        "fn f() { a < b < c }",
        expect![[r#"
            1:16 E0019 comparison operators cannot be chained
        "#]],
    );
}

#[test]
fn rust_syntax_gets_a_hint() {
    check_errors_detailed(
        "fn f(v: Vec<Vec<i32>>) { let m = HashMap::new() }\n#[derive(Debug)]\nstruct S {}",
        expect![[r#"
            1:12 E0021 type arguments are written with `[ ]` in Dast, not `< >` [use `[` here]
              help: write `Vec[T]`, not `Vec<T>`
            1:16 E0021 type arguments are written with `[ ]` in Dast, not `< >` [use `[` here]
              help: write `Vec[T]`, not `Vec<T>`
            1:41 E0021 paths are written with `.` in Dast, not `::` [use `.` here]
              help: write `Type.item`, as in `GameState.default()`
            2:1 E0001 unknown character `#` [not valid in Dast source]
              help: Dast needs no `#[derive(...)]`: structs and enums copy, compare with `==` and print with `{:?}` as they are
        "#]],
    );
}

#[test]
fn statements_at_top_level() {
    check_errors_detailed(
        "let x = 5\nprintln(x)\nfn main() {}",
        expect![[r#"
            1:1 E0013 expected an item, found `let` [expected an item]
              help: statements and expressions belong inside a function body
        "#]],
    );
}

#[test]
fn dangling_attributes() {
    check_errors(
        "@hot_reload\nlet x = 1\nfn f() { @inline let y = 2 }\n@shared",
        expect![[r#"
            2:1 E0020 expected an item after the attributes, found `let`
            3:18 E0020 expected an item after the attributes, found `let`
            4:8 E0020 expected an item after the attributes, found end of file
        "#]],
    );
}

#[test]
fn stray_closing_delimiters() {
    check_errors(
        "fn f() { a) }\n}\nfn g() { ] }",
        expect![[r#"
            1:11 E0012 unexpected closing delimiter `)`
            2:1 E0012 unexpected closing delimiter `}`
            3:10 E0012 unexpected closing delimiter `]`
        "#]],
    );
}

#[test]
fn match_arm_errors_recover_per_arm() {
    check_errors(
        "fn f() {
    match x {
        1 -> a,
        2 => b c,
        3 => d,
        => e,
    }
}",
        expect![[r#"
            3:11 E0010 expected `=>`, found `->`
            4:16 E0010 expected `,` or `}`, found `c`
            6:9 E0016 expected a pattern, found `=>`
        "#]],
    );
}

#[test]
fn lexer_and_parser_errors_are_merged_in_order() {
    check_errors(
        "fn f() { let s = \"abc\n let c = 'xy'; $ }\nfn g( {}",
        expect![[r#"
            1:18 E0002 unterminated string literal
            2:10 E0003 character literal may only contain one character
            2:16 E0001 unknown character `$`
            3:7 E0011 expected `)`, found `{`
        "#]],
    );
}

#[test]
fn range_pattern_bounds_must_be_literals() {
    check_errors(
        "fn f() { match x { MIN..=5 => 1, 0..=MAX => 2, _ => 3 } }",
        expect![[r#"
            1:20 E0022 range pattern bounds must be literals
            1:38 E0022 range pattern bounds must be literals
        "#]],
    );
}

#[test]
fn missing_item_names_become_error_items() {
    let text = "fn (a: i32) { 1 + 2 }\nstruct { x: i32 }\nfn ok() {}";
    let (file, diags) = parse(FileId(0), text);
    assert_eq!(diags.len(), 2);
    expect![[r#"
        <error item> @0..21
        <error item> @22..39
        fn ok() @40..50
          block @48..50
    "#]]
    .assert_eq(&print_tree(&file));
    // The dropped function body gave its ids back.
    assert_eq!(file.expr_count, 0);
}

#[test]
fn deep_nesting_is_reported_once_without_overflowing_the_stack() {
    let text = format!("fn f() {{ {} }}", "(".repeat(100_000));
    let (_, diags) = parse(FileId(0), &text);
    assert!(diags.iter().any(|d| d.code == crate::errors::TOO_DEEP));
    assert!(diags.len() <= 3, "{diags:#?}");
}

// ---------- dereference, `@` bindings, integer limits in patterns ----------

#[test]
fn deref_is_a_node_and_starts_a_statement_on_a_new_line() {
    check(
        "fn f(n: &mut i32, a: i32) {\n    let b = a\n    *n += b\n    let c = a\n        * b\n}",
        expect![[r#"
            fn f(n: &mut i32, a: i32) @0..81
              block @26..81
                let b @32..41
                  name a @40..41
                expr @46..53
                  assign += @46..53
                    deref @46..48
                      name n @47..48
                    name b @52..53
                let c @58..79
                  binary * @66..79
                    name a @66..67
                    name b @78..79
        "#]],
    );
}

#[test]
fn at_binding_and_int_limit_patterns() {
    check(
        "fn f(n: i64) { match n { k @ 1..=9 => {} mut m @ (10 | 20) => {} i64.MIN..=-1 => {} 0..i64.MAX => {} _ => {} } }",
        expect![[r#"
            fn f(n: i64) @0..112
              block @13..112
                tail:
                  match @15..110
                    name n @21..22
                    arm k @ 1..=9 @25..40
                      block @38..40
                    arm mut m @ 10 | 20 @41..64
                      block @62..64
                    arm -9223372036854775808..=-1 @65..83
                      block @81..83
                    arm 0..9223372036854775807 @84..100
                      block @98..100
                    arm _ @101..108
                      block @106..108
        "#]],
    );
}
