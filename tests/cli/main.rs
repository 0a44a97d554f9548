//! Integration tests: the `gostart` binary, run with the real `go` on copies of the fixtures in
//! `tests/fixtures/`. Nothing fakes `go` or the measurements, but for faults the real
//! toolchain cannot produce here: a go too old for a setting (`faults::fake_go` wraps the real
//! go and changes only the version `go env -json` reports), and a go that hangs or prints
//! garbage (`go_faults::wrapped_go`).

// A failed assertion is how a test reports; unwrap and expect are its plain form here.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// Tests check gostart's outputs with independent tools (`go version -m`, the built binary).
#![allow(clippy::disallowed_methods)]

mod apply;
mod build;
mod check;
mod checks;
mod config;
mod escapes;
mod explain;
mod faults;
mod go_faults;
mod hostile_argv;
mod hostile_files;
mod limits;
mod matrix;
mod merge;
mod metadata;
mod modproxy;
mod module_root;
mod project;
mod racing;
mod reproduce;
mod resume;
mod sabotage;
mod screening;
mod shard;
mod size;
mod startup;
mod target;
mod toolchain;
mod tune;
