//! Inspection of built binaries without running them.

pub mod attribution;
pub mod debug_bytes;
pub mod escapes;
pub mod explain;
pub mod imports;
pub mod linked;
pub mod pclntab;
pub mod size;
pub mod size_diff;
