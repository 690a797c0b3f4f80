//! The hot-reload runtime. This first piece is the state-migration planner: a pure
//! function from the old and new versions of a module to the actions that carry its
//! `var` state over (or the reasons the reload must be refused). It is tested without
//! any VM; applying a plan only copies slots.

pub mod migrate;
