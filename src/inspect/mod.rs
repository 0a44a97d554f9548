//! Inspection of built binaries without running them.

pub mod escapes;
pub mod size;
