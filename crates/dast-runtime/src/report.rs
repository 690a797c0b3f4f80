//! What the registry tells its host: versions, reload reports, events and errors.

use std::fmt;

use dast_vm::{LinkError, Panic};

use crate::migrate::Refusal;

/// The life of a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionState {
    /// Calls entering the module from outside run this version.
    Active,
    /// Replaced, but calls still run in it (or it is pinned): it is freed once they end.
    Draining,
    /// Freed; kept in the listing so the history stays visible.
    Unloaded,
}

/// One version of a module, as [`crate::Registry::modules`] lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionInfo {
    pub number: u32,
    pub label: String,
    pub state: VersionState,
    /// Calls running in this version now.
    pub in_flight: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleInfo {
    pub name: String,
    /// Oldest first.
    pub versions: Vec<VersionInfo>,
}

/// What became of the replaced version right after a reload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OldState {
    /// Still running calls (or pinned): [`crate::Registry::collect`] frees it later.
    Draining { in_flight: u32 },
    /// Freed at once.
    Unloaded,
}

/// A successful reload. With [`ReloadReport::log_lines`] a host prints the log the
/// design promises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReloadReport {
    pub module: String,
    /// (number, label) of the replaced version.
    pub from: (u32, String),
    /// (number, label) of the new, now active version.
    pub to: (u32, String),
    pub old_state: OldState,
    /// `var`s carried over automatically.
    pub migrated: Vec<String>,
    /// `var`s of the old version the new one no longer has.
    pub dropped: Vec<String>,
    /// `var`s new in this version (they keep their initializer's value).
    pub initialized: Vec<String>,
    /// State went through `__on_unload__`/`__on_load__`.
    pub used_hooks: bool,
}

/// Log severities, least severe first: of [`ReloadReport::log_lines`],
/// [`Event::log_line`] and the lines a [`crate::LogSink`] gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    /// `DEBUG`, `INFO`, `WARN`, `ERROR`: the tag of a log line (`[INFO] ...`).
    pub fn tag(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl ReloadReport {
    /// `[INFO] Module 'game_logic' reloaded (v1.0 -> v1.1)`, then at debug level the
    /// dropped `var`s and what became of the old version.
    pub fn log_lines(&self) -> Vec<(Level, String)> {
        let mut lines = vec![(
            Level::Info,
            format!(
                "Module '{}' reloaded ({} -> {})",
                self.module, self.from.1, self.to.1
            ),
        )];
        for name in &self.dropped {
            lines.push((Level::Debug, format!("var '{name}' dropped")));
        }
        let old = match self.old_state {
            OldState::Draining { in_flight } => {
                format!("{} draining ({in_flight} active calls)", self.from.1)
            }
            OldState::Unloaded => format!("{} unloaded", self.from.1),
        };
        lines.push((Level::Debug, old));
        lines
    }
}

/// Something that happened after a reload, reported by [`crate::Registry::collect`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A draining version finished its last call (and was unpinned) and was freed.
    Unloaded {
        module: String,
        number: u32,
        label: String,
    },
}

impl Event {
    /// `[DEBUG] v1.0 unloaded`.
    pub fn log_line(&self) -> (Level, String) {
        match self {
            Event::Unloaded { label, .. } => (Level::Debug, format!("{label} unloaded")),
        }
    }
}

/// Why a reload was refused. Nothing changed: the old version is still active with its
/// state. The `Display` text is one line, meant to follow
/// "Reload of 'name' refused: ".
#[derive(Clone, Debug, PartialEq)]
pub enum ReloadError {
    /// No module of that name is loaded.
    UnknownModule(String),
    /// The new version failed verification or its imports do not resolve.
    Link(Box<LinkError>),
    /// A loaded module calls a function the new version changed or removed.
    Incompatible(Box<LinkError>),
    /// A `var` cannot be migrated automatically (and there are no hooks).
    State(Vec<Refusal>),
    /// The old version is stateful and calls are running in it, so its state cannot be
    /// handed over without losing their updates.
    InFlight { module: String, calls: u32 },
    /// The new version's `var` initializers panicked.
    Init(Panic),
    /// `__on_unload__` or `__on_load__` panicked (or could not be called).
    Hook { hook: &'static str, panic: Panic },
}

impl fmt::Display for ReloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReloadError::UnknownModule(m) => write!(f, "no module `{m}` is loaded"),
            ReloadError::Link(e) | ReloadError::Incompatible(e) => write!(f, "{e}"),
            ReloadError::State(refusals) => {
                let all: Vec<String> = refusals.iter().map(|r| r.to_string()).collect();
                f.write_str(&all.join("; "))
            }
            ReloadError::InFlight { module, calls } => write!(
                f,
                "module `{module}` has {calls} calls in flight; state cannot be handed over"
            ),
            ReloadError::Init(p) => {
                write!(f, "the new version's initializers panicked: {}", p.message)
            }
            ReloadError::Hook { hook, panic } => {
                write!(f, "`{hook}` panicked: {}", panic.message)
            }
        }
    }
}

impl std::error::Error for ReloadError {}

/// A version a call or pin names that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionError {
    UnknownModule(String),
    UnknownVersion { module: String, number: u32 },
    Unloaded { module: String, number: u32 },
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionError::UnknownModule(m) => write!(f, "no module `{m}` is loaded"),
            VersionError::UnknownVersion { module, number } => {
                write!(f, "module `{module}` has no version {number}")
            }
            VersionError::Unloaded { module, number } => {
                write!(f, "version {number} of `{module}` is unloaded")
            }
        }
    }
}

impl std::error::Error for VersionError {}

/// Why a registry could not start.
#[derive(Clone, Debug, PartialEq)]
pub enum StartError {
    Link(Box<LinkError>),
    /// A module's `var` initializers panicked.
    Init(Panic),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Link(e) => write!(f, "{e}"),
            StartError::Init(p) => write!(f, "initialization panicked: {}", p.message),
        }
    }
}

impl std::error::Error for StartError {}
