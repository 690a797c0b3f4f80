//! The `.dbc` artifact: instruction set ([`inst`]), module model ([`module`]), binary
//! encoding ([`encode()`]/[`decode()`], format in FORMAT.md), verification ([`verify()`])
//! and disassembly ([`disassemble`]). The runtime trusts only modules that passed
//! [`verify()`].

#![forbid(unsafe_code)]

pub mod build;
pub mod capability;
mod codec;
pub mod decode;
pub mod disasm;
pub mod encode;
pub mod inst;
pub mod lent;
pub mod module;
pub mod opcodes;
pub mod verify;

pub use capability::{needs, Capability, Needs};
pub use codec::DecodeError;
pub use decode::decode;
pub use disasm::{disassemble, signature_text, type_name};
pub use encode::encode;
pub use inst::*;
pub use module::*;
pub use verify::{
    intrinsic_window, intrinsic_window_with, is_terminator, signature_layouts, type_layouts,
    verify, VerifyError,
};
