//! The verifier: the trust boundary between `.dbc` files and the VM.
//!
//! # Guarantees
//! When [`verify`] accepts a module:
//! - every id in it (type, function, import, constant, global slot) is in range;
//! - no type contains itself by value, types nest by value at most [`MAX_TYPE_DEPTH`]
//!   levels, expand to at most [`MAX_TYPE_NODES`] nodes, and every layout is at most
//!   [`MAX_LAYOUT`] words and references, so [`crate::layout_of`] and any walk of a
//!   value's type by value terminate quickly without deep recursion;
//! - every register operand of every instruction is inside its function's frame
//!   (`< scalar_regs` / `< ref_regs`); every register *window* (`Call`, `CallImport`,
//!   `Ret`, `Intrinsic`, `Format` arguments) fits in the frame for the layouts involved:
//!   a call's window holds the callee's parameters and its results, an intrinsic's
//!   window holds the arguments and results given by [`intrinsic_window`] for its type
//!   operand, `Ret` holds the function's results;
//! - a function's parameters and results fit in its own frame;
//! - every jump target is an instruction of the same function, code is never empty and
//!   ends with a terminator (`Ret`, `Jmp`, `Panic`, `Intrinsic Exit`), so execution
//!   cannot run off the end of a function;
//! - the global slots of each declared global fit in `global_words`/`global_refs`, which
//!   are at most [`MAX_GLOBAL_SLOTS`];
//! - line tables are sorted, `init` takes nothing and returns `()`, exported names are
//!   unique.
//!
//! So after it passes, the VM may index registers, globals and constant pools without
//! bounds checks. What it cannot know statically is which heap object a reference
//! register holds (registers are untyped): the VM checks object kinds, vector element
//! shapes and `VecPush` windows (the element layout is a property of the vector) at run
//! time.

use std::fmt;

use crate::inst::*;
use crate::module::*;
use crate::opcodes::Operand;

/// Deepest nesting of types by value (a struct in a tuple in an enum ...).
pub const MAX_TYPE_DEPTH: u32 = 128;
/// Most nodes a type may expand to by value (counting every field, recursively).
pub const MAX_TYPE_NODES: u64 = 1 << 20;
/// Largest layout of any type, in words and in references.
pub const MAX_LAYOUT: u64 = 1 << 24;
/// Most global scalar slots and reference slots per module.
pub const MAX_GLOBAL_SLOTS: u32 = 1 << 24;

