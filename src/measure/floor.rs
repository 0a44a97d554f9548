//! The runner's calibration floor: the smallest program there is — a static ELF whose first
//! instruction exits — timed like any config, so users see the least difference gostart can
//! resolve on their machine (spawn, exec and reap, with no dynamic loader and no Go runtime).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The floor program for this machine, written into `dir`; `None` where gostart has none
/// (architectures other than x86-64 and arm64 Linux).
pub fn write(dir: &Path) -> Result<Option<PathBuf>> {
    let Some(image) = image() else { return Ok(None) };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = path(dir);
    std::fs::write(&path, image).with_context(|| format!("cannot write {}", path.display()))?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))?;
    Ok(Some(path))
}

/// Where [`write`] puts the floor program in `dir`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join("exit0")
}

/// A minimal ELF64 executable: one header, one loadable segment, code that calls exit(0).
fn image() -> Option<Vec<u8>> {
    let (machine, code): (u16, &[u8]) = if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        // mov eax, 60 (exit); xor edi, edi; syscall
        (0x3e, &[0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05])
    } else if cfg!(all(target_os = "linux", target_arch = "aarch64")) {
        // mov x0, #0; mov x8, #93 (exit); svc #0
        (0xb7, &[0x00, 0x00, 0x80, 0xd2, 0xa8, 0x0b, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4])
    } else {
        return None;
    };
    const BASE: u64 = 0x40_0000;
    const EHDR: u16 = 64;
    const PHDR: u16 = 56;
    let entry_offset = (EHDR + PHDR) as u64;
    let total = entry_offset + code.len() as u64;
    let mut b = Vec::with_capacity(total as usize);
    b.extend_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // 64-bit, LE, v1
    b.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    b.extend_from_slice(&machine.to_le_bytes());
    b.extend_from_slice(&1u32.to_le_bytes()); // EV_CURRENT
    b.extend_from_slice(&(BASE + entry_offset).to_le_bytes()); // e_entry
    b.extend_from_slice(&(EHDR as u64).to_le_bytes()); // e_phoff
    b.extend_from_slice(&0u64.to_le_bytes()); // e_shoff: no sections
    b.extend_from_slice(&0u32.to_le_bytes()); // e_flags
    b.extend_from_slice(&EHDR.to_le_bytes());
    b.extend_from_slice(&PHDR.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes()); // e_phnum
    b.extend_from_slice(&[0; 6]); // e_shentsize, e_shnum, e_shstrndx
    b.extend_from_slice(&1u32.to_le_bytes()); // PT_LOAD
    b.extend_from_slice(&5u32.to_le_bytes()); // PF_R | PF_X
    b.extend_from_slice(&0u64.to_le_bytes()); // p_offset
    b.extend_from_slice(&BASE.to_le_bytes()); // p_vaddr
    b.extend_from_slice(&BASE.to_le_bytes()); // p_paddr
    b.extend_from_slice(&total.to_le_bytes()); // p_filesz
    b.extend_from_slice(&total.to_le_bytes()); // p_memsz
    b.extend_from_slice(&0x1000u64.to_le_bytes()); // p_align
    b.extend_from_slice(code);
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_program_runs_and_exits_zero() {
        let dir = tempfile::tempdir().unwrap();
        let Some(path) = write(dir.path()).unwrap() else { return };
        let probe = crate::measure::probe::Probe {
            program: &path,
            args: &[],
            env: Default::default(),
            expect_exit: 0,
            timeout: std::time::Duration::from_secs(5),
            keep_bytes: 64,
            cold: false,
            pin: None,
        };
        let sample = crate::measure::probe::run(&probe, 0).unwrap().unwrap();
        assert!(sample.wall_ns > 0);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 129 + if cfg!(target_arch = "aarch64") { 3 } else { 0 });
    }
}
