//! `dast.toml`: the project manifest, with its build profiles.
//!
//! ```toml
//! [package]
//! name = "game"
//!
//! [profile.dev]            # defaults: hot-reload = true, bytecode = true, opt-level = 0
//! [profile.release]        # defaults: hot-reload = false, bytecode = false, opt-level = 3, lto = true
//! [profile.hybrid]         # defaults: hot-reload = true (modules: bytecode = true, opt-level = 1)
//! hot-reload = true
//!
//! rollback = true          # dev and hybrid: a reloaded version that panics within
//! rollback-window-ms = 10000  # this many ms is replaced by the version before it
//!
//! [profile.hybrid.module.core]     # a module, or a folder of modules
//! bytecode = false
//! opt-level = 3
//!
//! [profile.hybrid.module.plugins]  # covers plugins.greeter, plugins.x.y ...
//! bytecode = true
//! opt-level = 1
//! ```
//!
//! `lto` (release): modules are compiled together, so calls between modules can be direct
//! and small functions inlined across modules; a module built with `lto` cannot be
//! reloaded alone. Unknown keys and bad values are errors naming the key and its line.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

/// The parsed manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub package: Package,
    #[serde(default)]
    pub profile: Profiles,
    /// What modules the program loads at run time may do.
    #[serde(default)]
    pub plugins: Option<PluginsTable>,
    /// Limits of each call `dast run` makes (`--fuel`, `--timeout`, `--heap-limit`
    /// override them).
    #[serde(default)]
    pub limits: Option<LimitsTable>,
}

/// `[limits]`: what `dast run` lets `main` (and each call from the host) spend.
///
/// ```toml
/// [limits]
/// fuel = 100000000   # jumps and calls
/// timeout = 2.5      # seconds
/// heap = "256M"      # bytes, or with K, M, G
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsTable {
    pub fuel: Option<u64>,
    pub timeout: Option<Spanned<f64>>,
    pub heap: Option<Spanned<String>>,
}

impl LimitsTable {
    /// The heap limit in bytes (checked when the manifest was read).
    pub fn heap_bytes(&self) -> Option<usize> {
        self.heap
            .as_ref()
            .and_then(|h| parse_size(h.get_ref()).ok())
    }

    /// The time limit in seconds (checked when the manifest was read).
    pub fn timeout_seconds(&self) -> Option<f64> {
        self.timeout.as_ref().map(|t| *t.get_ref())
    }
}

/// A size in bytes: digits, optionally followed by K, M or G (powers of 1024; a
/// trailing `B` or `iB` is allowed: `64M`, `64MiB`, `1g`).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let lower = text.trim().to_ascii_lowercase();
    let body = lower
        .strip_suffix("ib")
        .or_else(|| lower.strip_suffix('b'))
        .unwrap_or(&lower);
    let (digits, shift) = match body.chars().last() {
        Some('k') => (&body[..body.len() - 1], 10),
        Some('m') => (&body[..body.len() - 1], 20),
        Some('g') => (&body[..body.len() - 1], 30),
        _ => (body, 0),
    };
    let n: usize = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a size (write bytes, or 512K, 64M, 2G)"))?;
    n.checked_mul(1usize << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// `[plugins]`: the grants of modules loaded at run time (`load_bytecode`).
///
/// ```toml
/// [plugins]
/// capabilities = ["print", "time"]   # of print, time, sleep, exit, registry, load
/// imports = ["main.log", "util.*"]   # other modules' functions they may call
/// ```
///
/// A missing key grants everything of its kind; an empty list, nothing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginsTable {
    pub capabilities: Option<Vec<Spanned<String>>>,
    pub imports: Option<Vec<String>>,
}