/// Why a module was refused: the function (empty for module-level problems), the
/// instruction (if any) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    pub function: String,
    pub pc: Option<u32>,
    pub message: String,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.function.is_empty(), self.pc) {
            (true, _) => write!(f, "{}", self.message),
            (false, None) => write!(f, "in function `{}`: {}", self.function, self.message),
            (false, Some(pc)) => write!(
                f,
                "in function `{}` at instruction {pc}: {}",
                self.function, self.message
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

fn module_error<T>(message: impl Into<String>) -> Result<T, VerifyError> {
    Err(VerifyError {
        function: String::new(),
        pc: None,
        message: message.into(),
    })
}

/// Checks everything listed in the module docs.
pub fn verify(m: &Module) -> Result<(), VerifyError> {
    let layouts = match type_layouts(&m.types) {
        Ok(l) => l,
        Err(e) => return module_error(e),
    };
    let cx = ModuleCx {
        m,
        layouts,
        func_sigs: Vec::new(),
        import_sigs: Vec::new(),
        dyn_sigs: Vec::new(),
    };
    let cx = cx.with_signatures()?;
    cx.check_globals()?;
    cx.check_shared()?;
    cx.check_init()?;
    cx.check_impls()?;
    cx.check_exports()?;
    for (i, f) in m.functions.iter().enumerate() {
        FuncCx::new(&cx, f, i).check()?;
    }
    Ok(())
}

/// The layout of every type of a table, after checking that ids are in range and that
/// types are finite and small (see the module docs). Iterative, so a hostile table
/// cannot overflow the stack.
pub fn type_layouts(types: &[TypeDesc]) -> Result<Vec<Layout>, String> {
    let n = types.len();
    let in_range = |t: TypeId| (t.0 as usize) < n;
    let mut children: Vec<Vec<u32>> = Vec::with_capacity(n);
    for (i, t) in types.iter().enumerate() {
        for r in referenced_types(t) {
            if !in_range(r) {
                return Err(format!(
                    "type t{i} refers to type t{} which does not exist",
                    r.0
                ));
            }
        }
        children.push(value_children(t).map(|t| t.0).collect());
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    #[derive(Clone, Copy, Default)]
    struct Info {
        words: u64,
        refs: u64,
        depth: u32,
        nodes: u64,
    }
    let mut state = vec![State::New; n];
    let mut info = vec![Info::default(); n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if state[root] != State::New {
            continue;
        }
        state[root] = State::Open;
        stack.push((root, 0));
        while let Some(&mut (t, ref mut next)) = stack.last_mut() {
            if let Some(&c) = children[t].get(*next) {
                *next += 1;
                let c = c as usize;
                match state[c] {
                    State::Done => {}
                    State::Open => {
                        return Err(format!(
                            "type t{c} ({}) contains itself by value",
                            short_type_label(types, c)
                        ))
                    }
                    State::New => {
                        state[c] = State::Open;
                        stack.push((c, 0));
                    }
                }
                continue;
            }
            stack.pop();
            state[t] = State::Done;
            let base = match &types[t] {
                TypeDesc::Unit | TypeDesc::Never => (0, 0),
                TypeDesc::Tuple(_) | TypeDesc::Struct { .. } => (0, 0),
                TypeDesc::Enum { .. } => (1, 0),
                TypeDesc::Str
                | TypeDesc::Vec(_)
                | TypeDesc::Map(..)
                | TypeDesc::Box(_)
                | TypeDesc::Dyn { .. } => (0, 1),
                _ => (1, 0),
            };
            let mut me = Info {
                words: base.0,
                refs: base.1,
                depth: 1,
                nodes: 1,
            };
            for &c in &children[t] {
                let ci = info[c as usize];
                me.words += ci.words;
                me.refs += ci.refs;
                me.depth = me.depth.max(ci.depth + 1);
                me.nodes = me.nodes.saturating_add(ci.nodes);
                // Stop early so the sums above can never overflow.
                if me.words > MAX_LAYOUT || me.refs > MAX_LAYOUT || me.nodes > MAX_TYPE_NODES {
                    break;
                }
            }
            let label = || short_type_label(types, t);
            if me.depth > MAX_TYPE_DEPTH {
                return Err(format!(
                    "type t{t} ({}) nests more than {MAX_TYPE_DEPTH} levels deep",
                    label()
                ));
            }
            if me.nodes > MAX_TYPE_NODES {
                return Err(format!("type t{t} ({}) is too large", label()));
            }
            if me.words > MAX_LAYOUT || me.refs > MAX_LAYOUT {
                return Err(format!("type t{t} ({}) has too large a layout", label()));
            }
            info[t] = me;
        }
    }
    Ok(info
        .iter()
        .map(|i| Layout {
            words: i.words as u32,
            refs: i.refs as u32,
        })
        .collect())
}

fn short_type_label(types: &[TypeDesc], t: usize) -> String {
    match &types[t] {
        TypeDesc::Struct { name, .. } | TypeDesc::Enum { name, .. } => format!("`{name}`"),
        TypeDesc::Tuple(_) => "a tuple".into(),
        other => format!("{other:?}"),
    }
}

/// Types contained by value (their registers are part of this type's layout).
fn value_children(t: &TypeDesc) -> Box<dyn Iterator<Item = TypeId> + '_> {
    match t {
        TypeDesc::Tuple(elems) => Box::new(elems.iter().copied()),
        TypeDesc::Struct { fields, .. } => Box::new(fields.iter().map(|f| f.ty)),
        TypeDesc::Enum { variants, .. } => {
            Box::new(variants.iter().flat_map(|v| v.fields.iter().map(|f| f.ty)))
        }
        _ => Box::new(std::iter::empty()),
    }
}

/// Every type id a type mentions (by value or behind a reference).
fn referenced_types(t: &TypeDesc) -> Box<dyn Iterator<Item = TypeId> + '_> {
    match t {
        TypeDesc::Vec(e) | TypeDesc::Box(e) => Box::new(std::iter::once(*e)),
        TypeDesc::Map(k, v) => Box::new([*k, *v].into_iter()),
        _ => value_children(t),
    }
}

/// The argument and result layouts of intrinsic `op` with type operand `ty`, after
/// checking that `ty` is the kind of type `op` needs (any type for element-wise
/// operations, a `HashMap` type for map operations, ignored for the rest). `types` must
/// have passed [`type_layouts`].
pub fn intrinsic_window(
    op: Intrinsic,
    ty: TypeId,
    types: &[TypeDesc],
) -> Result<(Layout, Layout), String> {
    intrinsic_window_with(op, ty, types, |t| layout_of(types, t))
}

/// [`intrinsic_window`] with layouts looked up by `layout` (the VM passes its
/// precomputed table).
pub fn intrinsic_window_with(
    op: Intrinsic,
    ty: TypeId,
    types: &[TypeDesc],
    layout: impl Fn(TypeId) -> Layout,
) -> Result<(Layout, Layout), String> {
    use Intrinsic::*;
    const Z: Layout = Layout::ZERO;
    const W: Layout = Layout::WORD;
    const F: Layout = Layout::REF;
    let w2 = W.plus(W);
    let any_type = || -> Result<Layout, String> {
        match types.get(ty.0 as usize) {
            Some(_) => Ok(layout(ty)),
            None => Err(format!("{op:?} type operand t{} does not exist", ty.0)),
        }
    };
    let map_type = || -> Result<(Layout, Layout), String> {
        match types.get(ty.0 as usize) {
            Some(TypeDesc::Map(k, v)) => Ok((layout(*k), layout(*v))),
            Some(other) => Err(format!(
                "{op:?} needs a HashMap type operand, found t{} ({other:?})",
                ty.0
            )),
            None => Err(format!("{op:?} type operand t{} does not exist", ty.0)),
        }
    };
    Ok(match op {
        Foreign => return Err("Foreign is the VM's own body of foreign functions".into()),
        HostFn => match types.get(ty.0 as usize) {
            Some(TypeDesc::Tuple(parts)) if parts.len() == 2 => {
                match types.get(parts[0].0 as usize) {
                    Some(TypeDesc::Tuple(_)) => (layout(parts[0]), layout(parts[1])),
                    _ => {
                        return Err(format!(
                            "HostFn type operand t{} is not ((params), ret)",
                            ty.0
                        ))
                    }
                }
            }
            _ => {
                return Err(format!(
                    "HostFn type operand t{} is not ((params), ret)",
                    ty.0
                ))
            }
        },
        Print | Println | Eprintln => (F, Z),
        Sleep | Exit => (W, Z),
        NowMs => (Z, W),
        VecPop => (F, F.plus(W).plus(any_type()?)),
        VecGet => (F.plus(W), W.plus(any_type()?)),
        VecInsert => (F.plus(W).plus(any_type()?), F),
        VecRemove => (F.plus(W), F.plus(any_type()?)),
        VecContains => (F.plus(any_type()?), W),
        VecBinarySearch => (F.plus(any_type()?), W.plus(W).plus(W)),
        VecSort | VecReverse | VecDedup | VecClear => {
            any_type()?;
            (F, F)
        }
        VecExtend => {
            any_type()?;
            (F.plus(F), F)
        }
        VecSlice => {
            any_type()?;
            (F.plus(w2), F)
        }
        VecRepeat => (any_type()?.plus(W), F),
        VecJoin => (F.plus(F), F),
        MapInsert => {
            let (k, v) = map_type()?;
            (F.plus(k).plus(v), F.plus(W).plus(v))
        }
        MapGet => {
            let (k, v) = map_type()?;
            (F.plus(k), W.plus(v))
        }
        MapRemove => {
            let (k, v) = map_type()?;
            (F.plus(k), F.plus(W).plus(v))
        }
        MapContainsKey => (F.plus(map_type()?.0), W),
        MapLen => {
            map_type()?;
            (F, W)
        }
        MapEntryAt => {
            let (k, v) = map_type()?;
            (F.plus(W), k.plus(v))
        }
        MapKeys | MapValues | MapClear => {
            map_type()?;
            (F, F)
        }
        StrContains | StrStartsWith | StrEndsWith => (F.plus(F), W),
        StrSplit => (F.plus(F), F),
        StrSplitWhitespace | StrTrim | StrTrimStart | StrTrimEnd | StrLines | StrAsBytes
        | StrToUpper | StrToLower | StrChars => (F, F),
        StrFind => (F.plus(F), w2),
        StrReplace => (F.plus(F).plus(F), F),
        StrParseI64 | StrParseF64 => (F, w2),
        StrSlice => (F.plus(w2), F),
        StrPushChar => (F.plus(W), F),
        CharToString => (W, F),
        RegistryLoad => (F.plus(F), W),
        RegistryHasUpdate | RegistryReload => (F, W),
        RegistryCall => (F.plus(F).plus(F), any_type()?),
        RegistryGetVersion => (F, w2),
        RegistryPin => (F, w2),
        RegistryUnpin => (F.plus(W), W),
        RegistryCallVersion => (F.plus(W).plus(F).plus(F), any_type()?),
        RegistryModules => {
            map_type()?;
            (Z, F)
        }
        LoadBytecode | ReadDir => (F, F),
        Instantiate => match types.get(ty.0 as usize) {
            Some(TypeDesc::Dyn { .. }) => (F, F),
            _ => return Err(format!("{op:?} needs a trait object type operand")),
        },
        Serialize => (any_type()?, F),
        Deserialize => (F, any_type()?),
        Eq | Cmp => {
            let t = any_type()?;
            (t.plus(t), W)
        }
        Default => (Z, any_type()?),
    })
}

/// The layout of a signature's parameters and of its results (return value, then the
/// `&mut` parameters' final values).
pub fn signature_layouts(sig: &Signature, layout: impl Fn(TypeId) -> Layout) -> (Layout, Layout) {
    let params = sig
        .params
        .iter()
        .fold(Layout::ZERO, |acc, t| acc.plus(layout(*t)));
    let results = sig.mut_params.iter().fold(layout(sig.ret), |acc, &i| {
        acc.plus(layout(sig.params[i as usize]))
    });
    (params, results)
}

struct SigInfo {
    params: Layout,
    results: Layout,
}

struct ModuleCx<'a> {
    m: &'a Module,
    layouts: Vec<Layout>,
    func_sigs: Vec<SigInfo>,
    import_sigs: Vec<SigInfo>,
    dyn_sigs: Vec<SigInfo>,
}

