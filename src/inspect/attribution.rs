//! A binary's file bytes by Go package and section (issue 14): code from the pclntab's function
//! table (present even in a `-s -w` build), data by symbol where a symbol table exists, and what
//! belongs to no package (symbol table, DWARF, build info, headers...), so that the parts add up
//! to the file size, with an `unattributed` remainder.
//!
//! Rules: `.text` is split by the pclntab's functions (so a stripped build attributes code the
//! same way), less the INT3 fill that aligns them on amd64; the pclntab by the same functions
//! (each one's table entry, name, record, pc-value tables, funcdata and its unit's file tables);
//! the other loaded sections by the symbol table's symbols, a zero-sized carrier symbol
//! (`type:*`, `go:string.*`) spanning up to the next symbol, and the string carrier by who
//! refers to its strings; without a symbol table they go to `other` whole. `.bss`/`.noptrbss`
//! take no file bytes: they are kept apart, in `bss`. Each package's share of the symbol table
//! and DWARF is kept apart too, in `debug` (see `debug_bytes`). What is neither a package's nor
//! a known part (bytes between symbols, unknown sections) is `unattributed`, so that number says
//! how well attribution worked.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result, bail};
use object::read::elf::{ElfFile64, FileHeader, SectionHeader};
use object::{Endianness, Object, ObjectSection, ObjectSymbol};
use serde::{Deserialize, Serialize};

/// One package's bytes in a binary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageBytes {
    /// The import path (`runtime`, `github.com/x/y`), or `main`.
    pub package: String,
    /// Its bytes in all sections.
    pub bytes: u64,
    /// Section name (`.text`, `.rodata`, `.noptrdata`, `.data`...) → its bytes there.
    pub sections: BTreeMap<String, u64>,
    /// Its bytes in `.bss` and `.noptrbss`: memory at run time, no file bytes, so not in `bytes`.
    #[serde(default)]
    pub bss: u64,
    /// The bytes of the symbol table and DWARF that describe it (see `debug_bytes`): file
    /// bytes counted in `other` (`.symtab`, `.strtab`, `DWARF`), not in `bytes`; 0 in a `-s -w`
    /// build.
    #[serde(default)]
    pub debug: u64,
}

/// The whole file, attributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    pub file_bytes: u64,
    /// Packages, the largest first.
    pub packages: Vec<PackageBytes>,
    /// Bytes that belong to no package, by what they are (`.symtab`, `.debug_*` (DWARF),
    /// `.gopclntab`, `.go.buildinfo`, `ELF headers`, `padding`...).
    pub other: BTreeMap<String, u64>,
    /// What neither a package nor `other` accounts for: file_bytes − Σ packages − Σ other.
    pub unattributed: u64,
}

/// Attributes the binary at `path`.
pub fn attribute(path: &Path) -> Result<Attribution> {
    let data = std::fs::read(path).with_context(|| format!("cannot read the binary {}", path.display()))?;
    attribute_bytes(&data).with_context(|| format!("cannot attribute the bytes of {}", path.display()))
}

/// The attributions of a saved run's binaries, each binary read once (configs that share a
/// build share it): the size split, `explain`, `size` and `compare` ask for them.
pub struct RunBinaries<'r> {
    run: &'r crate::results::Run,
    run_dir: &'r Path,
    by_build: HashMap<String, Attribution>,
}

impl<'r> RunBinaries<'r> {
    /// The binaries of `run`, saved in `run_dir`.
    pub fn new(run: &'r crate::results::Run, run_dir: &'r Path) -> RunBinaries<'r> {
        RunBinaries { run, run_dir, by_build: HashMap::new() }
    }

    /// The run whose binaries these are.
    pub fn run(&self) -> &'r crate::results::Run {
        self.run
    }

    /// The attribution of `config`'s binary; an error when it is missing or not a Go binary.
    pub fn of(&mut self, config: &crate::results::ConfigResult) -> Result<&Attribution> {
        if !self.by_build.contains_key(&config.build_id) {
            let a = attribute(&crate::rundir::binary_of(self.run, self.run_dir, config)?)?;
            self.by_build.insert(config.build_id.clone(), a);
        }
        self.by_build.get(&config.build_id).context("the attribution just made")
    }
}

/// Who a symbol's bytes belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owner<'a> {
    /// An import path.
    Package(Cow<'a, str>),
    /// No package: the key for `other` (`go:itab.*`, `type:*`, `no package`).
    Other(Cow<'a, str>),
}

/// What a section holds, by its name and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind<'a> {
    /// `.text`: split by the pclntab's functions.
    Text,
    /// The pclntab: each function's entry, name, record and pc-value tables are its package's.
    Pclntab,
    /// Loaded data split by symbol (when there is a symbol table).
    BySymbol,
    /// `.bss`/`.noptrbss`: split by symbol, no file bytes.
    Bss,
    /// Belongs to no package: the key in `other`.
    Other(&'a str),
    /// Not known: its bytes stay unattributed.
    Unknown,
}

fn kind<'a>(name: &'a str, nobits: bool, alloc: bool, has_symbols: bool) -> Kind<'a> {
    const OTHER: &[&str] = &[
        ".symtab",
        ".strtab",
        ".shstrtab",
        ".go.buildinfo",
        ".go.fipsinfo",
        ".typelink",
        ".itablink",
        ".data.rel.ro.typelink",
        ".data.rel.ro.itablink",
        ".gosymtab",
        ".note.go.buildid",
        ".note.gnu.build-id",
        ".interp",
        ".dynsym",
        ".dynstr",
        ".dynamic",
        ".hash",
        ".gnu.hash",
        ".gnu.version",
        ".gnu.version_r",
        ".got",
        ".got.plt",
        ".plt",
        ".init_array",
        ".comment",
    ];
    match name {
        ".text" => Kind::Text,
        ".gopclntab" | ".data.rel.ro.gopclntab" => Kind::Pclntab,
        ".bss" | ".noptrbss" => Kind::Bss,
        _ if nobits => Kind::Other(name),
        _ if name.starts_with(".debug_") || name.starts_with(".zdebug_") => Kind::Other("DWARF"),
        _ if name.starts_with(".rela") || name.starts_with(".rel.") => Kind::Other(name),
        _ if OTHER.contains(&name) => Kind::Other(name),
        _ if alloc && has_symbols => Kind::BySymbol,
        _ if alloc => Kind::Other(name),
        _ => Kind::Unknown,
    }
}

