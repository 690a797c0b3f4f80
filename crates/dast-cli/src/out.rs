//! Writing to stdout and stderr when the reader may have gone away.
//!
//! `dast check big.dast 2>&1 | head -1` or `dast run loud.dast | head -1` close the pipe
//! `dast` writes to. Rust ignores `SIGPIPE`, so every later write fails with
//! `BrokenPipe`; `println!`/`eprintln!` would panic on it, and the VM (which ignores
//! write errors) would go on running a program nobody reads. Every line the CLI prints
//! goes through [`outln!`]/[`errln!`], and the running program's output through
//! [`PipeSafe`]: the first `BrokenPipe` ends the process at once, quietly, with
//! [`EXIT_BROKEN_PIPE`] (128 + `SIGPIPE`, the status a shell shows for a command a
//! closed pipe stopped). Other write errors are ignored, as `eprintln!`'s users expect
//! for a log.

use std::io::{self, Write};

/// The exit status after the reader of stdout or stderr went away: 141 = 128 + 13
/// (`SIGPIPE`), what `yes | head -1` reports for `yes` under `set -o pipefail`.
pub const EXIT_BROKEN_PIPE: u8 = 141;

/// Ends the process quietly if `e` says the reader went away.
pub fn exit_if_broken_pipe(e: &io::Error) {
    if e.kind() == io::ErrorKind::BrokenPipe {
        // Nothing is left to say and nobody to say it to: no destructors are needed
        // (the program's buffered output has no reader either).
        std::process::exit(EXIT_BROKEN_PIPE.into());
    }
}

/// Writes `args` and a newline to `w`, ending the process on a broken pipe.
pub fn line_to(mut w: impl Write, args: std::fmt::Arguments) {
    let result = w.write_fmt(args).and_then(|()| w.write_all(b"\n"));
    if let Err(e) = result.and_then(|()| w.flush()) {
        exit_if_broken_pipe(&e);
    }
}

/// Writes `text` to stdout as it is, ending the process on a broken pipe.
pub fn text_to_stdout(text: &str) {
    let mut w = io::stdout().lock();
    if let Err(e) = w.write_all(text.as_bytes()).and_then(|()| w.flush()) {
        exit_if_broken_pipe(&e);
    }
}

/// `println!` that ends the process quietly when stdout's reader went away.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::out::line_to(::std::io::stdout().lock(), format_args!($($arg)*))
    };
}

/// `eprintln!` that ends the process quietly when stderr's reader went away.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::out::line_to(::std::io::stderr().lock(), format_args!($($arg)*))
    };
}

pub(crate) use {errln, outln};

/// A writer (the running program's stdout) whose broken pipe ends the process.
pub struct PipeSafe<W>(pub W);

impl<W: Write> Write for PipeSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).inspect_err(exit_if_broken_pipe)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf).inspect_err(exit_if_broken_pipe)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().inspect_err(exit_if_broken_pipe)
    }
}

/// The program's output: buffered stdout (as the VM's default), broken pipe handled.
pub fn program_output() -> Box<dyn Write + Send> {
    Box::new(io::BufWriter::new(PipeSafe(io::stdout())))
}