impl<'a> ModuleCx<'a> {
    fn type_ok(&self, t: TypeId) -> bool {
        (t.0 as usize) < self.m.types.len()
    }

    fn check_signature(&self, sig: &Signature) -> Result<SigInfo, String> {
        for t in sig.params.iter().chain(std::iter::once(&sig.ret)) {
            if !self.type_ok(*t) {
                return Err(format!(
                    "signature refers to type t{} which does not exist",
                    t.0
                ));
            }
        }
        for w in sig.mut_params.windows(2) {
            if w[0] >= w[1] {
                return Err("`&mut` parameter indices are not strictly increasing".into());
            }
        }
        if let Some(&last) = sig.mut_params.last() {
            if last as usize >= sig.params.len() {
                return Err(format!("`&mut` parameter index {last} is not a parameter"));
            }
        }
        let (params, results) = signature_layouts(sig, |t| self.layouts[t.0 as usize]);
        if params.words > u16::MAX as u32 || params.refs > u16::MAX as u32 {
            return Err("parameters do not fit in a frame".into());
        }
        Ok(SigInfo { params, results })
    }

    fn with_signatures(mut self) -> Result<Self, VerifyError> {
        for f in &self.m.functions {
            let info = self
                .check_signature(&f.sig)
                .map_err(|message| VerifyError {
                    function: f.name.clone(),
                    pc: None,
                    message,
                })?;
            self.func_sigs.push(info);
        }
        for imp in &self.m.imports {
            match self.check_signature(&imp.sig) {
                Ok(info) => self.import_sigs.push(info),
                Err(e) => {
                    return module_error(format!("import `{}.{}`: {e}", imp.module, imp.name))
                }
            }
        }
        for d in &self.m.dyn_methods {
            let what = format!("dynamic call of `{}.{}`", d.trait_name, d.name);
            match self.check_signature(&d.sig) {
                Ok(info) => self.dyn_sigs.push(info),
                Err(e) => return module_error(format!("{what}: {e}")),
            }
            self.check_receiver(&d.sig, &what)?;
        }
        Ok(self)
    }