impl PluginsTable {
    /// The capabilities granted, `None` for all.
    pub fn capability_list(&self) -> Option<Vec<dast_bytecode::Capability>> {
        let names = self.capabilities.as_ref()?;
        Some(
            names
                .iter()
                .filter_map(|n| dast_bytecode::Capability::from_name(n.get_ref()))
                .collect(),
        )
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub name: String,
    #[serde(default = "default_version")]
    pub version: String,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub edition: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

fn default_version() -> String {
    "0.1.0".into()
}

/// The three profiles of the seed; any other name is an error.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profiles {
    pub dev: Option<ProfileTable>,
    pub release: Option<ProfileTable>,
    pub hybrid: Option<ProfileTable>,
}

/// A `[profile.NAME]` table as written (missing keys take the profile's defaults).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProfileTable {
    pub hot_reload: Option<bool>,
    pub bytecode: Option<bool>,
    pub opt_level: Option<Spanned<i64>>,
    pub lto: Option<bool>,
    pub rollback: Option<bool>,
    pub rollback_window_ms: Option<u64>,
    #[serde(default)]
    pub module: BTreeMap<String, ModuleTable>,
}

/// A `[profile.NAME.module.PATH]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ModuleTable {
    pub hot_reload: Option<bool>,
    pub bytecode: Option<bool>,
    pub opt_level: Option<Spanned<i64>>,
}

/// Build settings of one module under one profile, after defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleSettings {
    pub hot_reload: bool,
    pub bytecode: bool,
    pub opt_level: u8,
    pub lto: bool,
}

/// A profile with its defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    /// Settings of modules without a `module` table.
    pub base: ModuleSettings,
    /// Per-module overrides, by module or folder name.
    pub modules: BTreeMap<String, ModuleSettings>,
    /// With hot reload: how long a replaced version is kept to roll back to if the new
    /// one panics (`None`: no rollback).
    pub rollback: Option<Duration>,
}

/// How long a replaced version is kept for rollback unless the manifest says.
pub const DEFAULT_ROLLBACK_WINDOW: Duration = Duration::from_secs(10);

impl Profile {
    /// Profile `name` as the seed defines it, for programs without a manifest (a
    /// single file) or a manifest without that profile's table.
    pub fn seed_default(name: &str) -> Option<Profile> {
        let base = match name {
            "dev" => DEV,
            "release" => RELEASE,
            "hybrid" => HYBRID,
            _ => return None,
        };
        Some(Profile {
            name: name.to_string(),
            rollback: base.hot_reload.then_some(DEFAULT_ROLLBACK_WINDOW),
            base,
            modules: BTreeMap::new(),
        })
    }

    /// The profile with `hot-reload` forced on for every module (`--hot-reload`).
    pub fn with_hot_reload(mut self) -> Profile {
        self.base.hot_reload = true;
        for settings in self.modules.values_mut() {
            settings.hot_reload = true;
        }
        self
    }

    /// The settings of module `name`: the table of the module itself or of its closest
    /// enclosing folder (`plugins` covers `plugins.greeter`), else the profile's.
    pub fn for_module(&self, name: &str) -> ModuleSettings {
        let mut prefix = name;
        loop {
            if let Some(s) = self.modules.get(prefix) {
                return *s;
            }
            match prefix.rsplit_once('.') {
                Some((head, _)) => prefix = head,
                None => return self.base,
            }
        }
    }
}

