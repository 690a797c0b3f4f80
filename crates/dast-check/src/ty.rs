//! Types as the checker sees them, and the unification table used for inference inside a
//! function body (integer and float literals get "literal variables" that take whatever
//! type their uses demand, defaulting to `i32`/`f64`).

/// A user struct or enum, program-wide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AdtId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntTy {
    I8,
    I16,
    I32,
    I64,
    Isize,
    U8,
    U16,
    U32,
    U64,
    Usize,
}

impl IntTy {
    pub fn signed(self) -> bool {
        matches!(
            self,
            IntTy::I8 | IntTy::I16 | IntTy::I32 | IntTy::I64 | IntTy::Isize
        )
    }

    pub fn bits(self) -> u32 {
        match self {
            IntTy::I8 | IntTy::U8 => 8,
            IntTy::I16 | IntTy::U16 => 16,
            IntTy::I32 | IntTy::U32 => 32,
            _ => 64,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            IntTy::I8 => "i8",
            IntTy::I16 => "i16",
            IntTy::I32 => "i32",
            IntTy::I64 => "i64",
            IntTy::Isize => "isize",
            IntTy::U8 => "u8",
            IntTy::U16 => "u16",
            IntTy::U32 => "u32",
            IntTy::U64 => "u64",
            IntTy::Usize => "usize",
        }
    }

    /// Smallest and largest value as i128.
    pub fn range(self) -> (i128, i128) {
        let bits = self.bits();
        if self.signed() {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        } else {
            (0, (1i128 << bits) - 1)
        }
    }