    fn check_globals(&self) -> Result<(), VerifyError> {
        let m = self.m;
        if m.global_words > MAX_GLOBAL_SLOTS || m.global_refs > MAX_GLOBAL_SLOTS {
            return module_error(format!("more than {MAX_GLOBAL_SLOTS} global slots"));
        }
        for g in &m.globals {
            let l = self.item_layout("global", &g.name, g.ty)?;
            let end_w = g.word_slot as u64 + l.words as u64;
            let end_r = g.ref_slot as u64 + l.refs as u64;
            if end_w > m.global_words as u64 || end_r > m.global_refs as u64 {
                return module_error(format!(
                    "global `{}` does not fit in the module's global slots",
                    g.name
                ));
            }
        }
        Ok(())
    }

    /// The layout of a module item's type, which must exist.
    fn item_layout(&self, kind: &str, name: &str, ty: TypeId) -> Result<Layout, VerifyError> {
        if !self.type_ok(ty) {
            return module_error(format!(
                "{kind} `{name}` has type t{} which does not exist",
                ty.0
            ));
        }
        Ok(self.layouts[ty.0 as usize])
    }

    /// Shared statics: existing plain-data types (no references: their words live
    /// outside the version), within their cell and the shared-word table, each with a
    /// `() -> ()` initializer.
    fn check_shared(&self) -> Result<(), VerifyError> {
        let m = self.m;
        if m.shared_words > MAX_GLOBAL_SLOTS {
            return module_error(format!("more than {MAX_GLOBAL_SLOTS} shared slots"));
        }
        for g in &m.shared {
            let l = self.item_layout("shared static", &g.name, g.ty)?;
            if l.refs != 0 {
                return module_error(format!(
                    "shared static `{}` holds references (only plain data can be shared)",
                    g.name
                ));
            }
            if l.words > SHARED_CELL_WORDS {
                return module_error(format!(
                    "shared static `{}` has {} words (at most {SHARED_CELL_WORDS})",
                    g.name, l.words
                ));
            }
            if g.slot as u64 + l.words as u64 > m.shared_words as u64 {
                return module_error(format!(
                    "shared static `{}` does not fit in the module's shared slots",
                    g.name
                ));
            }
            self.check_unit_fn(g.init, &format!("initializer of `{}`", g.name))?;
        }
        Ok(())
    }

