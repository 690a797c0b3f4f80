//! The inline fast paths of vector and reference instructions (`translate/heap.rs`)
//! against the interpreter, on their edge cases: every index around the bounds
//! (including negative numbers cast to huge `usize`s), empty vectors, byte vectors of
//! each kind, structs stored inline, copy-on-write of shared vectors, and temporaries
//! that borrow (`translate/borrow.rs`).

mod common;

use common::Pair;
use dast_vm::Value;

/// Indices around a vector of length `len`: in bounds, at and past the end, and
/// negative ones (huge as `usize`).
fn indices(len: u64) -> Vec<u64> {
    let mut v: Vec<u64> = (0..len + 2).collect();
    v.extend([u64::MAX, u64::MAX - 1, 1 << 63, 1 << 32]);
    v
}

fn assert_out_of_bounds(r: Result<Value, String>) {
    let text = r.unwrap_err();
    assert!(text.starts_with("index out of bounds"), "{text}");
}

const WORDS: &str = "
fn load(i: usize) -> i64 {
    let v: Vec[i64] = [10, -20, 30]
    v[i]
}

fn store(i: usize) -> i64 {
    let mut v: Vec[i64] = [1, 2, 3]
    v[i] = 7
    v[0] * 100 + v[1] * 10 + v[2]
}

fn load_empty(i: usize) -> i64 {
    let v: Vec[i64] = Vec.new()
    v[i]
}

fn store_empty(i: usize) -> usize {
    let mut v: Vec[f64] = Vec.new()
    v[i] = 1.5
    v.len()
}

fn len_empty() -> usize {
    let v: Vec[i64] = Vec.new()
    v.len()
}

fn negative(i: i64) -> i64 {
    let v: Vec[i64] = [1, 2, 3]
    v[i as usize]
}

fn main() {}
";

#[test]
fn word_vectors_check_every_index_as_the_vm() {
    let mut p = Pair::new(WORDS);
    for i in indices(3) {
        let _ = p.agree("load", &[Value::UInt(i)]);
        let _ = p.agree("store", &[Value::UInt(i)]);
    }
    for i in indices(0) {
        assert_out_of_bounds(p.agree("load_empty", &[Value::UInt(i)]));
        assert_out_of_bounds(p.agree("store_empty", &[Value::UInt(i)]));
    }
    assert_eq!(p.agree("len_empty", &[]), Ok(Value::UInt(0)));
    for i in [-1, -2, i64::MIN, 0, 2, 3] {
        let _ = p.agree("negative", &[Value::Int(i)]);
    }
    assert_out_of_bounds(p.agree("negative", &[Value::Int(-1)]));
    assert_eq!(p.agree("load", &[Value::UInt(1)]), Ok(Value::Int(-20)));
}

const BYTES: &str = "
fn load_u8(i: usize) -> u8 {
    let v: Vec[u8] = [0, 1, 127, 128, 255]
    v[i]
}

fn load_i8(i: usize) -> i8 {
    let v: Vec[i8] = [0, 1, 127, -128, -1]
    v[i]
}

fn load_bool(i: usize) -> bool {
    let v: Vec[bool] = [true, false, true, true, false]
    v[i]
}

