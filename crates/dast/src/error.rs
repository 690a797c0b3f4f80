//! The one error type of the embedding API.

use std::fmt;

use dast_vm::{LinkError, Panic};

/// Everything that can go wrong for a host. Nothing here leaves the runtime unusable:
/// after any of them the runtime keeps serving calls with the versions it had.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// The source has errors: one `file:line:col: error[CODE]: message` line each.
    Compile(String),
    /// A file or project could not be read or decoded (before any compilation).
    Load(String),
    /// The modules failed verification or their imports do not resolve.
    Link(Box<LinkError>),
    /// Dast code panicked (or the call itself was malformed): message and Dast trace.
    Panic(Panic),
    /// A call by name failed: the module, version and function it reached, and the
    /// panic with its Dast trace through the callee (and the version rolled back to,
    /// with rollback on).
    Call(Box<dast_runtime::CallError>),
    /// A reload was refused; the old version is still active with its state.
    Reload(String),
    /// A typed handle's Rust types do not match the Dast function, or it is missing.
    Signature(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Compile(text) => write!(f, "compilation failed:\n{text}"),
            Error::Load(text) => write!(f, "cannot load: {text}"),
            Error::Link(e) => write!(f, "cannot link: {e}"),
            // As the CLI prints it: where, the message, then the Dast stack trace.
            Error::Panic(p) => match p.trace.first() {
                Some(at) => write!(f, "panicked at {}:{}:{}: {p}", at.file, at.line, at.col),
                None => write!(f, "panicked: {p}"),
            },
            Error::Call(e) => write!(f, "{e}"),
            Error::Reload(text) | Error::Signature(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for Error {}

impl From<Panic> for Error {
    fn from(p: Panic) -> Error {
        Error::Panic(p)
    }
}

impl From<Box<dast_runtime::CallError>> for Error {
    fn from(e: Box<dast_runtime::CallError>) -> Error {
        Error::Call(e)
    }
}

impl From<dast_runtime::StartError> for Error {
    fn from(e: dast_runtime::StartError) -> Error {
        match e {
            dast_runtime::StartError::Link(e) => Error::Link(e),
            dast_runtime::StartError::Init(p) => Error::Panic(p),
        }
    }
}