    /// Function `f` exists, takes no parameters and returns `()`.
    fn check_unit_fn(&self, f: FuncId, what: &str) -> Result<(), VerifyError> {
        let Some(func) = self.m.functions.get(f.0 as usize) else {
            return module_error(format!("{what} f{} does not exist", f.0));
        };
        let unit = matches!(self.m.types[func.sig.ret.0 as usize], TypeDesc::Unit);
        if !func.sig.params.is_empty() || !unit {
            return module_error(format!(
                "{what} `{}` must take no parameters and return ()",
                func.name
            ));
        }
        Ok(())
    }

    fn check_init(&self) -> Result<(), VerifyError> {
        match self.m.init {
            Some(init) => self.check_unit_fn(init, "init function"),
            None => Ok(()),
        }
    }

    /// A shim or dynamic call takes the trait object first.
    fn check_receiver(&self, sig: &Signature, what: &str) -> Result<(), VerifyError> {
        match sig.params.first().map(|t| &self.m.types[t.0 as usize]) {
            Some(TypeDesc::Dyn { .. }) if !sig.mut_params.contains(&0) => Ok(()),
            _ => module_error(format!("{what} does not take a trait object first")),
        }
    }

    /// Each impl names a struct or enum, and functions that exist with the shapes of a
    /// shim (a trait object first) and of a maker (`() -> trait object`).
    fn check_impls(&self) -> Result<(), VerifyError> {
        let m = self.m;
        for imp in &m.impls {
            let what = format!("impl of `{}`", imp.trait_name);
            match m.types.get(imp.ty.0 as usize) {
                Some(TypeDesc::Struct { .. } | TypeDesc::Enum { .. }) => {}
                _ => return module_error(format!("{what} is not for a struct or enum type")),
            }
            for meth in &imp.methods {
                let Some(f) = m.functions.get(meth.shim.0 as usize) else {
                    return module_error(format!("{what}: shim f{} does not exist", meth.shim.0));
                };
                self.check_receiver(&f.sig, &format!("{what}: shim `{}`", f.name))?;
            }
            if let Some(make) = imp.make {
                let Some(f) = m.functions.get(make.0 as usize) else {
                    return module_error(format!("{what}: maker f{} does not exist", make.0));
                };
                let ret = &m.types[f.sig.ret.0 as usize];
                if !f.sig.params.is_empty() || !matches!(ret, TypeDesc::Dyn { .. }) {
                    return module_error(format!("{what}: maker `{}` is not `() -> dyn`", f.name));
                }
            }
        }
        Ok(())
    }

