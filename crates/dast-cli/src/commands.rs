//! The subcommands. Exit status: 0 success, 1 compile (or usage) errors, 101 a panic,
//! 141 stdout or stderr closed by its reader (`out.rs`).

use std::path::Path;

use dast_compiler::{Compiled, Profile, RealFs};

use crate::hot::{self, Log};
use crate::out::{errln, outln};
use crate::release;
use crate::render;
use crate::{LogLevel, Mode};
use dast_runtime::{Level, Registry};

pub const EXIT_OK: u8 = 0;
pub const EXIT_COMPILE_ERROR: u8 = 1;
pub const EXIT_PANIC: u8 = 101;

/// Compiles a program to run: as [`compile`], and it must have a `main` module with
/// `fn main()` (E0601 otherwise); the module's name is returned beside the result.
pub(crate) fn compile_runnable(path: &Path) -> Result<(Compiled, String), u8> {
    let c = compile(path)?;
    let Some(entry) = c.program.entry.clone() else {
        errln!("error: no `main` module: add `src/main.dast` with `fn main()`");
        return Err(EXIT_COMPILE_ERROR);
    };
    if let Some(d) = dast_compiler::main_error(&c) {
        render::emit_stderr(&c.sources, &[d]);
        return Err(EXIT_COMPILE_ERROR);
    }
    Ok((c, entry))
}

/// Compiles, rendering diagnostics on failure. A program without `main` (a library
/// module, a project without `src/main.dast`) compiles: only running needs `main`.
pub(crate) fn compile(path: &Path) -> Result<Compiled, u8> {
    match dast_compiler::compile(&RealFs, path) {
        Err(e) => {
            errln!("error: {e}");
            Err(EXIT_COMPILE_ERROR)
        }
        Ok(Err(failed)) => {
            render::emit_stderr(&failed.sources, &failed.diagnostics);
            Err(EXIT_COMPILE_ERROR)
        }
        Ok(Ok(c)) => {
            if !c.diagnostics.is_empty() {
                render::emit_stderr(&c.sources, &c.diagnostics);
            }
            Ok(c)
        }
    }
}

pub fn new_project(name: &str) -> u8 {
    let dir = Path::new(name);
    if dir.exists() {
        errln!("error: `{name}` already exists");
        return EXIT_COMPILE_ERROR;
    }
    let pkg = dir
        .file_name()
        .map_or(name.to_string(), |n| n.to_string_lossy().into_owned());
    if pkg.is_empty()
        || !pkg
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        errln!("error: `{pkg}` is not a valid project name (use letters, digits, `_` and `-`)");
        return EXIT_COMPILE_ERROR;
    }
    let manifest = format!(
        "[package]\nname = \"{pkg}\"\nversion = \"0.1.0\"\n\n[profile.dev]\nhot-reload = true\nbytecode = true\nopt-level = 0\n\n[profile.release]\nhot-reload = false\nbytecode = false\nopt-level = 3\nlto = true\n"
    );
    let main = "fn main() {\n    println(\"Hello from Dast!\")\n}\n";
    let result = std::fs::create_dir_all(dir.join("src"))
        .and_then(|_| std::fs::write(dir.join("dast.toml"), manifest))
        .and_then(|_| std::fs::write(dir.join("src/main.dast"), main))
        .and_then(|_| std::fs::write(dir.join(".gitignore"), "/target\n"));
    match result {
        Ok(()) => {
            outln!("Created project `{pkg}` in {}", dir.display());
            outln!("Run it with: dast run {}", dir.display());
            EXIT_OK
        }
        Err(e) => {
            errln!("error: cannot create `{name}`: {e}");
            EXIT_COMPILE_ERROR
        }
    }
}

pub fn check(path: &Path) -> u8 {
    match compile(path) {
        Ok(c) => {
            errln!(
                "checked {} module{}: no errors",
                c.modules.len(),
                if c.modules.len() == 1 { "" } else { "s" }
            );
            EXIT_OK
        }
        Err(code) => code,
    }
}