    pub fn from_name(name: &str) -> Option<IntTy> {
        Some(match name {
            "i8" => IntTy::I8,
            "i16" => IntTy::I16,
            "i32" => IntTy::I32,
            "i64" => IntTy::I64,
            "isize" => IntTy::Isize,
            "u8" => IntTy::U8,
            "u16" => IntTy::U16,
            "u32" => IntTy::U32,
            "u64" => IntTy::U64,
            "usize" => IntTy::Usize,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatTy {
    F32,
    F64,
}

/// A trait, program-wide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraitId(pub u32);

/// A closure expression, program-wide (one per closure in each checked body: a closure
/// in a generic function has one per instance).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClosureId(pub u32);

/// A type parameter: its position in the function's list and its name (for messages).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParamTy {
    pub index: u32,
    pub name: String,
}

/// Inference variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TyVar(pub u32);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    Bool,
    Int(IntTy),
    Float(FloatTy),
    Char,
    Str,
    /// `!`: the type of `panic(..)`, `return`, `break`; unifies with anything.
    Never,
    Vec(Box<Ty>),
    Map(Box<Ty>, Box<Ty>),
    Option(Box<Ty>),
    Result(Box<Ty>, Box<Ty>),
    /// `()` is the empty tuple.
    Tuple(Vec<Ty>),
    /// A user struct or enum with its type arguments (empty unless it is generic:
    /// `Pair[i64, String]`). Field types are the declaration's, with the arguments in
    /// place of its parameters ([`Ty::subst`]).
    Adt(AdtId, Vec<Ty>),
    /// `Box[T]`: one value on the heap (a one-element vector underneath).
    Box(Box<Ty>),
    /// A trait object, `Box[dyn T]` or `&dyn T` (the same value: a handle to one
    /// object of some type that implements the trait).
    Dyn(TraitId),
    Var(TyVar),
    /// A type parameter of the generic function being checked (`T` in
    /// `fn largest[T: Ord]`): opaque, it unifies only with itself, and its values allow
    /// what its bounds allow. Never reaches lowering: generic functions are lowered once
    /// per instance, with their parameters replaced by concrete types.
    Param(ParamTy),
    /// The type of one closure expression (as in Rust, each closure has its own type):
    /// its value is the captured variables' values, its code a function of the module
    /// it was written in. Only type parameters with an `Fn(..)` bound name it.
    Closure(ClosureId),
    /// After an error: unifies with anything, never reported again.
    Error,
}

impl Ty {
    pub fn unit() -> Ty {
        Ty::Tuple(Vec::new())
    }

    /// A struct or enum that is not generic.
    pub fn adt(id: AdtId) -> Ty {
        Ty::Adt(id, Vec::new())
    }

    /// The struct or enum of this type, if it is one.
    pub fn adt_id(&self) -> Option<AdtId> {
        match self {
            Ty::Adt(a, _) => Some(*a),
            _ => None,
        }
    }

    pub fn is_unit(&self) -> bool {
        matches!(self, Ty::Tuple(v) if v.is_empty())
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Ty::Error)
    }

    /// Replaces type parameters by `args[index]` (the types of one instance).
    pub fn subst(&self, args: &[Ty]) -> Ty {
        let sub = |t: &Ty| Box::new(t.subst(args));
        match self {
            Ty::Param(p) => args.get(p.index as usize).cloned().unwrap_or(Ty::Error),
            Ty::Vec(t) => Ty::Vec(sub(t)),
            Ty::Box(t) => Ty::Box(sub(t)),
            Ty::Option(t) => Ty::Option(sub(t)),
            Ty::Map(k, v) => Ty::Map(sub(k), sub(v)),
            Ty::Result(t, e) => Ty::Result(sub(t), sub(e)),
            Ty::Tuple(ts) => Ty::Tuple(ts.iter().map(|t| t.subst(args)).collect()),
            Ty::Adt(a, ts) => Ty::Adt(*a, ts.iter().map(|t| t.subst(args)).collect()),
            t => t.clone(),
        }
    }

    /// Whether a type parameter occurs in the type.
    pub fn has_params(&self) -> bool {
        match self {
            Ty::Param(_) => true,
            Ty::Vec(t) | Ty::Box(t) | Ty::Option(t) => t.has_params(),
            Ty::Map(a, b) | Ty::Result(a, b) => a.has_params() || b.has_params(),
            Ty::Tuple(ts) | Ty::Adt(_, ts) => ts.iter().any(Ty::has_params),
            _ => false,
        }
    }

    /// How deeply the type nests (a guard against instantiating without end).
    pub fn depth(&self) -> usize {
        match self {
            Ty::Vec(t) | Ty::Box(t) | Ty::Option(t) => 1 + t.depth(),
            Ty::Map(a, b) | Ty::Result(a, b) => 1 + a.depth().max(b.depth()),
            Ty::Tuple(ts) | Ty::Adt(_, ts) => 1 + ts.iter().map(Ty::depth).max().unwrap_or(0),
            _ => 0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    /// Any type.
    General,
    /// An integer literal's type: only integer types.
    Int,
    /// A float literal's type: only float types.
    Float,
}

#[derive(Clone, Debug)]
enum VarState {
    Unbound(VarKind),
    Bound(Ty),
}

/// The substitution for one function body.
#[derive(Default, Debug, Clone)]
pub struct Infer {
    vars: Vec<VarState>,
}

impl Infer {
    pub fn fresh(&mut self, kind: VarKind) -> Ty {
        self.vars.push(VarState::Unbound(kind));
        Ty::Var(TyVar(self.vars.len() as u32 - 1))
    }

    /// Follows bound variables at the top level only.
    pub fn shallow(&self, ty: &Ty) -> Ty {
        let mut t = ty.clone();
        while let Ty::Var(v) = t {
            match &self.vars[v.0 as usize] {
                VarState::Bound(b) => t = b.clone(),
                VarState::Unbound(_) => return t,
            }
        }
        t
    }

    pub fn var_kind(&self, ty: &Ty) -> Option<VarKind> {
        match self.shallow(ty) {
            Ty::Var(v) => match self.vars[v.0 as usize] {
                VarState::Unbound(k) => Some(k),
                VarState::Bound(_) => None,
            },
            _ => None,
        }
    }

    /// Substitutes every bound variable, leaving unbound ones.
    pub fn resolve(&self, ty: &Ty) -> Ty {
        match self.shallow(ty) {
            Ty::Vec(t) => Ty::Vec(Box::new(self.resolve(&t))),
            Ty::Box(t) => Ty::Box(Box::new(self.resolve(&t))),
            Ty::Map(k, v) => Ty::Map(Box::new(self.resolve(&k)), Box::new(self.resolve(&v))),
            Ty::Option(t) => Ty::Option(Box::new(self.resolve(&t))),
            Ty::Result(t, e) => Ty::Result(Box::new(self.resolve(&t)), Box::new(self.resolve(&e))),
            Ty::Tuple(ts) => Ty::Tuple(ts.iter().map(|t| self.resolve(t)).collect()),
            Ty::Adt(a, ts) => Ty::Adt(a, ts.iter().map(|t| self.resolve(t)).collect()),
            t => t,
        }
    }

    /// Resolves and replaces unbound literal variables by their defaults (`i32`, `f64`);
    /// other unbound variables become `Error` (the checker reports them where it can).
    pub fn finish(&self, ty: &Ty) -> Ty {
        match self.shallow(ty) {
            Ty::Var(v) => match self.vars[v.0 as usize] {
                VarState::Unbound(VarKind::Int) => Ty::Int(IntTy::I32),
                VarState::Unbound(VarKind::Float) => Ty::Float(FloatTy::F64),
                _ => Ty::Error,
            },
            Ty::Vec(t) => Ty::Vec(Box::new(self.finish(&t))),
            Ty::Box(t) => Ty::Box(Box::new(self.finish(&t))),
            Ty::Map(k, v) => Ty::Map(Box::new(self.finish(&k)), Box::new(self.finish(&v))),
            Ty::Option(t) => Ty::Option(Box::new(self.finish(&t))),
            Ty::Result(t, e) => Ty::Result(Box::new(self.finish(&t)), Box::new(self.finish(&e))),
            Ty::Tuple(ts) => Ty::Tuple(ts.iter().map(|t| self.finish(t)).collect()),
            Ty::Adt(a, ts) => Ty::Adt(a, ts.iter().map(|t| self.finish(t)).collect()),
            t => t,
        }
    }

    /// Binds every unbound literal variable to its default type. Called at points where
    /// the checker needs a concrete type (a method call on `5`, the end of a body).
    pub fn default_literals(&mut self) {
        for i in 0..self.vars.len() {
            if let VarState::Unbound(k) = self.vars[i] {
                match k {
                    VarKind::Int => self.vars[i] = VarState::Bound(Ty::Int(IntTy::I32)),
                    VarKind::Float => self.vars[i] = VarState::Bound(Ty::Float(FloatTy::F64)),
                    VarKind::General => {}
                }
            }
        }
    }

    /// Whether `a` and `b` could be unified, without binding anything.
    pub fn clone_unify(&self, a: &Ty, b: &Ty) -> bool {
        self.clone().unify(a, b)
    }

    fn occurs(&self, v: TyVar, ty: &Ty) -> bool {
        match self.shallow(ty) {
            Ty::Var(w) => w == v,
            Ty::Vec(t) | Ty::Option(t) | Ty::Box(t) => self.occurs(v, &t),
            Ty::Map(a, b) | Ty::Result(a, b) => self.occurs(v, &a) || self.occurs(v, &b),
            Ty::Tuple(ts) | Ty::Adt(_, ts) => ts.iter().any(|t| self.occurs(v, t)),
            _ => false,
        }
    }

    fn bind(&mut self, v: TyVar, kind: VarKind, ty: Ty) -> bool {
        let ok = match (kind, &ty) {
            (VarKind::General, _) => !self.occurs(v, &ty),
            (VarKind::Int, Ty::Int(_)) | (VarKind::Float, Ty::Float(_)) => true,
            (_, Ty::Error) | (_, Ty::Never) => true,
            _ => false,
        };
        if ok && !matches!(ty, Ty::Never) {
            self.vars[v.0 as usize] = VarState::Bound(ty);
        }
        ok
    }

    /// Makes `a` and `b` equal, or returns false (leaving partial bindings, which only
    /// matter for the error message).
    pub fn unify(&mut self, a: &Ty, b: &Ty) -> bool {
        let a = self.shallow(a);
        let b = self.shallow(b);
        match (&a, &b) {
            (Ty::Error, _) | (_, Ty::Error) | (Ty::Never, _) | (_, Ty::Never) => true,
            (Ty::Var(x), Ty::Var(y)) if x == y => true,
            (Ty::Var(x), Ty::Var(y)) => {
                let kx = self.var_kind(&a).unwrap();
                let ky = self.var_kind(&b).unwrap();
                match (kx, ky) {
                    (VarKind::General, _) => self.bind(*x, kx, b.clone()),
                    (_, VarKind::General) => self.bind(*y, ky, a.clone()),
                    (k1, k2) if k1 == k2 => {
                        self.vars[x.0 as usize] = VarState::Bound(b.clone());
                        true
                    }
                    _ => false,
                }
            }
            (Ty::Var(x), _) => {
                let k = self.var_kind(&a).unwrap();
                self.bind(*x, k, b.clone())
            }
            (_, Ty::Var(y)) => {
                let k = self.var_kind(&b).unwrap();
                self.bind(*y, k, a.clone())
            }
            (Ty::Vec(x), Ty::Vec(y))
            | (Ty::Option(x), Ty::Option(y))
            | (Ty::Box(x), Ty::Box(y)) => self.unify(x, y),
            (Ty::Map(k1, v1), Ty::Map(k2, v2)) | (Ty::Result(k1, v1), Ty::Result(k2, v2)) => {
                self.unify(k1, k2) && self.unify(v1, v2)
            }
            (Ty::Tuple(xs), Ty::Tuple(ys)) => {
                xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| self.unify(x, y))
            }
            (Ty::Adt(a, xs), Ty::Adt(b, ys)) => {
                a == b && xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| self.unify(x, y))
            }
            _ => a == b,
        }
    }
}

/// The names of user types, for [`display_ty`].
pub trait TypeNames {
    fn adt_name(&self, id: AdtId) -> String;
    fn trait_name(&self, id: TraitId) -> String;
    fn closure_name(&self, id: ClosureId) -> String {
        format!("{{closure#{}}}", id.0)
    }
}

/// Renders a type for messages (`Vec[i32]`, `{integer}`, `Point`).
pub fn display_ty(ty: &Ty, infer: &Infer, names: &dyn TypeNames) -> String {
    let sub = |t: &Ty| display_ty(t, infer, names);
    match infer.shallow(ty) {
        Ty::Bool => "bool".into(),
        Ty::Int(i) => i.name().into(),
        Ty::Float(FloatTy::F32) => "f32".into(),
        Ty::Float(FloatTy::F64) => "f64".into(),
        Ty::Char => "char".into(),
        Ty::Str => "String".into(),
        Ty::Never => "!".into(),
        Ty::Vec(t) => format!("Vec[{}]", sub(&t)),
        Ty::Map(k, v) => format!("HashMap[{}, {}]", sub(&k), sub(&v)),
        Ty::Option(t) => format!("Option[{}]", sub(&t)),
        Ty::Result(t, e) => format!("Result[{}, {}]", sub(&t), sub(&e)),
        Ty::Tuple(ts) => {
            let parts: Vec<String> = ts.iter().map(sub).collect();
            if ts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        }
        Ty::Adt(id, args) if args.is_empty() => names.adt_name(id),
        Ty::Adt(id, args) => {
            let parts: Vec<String> = args.iter().map(sub).collect();
            format!("{}[{}]", names.adt_name(id), parts.join(", "))
        }
        Ty::Box(t) => format!("Box[{}]", sub(&t)),
        Ty::Dyn(id) => format!("dyn {}", names.trait_name(id)),
        Ty::Param(p) => p.name,
        Ty::Closure(id) => names.closure_name(id),
        Ty::Var(_) => match infer.var_kind(ty) {
            Some(VarKind::Int) => "{integer}".into(),
            Some(VarKind::Float) => "{float}".into(),
            _ => "_".into(),
        },
        Ty::Error => "{unknown}".into(),
    }
}
