//! Automatic state migration: `var`s are matched by name. A `var` whose type is the same
//! is copied; a lossless widening (`i32` to `i64`, `f32` to `f64`, ...) is converted; a
//! struct is migrated field by field (by name, recursively: added fields keep the new
//! version's initial value, removed fields are dropped); a new `var` keeps its
//! initializer; a removed one is dropped. Any other change is refused with a message
//! naming the field and both types.

use dast_bytecode::{layout_of, Layout, Module, TypeDesc, TypeId};

/// How to turn an old value into a new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValuePlan {
    /// Same type: copy every slot.
    Copy,
    /// A scalar widened losslessly (the word is re-canonicalised).
    Widen { from: Scalar, to: Scalar },
    /// A struct: each new field either comes from an old field (by name) or keeps its
    /// initial value.
    Struct(Vec<FieldPlan>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPlan {
    pub new_field: u32,
    /// The old field it comes from, and how; `None` for an added field.
    pub source: Option<(u32, ValuePlan)>,
}

/// Scalar kinds that widening understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    Signed(u8),
    Unsigned(u8),
    F32,
    F64,
}

/// What happens to one `var`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Old global `old` becomes new global `new` through `plan`.
    Carry {
        name: String,
        old: usize,
        new: usize,
        plan: ValuePlan,
    },
    /// A new `var`: it keeps the value its initializer gave it.
    Init { name: String, new: usize },
    /// A removed `var`: its value is dropped.
    Drop { name: String, old: usize },
}

/// Why state cannot be migrated automatically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// `state` or `state.player.hp`.
    pub path: String,
    pub old_ty: String,
    pub new_ty: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot migrate `{}` from `{}` to `{}` automatically; write `__on_unload__() -> Vec[u8]` and `__on_load__(data: Option[Vec[u8]])` hooks to convert it",
            self.path, self.old_ty, self.new_ty
        )
    }
}

/// How a value of type `a` (in `old`) becomes one of type `b` (in `new`), by the rules
/// of `var`s; `path` names the value in a refusal.
pub fn type_plan(
    old: &Module,
    a: TypeId,
    new: &Module,
    b: TypeId,
    path: &str,
) -> Result<ValuePlan, Refusal> {
    Cx { old, new }.value_plan(a, b, path)
}

/// Plans the migration of `old`'s `var`s into `new`'s.
pub fn plan(old: &Module, new: &Module) -> Result<Vec<Action>, Vec<Refusal>> {
    let mut actions = Vec::new();
    let mut refusals = Vec::new();
    for (ni, g) in new.globals.iter().enumerate() {
        match old.globals.iter().position(|o| o.name == g.name) {
            Some(oi) => {
                let cx = Cx { old, new };
                match cx.value_plan(old.globals[oi].ty, g.ty, &g.name) {
                    Ok(plan) => actions.push(Action::Carry {
                        name: g.name.clone(),
                        old: oi,
                        new: ni,
                        plan,
                    }),
                    Err(r) => refusals.push(r),
                }
            }
            None => actions.push(Action::Init {
                name: g.name.clone(),
                new: ni,
            }),
        }
    }
    for (oi, g) in old.globals.iter().enumerate() {
        if !new.globals.iter().any(|n| n.name == g.name) {
            actions.push(Action::Drop {
                name: g.name.clone(),
                old: oi,
            });
        }
    }
    if refusals.is_empty() {
        Ok(actions)
    } else {
        Err(refusals)
    }
}

struct Cx<'m> {
    old: &'m Module,
    new: &'m Module,
}

