//! gostart: build a Go program once per combination of build flags, measure every build,
//! and rank the configurations. One module per pipeline stage (see shared/DESIGN.md):
//! config → matrix → build (go) → inspect → measure → rank → export.

pub mod build;
pub mod checks;
pub mod cli;
pub mod config;
pub mod export;
pub mod flags;
pub mod go;
pub mod inspect;
pub mod interrupt;
pub mod machine;
pub mod matrix;
pub mod measure;
pub mod merge;
pub mod module_root;
pub mod names;
pub mod nofollow;
pub mod printable;
pub mod profile;
pub mod progress;
pub mod rank;
pub mod results;
pub mod resume;
pub mod rundir;
pub mod runlock;
pub mod search;
pub mod shard;
pub mod target;
pub mod toolchain;
pub mod tune;