    fn check_exports(&self) -> Result<(), VerifyError> {
        let mut names: Vec<&str> = self
            .m
            .functions
            .iter()
            .filter(|f| f.exported)
            .map(|f| f.name.as_str())
            .collect();
        names.sort_unstable();
        for w in names.windows(2) {
            if w[0] == w[1] {
                return module_error(format!("function `{}` is exported twice", w[0]));
            }
        }
        Ok(())
    }
}

struct FuncCx<'a> {
    cx: &'a ModuleCx<'a>,
    f: &'a Function,
    index: usize,
}

/// A window of registers that must fit in the frame.
#[derive(Clone, Copy)]
struct Window {
    s: u16,
    r: u16,
    need: Layout,
}

impl<'a> FuncCx<'a> {
    fn new(cx: &'a ModuleCx<'a>, f: &'a Function, index: usize) -> Self {
        FuncCx { cx, f, index }
    }

    fn err<T>(&self, pc: Option<usize>, message: impl Into<String>) -> Result<T, VerifyError> {
        Err(VerifyError {
            function: self.f.name.clone(),
            pc: pc.map(|p| p as u32),
            message: message.into(),
        })
    }

    fn check(&self) -> Result<(), VerifyError> {
        let f = self.f;
        let sig = &self.cx.func_sigs[self.index];
        let frame = Layout {
            words: f.scalar_regs as u32,
            refs: f.ref_regs as u32,
        };
        if !fits(sig.params, frame) || !fits(sig.results, frame) {
            return self.err(None, "parameters or results do not fit in the frame");
        }
        if f.code.is_empty() {
            return self.err(None, "function has no code");
        }
        let last = f.code.len() - 1;
        if !is_terminator(&f.code[last]) {
            return self.err(
                Some(last),
                "the last instruction must be Ret, Jmp, Panic or Intrinsic Exit",
            );
        }
        for w in f.lines.windows(2) {
            if w[0].pc > w[1].pc {
                return self.err(None, "line table is not sorted");
            }
        }
        for (pc, inst) in f.code.iter().enumerate() {
            self.check_inst(inst)
                .or_else(|message| self.err(Some(pc), message))?;
        }
        Ok(())
    }