/// The build mode and the flags that override its profile.
#[derive(Clone)]
pub struct ModeChoice {
    pub mode: Mode,
    pub hot_reload: bool,
    /// `--native` (hybrid only).
    pub native: Vec<String>,
    /// `--bytecode` (hybrid only).
    pub bytecode: Vec<String>,
    /// `--fuel`, `--timeout`, `--heap-limit` (run only).
    pub limits: dast_vm::Limits,
}

impl ModeChoice {
    pub fn new(mode: Mode, hot_reload: bool, native: Vec<String>, bytecode: Vec<String>) -> Self {
        ModeChoice {
            mode,
            hot_reload,
            native,
            bytecode,
            limits: dast_vm::Limits::default(),
        }
    }

    /// Whether `--fuel` or `--timeout` asks for limits (native code then carries the
    /// checks; a heap limit needs none in generated code).
    pub fn limited(&self) -> bool {
        counts_fuel(&self.limits)
    }
}

/// `choice` with the limits of the project's `dast.toml` `[limits]` where the command
/// line set none.
fn with_manifest_limits(path: &Path, choice: &ModeChoice) -> Result<ModeChoice, u8> {
    let mut choice = choice.clone();
    let manifest_path = path.join("dast.toml");
    if !path.is_dir() || !manifest_path.exists() {
        return Ok(choice);
    }
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| {
        errln!("error: cannot read {}: {e}", manifest_path.display());
        EXIT_COMPILE_ERROR
    })?;
    let manifest = dast_compiler::Manifest::parse(&text, &manifest_path.display().to_string())
        .map_err(|e| {
            errln!("error: {e}");
            EXIT_COMPILE_ERROR
        })?;
    if let Some(table) = manifest.limits {
        let limits = &mut choice.limits;
        limits.fuel = limits.fuel.or(table.fuel);
        limits.timeout = limits.timeout.or_else(|| {
            table
                .timeout_seconds()
                .map(std::time::Duration::from_secs_f64)
        });
        limits.heap = limits.heap.or(table.heap_bytes());
    }
    Ok(choice)
}

/// Whether native code must be built with fuel checks for these limits.
fn counts_fuel(limits: &dast_vm::Limits) -> bool {
    limits.fuel.is_some() || limits.timeout.is_some()
}