/// Running totals while the file is walked; names are borrowed from the file.
#[derive(Default)]
struct Totals<'a> {
    /// (package, section index) → file bytes.
    packages: HashMap<(Cow<'a, str>, usize), u64>,
    bss: HashMap<Cow<'a, str>, u64>,
    other: HashMap<Cow<'a, str>, u64>,
    /// Section index → file bytes given to a package or an `other` symbol group in it.
    in_section: HashMap<usize, u64>,
    /// (address, package) of each function that has a package, in address order.
    functions: Vec<(u64, Cow<'a, str>)>,
}

impl<'a> Totals<'a> {
    fn add(&mut self, owner: Owner<'a>, section: usize, bss: bool, bytes: u64) {
        if bytes == 0 {
            return;
        }
        if !bss {
            let n = self.in_section.entry(section).or_default();
            *n = n.saturating_add(bytes);
        }
        match owner {
            Owner::Package(p) if bss => *self.bss.entry(p).or_default() += bytes,
            Owner::Package(p) => *self.packages.entry((p, section)).or_default() += bytes,
            // Memory that belongs to no package is not part of the file.
            Owner::Other(_) if bss => {}
            Owner::Other(key) => *self.other.entry(key).or_default() += bytes,
        }
    }
}

/// Attributes an ELF image held in memory.
pub fn attribute_bytes(data: &[u8]) -> Result<Attribution> {
    let file = ElfFile64::<Endianness>::parse(data).context("it is not a 64-bit ELF file")?;
    let endian = file.endian();
    let header = file.elf_header();
    let has_symbols = file.symbol_table().is_some();
    let mut totals = Totals::default();

    // Every byte range the file's structure accounts for, to find the padding between them.
    let mut ranges: Vec<(u64, u64)> = Vec::new();
    let mut headers = 0u64;
    for (offset, len) in [
        (0, u64::from(header.e_ehsize(endian))),
        (header.e_phoff(endian), u64::from(header.e_phnum(endian)) * u64::from(header.e_phentsize(endian))),
        (header.e_shoff(endian), u64::from(header.e_shnum(endian)) * u64::from(header.e_shentsize(endian))),
    ] {
        if len > 0 {
            ranges.push((offset, offset.saturating_add(len)));
            headers += len;
        }
    }
    totals.other.insert(Cow::Borrowed("ELF headers"), headers);

    // Every byte counted below lies in the file: a section that claims bytes past its end is a
    // damaged or crafted file, not a build, and its sums would mean nothing.
    for section in file.sections() {
        let header = section.elf_section_header();
        if header.sh_type(endian) == object::elf::SHT_NOBITS {
            continue;
        }
        let (offset, size) = (header.sh_offset(endian), header.sh_size(endian));
        if offset.checked_add(size).is_none_or(|end| end > data.len() as u64) {
            bail!(
                "its section {} claims bytes {offset}..{offset}+{size}, past the end of the file ({} bytes): the \
                 file is damaged or was not written by Go's linker",
                crate::printable::printable(section.name().unwrap_or("?")),
                data.len()
            );
        }
    }

    let mut by_symbol: Vec<(usize, Kind<'_>)> = Vec::new();
    // The sections split by function or symbol: (index, name, size).
    let mut split: Vec<(usize, &str, u64)> = Vec::new();
    let mut section_names: HashMap<usize, &str> = HashMap::new();
    for section in file.sections() {
        let name = section.name().unwrap_or("");
        let index = section.index().0;
        let flags = section.elf_section_header().sh_flags(endian);
        let nobits = section.elf_section_header().sh_type(endian) == object::elf::SHT_NOBITS;
        let alloc = flags & u64::from(object::elf::SHF_ALLOC) != 0;
        section_names.insert(index, name);
        if let Some((offset, len)) = section.file_range().filter(|&(_, len)| len > 0) {
            ranges.push((offset, offset.saturating_add(len)));
        }
        if index == 0 {
            continue;
        }
        match kind(name, nobits, alloc, has_symbols) {
            Kind::Text => {
                attribute_text(&file, &section, &mut totals)?;
                split.push((index, name, section.size()));
            }
            // attribute_text gives each function's table bytes to its package.
            Kind::Pclntab => split.push((index, name, section.size())),
            Kind::BySymbol if has_symbols => {
                by_symbol.push((index, Kind::BySymbol));
                split.push((index, name, section.size()));
            }
            k @ Kind::Bss if has_symbols => by_symbol.push((index, k)),
            Kind::Other(key) => {
                if !nobits {
                    *totals.other.entry(Cow::Borrowed(key)).or_default() += section.size();
                }
            }
            Kind::BySymbol | Kind::Bss | Kind::Unknown => {}
        }
    }
    if !by_symbol.is_empty() {
        attribute_data(&file, &by_symbol, &mut totals);
    }
    // What no function or symbol covers in a split section (alignment between symbols, data the
    // symbol table does not name) is that section's, and no package's: named so, not left over.
    for (index, name, size) in split {
        let named = totals.in_section.get(&index).copied().unwrap_or(0);
        if size > named {
            totals.other.insert(Cow::Owned(format!("unnamed in {name}")), size - named);
        }
    }
    let padding = gaps(&mut ranges, data.len() as u64);
    if padding > 0 {
        totals.other.insert(Cow::Borrowed("padding"), padding);
    }
    let functions = std::mem::take(&mut totals.functions);
    let function_at = |pc: u64| -> Option<String> {
        let i = functions.partition_point(|f| f.0 <= pc).checked_sub(1)?;
        Some(functions[i].1.clone().into_owned())
    };
    let package_of = |name: &str| match owner(name) {
        Owner::Package(p) => Some(p.into_owned()),
        Owner::Other(_) => None,
    };
    let debug = crate::inspect::debug_bytes::debug_bytes(&file, &package_of, &function_at);
    let mut attribution = finish(totals, &section_names, data.len() as u64);
    for p in attribution.packages.iter_mut() {
        p.debug = debug.get(&p.package).copied().unwrap_or(0);
    }
    Ok(attribution)
}

/// `.text` by the pclntab's functions.
fn attribute_text<'a>(
    file: &ElfFile64<'a, Endianness>,
    text: &object::read::elf::ElfSection64<'a, '_, Endianness>,
    totals: &mut Totals<'a>,
) -> Result<()> {
    let Some(pclntab) = file.section_by_name(".gopclntab").or_else(|| file.section_by_name(".data.rel.ro.gopclntab"))
    else {
        bail!("it has no .gopclntab section: not a Go binary, or one whose sections were rewritten");
    };
    let table = pclntab.data().context("cannot read its .gopclntab section")?;
    let size = text.size();
    let index = text.index().0;
    // On amd64 the linker aligns each function to 32 bytes with INT3 (0xCC) fill; that fill is
    // no function's (nm's sizes leave it out too), and small packages would be off by it.
    let code = match file.elf_header().e_machine(file.endian()) {
        object::elf::EM_X86_64 => text.data().unwrap_or(&[]),
        _ => &[],
    };
    // Some of the pclntab's names write a path's dots as they are (`semconv/v1.37.0.F`), so Go's
    // rule cuts such a path short; most names of the same package escape them (`v1%2e37%2e0.G`),
    // and so does the symbol table. The packages of escaped names, the longest first, say where
    // a path really ends. The pclntab's own names come first: they survive `-s -w`, so a
    // stripped build and a full one split alike.
    let functions = crate::inspect::pclntab::functions(table).context("cannot read its .gopclntab section")?;
    let symbols = file.symbols().filter_map(|s| s.name().ok());
    let dotted = dotted_packages(functions.iter().map(|f| f.name).chain(symbols));
    let function_owner = |name: &'a str| in_dotted(owner(name), name, &dotted);
    for f in functions {
        let who = function_owner(f.name);
        if let Owner::Package(p) = &who {
            totals.functions.push((text.address().saturating_add(f.entry), p.clone()));
        }
        let end = f.end.min(size);
        let bytes = end.saturating_sub(f.entry);
        let fill = code.get(to_usize(f.entry)..to_usize(end)).map_or(0, trailing_fill);
        totals.add(who.clone(), index, false, bytes - fill);
        totals.add(Owner::Other(Cow::Borrowed("alignment in .text")), index, false, fill);
        totals.add(who, pclntab.index().0, false, f.table_bytes);
    }
    Ok(())
}

/// The packages of the escaped names among `names` (`semconv/v1%2e37%2e0.G`): the paths with a
/// dotted last element, the longest first.
fn dotted_packages<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut dotted: Vec<String> = names
        .filter(|n| n.contains("%2e"))
        .filter_map(|n| match owner(n) {
            Owner::Package(p) => Some(p.into_owned()),
            Owner::Other(_) => None,
        })
        .collect();
    dotted.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    dotted.dedup();
    dotted
}

