//! The `.dbc` artifact: instruction set ([`inst`]), module model ([`module`]), binary
//! encoding ([`encode`]/[`decode`]), verification ([`verify`]) and disassembly
//! ([`disasm`]). The runtime trusts only modules that passed [`verify`].

pub mod inst;
pub mod module;

pub use inst::*;
pub use module::*;
