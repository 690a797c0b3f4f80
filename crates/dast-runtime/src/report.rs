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
    /// Freed. [`crate::Registry::modules`] no longer lists it (only the count of
    /// unloaded versions is kept, so a long-running program does not accumulate them).
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
    /// Holds on this version ([`crate::Registry::pin`], a host's module handles): a
    /// replaced version is not unloaded while it has any.
    pub handles: u32,
    /// Calls into it run one thread at a time: it holds `var` state, and a call entering
    /// it holds the version's state lock until it returns (see ARCHITECTURE.md,
    /// "Threads"). Stateless versions run calls from every thread at once.
    pub serialized: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleInfo {
    pub name: String,
    /// The live versions (active and draining), oldest first.
    pub versions: Vec<VersionInfo>,
    /// How many earlier versions were unloaded.
    pub unloaded: u32,
}

/// What became of the replaced version right after a reload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OldState {
    /// Still running calls (or pinned): [`crate::Registry::collect`] frees it later.
    Draining { in_flight: u32 },
    /// Kept for a rollback ([`crate::Registry::set_rollback`]): if the new version
    /// panics within `window_ms`, this one becomes active again; after that it drains.
    KeptForRollback { in_flight: u32, window_ms: u64 },
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
            OldState::KeptForRollback {
                in_flight,
                window_ms,
            } => format!(
                "{} draining ({in_flight} active calls), kept {} for rollback",
                self.from.1,
                seconds(window_ms)
            ),
            OldState::Unloaded => format!("{} unloaded", self.from.1),
        };
        lines.push((Level::Debug, old));
        lines
    }
}

/// `1.5 s`, `10 s`, `250 ms`.
fn seconds(ms: u64) -> String {
    match ms {
        ms if ms < 1000 => format!("{ms} ms"),
        ms if ms % 1000 == 0 => format!("{} s", ms / 1000),
        ms => format!("{:.1} s", ms as f64 / 1000.0),
    }
}

/// A call by name ([`crate::Registry::call`], or `registry.call` in Dast) that failed:
/// the version and function it reached, and the panic with its Dast trace through the
/// callee. The registry has logged it, and rolled back when it could.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallError {
    pub module: String,
    /// The version that was called (0 and an empty label when the module is unknown).
    pub version: u32,
    pub label: String,
    pub function: String,
    /// The message and the trace, innermost frame first.
    pub panic: Panic,
    /// The label of the version made active again because this one panicked.
    pub rolled_back_to: Option<String>,
}

impl CallError {
    /// The trace as `function (file:line:col)` lines, innermost first.
    pub fn trace_lines(&self) -> Vec<String> {
        self.panic
            .trace
            .iter()
            .map(|f| format!("{} ({}:{}:{})", f.function, f.file, f.line, f.col))
            .collect()
    }
}

impl fmt::Display for CallError {
    /// `module 'm' v1.2 panicked in update: MESSAGE` and one `  at ...` line per frame.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Module '{}' {} panicked in {}: {}",
            self.module, self.label, self.function, self.panic
        )
    }
}

impl std::error::Error for CallError {}

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
    /// The old version is stateful and the calls running in it on other threads did not
    /// finish within the reload wait (new calls waited meanwhile, then went on).
    Busy { module: String, waited_ms: u64 },
    /// The new version's `var` initializers panicked.
    Init(Panic),
    /// `__on_unload__` or `__on_load__` panicked (or could not be called).
    Hook { hook: &'static str, panic: Panic },
    /// The module was loaded at run time with limited grants, and the new version needs
    /// more.
    Capability(crate::Refused),
    /// Trait objects of a type of the module are alive, and the new version removes
    /// the type's impl of their trait, changes its methods, or changes the type in a
    /// way its values cannot be migrated.
    TraitObjects {
        module: String,
        /// `impl Plugin for Counter`.
        what: String,
        live: usize,
        /// `removes it`, `changes method ...`, or the migration's refusal.
        change: String,
    },
    /// The host calls `function` by name (`registry.call` or the Rust API, first from
    /// `caller`) and the new version removes it or changes its signature.
    HostCall {
        module: String,
        function: String,
        caller: String,
        /// `removes it`, or `changes its signature from (f32) -> () to (i32) -> ()`.
        change: String,
    },
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
            ReloadError::Busy { module, waited_ms } => write!(
                f,
                "the calls running in module `{module}` did not finish within {waited_ms} ms; \
                 its state cannot be handed over"
            ),
            ReloadError::Init(p) => {
                write!(f, "the new version's initializers panicked: {}", p.message)
            }
            ReloadError::Hook { hook, panic } => {
                write!(f, "`{hook}` panicked: {}", panic.message)
            }
            ReloadError::Capability(r) => write!(f, "the new version: {r}"),
            ReloadError::TraitObjects {
                module,
                what,
                live,
                change,
            } => write!(
                f,
                "{live} trait object{} of `{what}` (module `{module}`) {} alive and the new \
                 version {change}; keep the impl compatible, or drop those objects before \
                 reloading",
                if *live == 1 { "" } else { "s" },
                if *live == 1 { "is" } else { "are" }
            ),
            ReloadError::HostCall {
                module,
                function,
                caller,
                change,
            } => write!(
                f,
                "the host calls `{module}.{function}` by name (from {caller}) and the new \
                 version {change}; keep `{function}` as it was, or restart the program"
            ),
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