/// A manifest that could not be read: the message names the key and line.
#[derive(Debug)]
pub struct ManifestError(pub String);

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Manifest {
    pub fn parse(text: &str, path: &str) -> Result<Manifest, ManifestError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let m: Manifest = toml::from_str(text).map_err(|e| {
            let loc = e
                .span()
                .map(|s| format!(":{}", line_of(s.start)))
                .unwrap_or_default();
            ManifestError(format!("{path}{loc}: {}", e.message()))
        })?;
        m.check_opt_levels(|offset| format!("{path}:{}", line_of(offset)))?;
        m.check_capabilities(|offset| format!("{path}:{}", line_of(offset)))?;
        m.check_limits(|offset| format!("{path}:{}", line_of(offset)))?;
        Ok(m)
    }

    fn check_limits(&self, at: impl Fn(usize) -> String) -> Result<(), ManifestError> {
        let Some(limits) = &self.limits else {
            return Ok(());
        };
        if let Some(heap) = &limits.heap {
            parse_size(heap.get_ref()).map_err(|e| {
                ManifestError(format!(
                    "{}: invalid `heap` in `[limits]`: {e}",
                    at(heap.span().start)
                ))
            })?;
        }
        if let Some(t) = &limits.timeout {
            if !(t.get_ref().is_finite() && *t.get_ref() >= 0.0) {
                return Err(ManifestError(format!(
                    "{}: invalid `timeout` in `[limits]`: expected seconds (a number >= 0)",
                    at(t.span().start)
                )));
            }
        }
        Ok(())
    }

    fn check_capabilities(&self, at: impl Fn(usize) -> String) -> Result<(), ManifestError> {
        let names = self
            .plugins
            .iter()
            .flat_map(|p| p.capabilities.iter().flatten());
        for name in names {
            if dast_bytecode::Capability::from_name(name.get_ref()).is_none() {
                let known: Vec<&str> = dast_bytecode::Capability::ALL
                    .iter()
                    .map(|c| c.name())
                    .collect();
                return Err(ManifestError(format!(
                    "{}: unknown capability `{}` in `[plugins]`: expected one of {}",
                    at(name.span().start),
                    name.get_ref(),
                    known.join(", ")
                )));
            }
        }
        Ok(())
    }

    fn check_opt_levels(&self, at: impl Fn(usize) -> String) -> Result<(), ManifestError> {
        let profiles = [
            &self.profile.dev,
            &self.profile.release,
            &self.profile.hybrid,
        ];
        let tables = profiles.into_iter().flatten();
        let levels = tables.flat_map(|t| {
            std::iter::once(&t.opt_level).chain(t.module.values().map(|m| &m.opt_level))
        });
        for level in levels.flatten() {
            if !(0..=3).contains(level.get_ref()) {
                return Err(ManifestError(format!(
                    "{}: invalid value {} for `opt-level`: expected 0, 1, 2 or 3",
                    at(level.span().start),
                    level.get_ref()
                )));
            }
        }
        Ok(())
    }

    /// Profile `name` (`dev`, `release`, `hybrid`) with the seed's defaults for what the
    /// manifest does not say.
    pub fn profile(&self, name: &str) -> Option<Profile> {
        let (table, defaults) = match name {
            "dev" => (&self.profile.dev, DEV),
            "release" => (&self.profile.release, RELEASE),
            "hybrid" => (&self.profile.hybrid, HYBRID),
            _ => return None,
        };
        let table = table.clone().unwrap_or_default();
        let base = ModuleSettings {
            hot_reload: table.hot_reload.unwrap_or(defaults.hot_reload),
            bytecode: table.bytecode.unwrap_or(defaults.bytecode),
            opt_level: table
                .opt_level
                .as_ref()
                .map_or(defaults.opt_level, |l| *l.get_ref() as u8),
            lto: table.lto.unwrap_or(defaults.lto),
        };
        let modules = table
            .module
            .iter()
            .map(|(path, m)| {
                let s = ModuleSettings {
                    hot_reload: m.hot_reload.unwrap_or(base.hot_reload),
                    bytecode: m.bytecode.unwrap_or(base.bytecode),
                    opt_level: m
                        .opt_level
                        .as_ref()
                        .map_or(base.opt_level, |l| *l.get_ref() as u8),
                    lto: base.lto,
                };
                (path.clone(), s)
            })
            .collect();
        let window = table
            .rollback_window_ms
            .map_or(DEFAULT_ROLLBACK_WINDOW, Duration::from_millis);
        // Rollback is on by default where hot reload is (dev, hybrid).
        let rollback = table.rollback.unwrap_or(defaults.hot_reload);
        Some(Profile {
            name: name.to_string(),
            base,
            modules,
            rollback: rollback.then_some(window),
        })
    }
}

