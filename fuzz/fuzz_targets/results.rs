//! A crafted results.json (someone else's run) → `rundir::load` → every export format and
//! `compare`. Whatever the file says, gostart must answer with an error or a report, never
//! a panic.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use clap::ValueEnum;
use gostart::cli::compare;
use gostart::export::{self, Format, Style};
use gostart::rundir;
use libfuzzer_sys::fuzz_target;

/// `rundir::load` reads a file, so each input is written to one (this process's own).
fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| std::env::temp_dir().join(format!("gostart-fuzz-results-{}.json", std::process::id())))
}

fuzz_target!(|data: &[u8]| {
    let path = path();
    if std::fs::write(path, data).is_err() {
        return;
    }
    let Ok(run) = rundir::load(path) else { return };
    for format in Format::value_variants() {
        drop(export::serialize(&run, *format));
    }
    drop(export::serialize_styled(&run, Format::Table, Style { color: true }));
    drop(compare::comparison(&run, path, &run, path));
});
