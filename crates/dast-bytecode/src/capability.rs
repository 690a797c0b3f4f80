//! What a module may do beyond computing: its *capabilities*, read off its code before
//! it runs. Everything else a module can do (arithmetic, strings, collections, calls
//! within itself, panics) touches nothing outside the call; these reach the process,
//! the clock, or the program's other modules. A host that loads code it did not write
//! grants some of them and refuses a module needing more when it is loaded, not at
//! each call.

use std::collections::BTreeSet;
use std::fmt;

use crate::inst::{Inst, Intrinsic};
use crate::module::Module;

/// One kind of effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    /// `print`, `println`, `eprint`, `eprintln`: write to the process's output.
    Print,
    /// `now_ms`: read the clock.
    Time,
    /// `sleep`: block the calling thread.
    Sleep,
    /// `exit`: end the process.
    Exit,
    /// `ModuleRegistry`: load, reload and call modules, read versions.
    Registry,
    /// `load_bytecode`, `read_dir`: load modules and read directories.
    Load,
}

impl Capability {
    pub const ALL: [Capability; 6] = [
        Capability::Print,
        Capability::Time,
        Capability::Sleep,
        Capability::Exit,
        Capability::Registry,
        Capability::Load,
    ];

    /// The name hosts and `dast.toml` use (`print`, `time`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Capability::Print => "print",
            Capability::Time => "time",
            Capability::Sleep => "sleep",
            Capability::Exit => "exit",
            Capability::Registry => "registry",
            Capability::Load => "load",
        }
    }

    pub fn from_name(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The capability an intrinsic needs, if any.
    pub fn of(op: Intrinsic) -> Option<Capability> {
        use Intrinsic::*;
        Some(match op {
            Print | Println | Eprintln => Capability::Print,
            NowMs => Capability::Time,
            Sleep => Capability::Sleep,
            Exit => Capability::Exit,
            RegistryLoad | RegistryHasUpdate | RegistryReload | RegistryCall
            | RegistryGetVersion | RegistryModules => Capability::Registry,
            LoadBytecode | ReadDir | Instantiate => Capability::Load,
            _ => return None,
        })
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a module first uses a capability or reaches another module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    /// The function whose code does it.
    pub function: String,
    /// `println`, `sleep`, or `game.update` for an import.
    pub what: String,
}

/// What a module needs: each capability (with its first use) and each function of
/// another module it calls (`module.function`, with its first caller).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    pub capabilities: Vec<(Capability, Use)>,
    pub imports: Vec<(String, Use)>,
}

impl Needs {
    pub fn capability_set(&self) -> BTreeSet<Capability> {
        self.capabilities.iter().map(|(c, _)| *c).collect()
    }
}

/// Reads what `m` needs off its code.
pub fn needs(m: &Module) -> Needs {
    let mut out = Needs::default();
    for f in &m.functions {
        for inst in &f.code {
            match *inst {
                Inst::Intrinsic { op, .. } => {
                    if let Some(c) = Capability::of(op) {
                        if !out.capabilities.iter().any(|(k, _)| *k == c) {
                            let what = dast_name(op).to_string();
                            out.capabilities.push((c, use_in(&f.name, what)));
                        }
                    }
                }
                Inst::CallImport { import, .. } => {
                    let Some(imp) = m.imports.get(import.0 as usize) else {
                        continue;
                    };
                    let name = format!("{}.{}", imp.module, imp.name);
                    if !out.imports.iter().any(|(n, _)| *n == name) {
                        out.imports.push((name.clone(), use_in(&f.name, name)));
                    }
                }
                _ => {}
            }
        }
    }
    out.capabilities.sort_by_key(|(c, _)| *c);
    out.imports.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// How Dast code writes the operation of a capability's intrinsic.
fn dast_name(op: Intrinsic) -> &'static str {
    use Intrinsic::*;
    match op {
        Print => "print",
        Println => "println",
        Eprintln => "eprintln",
        NowMs => "now_ms",
        Sleep => "sleep",
        Exit => "exit",
        RegistryLoad => "registry.load_module",
        RegistryHasUpdate => "registry.has_update",
        RegistryReload => "registry.reload_module",
        RegistryCall => "registry.call",
        RegistryGetVersion => "registry.get_version",
        RegistryModules => "registry.modules",
        LoadBytecode => "load_bytecode",
        ReadDir => "read_dir",
        Instantiate => "instantiate",
        _ => "an operation",
    }
}

fn use_in(function: &str, what: String) -> Use {
    Use {
        function: function.to_string(),
        what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Capability::ALL {
            assert_eq!(Capability::from_name(c.name()), Some(c));
        }
        assert_eq!(Capability::from_name("network"), None);
    }

    #[test]
    fn pure_intrinsics_need_nothing() {
        assert_eq!(Capability::of(Intrinsic::VecSort), None);
        assert_eq!(Capability::of(Intrinsic::Serialize), None);
        assert_eq!(Capability::of(Intrinsic::Println), Some(Capability::Print));
        assert_eq!(
            Capability::of(Intrinsic::RegistryCall),
            Some(Capability::Registry)
        );
    }
}