/// `who`, the owner Go's name rule gives `name`, made the longer `dotted` package that `name`
/// really belongs to when it writes that package's dots as they are (`semconv/v1.37.0.F`).
fn in_dotted<'a>(who: Owner<'a>, name: &str, dotted: &[String]) -> Owner<'a> {
    match who {
        Owner::Package(p) => Owner::Package(
            dotted
                .iter()
                .find(|k| k.len() > p.len() && name.strip_prefix(k.as_str()).is_some_and(|rest| rest.starts_with('.')))
                .map_or(p, |k| Cow::Owned(k.clone())),
        ),
        other => other,
    }
}

/// A PIE's R_X86_64_RELATIVE relocations: the address each fills, and the address it fills it
/// with (base + addend, the base 0 here as everywhere in the file).
fn relative_pointers(file: &ElfFile64<'_, Endianness>) -> HashMap<u64, u64> {
    if file.elf_header().e_machine(file.endian()) != object::elf::EM_X86_64 {
        return HashMap::new();
    }
    let Some(relocations) = file.dynamic_relocations() else { return HashMap::new() };
    relocations
        .filter(|(_, r)| {
            matches!(r.flags(), object::RelocationFlags::Elf { r_type } if r_type == object::elf::R_X86_64_RELATIVE)
        })
        .filter_map(|(at, r)| Some((at, u64::try_from(r.addend()).ok()?)))
        .collect()
}

