//! The Dast virtual machine: a register interpreter over verified bytecode modules.
//!
//! Public surface (the contract the compiler driver and CLI rely on):
//! - [`link`]: verify a set of modules and resolve their imports into a [`Program`];
//! - [`Program::init`]: run every module's `var` initializers;
//! - [`Program::call`]: call an exported function by module and name with host
//!   [`Value`]s, getting a `Value` or a [`Panic`] (message + Dast stack trace).
