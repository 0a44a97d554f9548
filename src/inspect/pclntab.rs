//! Reader for the function table of a Go 1.18+ pclntab (`.gopclntab`): each function's name,
//! code range and the table bytes that are its own (record, name, pc-value tables, funcdata, its
//! compilation unit's file tables), so the table itself can be attributed. The layout is Go's `runtime.pcHeader` and `_func` (src/runtime/symtab.go), the same
//! one `debug/gosym` reads; it is there even in a `-s -w` build, so code can be attributed without
//! a symbol table. No maintained Rust crate reads it, and the part needed here is small.

use anyhow::{Result, bail};

/// Magic of the Go 1.20+ layout (`abi.Go120PCLnTabMagic`, still current in Go 1.27).
const GO120_MAGIC: u32 = 0xFFFF_FFF1;
/// Magic of the Go 1.18/1.19 layout, whose header and function table are the same.
const GO118_MAGIC: u32 = 0xFFFF_FFF0;

/// One function of the table: its code is `[entry, end)`, offsets from the start of `.text`
/// (`runtime.text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Func<'a> {
    pub entry: u64,
    pub end: u64,
    pub name: &'a str,
    /// The table's own bytes for this function: its function-table entry, name, `_func` record
    /// and the pc-value tables (stack, file, line, pcdata) it is the first to use (the linker
    /// shares identical tables).
    pub table_bytes: u64,
}