impl Cx<'_> {
    fn refuse(&self, path: &str, a: TypeId, b: TypeId) -> Refusal {
        Refusal {
            path: path.to_string(),
            old_ty: dast_bytecode::type_name(&self.old.types, a),
            new_ty: dast_bytecode::type_name(&self.new.types, b),
        }
    }

    fn value_plan(&self, a: TypeId, b: TypeId, path: &str) -> Result<ValuePlan, Refusal> {
        let (da, db) = (&self.old.types[a.0 as usize], &self.new.types[b.0 as usize]);
        if self.same(a, b, &mut Vec::new()) {
            return Ok(ValuePlan::Copy);
        }
        if let (Some(from), Some(to)) = (scalar(da), scalar(db)) {
            if widens(from, to) {
                return Ok(ValuePlan::Widen { from, to });
            }
            return Err(self.refuse(path, a, b));
        }
        match (da, db) {
            (
                TypeDesc::Struct {
                    name: na,
                    fields: fa,
                },
                TypeDesc::Struct {
                    name: nb,
                    fields: fb,
                },
            ) if na == nb => {
                let mut plans = Vec::new();
                for (ni, f) in fb.iter().enumerate() {
                    let source = match fa.iter().position(|o| o.name == f.name) {
                        Some(oi) => {
                            let sub = format!("{path}.{}", f.name);
                            Some((oi as u32, self.value_plan(fa[oi].ty, f.ty, &sub)?))
                        }
                        None => None,
                    };
                    plans.push(FieldPlan {
                        new_field: ni as u32,
                        source,
                    });
                }
                Ok(ValuePlan::Struct(plans))
            }
            _ => Err(self.refuse(path, a, b)),
        }
    }

    /// Structural equality across the two type tables.
    fn same(&self, a: TypeId, b: TypeId, seen: &mut Vec<(TypeId, TypeId)>) -> bool {
        if seen.contains(&(a, b)) {
            return true;
        }
        seen.push((a, b));
        let (da, db) = (&self.old.types[a.0 as usize], &self.new.types[b.0 as usize]);
        match (da, db) {
            (TypeDesc::Vec(x), TypeDesc::Vec(y)) | (TypeDesc::Box(x), TypeDesc::Box(y)) => {
                self.same(*x, *y, seen)
            }
            (TypeDesc::Dyn { trait_name: x }, TypeDesc::Dyn { trait_name: y }) => x == y,
            (TypeDesc::Map(k1, v1), TypeDesc::Map(k2, v2)) => {
                self.same(*k1, *k2, seen) && self.same(*v1, *v2, seen)
            }
            (TypeDesc::Tuple(xs), TypeDesc::Tuple(ys)) => {
                xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| self.same(*x, *y, seen))
            }
            (
                TypeDesc::Struct {
                    name: na,
                    fields: fa,
                },
                TypeDesc::Struct {
                    name: nb,
                    fields: fb,
                },
            ) => {
                na == nb
                    && fa.len() == fb.len()
                    && fa
                        .iter()
                        .zip(fb)
                        .all(|(p, q)| p.name == q.name && self.same(p.ty, q.ty, seen))
            }
            (
                TypeDesc::Enum {
                    name: na,
                    variants: va,
                },
                TypeDesc::Enum {
                    name: nb,
                    variants: vb,
                },
            ) => {
                na == nb
                    && va.len() == vb.len()
                    && va.iter().zip(vb).all(|(p, q)| {
                        p.name == q.name
                            && p.fields.len() == q.fields.len()
                            && p.fields
                                .iter()
                                .zip(&q.fields)
                                .all(|(f, g)| f.name == g.name && self.same(f.ty, g.ty, seen))
                    })
            }
            _ => da == db,
        }
    }
}

fn scalar(d: &TypeDesc) -> Option<Scalar> {
    Some(match d {
        TypeDesc::I8 => Scalar::Signed(8),
        TypeDesc::I16 => Scalar::Signed(16),
        TypeDesc::I32 => Scalar::Signed(32),
        TypeDesc::I64 | TypeDesc::Isize => Scalar::Signed(64),
        TypeDesc::U8 => Scalar::Unsigned(8),
        TypeDesc::U16 => Scalar::Unsigned(16),
        TypeDesc::U32 => Scalar::Unsigned(32),
        TypeDesc::U64 | TypeDesc::Usize => Scalar::Unsigned(64),
        TypeDesc::F32 => Scalar::F32,
        TypeDesc::F64 => Scalar::F64,
        _ => return None,
    })
}

