//! Binary size: the file's bytes and the size of each ELF section, read with the `object` crate.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use object::{Object, ObjectSection};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Size {
    /// Size of the binary file.
    pub bytes: u64,
    /// Section name → size in the file's section headers (empty for a non-ELF file).
    pub sections: BTreeMap<String, u64>,
}

/// Reads the file's size and, when it is an ELF file, its sections.
pub fn measure(path: &Path) -> Result<Size> {
    let data = std::fs::read(path).with_context(|| format!("cannot read the binary {}", path.display()))?;
    Ok(Size { bytes: data.len() as u64, sections: sections(&data) })
}

/// Section sizes of an ELF image; other formats (or a damaged file) give none.
pub fn sections(data: &[u8]) -> BTreeMap<String, u64> {
    let Ok(file) = object::read::elf::ElfFile64::<object::Endianness>::parse(data) else {
        return BTreeMap::new();
    };
    file.sections()
        .filter_map(|s| {
            let name = s.name().ok()?;
            (!name.is_empty()).then(|| (name.to_owned(), s.size()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_sections_of_a_real_elf_file() {
        // The test binary itself is an ELF file on Linux.
        let exe = std::env::current_exe().unwrap();
        let size = measure(&exe).unwrap();
        assert!(size.bytes > 0);
        if cfg!(target_os = "linux") {
            assert!(size.sections.get(".text").copied().unwrap_or(0) > 0, "{:?}", size.sections.keys());
        }
    }

    #[test]
    fn non_elf_input_has_no_sections() {
        assert!(sections(b"#!/bin/sh\necho hi\n").is_empty());
    }
}
