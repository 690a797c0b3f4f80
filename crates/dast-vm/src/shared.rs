//! `@shared static mut` memory: one cell per (module name, static name), owned by the
//! program (or, in release mode, by the native group), outside every version of the
//! module. Every loaded version, a Draining one too, reads and writes the same words
//! through its own table of word pointers ([`SharedTable`]).
//!
//! A cell is reserved at [`SHARED_CELL_WORDS`] words when it is created and never
//! moves, so a version that appends fields only reaches further into the same block:
//! pointers that older versions and their native code hold stay valid. Fresh words are
//! zero, which is the default of every plain-data type a shared static may hold, so
//! appended fields start at their default without running any code.
//!
//! Layout rules (hot-reload.md): a new version may append fields to an `@abi_stable(N)`
//! struct, and must then raise `N`; removing, reordering, renaming or retyping a field is
//! refused, naming the field. [`SharedCells::bind`] checks them against the cell's
//! recorded shape (the widest one activated so far).

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use dast_bytecode::{type_name, FuncId, Module, TypeDesc, TypeId, SHARED_CELL_WORDS};

/// The shape of a shared static's type, as far as the layout rules care: scalar types by
/// name, structs by their fields in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    Scalar(String),
    Struct {
        name: String,
        fields: Vec<(String, Shape)>,
    },
}

impl Shape {
    /// The shape of type `ty` of `m` (a verified module: structs do not contain
    /// themselves, and shared statics hold no references).
    pub fn of(m: &Module, ty: TypeId) -> Shape {
        match &m.types[ty.0 as usize] {
            TypeDesc::Struct { name, fields } => Shape::Struct {
                name: name.clone(),
                fields: fields
                    .iter()
                    .map(|f| (f.name.clone(), Shape::of(m, f.ty)))
                    .collect(),
            },
            _ => Shape::Scalar(type_name(&m.types, ty)),
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Scalar(name) => f.write_str(name),
            Shape::Struct { name, .. } => f.write_str(name),
        }
    }
}

/// Why a version's shared static cannot use the memory earlier versions laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedLayoutError {
    pub module: String,
    pub static_name: String,
    pub message: String,
}

impl fmt::Display for SharedLayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`@shared static {}` of `{}`: {}",
            self.static_name, self.module, self.message
        )
    }
}

/// Checks that a static of shape `new` at ABI version `new_abi` can use memory laid out
/// as `old` at `old_abi`: the same fields in the same order with the same types, then
/// possibly appended ones (which need a higher ABI version).
pub fn check_layout(old: &Shape, old_abi: u32, new: &Shape, new_abi: u32) -> Result<(), String> {
    if new_abi < old_abi {
        return Err(format!(
            "`@abi_stable({new_abi})` is lower than the running layout's `@abi_stable({old_abi})`"
        ));
    }
    let (
        Shape::Struct {
            fields: old_fields, ..
        },
        Shape::Struct {
            fields: new_fields, ..
        },
    ) = (old, new)
    else {
        return match old == new {
            true => Ok(()),
            false => Err(format!("its type changed from `{old}` to `{new}`")),
        };
    };
    for (i, (name, shape)) in old_fields.iter().enumerate() {
        let moved_to = new_fields.iter().position(|(n, _)| n == name);
        match new_fields.get(i) {
            Some((n, s)) if n == name => {
                if s != shape {
                    return Err(format!(
                        "field `{name}` changed type from `{shape}` to `{s}` (existing fields \
                         cannot be retyped; add a new field instead)"
                    ));
                }
            }
            _ => {
                return Err(match moved_to {
                    Some(j) => format!(
                        "field `{name}` moved from position {} to {} (existing fields cannot \
                         be reordered; append new fields at the end)",
                        i + 1,
                        j + 1
                    ),
                    None => format!(
                        "field `{name}` was removed or renamed (existing fields must stay; \
                         append new fields at the end)"
                    ),
                })
            }
        }
    }
    if new_fields.len() > old_fields.len() && new_abi == old_abi {
        let added: Vec<String> = new_fields[old_fields.len()..]
            .iter()
            .map(|(n, _)| format!("`{n}`"))
            .collect();
        return Err(format!(
            "fields {} were appended but the layout's version was not raised: write \
             `@abi_stable({})`",
            added.join(", "),
            old_abi + 1
        ));
    }
    Ok(())
}

/// One shared static's memory and the widest layout activated over it.
struct SharedCell {
    words: Box<[Cell<u64>]>,
    shape: Shape,
    abi: u32,
}

/// Every shared static's memory, by (module name, static name). Cells live as long as
/// their owner (the program or the native group), across every version.
#[derive(Default)]
pub struct SharedCells {
    cells: HashMap<(String, String), SharedCell>,
}

// SAFETY: the cells are plain words; the owner is only used by the thread that holds
// it (a `Program` is used through `&mut`, a native group under its lock).
unsafe impl Send for SharedCells {}

/// One instance's pointers to its shared words (`LoadSh`/`StoreSh` slot `g` reads
/// `*table[g]`), at a fixed address for the instance's life (native code keeps it).
#[derive(Default)]
pub struct SharedTable(Box<[*mut u64]>);

// SAFETY: the pointers point into `SharedCells` of the same owner, used by one thread at
// a time with it (see `SharedCells`).
unsafe impl Send for SharedTable {}
// SAFETY: as for the impl above.
unsafe impl Sync for SharedTable {}

impl SharedTable {
    /// The table's address, for native code (`ModuleData`).
    pub fn as_ptr(&self) -> *const *mut u64 {
        self.0.as_ptr()
    }

    pub(crate) fn get(&self, g: u32) -> *mut u64 {
        self.0[g as usize]
    }