fn to_usize(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// The INT3 fill at the end of a function's bytes: fewer than 32 bytes (the alignment), and never
/// the whole function.
fn trailing_fill(code: &[u8]) -> u64 {
    let fill = code.iter().rev().take(31).take_while(|&&b| b == 0xCC).count();
    fill.min(code.len().saturating_sub(1)) as u64
}

/// Loaded data and bss sections by the symbol table. Symbols are taken in address order and
/// clipped so that no byte is counted twice; a zero-sized carrier symbol (`type:*`,
/// `go:string.*`, `runtime.gcbits.*`, `go:funcdesc`: the linker's containers of unnamed data)
/// reaches up to the next symbol.
fn attribute_data<'a>(file: &ElfFile64<'a, Endianness>, sections: &[(usize, Kind<'_>)], totals: &mut Totals<'a>) {
    let mut symbols: Vec<(usize, u64, u64, &'a str)> = file
        .symbols()
        .filter_map(|s| {
            let index = s.section_index()?.0;
            sections.iter().any(|&(i, _)| i == index).then(|| (index, s.address(), s.size(), s.name().unwrap_or("")))
        })
        .collect();
    symbols.sort_unstable_by_key(|&(section, address, size, _)| (section, address, std::cmp::Reverse(size)));
    // Sized symbols first, clipped so that no byte counts twice; the intervals they took are kept
    // (in order) so that a carrier gets only what is left of its region.
    let mut taken: Vec<(usize, u64, u64)> = Vec::new();
    let mut carriers: Vec<(usize, u64, u64, &'a str)> = Vec::new();
    // Packages' own data, whose string headers say which of the unnamed strings are theirs.
    let mut package_data: Vec<(usize, u64, u64, Cow<'a, str>)> = Vec::new();
    let mut cursor = (usize::MAX, 0u64);
    for (i, &(section, address, size, name)) in symbols.iter().enumerate() {
        let Ok(sec) = file.section_by_index(object::SectionIndex(section)) else { continue };
        let section_end = sec.address().saturating_add(sec.size());
        if size == 0 {
            if name.ends_with('*') || name == "go:funcdesc" {
                // The region runs to the next zero-sized symbol (a carrier or an end marker).
                let end = symbols[i + 1..]
                    .iter()
                    .find(|s| s.0 != section || (s.1 > address && s.2 == 0))
                    .filter(|s| s.0 == section)
                    .map_or(section_end, |s| s.1.min(section_end));
                carriers.push((section, address, end, name));
            }
            continue;
        }
        let start = if cursor.0 == section { address.max(cursor.1) } else { address };
        let end = address.saturating_add(size).min(section_end);
        if end > start {
            let bss = is_bss(sections, section);
            let who = owner(name);
            if let (Owner::Package(p), false) = (&who, bss) {
                package_data.push((section, start, end, p.clone()));
            }
            totals.add(who, section, bss, end - start);
            taken.push((section, start, end));
            cursor = (section, end);
        }
    }
    carriers.sort_unstable_by_key(|c| (c.0, c.1));
    let regions: Vec<(usize, u64, u64)> =
        carriers.iter().filter(|c| c.3 == STRINGS).map(|&(section, start, end, _)| (section, start, end)).collect();
    let functions = std::mem::take(&mut totals.functions);
    let mut strings = strings_of_packages(file, &regions, &package_data, &functions);
    totals.functions = functions;
    let mut claimed = (usize::MAX, 0u64);
    for (section, address, end, name) in carriers {
        let start = if claimed.0 == section { address.max(claimed.1) } else { address };
        if end <= start {
            continue;
        }
        let first = taken.partition_point(|t| (t.0, t.2) <= (section, start));
        let overlap: u64 = taken[first..]
            .iter()
            .take_while(|t| t.0 == section && t.1 < end)
            .map(|t| t.2.min(end).saturating_sub(t.1.max(start)))
            .sum();
        let mut bytes = (end - start).saturating_sub(overlap);
        if name == STRINGS {
            for (package, n) in strings.remove(&(section, address)).unwrap_or_default() {
                let n = n.min(bytes);
                bytes -= n;
                totals.add(Owner::Package(package), section, false, n);
            }
        }
        totals.add(owner(name), section, is_bss(sections, section), bytes);
        claimed = (section, end);
    }
}

/// The linker's carrier of string data: strings have no symbols of their own.
const STRINGS: &str = "go:string.*";

/// A string region: (section index, its start address).
type Region = (usize, u64);
/// Bytes of a region by package.
type RegionShares<'a> = HashMap<Region, Vec<(Cow<'a, str>, u64)>>;
/// A string a package's data points at: (start, end, its region, the package).
type Claim<'s, 'a> = (u64, u64, Region, &'s Cow<'a, str>);

/// A string region's bytes by the package that refers to them: whose data holds a string header
/// (pointer, length) into them (embedded files, `embed.FS`'s file table, string tables and
/// variables), or whose code loads their address (amd64's `LEAQ sym(RIP)`, how Go code loads a
/// string literal; its length is an immediate elsewhere, so such a string runs to the next string
/// anyone refers to). Each byte goes to the first package (by address) that refers to it; bytes
/// no one refers to stay the region's. Data holds absolute pointers only in a non-PIE binary;
/// a big-endian one is not read at all. Keyed by (section, region start).
fn strings_of_packages<'a>(
    file: &ElfFile64<'a, Endianness>,
    regions: &[(usize, u64, u64)],
    package_data: &[(usize, u64, u64, Cow<'a, str>)],
    functions: &[(u64, Cow<'a, str>)],
) -> RegionShares<'a> {
    let mut found = HashMap::new();
    if regions.is_empty() || !file.is_little_endian() {
        return found;
    }
    // A PIE's data holds no addresses until it is loaded: its R_X86_64_RELATIVE relocations
    // say what each pointer will hold (their addends); its code's RIP-relative loads hold them
    // as ever.
    let absolute = file.elf_header().e_type(file.endian()) == object::elf::ET_EXEC;
    let relocated: HashMap<u64, u64> = if absolute { HashMap::new() } else { relative_pointers(file) };
    let region_of = |p: u64| regions.iter().find(|r| r.1 <= p && p < r.2);
    // (start, end, region, package) of every string a package's data points at.
    let mut claims: Vec<Claim<'_, 'a>> = Vec::new();
    let mut data_of: HashMap<usize, (u64, &[u8])> = HashMap::new();
    for (section, start, end, package) in package_data.iter().filter(|_| absolute || !relocated.is_empty()) {
        let (base, bytes) = *data_of.entry(*section).or_insert_with(|| {
            file.section_by_index(object::SectionIndex(*section))
                .ok()
                .and_then(|s| Some((s.address(), s.data().ok()?)))
                .unwrap_or((0, &[]))
        });
        let word = |at: u64| -> Option<u64> {
            let i = usize::try_from(at.checked_sub(base)?).ok()?;
            Some(u64::from_le_bytes(bytes.get(i..i.checked_add(8)?)?.try_into().ok()?))
        };
        // A pointer: the word itself, or in a PIE what its relocation puts there.
        let pointer = |at: u64| if absolute { word(at) } else { relocated.get(&at).copied() };
        let mut at = start.checked_next_multiple_of(8).unwrap_or(u64::MAX);
        while at.checked_add(16).is_some_and(|next| next <= *end) {
            if let (Some(p), Some(n)) = (pointer(at), word(at + 8))
                && let Some(r) = region_of(p)
                && n > 0
                && n <= r.2 - p
            {
                claims.push((p, p + n, (r.0, r.1), package));
                at += 16;
                continue;
            }
            at += 8;
        }
    }
    // Code: an unknown length, marked u64::MAX until the next start is known.
    if file.elf_header().e_machine(file.endian()) == object::elf::EM_X86_64
        && let Some(text) = file.section_by_name(".text")
        && let Ok(code) = text.data()
    {
        for (k, (entry, package)) in functions.iter().enumerate() {
            let end = functions.get(k + 1).map_or(text.address().saturating_add(code.len() as u64), |f| f.0);
            let Some(body) =
                code.get(to_usize(entry.saturating_sub(text.address()))..to_usize(end.saturating_sub(text.address())))
            else {
                continue;
            };
            for i in 0..body.len().saturating_sub(6) {
                // REX.W (+R) 8D /r with mod 00, r/m 101: LEA reg, [RIP + disp32].
                if body[i] & 0xFB == 0x48 && body[i + 1] == 0x8D && body[i + 2] & 0xC7 == 0x05 {
                    let disp = i32::from_le_bytes([body[i + 3], body[i + 4], body[i + 5], body[i + 6]]);
                    let target = entry.wrapping_add(i as u64 + 7).wrapping_add_signed(i64::from(disp));
                    if let Some(r) = region_of(target) {
                        claims.push((target, u64::MAX, (r.0, r.1), package));
                    }
                }
            }
        }
    }
    claims.sort_unstable_by_key(|c| (c.0, std::cmp::Reverse(c.1)));
    // A string code refers to runs to the next start, within its region.
    let starts: Vec<u64> = claims.iter().map(|c| c.0).collect();
    for c in claims.iter_mut().filter(|c| c.1 == u64::MAX) {
        let next = starts[starts.partition_point(|&s| s <= c.0)..].first().copied().unwrap_or(u64::MAX);
        let region_end = regions.iter().find(|r| (r.0, r.1) == c.2).map_or(c.0, |r| r.2);
        c.1 = next.min(region_end);
    }
    claims.sort_unstable_by_key(|c| (c.0, std::cmp::Reverse(c.1)));
    let mut cursor = 0u64;
    let mut by_region: HashMap<Region, HashMap<&Cow<'a, str>, u64>> = HashMap::new();
    for (start, end, region, package) in claims {
        let from = start.max(cursor);
        if end > from {
            *by_region.entry(region).or_default().entry(package).or_default() += end - from;
            cursor = end;
        }
    }
    for (region, packages) in by_region {
        let mut list: Vec<(Cow<'a, str>, u64)> = packages.into_iter().map(|(p, n)| (p.clone(), n)).collect();
        list.sort_unstable();
        found.insert(region, list);
    }
    found
}

fn is_bss(sections: &[(usize, Kind<'_>)], section: usize) -> bool {
    sections.iter().any(|&(i, k)| i == section && k == Kind::Bss)
}

/// Bytes of the file in none of the (sorted, merged) ranges, up to `len`.
fn gaps(ranges: &mut [(u64, u64)], len: u64) -> u64 {
    ranges.sort_unstable();
    let (mut covered_to, mut gap) = (0u64, 0u64);
    for &(start, end) in ranges.iter() {
        gap += start.min(len).saturating_sub(covered_to);
        covered_to = covered_to.max(end);
    }
    gap + len.saturating_sub(covered_to)
}

fn finish(totals: Totals<'_>, section_names: &HashMap<usize, &str>, file_bytes: u64) -> Attribution {
    let mut packages: HashMap<&str, PackageBytes> = HashMap::new();
    let new = |p: &str| PackageBytes { package: p.to_owned(), bytes: 0, sections: BTreeMap::new(), bss: 0, debug: 0 };
    for ((package, section), bytes) in &totals.packages {
        let entry = packages.entry(package).or_insert_with(|| new(package));
        entry.bytes += bytes;
        let name = section_names.get(section).copied().unwrap_or("?");
        *entry.sections.entry(name.to_owned()).or_default() += bytes;
    }
    for (package, bytes) in &totals.bss {
        packages.entry(package).or_insert_with(|| new(package)).bss += bytes;
    }
    let mut packages: Vec<PackageBytes> = packages.into_values().collect();
    packages
        .sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| b.bss.cmp(&a.bss)).then_with(|| a.package.cmp(&b.package)));
    let other: BTreeMap<String, u64> = totals.other.into_iter().map(|(k, v)| (k.into_owned(), v)).collect();
    let accounted = packages.iter().map(|p| p.bytes).sum::<u64>() + other.values().sum::<u64>();
    Attribution { file_bytes, packages, other, unattributed: file_bytes.saturating_sub(accounted) }
}

/// The package a symbol belongs to, by Go's rule (`debug/gosym`'s `Sym.PackageName`): drop a
/// generic instantiation `[...]`, then the package is the name up to the first `.` after the last
/// `/`, its `%xx` escapes undone (the linker escapes dots of the last path element). `type:`
/// symbols (type descriptors, `.eq`/`.hash` functions) go to their type's package when the type
/// is a named one; other compiler-generated `go:` symbols and names without a package go to
/// `other`.
fn owner(name: &str) -> Owner<'_> {
    if name.starts_with("go:") {
        return Owner::Other(match name.find('.') {
            Some(dot) => Cow::Owned(format!("{}.*", &name[..dot])),
            None => Cow::Borrowed(name),
        });
    }
    if let Some(typ) = name.strip_prefix("type:") {
        let typ = [".eq.", ".hash.", ".gcmask."].iter().find_map(|p| typ.strip_prefix(p)).unwrap_or(typ);
        let typ = typ.trim_start_matches('*');
        return match package_name(typ) {
            // `go.shape.*`: the shapes generic code is compiled for belong to no package.
            Some(p) if p != "go" => Owner::Package(p),
            _ => Owner::Other(Cow::Borrowed("type:*")),
        };
    }
    match package_name(name) {
        // `go` is no import path, and `x_cgo_munmap.cold` is C code (gcc's split-off parts).
        Some(p) if p == "go" || is_c_part(name) => Owner::Other(Cow::Borrowed("no package")),
        Some(p) => Owner::Package(p),
        None => Owner::Other(Cow::Borrowed("no package")),
    }
}

/// A part gcc splits off a C function (`f.cold`, `f.part.0`, `f.isra.0`, `f.constprop.0`).
fn is_c_part(name: &str) -> bool {
    let Some(dot) = name.find('.') else { return false };
    let (function, rest) = name.split_at(dot);
    !function.contains('/')
        && [".cold", ".part.", ".isra.", ".constprop.", ".lto_priv."].iter().any(|s| rest.starts_with(s))
}

/// `Sym.PackageName`, for names that are not compiler-generated; `None` when the part found is
/// not an import path (a type literal such as `struct { ... }` or `func(...)`).
fn package_name(name: &str) -> Option<Cow<'_, str>> {
    let plain = match (name.find('['), name.rfind(']')) {
        (Some(open), Some(close)) if open < close => Cow::Owned(format!("{}{}", &name[..open], &name[close + 1..])),
        _ => Cow::Borrowed(name),
    };
    let path_end = plain.rfind('/').unwrap_or(0);
    let mut len = path_end + plain[path_end..].find('.')?;
    // A method promoted from another package's embedded type is named
    // `pkg.Type.other/pkg.Method`: the last `/` is the other package's. There an element of the
    // path found holds `.Type.` (a name, not a version's digits as in `semconv/v1.43.0/x`)
    // before the other path's domain: cut at its first `.`.
    if let Some(first_slash) = plain[..len].find('/')
        && let Some(dot) = plain[first_slash..len].find('.').map(|d| first_slash + d)
        && plain[dot + 1..len].contains('/')
        && let Some((typ, _domain)) = plain[dot + 1..len].split('/').next().and_then(|e| e.split_once('.'))
        && typ.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '(')
    {
        len = dot;
    }
    // The package is a prefix of the name whether or not brackets were dropped (a `/` inside
    // them was dropped with them), so it can borrow from `name`.
    let package = &name[..len];
    let is_path = !package.is_empty()
        && !package.starts_with('/')
        && package.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-./~%+".contains(&b));
    if !is_path {
        return None;
    }
    if !package.contains('%') {
        return Some(Cow::Borrowed(package));
    }
    Some(Cow::Owned(unescape(package)))
}

/// Undoes the linker's `%xx` escapes (`gopkg.in/yaml%2ev3` → `gopkg.in/yaml.v3`).
fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// Runs the real `go` (tests may; product code runs it only through `go::Go`).
    #[allow(clippy::disallowed_methods)]
    fn go(dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("go").args(args).current_dir(dir).output().unwrap();
        assert!(out.status.success(), "go {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn fixture() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hello")
    }

    fn build(out: &Path, extra: &[&str]) -> PathBuf {
        let bin = out.join(format!("bin{}", extra.len()));
        let mut args = vec!["build", "-o", bin.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.push(".");
        go(&fixture(), &args);
        bin
    }

    /// Text bytes by package from `go tool nm -size` (T/t symbols), with the same name rule.
    fn nm_text(bin: &Path) -> HashMap<String, u64> {
        nm_text_of(&go(&fixture(), &["tool", "nm", "-size", bin.to_str().unwrap()]))
    }

    /// Text bytes by package in `go tool nm -size` output.
    fn nm_text_of(nm: &str) -> HashMap<String, u64> {
        let mut by_package = HashMap::new();
        for line in nm.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() >= 4 && (fields[2] == "T" || fields[2] == "t") {
                let name = fields[3..].join(" ");
                if let Owner::Package(p) = owner(&name) {
                    *by_package.entry(p.into_owned()).or_default() += fields[1].parse::<u64>().unwrap();
                }
            }
        }
        by_package
    }

    fn check_sums(a: &Attribution, what: &str) {
        let parts = a.packages.iter().map(|p| p.bytes).sum::<u64>() + a.other.values().sum::<u64>() + a.unattributed;
        assert_eq!(parts, a.file_bytes, "{what}: {a:?}");
        for p in &a.packages {
            assert_eq!(p.bytes, p.sections.values().sum::<u64>(), "{what}: {p:?}");
        }
        eprintln!(
            "{what}: {} bytes, unattributed {} ({:.3}%), other {:?}",
            a.file_bytes,
            a.unattributed,
            a.unattributed as f64 * 100.0 / a.file_bytes as f64,
            a.other
        );
        assert!(a.unattributed * 100 < a.file_bytes, "{what}: unattributed {} of {}", a.unattributed, a.file_bytes);
        let top: Vec<&str> = a.packages.iter().take(5).map(|p| p.package.as_str()).collect();
        assert!(top.contains(&"runtime"), "{what}: {top:?}");
        assert!(a.packages.iter().any(|p| p.package == "main" && p.sections.contains_key(".text")), "{what}");
    }

    /// The symbol table and DWARF are shared among packages: within what they hold, most of it
    /// (the rest describes the linker's own symbols and types), the runtime and main included.
    fn check_debug(a: &Attribution, what: &str) {
        let held: u64 = [".symtab", ".strtab", "DWARF"].iter().map(|k| a.other[*k]).sum();
        let shared: u64 = a.packages.iter().map(|p| p.debug).sum();
        eprintln!("{what}: debug {shared} of {held} ({:.1}%)", shared as f64 * 100.0 / held as f64);
        assert!(shared <= held && shared * 2 > held, "{what}: {shared} of {held}");
        for name in ["runtime", "main"] {
            assert!(a.packages.iter().any(|p| p.package == name && p.debug > 0), "{what}: {name}");
        }
    }

    /// The six largest packages' code agrees with nm's text symbol sizes within 10%.
    fn check_code(a: &Attribution, nm: &HashMap<String, u64>, what: &str) {
        let mut by_code: Vec<(&str, u64)> =
            a.packages.iter().map(|p| (p.package.as_str(), p.sections.get(".text").copied().unwrap_or(0))).collect();
        by_code.sort_by_key(|x| std::cmp::Reverse(x.1));
        for &(package, code) in by_code.iter().take(6) {
            let expected = nm.get(package).copied().unwrap_or(0);
            eprintln!(
                "{what}: {package:<28} pclntab {code:>8}  nm {expected:>8}  {:+.1}%",
                (code as f64 / expected as f64 - 1.0) * 100.0
            );
            // The issue asks for 10%; leaving out the INT3 fill between functions makes it exact.
            assert!(code.abs_diff(expected) * 50 <= expected, "{what}: {package}: {code} vs nm {expected}");
        }
    }

    #[test]
    fn attributes_real_builds_like_nm() {
        let dir = tempfile::tempdir().unwrap();
        let full = build(dir.path(), &[]);
        let nm = nm_text(&full);
        let a = attribute(&full).unwrap();
        check_sums(&a, "unstripped");
        check_code(&a, &nm, "unstripped");
        assert!(a.other.contains_key("DWARF") && a.other.contains_key(".symtab"), "{:?}", a.other);
        let runtime = a.packages.iter().find(|p| p.package == "runtime").unwrap();
        assert!(runtime.bss > 0 && runtime.sections.contains_key(".data"), "{runtime:?}");
        check_debug(&a, "unstripped");
        // Its string literal, which only its code refers to, is main's.
        let main = a.packages.iter().find(|p| p.package == "main").unwrap();
        assert!(main.sections.get(".rodata").is_some_and(|&b| b >= "hello from a fixture".len() as u64), "{main:?}");

        let stripped = build(dir.path(), &["-ldflags=-s -w"]);
        let s = attribute(&stripped).unwrap();
        check_sums(&s, "-s -w");
        check_code(&s, &nm, "-s -w");
        assert!(s.other.contains_key(".rodata") && !s.other.contains_key(".symtab"), "{:?}", s.other);
        assert!(s.packages.iter().all(|p| p.debug == 0), "-s -w leaves nothing to describe a package");

        let pie = build(dir.path(), &["-buildmode=pie", "-trimpath"]);
        let p = attribute(&pie).unwrap();
        check_sums(&p, "pie");
        check_code(&p, &nm_text(&pie), "pie");
        assert!(p.other.keys().any(|k| k.starts_with(".rela")), "{:?}", p.other);
    }

    #[test]
    fn a_module_whose_path_ends_in_a_dotted_element_is_one_package_with_or_without_symbols() {
        // `example.com/lib.v2` (as gopkg.in/yaml.v3): its names escape the dot
        // (`example.com/lib%2ev2.Sum`) in the pclntab and the symbol table alike; read
        // unescaped, Go's name rule would cut them at `example.com/lib`.
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "go.mod",
            "module example.com/app\n\ngo 1.22\n\nrequire example.com/lib.v2 v0.0.0\n\nreplace example.com/lib.v2 => ./lib\n",
        );
        write("main.go", "package main\n\nimport lib \"example.com/lib.v2\"\n\nfunc main() { println(lib.Sum(40)) }\n");
        write("lib/go.mod", "module example.com/lib.v2\n\ngo 1.22\n");
        write(
            "lib/lib.go",
            "package lib\n\n//go:noinline\nfunc Sum(n int) int {\n\ts := 0\n\tfor i := 0; i < n; i++ {\n\t\ts += i * i % 7\n\t}\n\treturn s\n}\n",
        );
        let bin = |name: &str, extra: &[&str]| {
            let out = dir.path().join(name);
            let mut args = vec!["build", "-o", out.to_str().unwrap()];
            args.extend_from_slice(extra);
            args.push(".");
            go(dir.path(), &args);
            attribute(&out).unwrap()
        };
        for (what, a) in [("unstripped", bin("full", &[])), ("-s -w", bin("stripped", &["-ldflags=-s -w"]))] {
            let names: Vec<&str> = a.packages.iter().map(|p| p.package.as_str()).collect();
            assert!(names.contains(&"example.com/lib.v2"), "{what}: {names:?}");
            assert!(!names.contains(&"example.com/lib"), "{what}: {names:?}");
        }
    }

    #[test]
    fn the_linker_s_escapes_are_undone() {
        assert_eq!(unescape("gopkg.in/yaml%2ev3"), "gopkg.in/yaml.v3");
        assert_eq!(
            unescape("go.opentelemetry.io/otel/semconv/v1%2e17%2e0"),
            "go.opentelemetry.io/otel/semconv/v1.17.0"
        );
        assert_eq!(unescape("a/100%25"), "a/100%");
        assert_eq!(unescape("odd%zz%2"), "odd%zz%2");
        assert_eq!(unescape("runtime"), "runtime");
    }

    #[test]
    fn a_dotted_path_written_as_it_is_goes_to_the_package_its_escaped_names_give() {
        // The pclntab alone (what `-s -w` leaves): one name escaped, one not.
        let names = ["x.io/otel/semconv/v1%2e37%2e0.G", "x.io/otel/semconv/v1.37.0.F", "runtime.main"];
        let dotted = dotted_packages(names.into_iter());
        assert_eq!(dotted, ["x.io/otel/semconv/v1.37.0"]);
        let who = |name: &str| match in_dotted(owner(name), name, &dotted) {
            Owner::Package(p) => p.into_owned(),
            Owner::Other(o) => format!("other: {o}"),
        };
        assert_eq!(who(names[1]), "x.io/otel/semconv/v1.37.0");
        assert_eq!(who(names[0]), "x.io/otel/semconv/v1.37.0");
        assert_eq!(who("x.io/otel/semconv/v1.F"), "x.io/otel/semconv/v1", "a shorter path is its own");
        assert_eq!(who(names[2]), "runtime");
    }

    #[test]
    fn a_string_only_data_points_at_is_its_package_s_in_a_pie_too() {
        // `Greeting`'s header is in main's data; its bytes are referred to by nothing else. In a
        // PIE the header's pointer is a relocation's addend, not a word in the file.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.mod"), "module example.com/app\n\ngo 1.22\n").unwrap();
        let text = "the only reference to these bytes is a string header in main's data, 0123456789";
        let main = format!(
            "package main\n\nimport \"os\"\n\nvar Greeting = \"{text}\"\n\nfunc main() {{ os.Stdout.WriteString(Greeting) }}\n"
        );
        std::fs::write(dir.path().join("main.go"), main).unwrap();
        for (name, extra) in [("exe", &[][..]), ("pie", &["-buildmode=pie"][..])] {
            let out = dir.path().join(name);
            let mut args = vec!["build", "-o", out.to_str().unwrap()];
            args.extend_from_slice(extra);
            args.push(".");
            go(dir.path(), &args);
            let a = attribute(&out).unwrap();
            let main = a.packages.iter().find(|p| p.package == "main").unwrap();
            let rodata = main.sections.get(".rodata").copied().unwrap_or(0);
            assert!(rodata >= text.len() as u64, "{name}: main's .rodata is {rodata} B: {main:?}");
        }
    }

    /// A gzipped file kept under tests/fixtures/binaries (the outputs of a Go tests cannot fetch).
    fn gunzip(name: &str) -> Vec<u8> {
        use std::io::Read;
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/binaries").join(name);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap()).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn attributes_go_1_27_builds_like_its_nm() {
        let nm = nm_text_of(&String::from_utf8(gunzip("go1.27.3/tiny-full.nm.gz")).unwrap());
        let full = attribute_bytes(&gunzip("go1.27.3/tiny-full.gz")).unwrap();
        check_sums(&full, "go1.27.3 unstripped");
        check_code(&full, &nm, "go1.27.3 unstripped");
        assert!(full.other.contains_key("DWARF") && full.other.contains_key(".symtab"), "{:?}", full.other);
        check_debug(&full, "go1.27.3 unstripped");
        // main's own data: `greeting` (15 bytes) in .noptrdata, its inittask in .data... as nm says.
        let main = full.packages.iter().find(|p| p.package == "main").unwrap();
        assert_eq!(main.sections.get(".text"), nm.get("main"), "{main:?}");
        assert!(main.bss >= 8, "main.counts is in .bss: {main:?}");

        let stripped = attribute_bytes(&gunzip("go1.27.3/tiny-sw.gz")).unwrap();
        check_sums(&stripped, "go1.27.3 -s -w");
        check_code(&stripped, &nm, "go1.27.3 -s -w");
        assert!(!stripped.other.contains_key(".symtab") && !stripped.other.contains_key("DWARF"));
        // Stripping leaves code alone: every package's .text is the same bytes.
        for p in &full.packages {
            let code = |a: &Attribution| {
                a.packages.iter().find(|q| q.package == p.package).and_then(|q| q.sections.get(".text").copied())
            };
            assert_eq!(code(&full), code(&stripped), "{}", p.package);
        }
    }

    #[test]
    fn refuses_a_section_past_the_end_of_the_file() {
        let mut data = gunzip("go1.27.3/tiny-sw.gz");
        // The first section after the null one: its sh_size (at 32 in a 64-byte header) is made
        // to reach past the file, as a fuzzer found (it overflowed a sum).
        let shoff = u64::from_le_bytes(data[0x28..0x30].try_into().unwrap()) as usize;
        let size = shoff + 64 + 32;
        data[size..size + 8].copy_from_slice(&(u64::MAX - 7).to_le_bytes());
        let err = format!("{:#}", attribute_bytes(&data).unwrap_err());
        assert!(err.contains("past the end of the file") && err.contains("not written by Go's linker"), "{err}");
    }

    #[test]
    fn refuses_a_file_that_is_not_a_go_binary() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("x");
        std::fs::write(&script, "#!/bin/sh\n").unwrap();
        assert!(format!("{:#}", attribute(&script).unwrap_err()).contains("not a 64-bit ELF"));
        let err = format!("{:#}", attribute(&dir.path().join("missing")).unwrap_err());
        assert!(err.contains("cannot read the binary"), "{err}");
    }

    #[test]
    fn names_to_packages_like_go() {
        // Names taken from `go tool nm` of real Go 1.26 binaries.
        let cases: &[(&str, Option<&str>)] = &[
            ("main.main", Some("main")),
            ("runtime.(*mheap).alloc", Some("runtime")),
            ("net/http.(*Transport).roundTrip.func1", Some("net/http")),
            ("internal/sync..dict.HashTrieMap[interface {},interface {}]", Some("internal/sync")),
            ("internal/sync.(*HashTrieMap[go.shape.interface {},go.shape.interface {}]).Load", Some("internal/sync")),
            (
                "slices.pdqsortCmpFunc[go.shape.struct { net/netip.ip net/netip.uint128; net/netip.z unique.Handle[net/netip.addrDetail] }]",
                Some("slices"),
            ),
            ("gopkg.in/yaml%2ev3.Marshal", Some("gopkg.in/yaml.v3")),
            ("type:.eq.internal/abi.RegArgs", Some("internal/abi")),
            ("type:.eq.[2]interface {}", None),
            ("type:*", None),
            ("go:string.*", None),
            ("go:itab.*reflect.rtype,reflect.Type", None),
            ("go:buildid", None),
            ("_rt0_amd64_linux", None),
            ("unicode..inittask", Some("unicode")),
            // From caddy v2.11.9: a promoted method, a GC mask, cgo's C code.
            (
                "cel.dev/cel-go/parser.recoveryLimitErrorStrategy.github.com/antlr4-go/antlr/v4.reset",
                Some("cel.dev/cel-go/parser"),
            ),
            ("gopkg.in/square/go-jose.v2/json.Marshal", Some("gopkg.in/square/go-jose.v2/json")),
            ("go.etcd.io/bbolt.(*Bucket).Cursor", Some("go.etcd.io/bbolt")),
            (
                "go.opentelemetry.io/otel/semconv/v1.43.0/httpconv.(*ClientRequestBodySize).AttrErrorType",
                Some("go.opentelemetry.io/otel/semconv/v1.43.0/httpconv"),
            ),
            ("type:.gcmask.compress/flate.Writer", Some("compress/flate")),
            ("type:.eq.go.shape.struct { Namespace string; Key string; Val string }", None),
            ("x_cgo_munmap", None),
            ("x_cgo_munmap.cold", None),
        ];
        for &(name, want) in cases {
            let got = match owner(name) {
                Owner::Package(p) => Some(p.into_owned()),
                Owner::Other(_) => None,
            };
            assert_eq!(got.as_deref(), want, "{name}");
        }
        assert_eq!(owner("go:itab.*reflect.rtype,reflect.Type"), Owner::Other(Cow::Borrowed("go:itab.*")));
        assert_eq!(owner("go:buildid"), Owner::Other(Cow::Borrowed("go:buildid")));
    }
}