pub fn build(path: &Path, choice: &ModeChoice) -> u8 {
    if choice.mode != Mode::Hybrid && !(choice.native.is_empty() && choice.bytecode.is_empty()) {
        errln!("error: `--native` and `--bytecode` choose modules' modes in `--mode=hybrid`");
        return EXIT_COMPILE_ERROR;
    }
    let c = match compile(path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let written = match choice.mode {
        Mode::Dev => write_bytecode(&c.modules, &c.program.target_dir("dev")),
        Mode::Release => {
            let mut profile = release_profile(&c.program);
            if choice.hot_reload {
                // Every cross-module call through a slot, every module reloadable.
                profile = profile.with_hot_reload();
            }
            let dir = c.program.target_dir("release");
            release::build_modules(&c.modules, &dir, &profile, false, |_| true)
        }
        Mode::Hybrid => build_hybrid(&c, choice),
    };
    match written {
        Ok(paths) => {
            for p in paths {
                errln!("  wrote {}", relative(&p).display());
            }
            EXIT_OK
        }
        Err(code) => code,
    }
}

/// `target/hybrid/`: `lib<module>.so` for the modules the profile (after the flags)
/// builds as machine code, `<module>.dbc` for the others.
fn build_hybrid(c: &Compiled, choice: &ModeChoice) -> Result<Vec<std::path::PathBuf>, u8> {
    let profile = hybrid_profile(c, choice)?;
    let dir = c.program.target_dir("hybrid");
    let (bytecode, native): (Vec<_>, Vec<_>) = c
        .modules
        .iter()
        .cloned()
        .partition(|m| profile.for_module(&m.name).bytecode);
    let mut paths = write_bytecode(&bytecode, &dir)?;
    let native_names: Vec<String> = native.iter().map(|m| m.name.clone()).collect();
    paths.extend(release::build_modules(
        &c.modules,
        &dir,
        &profile,
        false,
        |m| native_names.contains(&m.name),
    )?);
    paths.sort();
    Ok(paths)
}

/// The `hybrid` profile with `--hot-reload`, `--native` and `--bytecode` applied.
pub(crate) fn hybrid_profile(c: &Compiled, choice: &ModeChoice) -> Result<Profile, u8> {
    let names: Vec<&str> = c.modules.iter().map(|m| m.name.as_str()).collect();
    let mut profile = c.program.profile("hybrid").expect("`hybrid` is a profile");
    if choice.hot_reload {
        profile = profile.with_hot_reload();
    }
    release::override_modes(profile, &names, &choice.native, &choice.bytecode).map_err(|e| {
        errln!("error: {e}");
        EXIT_COMPILE_ERROR
    })
}

/// `<module>.dbc` for each module, in `dir`.
fn write_bytecode(
    modules: &[dast_bytecode::Module],
    dir: &Path,
) -> Result<Vec<std::path::PathBuf>, u8> {
    if let Err(e) = std::fs::create_dir_all(dir) {
        errln!("error: cannot create `{}`: {e}", dir.display());
        return Err(EXIT_COMPILE_ERROR);
    }
    let mut paths = Vec::new();
    for m in modules {
        let out = dir.join(format!("{}.dbc", m.name));
        if let Err(e) = std::fs::write(&out, dast_bytecode::encode(m)) {
            errln!("error: cannot write `{}`: {e}", out.display());
            return Err(EXIT_COMPILE_ERROR);
        }
        paths.push(out);
    }
    Ok(paths)
}

/// `path` relative to the working directory when it is inside it.
fn relative(path: &Path) -> &Path {
    match std::env::current_dir() {
        Ok(cwd) => path.strip_prefix(&cwd).unwrap_or(path),
        Err(_) => path,
    }
}

pub fn run(path: &Path, choice: &ModeChoice, log_level: LogLevel) -> u8 {
    let choice = &match with_manifest_limits(path, choice) {
        Ok(choice) => choice,
        Err(code) => return code,
    };
    let (mode, hot_reload) = (choice.mode, choice.hot_reload);
    if mode != Mode::Hybrid && !(choice.native.is_empty() && choice.bytecode.is_empty()) {
        errln!("error: `--native` and `--bytecode` choose modules' modes in `--mode=hybrid`");
        return EXIT_COMPILE_ERROR;
    }
    if mode == Mode::Release {
        return run_release(path, hot_reload, choice.limits);
    }
    let log = Log {
        min: level_of(log_level),
    };
    if mode == Mode::Hybrid {
        return crate::hybrid::run(path, choice, log);
    }
    if path.extension().is_some_and(|e| e == "dbc") {
        if hot_reload {
            errln!("error: `--hot-reload` needs source files: run a `.dast` file or a project");
            return EXIT_COMPILE_ERROR;
        }
        return match load_dbc_dir(path) {
            Ok((modules, entry)) => run_modules(modules, &entry, log, |_| None, |_| Ok(())),
            Err(code) => code,
        };
    }
    let (mut c, entry) = match compile_runnable(path) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let route_entry = hot_reload && hot::route_entry(&mut c, log);
    let program = c.program;
    run_modules(
        c.modules,
        &entry,
        log,
        |_| None,
        |registry| {
            registry.program_mut().set_limits(choice.limits);
            if hot_reload {
                hot::enable(registry, &program, "dev", log, None, route_entry)
            } else {
                // Nothing is watched and no call pays for counting.
                registry.program_mut().set_hot_reload(false);
                let plugins = crate::plugins::Plugins::new(&program.root);
                registry.set_source(Box::new(crate::plugins::LoadOnly(plugins)));
                registry.set_plugin_grants(crate::plugins::grants(&program));
                Ok(())
            }
        },
    )
}

/// `run --mode=release`: builds every module into a scratch directory, then runs `main`
/// natively.
fn run_release(path: &Path, hot_reload: bool, limits: dast_vm::Limits) -> u8 {
    if hot_reload {
        errln!("error: `--hot-reload` is not supported with `--mode=release` yet");
        return EXIT_COMPILE_ERROR;
    }
    // Libraries go where `dast build --mode=release` puts them, and are reused while
    // their module and options are unchanged; loose `.dbc` files build in a scratch
    // directory.
    let mut scratch = None;
    let mut root = None;
    let (modules, entry, profile, dir) = if path.extension().is_some_and(|e| e == "dbc") {
        let (modules, entry) = match load_dbc_dir(path) {
            Ok(found) => found,
            Err(code) => return code,
        };
        let dir = match release::ScratchDir::new() {
            Ok(dir) => scratch.insert(dir).0.clone(),
            Err(e) => {
                errln!("error: cannot create a build directory: {e}");
                return EXIT_COMPILE_ERROR;
            }
        };
        let profile = Profile::seed_default("release").expect("a seed profile");
        (modules, entry, profile, dir)
    } else {
        let (c, entry) = match compile_runnable(path) {
            Ok(found) => found,
            Err(code) => return code,
        };
        let dir = c.program.target_dir("release");
        root = Some((c.program.root.clone(), crate::plugins::grants(&c.program)));
        (c.modules, entry, release_profile(&c.program), dir)
    };
    let limited = counts_fuel(&limits);
    let paths = match release::build_modules(&modules, &dir, &profile, limited, |_| true) {
        Ok(paths) => paths,
        Err(code) => return code,
    };
    // Modules loaded at run time are built beside the program's.
    let plugins = root.map(|(root, grants)| crate::release_host::PluginBuild {
        plugins: crate::plugins::Plugins::new(&root),
        dir: dir.clone(),
        profile: profile.clone(),
        grants,
        limits: limited,
    });
    let status = release::run_native(modules, paths, entry, plugins, limits);
    drop(scratch);
    status
}

fn release_profile(program: &dast_compiler::Program) -> Profile {
    program.profile("release").expect("`release` is a profile")
}

fn level_of(l: LogLevel) -> Level {
    match l {
        LogLevel::Error => Level::Error,
        LogLevel::Warn => Level::Warn,
        LogLevel::Info => Level::Info,
        LogLevel::Debug | LogLevel::Trace => Level::Debug,
    }
}

/// Loads `FILE.dbc` and the modules it needs from the folder it is in: the modules it
/// imports, transitively, each from `<module>.dbc` (the name `dast build` gives it) or,
/// failing that, from the `.dbc` of that folder that holds it; and, for a module that
/// loads modules by name (`ModuleRegistry`), the `<name>.dbc` files its string
/// constants name. Nothing else is read: a stray (even broken) `.dbc` beside the
/// program is not part of it. An import found nowhere is left to the linker, which
/// names it.
fn load_dbc_dir(path: &Path) -> Result<(Vec<dast_bytecode::Module>, String), u8> {
    // `good.dbc` has the parent `` (the working directory).
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let main = read_dbc(path)?;
    let entry = main.name.clone();
    let mut modules = vec![main];
    let mut i = 0;
    while i < modules.len() {
        for (name, imported) in needed_modules(&modules[i]) {
            if modules.iter().any(|m| m.name == name) {
                continue;
            }
            let file = dir.join(format!("{name}.dbc"));
            if file.is_file() {
                modules.push(read_dbc(&file)?);
            } else if imported {
                if let Some(m) = find_module(dir, &name) {
                    modules.push(m);
                }
            }
        }
        i += 1;
    }
    Ok((modules, entry))
}

/// The modules `m` may need, each with whether it imports it (else: a string constant
/// that may name a module it loads by name).
fn needed_modules(m: &dast_bytecode::Module) -> Vec<(String, bool)> {
    use dast_bytecode::{Inst, Intrinsic};
    let mut out: Vec<(String, bool)> = Vec::new();
    for imp in &m.imports {
        if !out.iter().any(|(n, _)| *n == imp.module) {
            out.push((imp.module.clone(), true));
        }
    }
    let loads_by_name = m.functions.iter().flat_map(|f| &f.code).any(|i| {
        matches!(
            i,
            Inst::Intrinsic {
                op: Intrinsic::RegistryLoad | Intrinsic::RegistryCall,
                ..
            }
        )
    });
    if loads_by_name {
        for s in &m.strings {
            let is_name = !s.is_empty()
                && s.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
            if is_name && s != &m.name && !out.iter().any(|(n, _)| n == s) {
                out.push((s.clone(), false));
            }
        }
    }
    out
}

/// The module `name` from a `.dbc` of `dir` not named after it (files that are not
/// valid bytecode are passed over: they are not this module).
fn find_module(dir: &Path, name: &str) -> Option<dast_bytecode::Module> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "dbc"))
        .collect();
    files.sort();
    files.into_iter().find_map(|p| {
        let m = dast_bytecode::decode(&std::fs::read(p).ok()?).ok()?;
        (m.name == name).then_some(m)
    })
}