/// The functions of the pclntab `data`, in address order. Each one ends where the next begins;
/// the last one ends at the table's end PC.
pub fn functions(data: &[u8]) -> Result<Vec<Func<'_>>> {
    let Some(magic) = data.get(..4) else {
        bail!("the pclntab is {} bytes long, shorter than its header", data.len());
    };
    let (little, magic) = match (u32::from_le_bytes(magic.try_into()?), u32::from_be_bytes(magic.try_into()?)) {
        (m @ (GO120_MAGIC | GO118_MAGIC), _) => (true, m),
        (_, m @ (GO120_MAGIC | GO118_MAGIC)) => (false, m),
        (le, _) => bail!("the pclntab's magic number is {le:#x}, not one of Go 1.18 or later (0xfffffff0/0xfffffff1)"),
    };
    let reader = Reader { data, little };
    let ptr_size = usize::from(data.get(7).copied().unwrap_or(0));
    if ptr_size != 4 && ptr_size != 8 {
        bail!("the pclntab's pointer size is {ptr_size}, not 4 or 8");
    }
    // The header's words after the first 8 bytes: nfunc, nfiles, (textStart), funcnameOffset,
    // cuOffset, filetabOffset, pctabOffset, pclnOffset.
    let word = |i: usize| -> Result<usize> {
        let at = 8 + i * ptr_size;
        let value = if ptr_size == 8 { reader.u64(at)? } else { u64::from(reader.u32(at)?) };
        usize::try_from(value).map_err(|_| anyhow::anyhow!("pclntab header word {i} is out of range"))
    };
    let nfunc = word(0)?;
    let funcnames = reader.slice_from(word(3)?)?;
    let pctab = reader.slice_from(word(6)?)?;
    let pcln_offset = word(7)?;
    // `_func`: 9 u32 fields (entryOff, nameOff, args, deferreturn, pcsp, pcfile, pcln, npcdata,
    // cuOffset), Go 1.20's startLine, then funcID, flag, a pad byte and nfuncdata; then npcdata
    // u32 pcdata offsets and nfuncdata u32 funcdata offsets.
    let header = if magic == GO118_MAGIC { 40 } else { 44 };
    let mut shared = std::collections::HashSet::new();
    let pcln = Reader { data: reader.slice_from(pcln_offset)?, little };
    // The function table: nfunc pairs (entry offset, _func offset), then the end offset.
    let table_len = nfunc.checked_mul(8).and_then(|n| n.checked_add(4));
    if table_len.is_none_or(|n| n > pcln.data.len()) {
        bail!("the pclntab says it has {nfunc} functions, more than its {} bytes can hold", data.len());
    }
    let mut funcs = Vec::with_capacity(nfunc);
    // Each function's compilation unit (its offset in the CU table), for the CU's file tables.
    let mut cus: Vec<(usize, usize)> = Vec::with_capacity(nfunc);
    // Each function's funcdata (stack maps, inline trees...: offsets into `go:func.*`, which
    // follows the `_func` records), and where the records end.
    let mut funcdata: Vec<(u32, usize)> = Vec::new();
    let mut records_end = 0usize;
    for i in 0..nfunc {
        let entry = pcln.u32(i * 8)?;
        let func_offset = pcln.u32(i * 8 + 4)? as usize;
        let end = pcln.u32(i * 8 + 8)?;
        // _func starts with entryOff (u32) and nameOff (i32, into the function name table).
        let name_offset = pcln.u32(func_offset + 4)? as usize;
        let name = name_at(funcnames, name_offset)
            .ok_or_else(|| anyhow::anyhow!("function {i} of the pclntab has a name outside the name table"))?;
        if end < entry {
            bail!("function {i} ({name}) of the pclntab ends before it begins");
        }
        let npcdata = pcln.u32(func_offset + 28)? as usize;
        let nfuncdata = usize::from(pcln.bytes::<1>(func_offset + header - 1)?[0]);
        let mut table_bytes = 8 + name.len() + 1 + header + 4 * (npcdata + nfuncdata);
        let tables = [16, 20, 24].into_iter().chain((0..npcdata).map(|k| header + 4 * k));
        for at in tables {
            let offset = pcln.u32(func_offset + at)? as usize;
            if offset != 0 && shared.insert(offset) {
                table_bytes += pc_value_table_len(pctab, offset);
            }
        }
        cus.push((pcln.u32(func_offset + 32)? as usize, i));
        let first_funcdata = func_offset + header + 4 * npcdata;
        for k in 0..nfuncdata {
            // ^0: this function has no data of that kind.
            let offset = pcln.u32(first_funcdata + 4 * k)?;
            if offset != u32::MAX {
                funcdata.push((offset, i));
            }
        }
        records_end = records_end.max(first_funcdata + 4 * nfuncdata);
        funcs.push(Func { entry: u64::from(entry), end: u64::from(end), name, table_bytes: table_bytes as u64 });
    }
    // The tables follow each other: CU table, file table, pc-value tables.
    let (cu_offset, file_offset) = (word(4)?, word(5)?);
    let cutab = Reader {
        data: reader.slice_from(cu_offset)?.get(..file_offset.saturating_sub(cu_offset)).unwrap_or(&[]),
        little,
    };
    let filetab = reader.slice_from(file_offset)?;
    let filetab = filetab.get(..word(6)?.saturating_sub(file_offset)).unwrap_or(filetab);
    for (function, bytes) in unit_tables(&cutab, filetab, &mut cus) {
        funcs[function].table_bytes += bytes;
    }
    // `go:func.*` starts at the records' end, pointer-aligned, and runs to the table's end
    // (less `runtime.findfunctab`, which its last blob takes).
    let gofunc = pcln_offset.saturating_add(records_end).checked_next_multiple_of(ptr_size).unwrap_or(usize::MAX);
    for (function, bytes) in funcdata_blobs(&mut funcdata, data.len().saturating_sub(gofunc)) {
        funcs[function].table_bytes += bytes;
    }
    Ok(funcs)
}

/// Each funcdata blob's bytes (up to the next blob), charged to the first function that uses it
/// (blobs are shared: identical stack maps are written once). `refs` holds (offset, function).
fn funcdata_blobs(refs: &mut [(u32, usize)], region: usize) -> Vec<(usize, u64)> {
    refs.sort_unstable();
    let region = region as u64;
    let mut charged = Vec::new();
    let mut i = 0;
    while i < refs.len() {
        let (offset, function) = refs[i];
        let mut j = i + 1;
        while j < refs.len() && refs[j].0 == offset {
            j += 1;
        }
        let next = refs.get(j).map_or(region, |r| u64::from(r.0)).min(region);
        charged.push((function, next.saturating_sub(u64::from(offset))));
        i = j;
    }
    charged
}

