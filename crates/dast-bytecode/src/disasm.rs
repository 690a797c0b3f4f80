//! Human-readable listing of a module (`dast disasm FILE.dbc`). Works on any decoded
//! module, verified or not: out-of-range ids print as such instead of panicking.

use std::fmt::Write;

use crate::inst::*;
use crate::module::*;
use crate::opcodes::Operand;
use crate::verify::type_layouts;

/// Column where the `; line L:C` comments start.
const COMMENT_COLUMN: usize = 40;

/// The whole listing: header, types (with layouts), globals, imports, constants and
/// every function with one instruction per line.
pub fn disassemble(m: &Module) -> String {
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(o, "module {} (source: {})", m.name, m.source);
    if m.hot_reload {
        let _ = writeln!(o, "hot_reload");
    }
    types_section(o, m);
    globals_section(o, m);
    shared_section(o, m);
    if !m.imports.is_empty() {
        let _ = writeln!(o, "\nimports:");
        for (i, imp) in m.imports.iter().enumerate() {
            let sig = signature_text(&m.types, &imp.sig);
            let _ = writeln!(o, "  i{i}  {}.{}{sig}", imp.module, imp.name);
        }
    }
    impls_section(o, m);
    constants_section(o, m);
    if let Some(init) = m.init {
        let name = m
            .functions
            .get(init.0 as usize)
            .map_or("?", |f| f.name.as_str());
        let _ = writeln!(o, "\ninit: f{} ({name})", init.0);
    }
    for (i, f) in m.functions.iter().enumerate() {
        function_section(o, m, i, f);
    }
    out
}

/// The impl table (vtables: each method's shim, the maker) and the dynamic calls.
fn impls_section(o: &mut String, m: &Module) {
    let func = |f: FuncId| {
        let name = m
            .functions
            .get(f.0 as usize)
            .map_or("?", |f| f.name.as_str());
        format!("f{} ({name})", f.0)
    };
    if !m.impls.is_empty() {
        let _ = writeln!(o, "\nimpls:");
    }
    for (i, imp) in m.impls.iter().enumerate() {
        let ty = id_name(&m.types, imp.ty);
        let _ = writeln!(o, "  m{i}  impl {} for {ty}", imp.trait_name);
        for meth in &imp.methods {
            let _ = writeln!(o, "        {}: {}", meth.name, func(meth.shim));
        }
        if let Some(make) = imp.make {
            let _ = writeln!(o, "        make: {}", func(make));
        }
    }
    if !m.dyn_methods.is_empty() {
        let _ = writeln!(o, "\ndynamic calls:");
    }
    for (i, d) in m.dyn_methods.iter().enumerate() {
        let sig = signature_text(&m.types, &d.sig);
        let _ = writeln!(
            o,
            "  d{i}  {}.{} (slot {}){sig}",
            d.trait_name, d.name, d.slot
        );
    }
}

fn types_section(o: &mut String, m: &Module) {
    if m.types.is_empty() {
        return;
    }
    let layouts = type_layouts(&m.types).ok();
    let _ = writeln!(o, "\ntypes:");
    for (i, t) in m.types.iter().enumerate() {
        let text = format!("  t{i}  {}", type_definition(&m.types, t));
        match &layouts {
            Some(l) => {
                let l = l[i];
                let _ = writeln!(o, "{}; {}w {}r", pad(text), l.words, l.refs);
            }
            None => {
                let _ = writeln!(o, "{text}");
            }
        }
    }
}