const DEV: ModuleSettings = ModuleSettings {
    hot_reload: true,
    bytecode: true,
    opt_level: 0,
    lto: false,
};
const RELEASE: ModuleSettings = ModuleSettings {
    hot_reload: false,
    bytecode: false,
    opt_level: 3,
    lto: true,
};
/// Hybrid: hot reload on; modules without a table are bytecode at opt-level 1, as the
/// seed's `plugins` table.
const HYBRID: ModuleSettings = ModuleSettings {
    hot_reload: true,
    bytecode: true,
    opt_level: 1,
    lto: false,
};

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = r#"
[package]
name = "game"

[profile.dev]
hot-reload = true
bytecode = true
opt-level = 0

[profile.release]
hot-reload = false
bytecode = false
opt-level = 3
lto = true

[profile.hybrid]
hot-reload = true

[profile.hybrid.module.core]
bytecode = false
opt-level = 3

[profile.hybrid.module.plugins]
bytecode = true
opt-level = 1
"#;

    #[test]
    fn reads_package() {
        let m = Manifest::parse("[package]\nname = \"demo\"\n", "dast.toml").unwrap();
        assert_eq!(m.package.name, "demo");
    }

    #[test]
    fn reports_line_of_bad_key() {
        let err = Manifest::parse("[package]\nname = \"x\"\nnme = 3\n", "dast.toml").unwrap_err();
        assert!(err.0.starts_with("dast.toml:3"), "{}", err.0);
        assert!(err.0.contains("nme"), "{}", err.0);
    }

    #[test]
    fn reads_the_seeds_profiles_and_module_tables() {
        let m = Manifest::parse(SEED, "dast.toml").unwrap();
        let hybrid = m.profile("hybrid").unwrap();
        let core = hybrid.for_module("core");
        assert_eq!(
            (core.bytecode, core.opt_level, core.hot_reload),
            (false, 3, true)
        );
        let greeter = hybrid.for_module("plugins.greeter");
        assert_eq!((greeter.bytecode, greeter.opt_level), (true, 1));
        assert_eq!(hybrid.for_module("main"), HYBRID);
        let release = m.profile("release").unwrap().for_module("core");
        assert_eq!(
            (
                release.hot_reload,
                release.bytecode,
                release.opt_level,
                release.lto
            ),
            (false, false, 3, true)
        );
    }

    #[test]
    fn missing_tables_take_the_seeds_defaults() {
        let m = Manifest::parse("[package]\nname = \"x\"\n", "dast.toml").unwrap();
        assert_eq!(m.profile("dev").unwrap().base, DEV);
        assert_eq!(m.profile("release").unwrap().base, RELEASE);
        assert!(m.profile("fast").is_none());
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key_and_line() {
        let cases = [
            (
                "[package]\nname = \"x\"\n[profile.dev]\nhot_reload = true\n",
                ":4",
                "hot_reload",
            ),
            (
                "[package]\nname = \"x\"\n[profile.dev]\nbytecode = \"yes\"\n",
                ":4",
                "bool",
            ),
            ("[package]\nname = \"x\"\n[profile.turbo]\n", ":3", "turbo"),
            (
                "[package]\nname = \"x\"\n[profile.release]\nopt-level = 7\n",
                ":4",
                "opt-level",
            ),
            (
                "[package]\nname = \"x\"\n[profile.hybrid.module.core]\nlto = true\n",
                ":4",
                "lto",
            ),
        ];
        for (text, line, word) in cases {
            let err = Manifest::parse(text, "dast.toml").unwrap_err().0;
            assert!(err.starts_with(&format!("dast.toml{line}")), "{err}");
            assert!(err.contains(word), "{err}");
        }
    }
}