/// Reads and decodes one `.dbc` file (verified later, when it is linked).
fn read_dbc(path: &Path) -> Result<dast_bytecode::Module, u8> {
    let bytes = std::fs::read(path).map_err(|e| {
        errln!("error: cannot read `{}`: {e}", path.display());
        EXIT_COMPILE_ERROR
    })?;
    dast_bytecode::decode(&bytes).map_err(|e| {
        errln!("error: `{}` is not a valid .dbc file: {e}", path.display());
        EXIT_COMPILE_ERROR
    })
}

/// Runs `main` of `entry` on a registry (so `ModuleRegistry` requests are answered),
/// after `setup` has configured it.
/// Runs `main` of `entry` on a registry of `modules`, those for which `foreign` gives
/// code running it (native modules in hybrid mode); `setup` prepares the registry.
pub(crate) fn run_modules(
    modules: Vec<dast_bytecode::Module>,
    entry: &str,
    log: Log,
    foreign: impl FnMut(&str) -> Option<std::sync::Arc<dyn dast_vm::Foreign>>,
    setup: impl FnOnce(&mut Registry) -> Result<(), String>,
) -> u8 {
    let labelled = modules
        .into_iter()
        .map(|m| (m, dast_runtime::FIRST_LABEL.to_string()))
        .collect();
    let mut registry = match Registry::with_foreign(labelled, foreign) {
        Ok(r) => r,
        Err(dast_runtime::StartError::Init(panic)) => {
            report_panic(&panic);
            return EXIT_PANIC;
        }
        Err(e) => {
            errln!("error: {e}");
            return EXIT_COMPILE_ERROR;
        }
    };
    registry.set_log(Box::new(log));
    registry.set_output(crate::out::program_output());
    if let Err(e) = setup(&mut registry) {
        errln!("error: {e}");
        return EXIT_COMPILE_ERROR;
    }
    match registry.call_entry(entry, "main") {
        Ok(_) => EXIT_OK,
        Err(panic) => {
            report_panic(&panic);
            EXIT_PANIC
        }
    }
}

pub fn report_panic(p: &dast_vm::Panic) {
    match p.trace.first() {
        Some(top) => errln!(
            "panicked at {}:{}:{}: {}",
            top.file,
            top.line,
            top.col,
            p.message
        ),
        None => errln!("panicked: {}", p.message),
    }
    if !p.trace.is_empty() {
        errln!("stack backtrace (most recent call first):");
        for (i, f) in p.trace.iter().enumerate() {
            errln!(
                "  {i:>2}: {} at {}:{}:{}",
                f.function,
                f.file,
                f.line,
                f.col
            );
        }
    }
}

pub fn disasm(file: &Path) -> u8 {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            errln!("error: cannot read `{}`: {e}", file.display());
            return EXIT_COMPILE_ERROR;
        }
    };
    match dast_bytecode::decode(&bytes) {
        Ok(m) => {
            if let Err(e) = dast_bytecode::verify(&m) {
                errln!("warning: `{}` does not verify: {e}", file.display());
            }
            crate::out::text_to_stdout(&dast_bytecode::disassemble(&m));
            EXIT_OK
        }
        Err(e) => {
            errln!("error: `{}` is not a valid .dbc file: {e}", file.display());
            EXIT_COMPILE_ERROR
        }
    }
}
