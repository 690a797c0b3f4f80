//! `dast`: the command-line toolchain (new, check, build, run, disasm, completions).

#![forbid(unsafe_code)]

mod commands;
mod hot;
mod hybrid;
mod out;
mod plugins;
mod release;
mod release_host;
mod render;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "dast",
    version,
    about = "The Dast language toolchain: hot-reloadable modules, bytecode and native code"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Bytecode (`.dbc`), for development.
    Dev,
    /// Native code: each module compiled (Cranelift) and linked into `lib<module>.so`.
    Release,
    /// Per module: machine code for the modules the `hybrid` profile (or `--native`)
    /// names, bytecode for the others.
    Hybrid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new project: NAME/dast.toml and NAME/src/main.dast.
    New { name: String },
    /// Check a program for errors without building it.
    Check {
        /// A `.dast` file or a project directory (default: the current directory).
        path: Option<PathBuf>,
    },
    /// Build a program: `target/dev/<module>.dbc` (or, in release mode,
    /// `target/release/lib<module>.so`) for each module.
    Build {
        #[arg(long, value_enum, default_value = "dev")]
        mode: Mode,
        /// Build for hot reloading (bytecode modules are always reloadable).
        #[arg(long)]
        hot_reload: bool,
        /// With `--mode=hybrid`: modules (or folders: `plugins`, `plugins/*`) to build as
        /// machine code, overriding the profile.
        #[arg(long, value_delimiter = ',', value_name = "MODULES")]
        native: Vec<String>,
        /// With `--mode=hybrid`: modules (or folders) to build as bytecode, overriding
        /// the profile.
        #[arg(long, value_delimiter = ',', value_name = "MODULES")]
        bytecode: Vec<String>,
        path: Option<PathBuf>,
    },
    /// Build and run a program (its `main` function).
    Run {
        #[arg(long, value_enum, default_value = "dev")]
        mode: Mode,
        /// Watch `src/` and reload changed hot-reloadable modules while the program runs.
        #[arg(long)]
        hot_reload: bool,
        /// With `--mode=hybrid`: modules (or folders) to run as machine code.
        #[arg(long, value_delimiter = ',', value_name = "MODULES")]
        native: Vec<String>,
        /// With `--mode=hybrid`: modules (or folders) to run as bytecode.
        #[arg(long, value_delimiter = ',', value_name = "MODULES")]
        bytecode: Vec<String>,
        /// Which reload log lines to print.
        #[arg(long, value_enum, default_value = "info")]
        log_level: LogLevel,
        /// Stop `main` with a panic after this many jumps and calls (in machine code,
        /// the libraries are built with the checks).
        #[arg(long, value_name = "N")]
        fuel: Option<u64>,
        /// Stop `main` with a panic after this many seconds.
        #[arg(long, value_name = "SECONDS")]
        timeout: Option<f64>,
        /// Panic "out of memory" instead of letting Dast strings, vectors and maps
        /// hold more than this (bytes, or with a suffix: 512K, 64M, 2G).
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        heap_limit: Option<usize>,
        path: Option<PathBuf>,
    },
    /// Print the disassembly of a `.dbc` file.
    Disasm { file: PathBuf },
    /// Print a shell's completion script for `dast` (e.g. `dast completions bash >
    /// ~/.local/share/bash-completion/completions/dast`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// A size in bytes (`--heap-limit`): as `[limits] heap` in `dast.toml`.
fn parse_size(text: &str) -> Result<usize, String> {
    dast_compiler::parse_size(text)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::New { name } => commands::new_project(&name),
        Command::Check { path } => commands::check(&path_or_cwd(path)),
        Command::Build {
            mode,
            hot_reload,
            native,
            bytecode,
            path,
        } => commands::build(
            &path_or_cwd(path),
            &commands::ModeChoice::new(mode, hot_reload, native, bytecode),
        ),
        Command::Run {
            mode,
            hot_reload,
            native,
            bytecode,
            log_level,
            fuel,
            timeout,
            heap_limit,
            path,
        } => {
            let mut choice = commands::ModeChoice::new(mode, hot_reload, native, bytecode);
            choice.limits = dast_vm::Limits {
                fuel,
                timeout: timeout.map(|s| std::time::Duration::from_secs_f64(s.max(0.0))),
                heap: heap_limit,
            };
            commands::run(&path_or_cwd(path), &choice, log_level)
        }
        Command::Disasm { file } => commands::disasm(&file),
        Command::Completions { shell } => {
            // Generated into memory first: writing goes through the one path that
            // treats a closed pipe (`dast completions bash | head`) as the end.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "dast", &mut script);
            out::text_to_stdout(&String::from_utf8_lossy(&script));
            0
        }
    };
    ExitCode::from(code)
}

fn path_or_cwd(p: Option<PathBuf>) -> PathBuf {
    p.unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_the_usual_suffixes() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert!(parse_size("lots").unwrap_err().contains("not a size"));
        assert!(parse_size("99999999999999999999G").is_err());
    }
}
