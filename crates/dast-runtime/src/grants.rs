//! What a host lets the modules it loads at run time do ([`Grants`]), checked when a
//! module is loaded and when it is reloaded (a new version cannot gain capabilities),
//! never at each call.

use std::collections::BTreeSet;
use std::fmt;

use dast_bytecode::{needs, Capability, Module};

/// Capabilities and other modules' functions a loaded module may use. `dast run`
/// grants everything; a host loading code it did not write lists what it allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grants {
    /// `None`: every capability.
    capabilities: Option<BTreeSet<Capability>>,
    /// `None`: every function of every module; else `module.function` or `module.*`.
    imports: Option<BTreeSet<String>>,
}

impl Default for Grants {
    fn default() -> Grants {
        Grants::all()
    }
}

impl Grants {
    /// Everything (what `dast run` grants).
    pub fn all() -> Grants {
        Grants {
            capabilities: None,
            imports: None,
        }
    }

    /// Nothing: pure computation only, no calls into other modules.
    pub fn none() -> Grants {
        Grants {
            capabilities: Some(BTreeSet::new()),
            imports: Some(BTreeSet::new()),
        }
    }

    /// Grants from lists: `None` grants every capability, or every function.
    pub fn from_lists(
        capabilities: Option<Vec<Capability>>,
        imports: Option<Vec<String>>,
    ) -> Grants {
        Grants {
            capabilities: capabilities.map(|c| c.into_iter().collect()),
            imports: imports.map(|i| i.into_iter().collect()),
        }
    }

    /// These grants and `c`.
    pub fn with(mut self, c: Capability) -> Grants {
        if let Some(set) = &mut self.capabilities {
            set.insert(c);
        }
        self
    }

    /// These grants and calls of `function` (`module.function`, or `module.*` for every
    /// function of the module).
    pub fn with_import(mut self, function: &str) -> Grants {
        if let Some(set) = &mut self.imports {
            set.insert(function.to_string());
        }
        self
    }

    fn allows_import(&self, name: &str) -> bool {
        let Some(set) = &self.imports else {
            return true;
        };
        let module = name.rsplit_once('.').map_or("", |(m, _)| m);
        set.contains(name) || set.contains(&format!("{module}.*"))
    }

    /// Whether `m` may be loaded: everything its code needs is granted.
    pub fn check(&self, m: &Module) -> Result<(), Refused> {
        let needs = needs(m);
        for (c, at) in &needs.capabilities {
            if self
                .capabilities
                .as_ref()
                .is_some_and(|set| !set.contains(c))
            {
                return Err(Refused {
                    module: m.name.clone(),
                    missing: format!("the `{c}` capability"),
                    function: at.function.clone(),
                    what: at.what.clone(),
                });
            }
        }
        for (name, at) in &needs.imports {
            if !self.allows_import(name) {
                return Err(Refused {
                    module: m.name.clone(),
                    missing: format!("`{name}`"),
                    function: at.function.clone(),
                    what: at.what.clone(),
                });
            }
        }
        Ok(())
    }
}

/// A module that needs something its host does not grant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub module: String,
    /// "the `sleep` capability", or "`game.update`".
    pub missing: String,
    /// The function whose code needs it, and what it calls.
    pub function: String,
    pub what: String,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "module `{}` needs {} (`{}` calls `{}`), which its host does not grant",
            self.module, self.missing, self.function, self.what
        )
    }
}

impl std::error::Error for Refused {}