/// Whether every value of `from` is exactly representable in `to`.
pub fn widens(from: Scalar, to: Scalar) -> bool {
    match (from, to) {
        (Scalar::Signed(a), Scalar::Signed(b)) | (Scalar::Unsigned(a), Scalar::Unsigned(b)) => {
            a <= b
        }
        (Scalar::Unsigned(a), Scalar::Signed(b)) => a < b,
        (Scalar::F32, Scalar::F64) => true,
        (Scalar::Signed(a) | Scalar::Unsigned(a), Scalar::F64) => a <= 32,
        (Scalar::Signed(a) | Scalar::Unsigned(a), Scalar::F32) => a <= 16,
        _ => false,
    }
}

/// Converts one canonical word. Integer words are already canonical for every wider
/// integer type (sign- or zero-extended); floats change representation.
pub fn widen_word(w: u64, from: Scalar, to: Scalar) -> u64 {
    match (from, to) {
        (Scalar::F32, Scalar::F64) => (f32::from_bits(w as u32) as f64).to_bits(),
        (Scalar::Signed(_), Scalar::F64) => (w as i64 as f64).to_bits(),
        (Scalar::Unsigned(_), Scalar::F64) => (w as f64).to_bits(),
        (Scalar::Signed(_), Scalar::F32) => (w as i64 as f32).to_bits() as u64,
        (Scalar::Unsigned(_), Scalar::F32) => (w as f32).to_bits() as u64,
        _ => w,
    }
}

/// Copies one value from old slots to new slots following `plan`. `old_ty`/`new_ty` give
/// the layouts; the new slots already hold the new version's initial values, which added
/// fields keep.
#[allow(clippy::too_many_arguments)]
pub fn apply_value<R: Clone>(
    plan: &ValuePlan,
    old: &Module,
    old_ty: TypeId,
    new: &Module,
    new_ty: TypeId,
    src: (&[u64], &[R]),
    dst: (&mut [u64], &mut [R]),
) {
    match plan {
        ValuePlan::Copy => {
            dst.0.copy_from_slice(src.0);
            dst.1.clone_from_slice(src.1);
        }
        ValuePlan::Widen { from, to } => dst.0[0] = widen_word(src.0[0], *from, *to),
        ValuePlan::Struct(fields) => {
            let (TypeDesc::Struct { fields: fa, .. }, TypeDesc::Struct { fields: fb, .. }) =
                (&old.types[old_ty.0 as usize], &new.types[new_ty.0 as usize])
            else {
                return;
            };
            for f in fields {
                let Some((oi, sub)) = &f.source else { continue };
                let (os, ol) = field_slots(old, fa, *oi);
                let (ns, nl) = field_slots(new, fb, f.new_field);
                apply_value(
                    sub,
                    old,
                    fa[*oi as usize].ty,
                    new,
                    fb[f.new_field as usize].ty,
                    (
                        &src.0[os.words as usize..(os.words + ol.words) as usize],
                        &src.1[os.refs as usize..(os.refs + ol.refs) as usize],
                    ),
                    (
                        &mut dst.0[ns.words as usize..(ns.words + nl.words) as usize],
                        &mut dst.1[ns.refs as usize..(ns.refs + nl.refs) as usize],
                    ),
                );
            }
        }
    }
}