fn type_definition(types: &[TypeDesc], t: &TypeDesc) -> String {
    let fields = |fs: &[Field]| {
        fs.iter()
            .map(|f| format!("{}: {}", f.name, id_name(types, f.ty)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match t {
        TypeDesc::Struct { name, fields: fs } => format!("struct {name} {{ {} }}", fields(fs)),
        TypeDesc::Enum { name, variants } => {
            let vs: Vec<String> = variants
                .iter()
                .map(|v| match (v.fields.is_empty(), v.is_tuple) {
                    (true, _) => v.name.clone(),
                    (false, true) => {
                        let tys: Vec<String> =
                            v.fields.iter().map(|f| id_name(types, f.ty)).collect();
                        format!("{}({})", v.name, tys.join(", "))
                    }
                    (false, false) => format!("{} {{ {} }}", v.name, fields(&v.fields)),
                })
                .collect();
            format!("enum {name} {{ {} }}", vs.join(", "))
        }
        other => {
            let mut out = String::new();
            write_desc(types, other, &mut out);
            out
        }
    }
}

/// How a type is written in Dast (`Vec[i32]`, `(i32, String)`, `game.Point`).
pub fn type_name(types: &[TypeDesc], ty: TypeId) -> String {
    let mut out = String::new();
    write_name(types, ty, &mut out);
    out
}

fn id_name(types: &[TypeDesc], ty: TypeId) -> String {
    type_name(types, ty)
}

/// Names longer than this end in `...`: a hostile table (deeply nested or exponentially
/// large types, which the verifier refuses) still prints quickly. Every nesting level
/// writes at least one character first, so the budget bounds the recursion too.
const MAX_NAME_LEN: usize = 200;

fn over_budget(out: &mut String) -> bool {
    if out.len() <= MAX_NAME_LEN {
        return false;
    }
    if !out.ends_with("...") {
        out.push_str("...");
    }
    true
}

fn write_name(types: &[TypeDesc], ty: TypeId, out: &mut String) {
    if over_budget(out) {
        return;
    }
    match types.get(ty.0 as usize) {
        None => out.push_str(&format!("t{}?", ty.0)),
        Some(t) => write_desc(types, t, out),
    }
}

fn write_list(types: &[TypeDesc], tys: impl Iterator<Item = TypeId>, out: &mut String) {
    for (i, t) in tys.enumerate() {
        if over_budget(out) {
            return;
        }
        if i > 0 {
            out.push_str(", ");
        }
        write_name(types, t, out);
    }
}

fn write_desc(types: &[TypeDesc], t: &TypeDesc, out: &mut String) {
    let simple = match t {
        TypeDesc::Unit => "()",
        TypeDesc::Never => "!",
        TypeDesc::Bool => "bool",
        TypeDesc::I8 => "i8",
        TypeDesc::I16 => "i16",
        TypeDesc::I32 => "i32",
        TypeDesc::I64 => "i64",
        TypeDesc::U8 => "u8",
        TypeDesc::U16 => "u16",
        TypeDesc::U32 => "u32",
        TypeDesc::U64 => "u64",
        TypeDesc::Isize => "isize",
        TypeDesc::Usize => "usize",
        TypeDesc::F32 => "f32",
        TypeDesc::F64 => "f64",
        TypeDesc::Char => "char",
        TypeDesc::Str => "String",
        TypeDesc::Struct { name, .. } => name,
        // Option and Result print with their type arguments.
        TypeDesc::Enum { name, .. } if name != "Option" && name != "Result" => name,
        _ => "",
    };
    if !simple.is_empty() {
        out.push_str(simple);
        return;
    }
    match t {
        TypeDesc::Vec(e) => {
            out.push_str("Vec[");
            write_name(types, *e, out);
            out.push(']');
        }
        TypeDesc::Box(e) => {
            out.push_str("Box[");
            write_name(types, *e, out);
            out.push(']');
        }
        TypeDesc::Dyn { trait_name } => {
            out.push_str("dyn ");
            out.push_str(trait_name);
        }
        TypeDesc::Map(k, v) => {
            out.push_str("HashMap[");
            write_list(types, [*k, *v].into_iter(), out);
            out.push(']');
        }
        TypeDesc::Tuple(elems) => {
            out.push('(');
            write_list(types, elems.iter().copied(), out);
            if elems.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        TypeDesc::Enum { name, variants } => {
            out.push_str(name);
            out.push('[');
            let args = variants.iter().flat_map(|v| v.fields.iter().map(|f| f.ty));
            write_list(types, args, out);
            out.push(']');
        }
        _ => unreachable!("simple types are handled above"),
    }
}

/// `(i32, &mut Vec[i32]) -> bool`
pub fn signature_text(types: &[TypeDesc], sig: &Signature) -> String {
    let params: Vec<String> = sig
        .params
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let name = type_name(types, *t);
            if sig.mut_params.contains(&(i as u32)) {
                format!("&mut {name}")
            } else {
                name
            }
        })
        .collect();
    format!("({}) -> {}", params.join(", "), type_name(types, sig.ret))
}

fn globals_section(o: &mut String, m: &Module) {
    if m.globals.is_empty() && m.global_words == 0 && m.global_refs == 0 {
        return;
    }
    let _ = writeln!(
        o,
        "\nglobals ({} words, {} refs):",
        m.global_words, m.global_refs
    );
    for g in &m.globals {
        let kind = if g.is_static { "static" } else { "var" };
        let _ = writeln!(
            o,
            "  {kind} {}: {}  @ word {} ref {}",
            g.name,
            type_name(&m.types, g.ty),
            g.word_slot,
            g.ref_slot
        );
    }
}

fn shared_section(o: &mut String, m: &Module) {
    if m.shared.is_empty() && m.shared_words == 0 {
        return;
    }
    let _ = writeln!(o, "\nshared ({} words):", m.shared_words);
    for g in &m.shared {
        let _ = writeln!(
            o,
            "  @shared static mut {}: {}  @ sh{}  abi {}  init f{}",
            g.name,
            type_name(&m.types, g.ty),
            g.slot,
            g.abi,
            g.init.0
        );
    }
}

fn constants_section(o: &mut String, m: &Module) {
    if !m.scalars.is_empty() {
        let _ = writeln!(o, "\nscalars:");
        for (i, k) in m.scalars.iter().enumerate() {
            let _ = writeln!(
                o,
                "  k{i}  {:#018x}  ; {} / {:?}",
                k,
                *k as i64,
                f64::from_bits(*k)
            );
        }
    }
    if !m.strings.is_empty() {
        let _ = writeln!(o, "\nstrings:");
        for (i, s) in m.strings.iter().enumerate() {
            let _ = writeln!(o, "  k{i}  {s:?}");
        }
    }
    if !m.formats.is_empty() {
        let _ = writeln!(o, "\nformats:");
        for (i, f) in m.formats.iter().enumerate() {
            let _ = writeln!(o, "  k{i}  {}", format_text(&m.types, f));
        }
    }
}

/// A format spec as a Dast format string, each placeholder annotated with the
/// argument's type and registers: `"x = {s0 r0: i32:?}"`.
fn format_text(types: &[TypeDesc], spec: &FormatSpec) -> String {
    let mut s = String::from("\"");
    for p in &spec.pieces {
        match p {
            FormatPiece::Lit(text) => {
                let escaped = format!("{text:?}");
                s.push_str(&escaped[1..escaped.len() - 1]);
            }
            FormatPiece::Arg(a) => {
                let _ = write!(
                    s,
                    "{{s{} r{}: {}{}}}",
                    a.s,
                    a.r,
                    type_name(types, a.ty),
                    style_text(&a.style)
                );
            }
        }
    }
    s.push('"');
    s
}

fn style_text(st: &FormatStyle) -> String {
    let mut s = String::new();
    if let Some(f) = st.fill {
        s.push(f);
    }
    match st.align {
        Some(Align::Left) => s.push('<'),
        Some(Align::Right) => s.push('>'),
        Some(Align::Center) => s.push('^'),
        None => {}
    }
    if st.plus {
        s.push('+');
    }
    if st.alternate {
        s.push('#');
    }
    if st.zero {
        s.push('0');
    }
    if let Some(w) = st.width {
        let _ = write!(s, "{w}");
    }
    if let Some(p) = st.precision {
        let _ = write!(s, ".{p}");
    }
    if st.debug {
        s.push('?');
    }
    s.push_str(match st.kind {
        FormatKind::Default => "",
        FormatKind::LowerHex => "x",
        FormatKind::UpperHex => "X",
        FormatKind::Binary => "b",
        FormatKind::Octal => "o",
        FormatKind::LowerExp => "e",
        FormatKind::UpperExp => "E",
    });
    if s.is_empty() {
        s
    } else {
        format!(":{s}")
    }
}

fn function_section(o: &mut String, m: &Module, index: usize, f: &Function) {
    let exported = if f.exported { "export " } else { "" };
    let _ = writeln!(
        o,
        "\n{exported}fn {}{}  ; f{index}, {} scalar, {} ref registers",
        f.name,
        signature_text(&m.types, &f.sig),
        f.scalar_regs,
        f.ref_regs
    );
    for (pc, inst) in f.code.iter().enumerate() {
        let text = format!("  {pc:04}  {}", inst_text(m, inst));
        let mut comments = Vec::new();
        if let Some(c) = inst_comment(m, inst) {
            comments.push(c);
        }
        if let Some((line, col)) = f.line_of(pc as u32) {
            comments.push(format!("line {line}:{col}"));
        }
        if comments.is_empty() {
            let _ = writeln!(o, "{text}");
        } else {
            let _ = writeln!(o, "{}; {}", pad(text), comments.join("; "));
        }
    }
}

fn pad(mut text: String) -> String {
    let len = text.chars().count();
    if len < COMMENT_COLUMN {
        text.extend(std::iter::repeat_n(' ', COMMENT_COLUMN - len));
    } else {
        text.push(' ');
    }
    text
}

/// `Add32 s2, s0, s1`
pub fn inst_text(_m: &Module, inst: &Inst) -> String {
    let ops: Vec<String> = inst
        .operands()
        .iter()
        .map(|op| match *op {
            Operand::S(s) => format!("s{s}"),
            Operand::R(r) => format!("r{r}"),
            Operand::Target(t) => format!("@{t}"),
            Operand::Func(f) => format!("f{f}"),
            Operand::Import(i) => format!("i{i}"),
            Operand::Type(t) => format!("t{t}"),
            Operand::Const(k) => format!("k{k}"),
            Operand::Global(g) => format!("g{g}"),
            Operand::Shared(g) => format!("sh{g}"),
            Operand::Impl(i) => format!("m{i}"),
            Operand::DynMethod(d) => format!("d{d}"),
            Operand::Imm(v) => v.to_string(),
            Operand::Name(n) => n.to_string(),
        })
        .collect();
    if ops.is_empty() {
        inst.name().to_string()
    } else {
        format!("{} {}", inst.name(), ops.join(", "))
    }
}

/// What an operand refers to, where the listing would otherwise need a lookup.
fn inst_comment(m: &Module, inst: &Inst) -> Option<String> {
    match *inst {
        Inst::Call { func, .. } => m.functions.get(func.0 as usize).map(|f| f.name.clone()),
        Inst::CallImport { import, .. } => m
            .imports
            .get(import.0 as usize)
            .map(|i| format!("{}.{}", i.module, i.name)),
        Inst::LoadStr { k, .. } => m.strings.get(k.0 as usize).map(|s| {
            let mut q = format!("{s:?}");
            if q.len() > 30 {
                q.truncate(q.floor_char_boundary(27));
                q.push_str("...");
            }
            q
        }),
        Inst::LoadK { k, .. } => m
            .scalars
            .get(k.0 as usize)
            .map(|v| format!("{}", *v as i64)),
        Inst::Intrinsic { op, ty, .. } => {
            // An intrinsic that accepts a type id that cannot exist ignores its operand.
            let ignores_type =
                crate::verify::intrinsic_window_with(op, TypeId(u32::MAX), &[], |_| Layout::ZERO)
                    .is_ok();
            (!ignores_type).then(|| type_name(&m.types, ty))
        }
        Inst::VecNew { elem: ty, .. } | Inst::MapNew { ty, .. } => Some(type_name(&m.types, ty)),
        Inst::DynNew { imp, .. } => m
            .impls
            .get(imp.0 as usize)
            .map(|i| format!("impl {} for {}", i.trait_name, type_name(&m.types, i.ty))),
        Inst::CallDyn { m: d, .. } => m
            .dyn_methods
            .get(d.0 as usize)
            .map(|d| format!("dyn {}.{}", d.trait_name, d.name)),
        _ => None,
    }
}