fn store_u8(i: usize, x: u8) -> String {
    let mut v: Vec[u8] = [0, 1, 2, 3, 4]
    v[i] = x
    format(\"{:?}\", v)
}

fn store_i8(i: usize, x: i8) -> i64 {
    let mut v: Vec[i8] = [0, 1, 2, 3, 4]
    v[i] = x
    let mut s: i64 = 0
    for k in 0..v.len() {
        s = s * 1000 + v[k] as i64
    }
    s
}

fn store_bool(i: usize, x: bool) -> String {
    let mut v = [false; 5]
    v[i] = x
    let w = v
    v[0] = true
    format(\"{:?} {:?}\", v, w)
}

fn main() {}
";

#[test]
fn byte_vectors_read_back_each_kind_as_the_vm() {
    let mut p = Pair::new(BYTES);
    for i in indices(5) {
        let _ = p.agree("load_u8", &[Value::UInt(i)]);
        let _ = p.agree("load_i8", &[Value::UInt(i)]);
        let _ = p.agree("load_bool", &[Value::UInt(i)]);
        let _ = p.agree("store_u8", &[Value::UInt(i), Value::UInt(200)]);
        let _ = p.agree("store_i8", &[Value::UInt(i), Value::Int(-7)]);
        let _ = p.agree("store_bool", &[Value::UInt(i), Value::Bool(true)]);
    }
    assert_eq!(p.agree("load_i8", &[Value::UInt(4)]), Ok(Value::Int(-1)));
    assert_eq!(p.agree("load_u8", &[Value::UInt(4)]), Ok(Value::UInt(255)));
    assert_eq!(
        p.agree("load_bool", &[Value::UInt(2)]),
        Ok(Value::Bool(true))
    );
}

const STRUCTS: &str = "
struct P {
    a: i64,
    b: f64,
    on: bool,
    tag: String,
    c: u8,
}

fn make(n: i64) -> Vec[P] {
    let mut v: Vec[P] = Vec.new()
    for i in 0..n {
        v.push(P { a: i, b: i as f64 * 0.5, on: i % 2 == 0, tag: format(\"t{}\", i), c: (i * 100) as u8 })
    }
    v
}

fn fields(i: usize) -> String {
    let v = make(4)
    format(\"{} {} {} {} {}\", v[i].a, v[i].b, v[i].on, v[i].tag, v[i].c)
}

fn update(i: usize) -> String {
    let mut v = make(4)
    v[i].b = v[i].b + 1.25
    v[i].a = -v[i].a
    v[i].on = !v[i].on
    v[i].c = v[i].c + 1
    v[i].tag = format(\"{}!\", v[i].tag)
    format(\"{:?}\", v)
}

fn whole(i: usize, j: usize) -> String {
    let mut v = make(3)
    let mut x = v[i]
    x.a = x.a + 100
    v[j] = x
    format(\"{:?}\", v)
}

fn main() {}
";

#[test]
fn struct_vectors_store_fields_inline_as_the_vm() {
    let mut p = Pair::new(STRUCTS);
    for i in indices(4) {
        let _ = p.agree("fields", &[Value::UInt(i)]);
        let _ = p.agree("update", &[Value::UInt(i)]);
    }
    for (i, j) in [(0, 2), (2, 0), (1, 1), (3, 0), (0, 3), (u64::MAX, 0)] {
        let _ = p.agree("whole", &[Value::UInt(i), Value::UInt(j)]);
    }
}

const SHARED: &str = "
fn after_copy(i: usize) -> String {
    let mut a: Vec[i64] = [1, 2, 3]
    a[0] = 5
    let b = a
    a[1] = 6
    a[2] = 7
    a[i] = 9
    format(\"{:?} {:?}\", a, b)
}

fn snapshots(n: usize) -> String {
    let mut a: Vec[f64] = [0.0; n]
    let mut all: Vec[Vec[f64]] = Vec.new()
    for i in 0..n {
        a[i] = i as f64 + 0.5
        all.push(a)
        a[i] = a[i] * 2.0
    }
    format(\"{:?} {:?}\", a, all)
}

fn through_calls(n: usize) -> String {
    let mut a: Vec[i64] = [0; n]
    let keep = a
    for i in 0..n {
        bump(&mut a, i)
    }
    format(\"{:?} {:?}\", a, keep)
}

fn bump(v: &mut Vec[i64], i: usize) {
    v[i] = v[i] + i as i64 + 1
    if i > 0 {
        v[i - 1] = v[i - 1] * 10
    }
}

fn bytes_after_copy(i: usize) -> String {
    let mut a: Vec[u8] = [1, 2, 3]
    let b = a
    a[i] = 250
    a[0] = a[0] + 1
    format(\"{:?} {:?}\", a, b)
}

fn main() {}
";

#[test]
fn shared_vectors_are_copied_before_a_store_as_in_the_vm() {
    let mut p = Pair::new(SHARED);
    for i in indices(3) {
        let _ = p.agree("after_copy", &[Value::UInt(i)]);
        let _ = p.agree("bytes_after_copy", &[Value::UInt(i)]);
    }
    assert_eq!(
        p.agree("after_copy", &[Value::UInt(0)]),
        Ok(Value::Str("[9, 6, 7] [5, 2, 3]".into()))
    );
    for n in [0, 1, 4] {
        let _ = p.agree("snapshots", &[Value::UInt(n)]);
        let _ = p.agree("through_calls", &[Value::UInt(n)]);
    }
}

const LOOPS: &str = "
fn grow_sometimes(n: usize) -> String {
    let mut v: Vec[i64] = [1, 2]
    let mut s: i64 = v[1] + v.len() as i64
    for i in 0..n {
        if i % 3 == 0 {
            v.push(i as i64)
        }
        s = s + v[v.len() - 1] + v[i % v.len()]
        v[0] = s
    }
    format(\"{} {:?}\", s, v)
}

fn share_sometimes(n: usize) -> String {
    let mut v: Vec[i64] = [0; 4]
    let mut kept: Vec[Vec[i64]] = Vec.new()
    for i in 0..n {
        if i % 2 == 1 {
            kept.push(v)
        }
        v[i % 4] = v[i % 4] + i as i64
    }
    format(\"{:?} {:?}\", v, kept)
}

fn swap_each_time(n: usize) -> String {
    let mut a: Vec[u8] = [1, 2, 3]
    let mut b: Vec[u8] = [7, 8, 9]
    for i in 0..n {
        let t = a
        a = b
        b = t
        a[i % 3] = a[i % 3] + 1
    }
    format(\"{:?} {:?}\", a, b)
}

fn main() {}
";

#[test]
fn loops_forget_what_a_path_through_them_changes() {
    let mut p = Pair::new(LOOPS);
    for n in [0, 1, 2, 5, 12] {
        let _ = p.agree("grow_sometimes", &[Value::UInt(n)]);
        let _ = p.agree("share_sometimes", &[Value::UInt(n)]);
        let _ = p.agree("swap_each_time", &[Value::UInt(n)]);
    }
}

const BORROWED: &str = "
fn join(n: i64, i: usize) -> String {
    let words: Vec[String] = [\"ab\", \"c\", \"\", \"def\"]
    let mut s = \"\"
    for k in 0..n {
        s.push_str(words[(k as usize) % 4])
    }
    s.push_str(words[i])
    s
}

fn onto_an_element(i: usize) -> String {
    let mut words: Vec[String] = [\"x\", \"yz\"]
    let mut s = words[0]
    s.push_str(words[i])
    s.push_str(words[i])
    words[0].push_str(\"!\")
    s + \" \" + words[0] + \" \" + words[1]
}

fn measure(i: usize) -> i64 {
    let words: Vec[String] = [\"four\", \"\", \"seven!!\"]
    let same = words[i] == \"four\"
    let len = words[i].len() as i64
    if same { len * 10 } else { len }
}

fn lookup(k: i64) -> i64 {
    let mut m: HashMap[i64, i64] = HashMap.new()
    for i in 0..10 {
        m.insert(i * 3, i);
    }
    let mut total: i64 = 0
    for i in 0..12 {
        total += m.get(i).unwrap_or(100)
    }
    total * 1000 + m.get(k).unwrap()
}

fn lookup_strings(k: String) -> String {
    let mut m: HashMap[String, String] = HashMap.new()
    m.insert(\"a\", \"one\");
    m.insert(\"b\", \"two\");
    m.get(k).unwrap_or(\"none\") + \" \" + m.get(\"a\").unwrap()
}

fn main() {}
";

#[test]
fn borrowed_temporaries_read_and_panic_as_the_vm() {
    let mut p = Pair::new(BORROWED);
    for i in indices(4) {
        let _ = p.agree("join", &[Value::Int(9), Value::UInt(i)]);
        let _ = p.agree("onto_an_element", &[Value::UInt(i)]);
        let _ = p.agree("measure", &[Value::UInt(i)]);
    }
    assert_eq!(
        p.agree("join", &[Value::Int(5), Value::UInt(3)]),
        Ok(Value::Str("abcdefabdef".into()))
    );
    assert_eq!(
        p.agree("onto_an_element", &[Value::UInt(1)]),
        Ok(Value::Str("xyzyz x! yz".into()))
    );
    assert_out_of_bounds(p.agree("join", &[Value::Int(0), Value::UInt(4)]));
    for k in [0, 3, 27, 28, -1] {
        let _ = p.agree("lookup", &[Value::Int(k)]);
    }
    assert_eq!(
        p.agree("lookup", &[Value::Int(27)]),
        Ok(Value::Int(806_009))
    );
    for k in ["a", "b", "c"] {
        let _ = p.agree("lookup_strings", &[Value::Str(k.into())]);
    }
}

const APPENDS: &str = "
struct Named {
    id: i64,
    name: String,
    tag: String,
}

fn every_length(n: usize) -> String {
    let mut pieces: Vec[String] = Vec.new()
    let mut p = \"\"
    for k in 0..n {
        pieces.push(p)
        p.push_str(\"xé\")
    }
    let mut s = \"\"
    for k in 0..n {
        s.push_str(pieces[k])
        s.push_str(\"|\")
    }
    s
}

fn shared_then_pushed(n: i64) -> String {
    let mut a = \"start\"
    let b = a
    a.push_str(\"+more\")
    let mut c = \"\"
    for k in 0..n {
        c.push_str(b)
        c.push_str(a)
    }
    a + \"|\" + b + \"|\" + c
}

fn copies_keep_their_value(n: i64) -> String {
    let mut s = \"ab\"
    let mut seen: Vec[String] = Vec.new()
    for k in 0..n {
        seen.push(s)
        s.push_str(\"cd\")
    }
    seen[0] + \" \" + seen[seen.len() - 1] + \" \" + s
}

fn fields(i: usize) -> String {
    let v: Vec[Named] = [Named { id: 1, name: \"one\", tag: \"→\" }, Named { id: 2, name: \"two\", tag: \"日本🎉\" }]
    let mut s = \"\"
    s.push_str(v[i].tag)
    s.push_str(v[i].name)
    s.push_str(v[1 - i % 2].tag)
    s
}

fn main() {}
";

#[test]
fn string_appends_copy_grow_and_share_as_the_vm() {
    let mut p = Pair::new(APPENDS);
    // Tails of 0 to 39 "xé"s (three bytes each), onto strings with and without room.
    for n in [0, 1, 2, 5, 9, 22, 40] {
        let _ = p.agree("every_length", &[Value::UInt(n)]);
    }
    assert_eq!(
        p.agree("every_length", &[Value::UInt(3)]),
        Ok(Value::Str("|xé|xéxé|".into()))
    );
    for n in [0, 1, 3, 50] {
        let _ = p.agree("shared_then_pushed", &[Value::Int(n)]);
        let _ = p.agree("copies_keep_their_value", &[Value::Int(n)]);
    }
    assert_eq!(
        p.agree("shared_then_pushed", &[Value::Int(1)]),
        Ok(Value::Str("start+more|start|startstart+more".into()))
    );
    assert_eq!(
        p.agree("copies_keep_their_value", &[Value::Int(3)]),
        Ok(Value::Str("ab abcdcd abcdcdcd".into()))
    );
    for i in indices(2) {
        let _ = p.agree("fields", &[Value::UInt(i)]);
    }
    assert_eq!(
        p.agree("fields", &[Value::UInt(1)]),
        Ok(Value::Str("日本🎉two→".into()))
    );
    assert_out_of_bounds(p.agree("fields", &[Value::UInt(2)]));
}

const LOOP_ENTRIES: &str = "
struct P {
    x: f64,
    y: f64,
}

fn shared_into_loop(n: usize) -> String {
    let mut a: Vec[f64] = [1.5, 2.5, 3.5]
    let keep = a
    let len = a.len()
    for k in 0..n {
        a[k % len] = a[k % len] * 2.0
    }
    format(\"{:?} {:?}\", a, keep)
}

fn bytes_into_loop(n: usize) -> String {
    let mut f: Vec[bool] = [true; 5]
    let keep = f
    let len = f.len()
    for k in 0..n {
        f[k % len] = !f[k % len]
    }
    format(\"{:?} {:?}\", f, keep)
}

fn structs_in_nested_loops(n: usize, rounds: i64) -> String {
    let mut ps: Vec[P] = Vec.new()
    for i in 0..n {
        ps.push(P { x: i as f64, y: 0.5 })
    }
    let before = ps
    let len = ps.len()
    for _ in 0..rounds {
        for k in 0..len {
            ps[k].x = ps[k].x + ps[k].y
            if ps[k].x > 3.0 {
                ps[k].y = -ps[k].y
            }
        }
    }
    format(\"{:?} {:?}\", ps, before)
}

fn bad_index_in_loop(i: usize) -> String {
    let mut a: Vec[i64] = [1, 2, 3]
    let keep = a
    let len = a.len()
    for k in 0..len {
        a[k] = a[k] + a[i]
    }
    format(\"{:?} {:?}\", a, keep)
}

fn main() {}
";

/// A loop that stores into a vector known before it gets the vector unique and its
/// fields loaded on entry (`heap/flow.rs`, upgrades): a shared one is copied there,
/// once, and nothing else changes, not even when the loop runs zero times.
#[test]
fn loops_entered_with_a_shared_vector_copy_it_first() {
    let mut p = Pair::new(LOOP_ENTRIES);
    for n in [0, 1, 2, 7] {
        let _ = p.agree("shared_into_loop", &[Value::UInt(n)]);
        let _ = p.agree("bytes_into_loop", &[Value::UInt(n)]);
        for rounds in [0, 1, 3] {
            let _ = p.agree(
                "structs_in_nested_loops",
                &[Value::UInt(n), Value::Int(rounds)],
            );
        }
    }
    assert_eq!(
        p.agree("shared_into_loop", &[Value::UInt(4)]),
        Ok(Value::Str("[6.0, 5.0, 7.0] [1.5, 2.5, 3.5]".into()))
    );
    for i in indices(3) {
        let _ = p.agree("bad_index_in_loop", &[Value::UInt(i)]);
    }
    assert_out_of_bounds(p.agree("bad_index_in_loop", &[Value::UInt(3)]));
}

const PUSHES: &str = "
struct Q {
    a: i64,
    b: f64,
    c: bool,
}

fn words(n: i64) -> String {
    let mut v: Vec[Q] = Vec.new()
    let mut kept: Vec[Vec[Q]] = Vec.new()
    for i in 0..n {
        v.push(Q { a: i * 3, b: i as f64 / 4.0, c: i % 2 == 0 })
        if i % 5 == 2 {
            kept.push(v)
        }
    }
    format(\"{:?} {:?}\", v, kept)
}

fn bytes(n: i64) -> String {
    let mut flags: Vec[bool] = Vec.new()
    let mut small: Vec[i8] = Vec.new()
    let mut unsigned: Vec[u8] = [7]
    let copy = unsigned
    for i in 0..n {
        flags.push(i % 3 == 0)
        small.push((i * 37 % 256 - 128) as i8)
        unsigned.push((i * 11 % 256) as u8)
    }
    format(\"{:?} {:?} {:?} {:?}\", flags, small, unsigned, copy)
}

fn with_references(n: i64) -> String {
    let mut names: Vec[String] = Vec.new()
    let mut units: Vec[()] = Vec.new()
    for i in 0..n {
        names.push(format(\"n{}\", i))
        units.push(())
    }
    format(\"{:?} {}\", names, units.len())
}

fn main() {}
";

/// Pushes in machine code (`heap/push.rs`): every element size through the jump
/// table, growth past the capacity, shared vectors, byte kinds, and the elements that
/// go to the interpreter (references, `()`).
#[test]
fn pushes_store_grow_and_share_as_the_vm() {
    let mut p = Pair::new(PUSHES);
    for n in [0, 1, 2, 3, 7, 33, 100] {
        let _ = p.agree("words", &[Value::Int(n)]);
        let _ = p.agree("bytes", &[Value::Int(n)]);
        let _ = p.agree("with_references", &[Value::Int(n)]);
    }
    assert_eq!(
        p.agree("bytes", &[Value::Int(2)]),
        Ok(Value::Str(
            "[true, false] [-128, -91] [7, 0, 11] [7]".into()
        ))
    );
}

const MAPS: &str = "
struct V {
    a: i64,
    b: f64,
}

fn ints(n: i64, probe: i64) -> String {
    let mut m: HashMap[i64, i64] = HashMap.new()
    let mut replaced: i64 = 0
    for i in 0..n {
        match m.insert(i * 7 % 5, i) {
            Some(old) => replaced += old,
            None => {}
        }
    }
    let copy = m
    m.insert(probe, -1);
    format(\"{} {:?} {:?} {:?} {}\", replaced, m.get(probe), copy.get(probe), m.get(2), m.len())
}

fn keys_of_each_kind(c: char, b: bool) -> String {
    let mut by_char: HashMap[char, u8] = HashMap.new()
    let mut by_bool: HashMap[bool, f64] = HashMap.new()
    by_char.insert('x', 1);
    by_char.insert(c, 2);
    by_bool.insert(true, 0.5);
    by_bool.insert(b, -2.5);
    format(\"{:?} {:?} {:?} {:?}\", by_char.get('x'), by_char.get(c), by_bool.get(true), by_bool.get(false))
}

fn struct_values(k: i64) -> String {
    let mut m: HashMap[i64, V] = HashMap.new()
    for i in 0..4 {
        m.insert(i, V { a: i * 10, b: i as f64 + 0.25 });
    }
    let mut names: HashMap[i64, String] = HashMap.new()
    names.insert(1, \"one\");
    format(\"{:?} {:?} {:?}\", m.get(k), names.get(k), names.insert(k, \"new\"))
}

fn main() {}
";

/// Word-keyed maps through the runtime's direct entries (`heap/maps.rs`): inserts
/// that add and replace, lookups of present and absent keys, copies, keys of each
/// one-word kind, struct values, and maps the entries leave to the interpreter.
#[test]
fn word_maps_insert_and_get_as_the_vm() {
    let mut p = Pair::new(MAPS);
    for n in [0, 1, 5, 40] {
        for probe in [0, 2, 4, 9, -3] {
            let _ = p.agree("ints", &[Value::Int(n), Value::Int(probe)]);
        }
    }
    assert_eq!(
        p.agree("ints", &[Value::Int(7), Value::Int(9)]),
        Ok(Value::Str("1 Some(-1) None Some(6) 6".into()))
    );
    for c in ['x', 'y'] {
        for b in [true, false] {
            let _ = p.agree("keys_of_each_kind", &[Value::Char(c), Value::Bool(b)]);
        }
    }
    for k in [-1, 0, 1, 3, 4] {
        let _ = p.agree("struct_values", &[Value::Int(k)]);
    }
}

const POPS: &str = "
enum Dir { North, East, South }

var kept: Vec[i64] = Vec.new()

fn pop_words(n: usize) -> String {
    let mut v: Vec[i64] = Vec.new()
    for i in 0..n {
        v.push(i as i64 * 3 - 4)
    }
    let mut out = \"\"
    let mut x: i64 = 99
    loop {
        match v.pop() {
            .Some(w) => { x = w; out = out + format(\"{} \", w) }
            .None => break,
        }
    }
    format(\"{}| {} {:?}\", out, x, v.pop())
}

fn pop_kinds() -> String {
    let mut f = [1.5, -2.25]
    let mut c = ['a', 'é']
    let mut d = [Dir.North, Dir.South]
    let mut b = [true, false]
    let mut s = [\"x\", \"y\"]
    let mut p = [(1, 2), (3, 4)]
    format(\"{:?} {:?} {:?} {:?} {:?} {:?} {:?}\", f.pop(), c.pop(), d.pop() == Some(Dir.South), b.pop(), s.pop(), p.pop(), f)
}

// Popping from a copy leaves the original whole (copy-on-write).
fn pop_shared(n: usize) -> String {
    let mut a: Vec[u64] = [1, 2, 3]
    let mut b = a
    for _ in 0..n {
        let _ = b.pop()
    }
    a.push(4)
    format(\"{:?} {:?}\", a, b)
}

// Module state: the vector is lent to the pop.
fn pop_kept(n: usize) -> String {
    for i in 0..n {
        kept.push(i as i64)
    }
    let last = kept.pop()
    format(\"{:?} {}\", last, kept.len())
}

fn main() {}
";

#[test]
fn pops_read_the_last_word_as_the_vm() {
    let mut p = Pair::new(POPS);
    for n in [0, 1, 2, 5, 40] {
        let _ = p.agree("pop_words", &[Value::UInt(n)]);
        let _ = p.agree("pop_shared", &[Value::UInt(n)]);
        let _ = p.agree("pop_kept", &[Value::UInt(n)]);
    }
    assert_eq!(
        p.agree("pop_words", &[Value::UInt(3)]),
        Ok(Value::Str("2 -1 -4 | -4 None".into()))
    );
    assert_eq!(
        p.agree("pop_kinds", &[]),
        Ok(Value::Str(
            "Some(-2.25) Some('é') true Some(false) Some(\"y\") Some((3, 4)) [1.5]".into()
        ))
    );
    assert_eq!(
        p.agree("pop_shared", &[Value::UInt(2)]),
        Ok(Value::Str("[1, 2, 3, 4] [1]".into()))
    );
}