    fn check_inst(&self, inst: &Inst) -> Result<(), String> {
        let m = self.cx.m;
        match *inst {
            Inst::Call { func, s, r } => {
                let Some(sig) = self.cx.func_sigs.get(func.0 as usize) else {
                    return Err(format!("call to function f{} which does not exist", func.0));
                };
                self.call_window(s, r, sig)
            }
            Inst::CallImport { import, s, r } => {
                let Some(sig) = self.cx.import_sigs.get(import.0 as usize) else {
                    return Err(format!("call to import i{} which does not exist", import.0));
                };
                self.call_window(s, r, sig)
            }
            Inst::Ret { s, r } => self.window(Window {
                s: s.0,
                r: r.0,
                need: self.cx.func_sigs[self.index].results,
            }),
            Inst::Intrinsic { op, ty, s, r } => {
                let (args, results) =
                    intrinsic_window_with(op, ty, &m.types, |t| self.cx.layouts[t.0 as usize])?;
                self.window(Window {
                    s: s.0,
                    r: r.0,
                    need: max_layout(args, results),
                })
            }
            Inst::VecPush { v, s, r } => {
                // The element layout is only known at run time, where the VM checks the
                // whole window; here only its start.
                self.operands(&[Operand::R(v.0)])?;
                self.window(Window {
                    s: s.0,
                    r: r.0,
                    need: Layout::ZERO,
                })
            }
            Inst::CallDyn { m: d, s, r } => {
                let Some(sig) = self.cx.dyn_sigs.get(d.0 as usize) else {
                    return Err(format!("dynamic call d{} does not exist", d.0));
                };
                self.operands(&[Operand::R(r.0)])?;
                self.call_window(s, r, sig)
            }
            Inst::DynNew { imp, .. } => {
                self.operands(&inst.operands())?;
                match m.impls.get(imp.0 as usize) {
                    Some(_) => Ok(()),
                    None => Err(format!("impl m{} does not exist", imp.0)),
                }
            }
            Inst::MapNew { ty, .. } => {
                self.operands(&inst.operands())?;
                match m.types[ty.0 as usize] {
                    TypeDesc::Map(..) => Ok(()),
                    ref other => Err(format!("MapNew needs a HashMap type, found {other:?}")),
                }
            }
            Inst::LoadK { k, .. } => self.pool(k, m.scalars.len(), "scalar", inst),
            Inst::LoadStr { k, .. } => self.pool(k, m.strings.len(), "string", inst),
            Inst::Format { spec, .. } => {
                self.pool(spec, m.formats.len(), "format", inst)?;
                self.format_args(&m.formats[spec.0 as usize])
            }
            Inst::LoadG { g, .. } | Inst::StoreG { g, .. } => {
                self.global(g, m.global_words, "scalar", inst)
            }
            Inst::LoadGR { g, .. } | Inst::TakeGR { g, .. } | Inst::StoreGR { g, .. } => {
                self.global(g, m.global_refs, "reference", inst)
            }
            Inst::LoadSh { g, .. } | Inst::StoreSh { g, .. } => {
                self.global(GlobalSlot(g.0), m.shared_words, "shared", inst)
            }
            _ => self.operands(&inst.operands()),
        }
    }

    fn call_window(&self, s: S, r: R, sig: &SigInfo) -> Result<(), String> {
        self.window(Window {
            s: s.0,
            r: r.0,
            need: max_layout(sig.params, sig.results),
        })
    }