    /// Word `g`, read as an atomic word: the cells are shared by every version and
    /// every thread (each word is atomic; a struct of several words is not).
    #[inline]
    pub(crate) fn load(&self, g: u32) -> u64 {
        // SAFETY: the cell is a live, aligned word the program owns (see `SharedCells`).
        unsafe { AtomicU64::from_ptr(self.get(g)).load(Ordering::Relaxed) }
    }

    #[inline]
    pub(crate) fn store(&self, g: u32, value: u64) {
        // SAFETY: as in `load`.
        unsafe { AtomicU64::from_ptr(self.get(g)).store(value, Ordering::Relaxed) }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What [`SharedCells::bind`] gives an instance: its table and the initializers to run
/// (those of statics whose cell it created).
pub struct SharedBinding {
    pub table: SharedTable,
    pub fresh_inits: Vec<FuncId>,
}

impl SharedCells {
    /// Binds module `m`'s shared statics to their cells, creating the missing ones
    /// (zeroed; their initializers are returned to run). Fails, changing nothing, when a
    /// static's layout cannot use its existing cell.
    pub fn bind(&mut self, m: &Module) -> Result<SharedBinding, SharedLayoutError> {
        self.check(m)?;
        let mut table = vec![std::ptr::null_mut(); m.shared_words as usize];
        let mut fresh_inits = Vec::new();
        for g in &m.shared {
            let key = (m.name.clone(), g.name.clone());
            let cell = self.cells.entry(key).or_insert_with(|| {
                fresh_inits.push(g.init);
                SharedCell {
                    words: (0..SHARED_CELL_WORDS).map(|_| Cell::new(0)).collect(),
                    shape: Shape::of(m, g.ty),
                    abi: g.abi,
                }
            });
            let words = m.layout(g.ty).words;
            for i in 0..words {
                table[(g.slot + i) as usize] = cell.words[i as usize].as_ptr();
            }
        }
        Ok(SharedBinding {
            table: SharedTable(table.into_boxed_slice()),
            fresh_inits,
        })
    }

    /// Checks module `m`'s shared statics against their existing cells.
    pub fn check(&self, m: &Module) -> Result<(), SharedLayoutError> {
        for g in &m.shared {
            let Some(cell) = self.cells.get(&(m.name.clone(), g.name.clone())) else {
                continue;
            };
            check_layout(&cell.shape, cell.abi, &Shape::of(m, g.ty), g.abi).map_err(|message| {
                SharedLayoutError {
                    module: m.name.clone(),
                    static_name: g.name.clone(),
                    message,
                }
            })?;
        }
        Ok(())
    }

    /// Records module `m`'s layouts as the cells' own where they are wider (called when
    /// a version becomes active; a rolled-back older version keeps the wider layout).
    pub fn commit(&mut self, m: &Module) {
        for g in &m.shared {
            let Some(cell) = self.cells.get_mut(&(m.name.clone(), g.name.clone())) else {
                continue;
            };
            if g.abi > cell.abi {
                cell.shape = Shape::of(m, g.ty);
                cell.abi = g.abi;
            }
        }
    }

    /// The current words of a shared static (for tests and queries), or `None`.
    pub fn words(&self, module: &str, name: &str, len: usize) -> Option<Vec<u64>> {
        let cell = self.cells.get(&(module.to_string(), name.to_string()))?;
        Some(
            cell.words[..len.min(cell.words.len())]
                .iter()
                .map(Cell::get)
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(n: &str) -> Shape {
        Shape::Scalar(n.into())
    }

    fn st(fields: &[(&str, &str)]) -> Shape {
        Shape::Struct {
            name: "m.GameState".into(),
            fields: fields
                .iter()
                .map(|(n, t)| (n.to_string(), scalar(t)))
                .collect(),
        }
    }

    #[test]
    fn same_layout_is_fine() {
        let s = st(&[("score", "i32"), ("level", "i32")]);
        assert_eq!(check_layout(&s, 1, &s, 1), Ok(()));
        assert_eq!(check_layout(&scalar("i64"), 0, &scalar("i64"), 0), Ok(()));
    }

    #[test]
    fn append_needs_a_higher_version() {
        let old = st(&[("score", "i32")]);
        let new = st(&[("score", "i32"), ("bonus", "i32")]);
        assert_eq!(check_layout(&old, 1, &new, 2), Ok(()));
        let err = check_layout(&old, 1, &new, 1).unwrap_err();
        assert!(
            err.contains("`bonus`") && err.contains("@abi_stable(2)"),
            "{err}"
        );
    }

    #[test]
    fn reorder_rename_retype_remove_are_refused() {
        let old = st(&[("score", "i32"), ("level", "i32")]);
        let reorder = check_layout(&old, 1, &st(&[("level", "i32"), ("score", "i32")]), 1);
        assert!(reorder
            .unwrap_err()
            .contains("field `score` moved from position 1 to 2"));
        let rename = check_layout(&old, 1, &st(&[("points", "i32"), ("level", "i32")]), 2);
        assert!(rename
            .unwrap_err()
            .contains("field `score` was removed or renamed"));
        let retype = check_layout(&old, 1, &st(&[("score", "i64"), ("level", "i32")]), 2);
        assert!(retype
            .unwrap_err()
            .contains("field `score` changed type from `i32` to `i64`"));
        let remove = check_layout(&old, 1, &st(&[("score", "i32")]), 2);
        assert!(remove.unwrap_err().contains("field `level` was removed"));
        let lower = check_layout(&old, 2, &old, 1);
        assert!(lower.unwrap_err().contains("lower"));
        let scalar_change = check_layout(&scalar("i32"), 0, &scalar("f32"), 0);
        assert!(scalar_change.unwrap_err().contains("from `i32` to `f32`"));
    }
}