/// The bytes of each compilation unit's file tables (its CU-table entries and the file names they
/// are the first to name), charged to the unit's first function: a unit is one package's.
/// `cus` holds (the unit's offset in the CU table, function index) of every function.
fn unit_tables(cutab: &Reader, filetab: &[u8], cus: &mut [(usize, usize)]) -> Vec<(usize, u64)> {
    cus.sort_unstable();
    let mut starts: Vec<(usize, usize)> = Vec::new();
    for &(offset, function) in cus.iter() {
        if starts.last().is_none_or(|&(o, _)| o != offset) {
            starts.push((offset, function));
        }
    }
    let entries = cutab.data.len() / 4;
    let mut named = std::collections::HashSet::new();
    let mut charged = Vec::with_capacity(starts.len());
    for (k, &(offset, function)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(entries, |s| s.0).min(entries);
        let mut bytes = 4 * end.saturating_sub(offset) as u64;
        for entry in offset..end {
            let Ok(name) = cutab.u32(entry * 4) else { break };
            // !0 marks a file index the unit does not use.
            if name != u32::MAX && named.insert(name) {
                let rest = filetab.get(name as usize..).unwrap_or(&[]);
                bytes += rest.iter().position(|&b| b == 0).map_or(rest.len(), |n| n + 1) as u64;
            }
        }
        charged.push((function, bytes));
    }
    charged
}

/// The length of the pc-value table at `offset`: (value delta, pc delta) varint pairs ended by a
/// zero value delta that is not the first (runtime.step). A table cut short ends at the data's end.
fn pc_value_table_len(pctab: &[u8], offset: usize) -> usize {
    let Some(table) = pctab.get(offset..) else { return 0 };
    let mut at = 0;
    let mut first = true;
    while at < table.len() {
        let (value_delta, n) = varint(&table[at..]);
        at += n;
        if value_delta == 0 && !first {
            break;
        }
        at += varint(table.get(at..).unwrap_or(&[])).1;
        first = false;
    }
    at.min(table.len())
}

/// An unsigned LEB128 varint: its value and length (at least 1 byte, at most what is there).
fn varint(b: &[u8]) -> (u64, usize) {
    let mut value = 0u64;
    for (i, &byte) in b.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return (value, i + 1);
        }
    }
    (value, b.len().clamp(1, 10))
}

/// The NUL-terminated UTF-8 name at `offset`; a name that is not UTF-8 is shown lossily elsewhere,
/// here it is refused (Go writes only UTF-8 names).
fn name_at(table: &[u8], offset: usize) -> Option<&str> {
    let rest = table.get(offset..)?;
    let len = rest.iter().position(|&b| b == 0)?;
    std::str::from_utf8(&rest[..len]).ok()
}

/// Bounds-checked integer reads in the table's byte order.
struct Reader<'a> {
    data: &'a [u8],
    little: bool,
}

impl<'a> Reader<'a> {
    fn bytes<const N: usize>(&self, at: usize) -> Result<[u8; N]> {
        let Some(b) = at.checked_add(N).and_then(|end| self.data.get(at..end)) else {
            bail!("the pclntab is cut short: {N} bytes at offset {at} are past its end ({} bytes)", self.data.len());
        };
        Ok(b.try_into()?)
    }