    fn window(&self, w: Window) -> Result<(), String> {
        let end_s = w.s as u32 + w.need.words;
        let end_r = w.r as u32 + w.need.refs;
        if end_s > self.f.scalar_regs as u32 || end_r > self.f.ref_regs as u32 {
            return Err(format!(
                "window s{}..s{end_s}, r{}..r{end_r} does not fit in the frame ({} scalar, {} \
                 reference registers)",
                w.s, w.r, self.f.scalar_regs, self.f.ref_regs
            ));
        }
        Ok(())
    }

    fn pool(&self, k: ConstId, len: usize, what: &str, inst: &Inst) -> Result<(), String> {
        if k.0 as usize >= len {
            return Err(format!("{what} constant k{} does not exist", k.0));
        }
        self.operands(&inst.operands())
    }

    fn global(&self, g: GlobalSlot, len: u32, what: &str, inst: &Inst) -> Result<(), String> {
        if g.0 >= len {
            return Err(format!("global {what} slot g{} does not exist", g.0));
        }
        self.operands(&inst.operands())
    }

    fn format_args(&self, spec: &FormatSpec) -> Result<(), String> {
        for piece in &spec.pieces {
            if let FormatPiece::Arg(a) = piece {
                if !self.cx.type_ok(a.ty) {
                    return Err(format!("format argument type t{} does not exist", a.ty.0));
                }
                self.window(Window {
                    s: a.s,
                    r: a.r,
                    need: self.cx.layouts[a.ty.0 as usize],
                })?;
            }
        }
        Ok(())
    }

    /// Generic operand checks (constant pools and global slots are checked by the
    /// instructions that know which pool they index).
    fn operands(&self, ops: &[Operand]) -> Result<(), String> {
        let f = self.f;
        let m = self.cx.m;
        for op in ops {
            let ok = match *op {
                Operand::S(s) => s < f.scalar_regs,
                Operand::R(r) => r < f.ref_regs,
                Operand::Target(t) => (t as usize) < f.code.len(),
                Operand::Func(i) => (i as usize) < m.functions.len(),
                Operand::Import(i) => (i as usize) < m.imports.len(),
                Operand::Type(t) => (t as usize) < m.types.len(),
                Operand::Impl(i) => (i as usize) < m.impls.len(),
                Operand::DynMethod(i) => (i as usize) < m.dyn_methods.len(),
                Operand::Const(_)
                | Operand::Global(_)
                | Operand::Shared(_)
                | Operand::Imm(_)
                | Operand::Name(_) => true,
            };
            if !ok {
                return Err(match *op {
                    Operand::S(s) => format!(
                        "scalar register s{s} is outside the frame ({} scalar registers)",
                        f.scalar_regs
                    ),
                    Operand::R(r) => format!(
                        "reference register r{r} is outside the frame ({} reference registers)",
                        f.ref_regs
                    ),
                    Operand::Target(t) => format!(
                        "jump target {t} is outside the function ({} instructions)",
                        f.code.len()
                    ),
                    Operand::Func(i) => format!("function f{i} does not exist"),
                    Operand::Import(i) => format!("import i{i} does not exist"),
                    Operand::Type(t) => format!("type t{t} does not exist"),
                    Operand::Impl(i) => format!("impl m{i} does not exist"),
                    Operand::DynMethod(i) => format!("dynamic call d{i} does not exist"),
                    _ => unreachable!("always accepted above"),
                });
            }
        }
        Ok(())
    }
}

fn fits(l: Layout, frame: Layout) -> bool {
    l.words <= frame.words && l.refs <= frame.refs
}

fn max_layout(a: Layout, b: Layout) -> Layout {
    Layout {
        words: a.words.max(b.words),
        refs: a.refs.max(b.refs),
    }
}

/// Whether execution cannot continue to the next instruction.
pub fn is_terminator(inst: &Inst) -> bool {
    matches!(
        inst,
        Inst::Ret { .. }
            | Inst::Jmp { .. }
            | Inst::Panic { .. }
            | Inst::Intrinsic {
                op: Intrinsic::Exit,
                ..
            }
    )
}