/// Offset and layout of field `i` of a struct.
fn field_slots(m: &Module, fields: &[dast_bytecode::Field], i: u32) -> (Layout, Layout) {
    let mut off = Layout::ZERO;
    for f in &fields[..i as usize] {
        off = off.plus(layout_of(&m.types, f.ty));
    }
    (off, layout_of(&m.types, fields[i as usize].ty))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dast_bytecode::{Field, Global};

    fn module(types: Vec<TypeDesc>, globals: Vec<(&str, u32)>) -> Module {
        let mut m = Module {
            types,
            ..Default::default()
        };
        let (mut w, mut r) = (0, 0);
        for (name, ty) in globals {
            let l = layout_of(&m.types, TypeId(ty));
            m.globals.push(Global {
                name: name.into(),
                ty: TypeId(ty),
                word_slot: w,
                ref_slot: r,
                is_static: false,
            });
            w += l.words;
            r += l.refs;
        }
        m.global_words = w;
        m.global_refs = r;
        m
    }

    fn state(fields: &[(&str, u32)]) -> TypeDesc {
        TypeDesc::Struct {
            name: "m.State".into(),
            fields: fields
                .iter()
                .map(|(n, t)| Field {
                    name: n.to_string(),
                    ty: TypeId(*t),
                })
                .collect(),
        }
    }

    #[test]
    fn same_types_copy_new_init_removed_drop() {
        let old = module(
            vec![TypeDesc::I32, TypeDesc::Str],
            vec![("count", 0), ("gone", 1)],
        );
        let new = module(
            vec![TypeDesc::I32, TypeDesc::Str],
            vec![("count", 0), ("name", 1)],
        );
        let p = plan(&old, &new).unwrap();
        assert_eq!(
            p,
            vec![
                Action::Carry {
                    name: "count".into(),
                    old: 0,
                    new: 0,
                    plan: ValuePlan::Copy
                },
                Action::Init {
                    name: "name".into(),
                    new: 1
                },
                Action::Drop {
                    name: "gone".into(),
                    old: 1
                },
            ]
        );
    }

    #[test]
    fn widening_is_allowed_narrowing_is_refused() {
        let old = module(vec![TypeDesc::I32, TypeDesc::F32], vec![("a", 0), ("b", 1)]);
        let new = module(vec![TypeDesc::I64, TypeDesc::I16], vec![("a", 0), ("b", 1)]);
        let err = plan(&old, &new).unwrap_err();
        assert_eq!(
            err,
            vec![Refusal {
                path: "b".into(),
                old_ty: "f32".into(),
                new_ty: "i16".into()
            }]
        );
        let new2 = module(vec![TypeDesc::I64, TypeDesc::F64], vec![("a", 0), ("b", 1)]);
        assert!(plan(&old, &new2).is_ok());
    }

    #[test]
    fn struct_fields_migrate_by_name_and_retyped_field_is_named() {
        // State { score: i32, level: i32 } -> State { level: i32, score: i64, lives: i32 }
        let old = module(
            vec![TypeDesc::I32, state(&[("score", 0), ("level", 0)])],
            vec![("state", 1)],
        );
        let new = module(
            vec![
                TypeDesc::I32,
                TypeDesc::I64,
                state(&[("level", 0), ("score", 1), ("lives", 0)]),
            ],
            vec![("state", 2)],
        );
        let p = plan(&old, &new).unwrap();
        let Action::Carry {
            plan: ValuePlan::Struct(fields),
            ..
        } = &p[0]
        else {
            panic!("{p:?}")
        };
        assert_eq!(fields[0].source, Some((1, ValuePlan::Copy)));
        assert!(matches!(
            fields[1].source,
            Some((0, ValuePlan::Widen { .. }))
        ));
        assert_eq!(fields[2].source, None);
        // Apply: old {score: 7, level: 3}; new initial {level: 1, score: 0, lives: 3}.
        let mut words = vec![1u64, 0, 3];
        let mut refs: Vec<()> = vec![];
        apply_value(
            &p[0].plan_of(),
            &old,
            TypeId(1),
            &new,
            TypeId(2),
            (&[7, 3], &[]),
            (&mut words, &mut refs),
        );
        assert_eq!(words, vec![3, 7, 3]);

        let bad = module(
            vec![TypeDesc::Str, state(&[("score", 0), ("level", 0)])],
            vec![("state", 1)],
        );
        let err = plan(&old, &bad).unwrap_err();
        assert_eq!(err[0].path, "state.score");
        assert_eq!(
            (err[0].old_ty.as_str(), err[0].new_ty.as_str()),
            ("i32", "String")
        );
    }

    impl Action {
        fn plan_of(&self) -> ValuePlan {
            match self {
                Action::Carry { plan, .. } => plan.clone(),
                _ => ValuePlan::Copy,
            }
        }
    }

    #[test]
    fn widened_words_convert() {
        assert_eq!(
            widen_word((-5i64) as u64, Scalar::Signed(32), Scalar::Signed(64)),
            (-5i64) as u64
        );
        assert_eq!(
            f64::from_bits(widen_word(
                1.5f32.to_bits() as u64,
                Scalar::F32,
                Scalar::F64
            )),
            1.5
        );
        assert!(!widens(Scalar::Signed(64), Scalar::F64));
        assert!(widens(Scalar::Unsigned(8), Scalar::Signed(16)));
    }
}
