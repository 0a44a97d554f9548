//! The bytes of a binary's symbol table and DWARF that describe each package: what `-s -w`
//! removes, and what dropping the package takes out of a build that keeps them. These bytes stay
//! in the attribution's `other` (`.symtab`, `.strtab`, `DWARF`) so that the parts still add up;
//! a package's share is kept beside its bytes (`PackageBytes::debug`), for `gostart explain`.
//!
//! - `.symtab`/`.strtab`: each of the package's symbols, its 24-byte entry and its name.
//! - DWARF, by compilation unit (Go writes one per package, named by its import path):
//!   `.debug_info` by the unit's length, `.debug_line` by its line program's, `.debug_frame` by
//!   each function's frame entry (the function's package), and `.debug_loclists`,
//!   `.debug_rnglists` and `.debug_addr` in proportion to the unit's `.debug_info` (their
//!   contributions are not split per unit in Go's output). Go compresses DWARF: a section's file
//!   bytes are shared in proportion to its uncompressed bytes.

use std::collections::HashMap;

use object::read::elf::ElfFile64;
use object::{Endianness, Object, ObjectSection, ObjectSymbol};

/// Size of an ELF64 symbol table entry.
const SYMBOL_ENTRY: u64 = 24;

/// Package → its bytes of the symbol table and DWARF. `owner` names a symbol's package (None:
/// no package's); `function_at` the package of the function at a code address.
pub fn debug_bytes(
    file: &ElfFile64<'_, Endianness>,
    owner: &dyn Fn(&str) -> Option<String>,
    function_at: &dyn Fn(u64) -> Option<String>,
) -> HashMap<String, u64> {
    let mut out: HashMap<String, u64> = HashMap::new();
    for symbol in file.symbols() {
        let name = symbol.name().unwrap_or("");
        if let Some(package) = owner(name) {
            *out.entry(package).or_default() += SYMBOL_ENTRY + name.len() as u64 + 1;
        }
    }
    // DWARF that cannot be read (an unknown compression, a cut section) is left to no package.
    let _ = dwarf(file, function_at, &mut out);
    out
}

/// A DWARF section's uncompressed bytes and its size in the file.
struct Section<'d> {
    data: std::borrow::Cow<'d, [u8]>,
    file_bytes: u64,
}

fn section<'d>(file: &ElfFile64<'d, Endianness>, name: &str) -> Option<Section<'d>> {
    let s = file.section_by_name(name)?;
    let file_bytes = s.file_range().map_or(0, |(_, len)| len);
    Some(Section { data: s.uncompressed_data().ok()?, file_bytes })
}

/// Shares `file_bytes` by `weights` (uncompressed bytes), the rounding remainder to no one.
fn share(out: &mut HashMap<String, u64>, weights: &HashMap<String, u64>, file_bytes: u64) {
    let total: u64 = weights.values().sum();
    if total == 0 {
        return;
    }
    for (package, w) in weights {
        *out.entry(package.clone()).or_default() +=
            (u128::from(file_bytes) * u128::from(*w) / u128::from(total)) as u64;
    }
}

fn dwarf(
    file: &ElfFile64<'_, Endianness>,
    function_at: &dyn Fn(u64) -> Option<String>,
    out: &mut HashMap<String, u64>,
) -> Option<()> {
    // Read little-endian below (gimli and `.debug_frame`'s lengths): a big-endian binary's DWARF
    // is left to the whole-section part rather than shared by misread lengths.
    if !file.is_little_endian() {
        return None;
    }
    let info = section(file, ".debug_info")?;
    let abbrev = section(file, ".debug_abbrev")?;
    let line = section(file, ".debug_line");
    let endian = gimli::LittleEndian;
    let debug_info = gimli::DebugInfo::new(&info.data, endian);
    let debug_abbrev = gimli::DebugAbbrev::new(&abbrev.data, endian);
    // By unit: its package, .debug_info bytes, line program bytes.
    let mut by_info: HashMap<String, u64> = HashMap::new();
    let mut by_line: HashMap<String, u64> = HashMap::new();
    let mut units = debug_info.units();
    while let Ok(Some(header)) = units.next() {
        let length = header.length_including_self() as u64;
        let Ok(abbrevs) = header.abbreviations(&debug_abbrev) else { continue };
        let mut entries = header.entries(&abbrevs);
        let Ok(Some((_, root))) = entries.next_dfs() else { continue };
        let name = match root.attr_value(gimli::DW_AT_name) {
            Ok(Some(gimli::AttributeValue::String(s))) => String::from_utf8_lossy(s.slice()).into_owned(),
            _ => continue,
        };
        *by_info.entry(name.clone()).or_default() += length;
        if let (Some(line), Ok(Some(gimli::AttributeValue::DebugLineRef(offset)))) =
            (&line, root.attr_value(gimli::DW_AT_stmt_list))
        {
            // A line program starts with its 32-bit unit_length.
            let at = offset.0;
            if let Some(len) = line.data.get(at..at.saturating_add(4)) {
                let len = u32::from_le_bytes(len.try_into().ok()?);
                *by_line.entry(name).or_default() += u64::from(len) + 4;
            }
        }
    }
    share(out, &by_info, info.file_bytes);
    if let Some(line) = &line {
        share(out, &by_line, line.file_bytes);
    }
    for name in [".debug_loclists", ".debug_rnglists", ".debug_addr"] {
        if let Some(s) = section(file, name) {
            share(out, &by_info, s.file_bytes);
        }
    }
    if let Some(frame) = section(file, ".debug_frame") {
        share(out, &frame_entries(&frame.data, function_at), frame.file_bytes);
    }
    Some(())
}

/// `.debug_frame`'s entries by the package of the function each describes (CIEs: no one's).
fn frame_entries(data: &[u8], function_at: &dyn Fn(u64) -> Option<String>) -> HashMap<String, u64> {
    let mut out: HashMap<String, u64> = HashMap::new();
    let mut at = 0usize;
    while let Some(len) = data.get(at..at + 4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes) {
        let len = len as usize;
        if len == 0 || len == u32::MAX as usize {
            break;
        }
        let entry = data.get(at + 4..at + 4 + len);
        let cie = entry.and_then(|e| e.get(..4)).is_none_or(|id| id == [0xff; 4]);
        if !cie
            && let Some(pc) = entry.and_then(|e| e.get(4..12)).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes)
            && let Some(package) = function_at(pc)
        {
            *out.entry(package).or_default() += len as u64 + 4;
        }
        at += len + 4;
    }
    out
}
