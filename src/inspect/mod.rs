//! Inspection of built binaries without running them.

pub mod size;
