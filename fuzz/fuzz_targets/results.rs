//! A crafted results.json (someone else's run) → `rundir::load` → every export format and
//! `compare`. Whatever the file says, gostart must answer with an error or a report, never
//! a panic. Byte-level: finds what breaks the reader.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| gostart_fuzz::load_and_render(data));
