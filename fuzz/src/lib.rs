//! Helpers of the fuzz targets (`fuzz_targets/`), shared with the replay tests.

pub mod differential;
pub mod frontend;
pub mod gen;
pub mod reload;
