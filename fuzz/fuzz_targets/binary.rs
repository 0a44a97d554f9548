//! A file, however crafted, attributed the way `gostart size` and the reports attribute a
//! run's binary (`attribute_bytes`: ELF, pclntab, symbols, strings, DWARF). A file that is not
//! a Go binary must give an error, never a panic; one that is must give parts that a report can
//! print.

#![no_main]

use gostart::inspect::attribution::attribute_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = attribute_bytes(data) {
        assert_eq!(a.file_bytes, data.len() as u64);
        drop(serde_json::to_vec(&a));
    }
});