    fn u32(&self, at: usize) -> Result<u32> {
        let b = self.bytes::<4>(at)?;
        Ok(if self.little { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    }

    fn u64(&self, at: usize) -> Result<u64> {
        let b = self.bytes::<8>(at)?;
        Ok(if self.little { u64::from_le_bytes(b) } else { u64::from_be_bytes(b) })
    }

    fn slice_from(&self, at: usize) -> Result<&'a [u8]> {
        match self.data.get(at..) {
            Some(s) => Ok(s),
            None => bail!("the pclntab header points at offset {at}, past its end ({} bytes)", self.data.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian 64-bit Go 1.20 table with two functions, laid out as the Go linker does:
    /// header, name table, pc-value tables, then the function table and the `_func` records.
    fn table() -> Vec<u8> {
        table_of(GO120_MAGIC, false)
    }

    /// `table`, with another magic (Go 1.18's `_func` has no startLine: 40 bytes, not 44) and
    /// byte order.
    fn table_of(magic: u32, big: bool) -> Vec<u8> {
        let u32b = |v: u32| if big { v.to_be_bytes() } else { v.to_le_bytes() };
        let u64b = |v: u64| if big { v.to_be_bytes() } else { v.to_le_bytes() };
        let func_size = if magic == GO118_MAGIC { 40 } else { 44 };
        let mut t = vec![0u8; 8 + 8 * 8];
        t[..4].copy_from_slice(&u32b(magic));
        t[6] = 1;
        t[7] = 8;
        let names = t.len();
        t.extend_from_slice(b"main.main\0runtime.(*m).x\0");
        // One pc-value table at offset 1: (+1, 16) (+2, 8), then the end (a zero value delta).
        let pctab = t.len();
        t.extend_from_slice(&[0xff, 0x02, 0x10, 0x04, 0x08, 0x00]);
        let pcln = t.len();
        let set = |t: &mut Vec<u8>, i: usize, v: usize| t[8 + i * 8..16 + i * 8].copy_from_slice(&u64b(v as u64));
        set(&mut t, 0, 2);
        set(&mut t, 3, names);
        set(&mut t, 6, pctab);
        set(&mut t, 7, pcln);
        // functab: (0, f0) (0x40, f1) end 0x100; then the two _func records, both using the
        // one stack table (pcsp), so only the first is charged for it.
        for v in [0u32, 20, 0x40, 20 + func_size, 0x100] {
            t.extend_from_slice(&u32b(v));
        }
        for (entry, name) in [(0u32, 0u32), (0x40, 10)] {
            let mut f = vec![0u8; func_size as usize];
            f[..4].copy_from_slice(&u32b(entry));
            f[4..8].copy_from_slice(&u32b(name));
            f[16..20].copy_from_slice(&u32b(1));
            t.extend_from_slice(&f);
        }
        t
    }

    #[test]
    fn reads_names_ranges_and_table_bytes() {
        // Go 1.20's little-endian table, and Go 1.18's big-endian one (s390x, ppc64), whose
        // `_func` records are 40 bytes, not 44.
        for (magic, big, func_size) in [(GO120_MAGIC, false, 44), (GO118_MAGIC, true, 40)] {
            let t = table_of(magic, big);
            // Entry 8 + name and NUL + the _func record, and the first one the 5-byte stack table.
            assert_eq!(
                functions(&t).unwrap(),
                vec![
                    Func { entry: 0, end: 0x40, name: "main.main", table_bytes: 8 + 10 + func_size + 5 },
                    Func { entry: 0x40, end: 0x100, name: "runtime.(*m).x", table_bytes: 8 + 15 + func_size }
                ],
                "magic {magic:#x}, big-endian {big}"
            );
        }
    }

    #[test]
    fn funcdata_blobs_run_to_the_next_and_go_to_their_first_user() {
        // Functions 0 and 2 share the blob at 0; 1 has the one at 16, 2 the last one, at 40.
        let mut refs = vec![(16, 1), (0, 2), (0, 0), (40, 2)];
        assert_eq!(funcdata_blobs(&mut refs, 64), vec![(0, 16), (1, 24), (2, 24)]);
        assert_eq!(funcdata_blobs(&mut [(70, 0)], 64), vec![(0, 0)], "past the region: nothing");
    }

    #[test]
    fn reads_varints_and_pc_value_tables() {
        assert_eq!(varint(&[0x96, 0x01]), (150, 2));
        assert_eq!(varint(&[0x80]), (0, 1), "cut short");
        // A first zero value delta does not end a table (runtime.step's `first`).
        assert_eq!(pc_value_table_len(&[0x00, 0x04, 0x02, 0x04, 0x00], 0), 5);
        assert_eq!(pc_value_table_len(&[0x02, 0x04], 0), 2, "cut short: up to the end");
        assert_eq!(pc_value_table_len(&[0x02], 7), 0, "past the end");
    }

    #[test]
    fn refuses_other_magic_and_cut_tables() {
        let mut t = table();
        t[0] = 0xfb;
        assert!(functions(&t).unwrap_err().to_string().contains("magic"));
        let t = table();
        for len in [0, 3, 20, t.len() - 1] {
            assert!(functions(&t[..len]).is_err(), "{len} bytes");
        }
    }
}
