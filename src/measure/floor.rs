//! The runner's calibration floor: the smallest program there is — a static ELF whose first
//! instruction exits — timed like any config, so users see the least difference gostart can
//! resolve on their machine (spawn, exec and reap, with no dynamic loader and no Go runtime).

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::elf;

/// The floor program for this machine, written into `dir`; `None` where gostart has none
/// (architectures other than x86-64 and arm64 Linux).
pub fn write(dir: &Path) -> Result<Option<PathBuf>> {
    let (machine, code): (u16, &[u8]) = if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        // mov eax, 60 (exit); xor edi, edi; syscall
        (elf::X86_64, &[0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05])
    } else if cfg!(all(target_os = "linux", target_arch = "aarch64")) {
        // mov x0, #0; mov x8, #93 (exit); svc #0
        (elf::AARCH64, &[0x00, 0x00, 0x80, 0xd2, 0xa8, 0x0b, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4])
    } else {
        return Ok(None);
    };
    elf::write(dir, "exit0", &elf::image(machine, code)).map(Some)
}

/// Where [`write`] puts the floor program in `dir`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join("exit0")
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
            spawner: None,
            cancel: crate::interrupt::Cancel::Signals,
        };
        let sample = crate::measure::probe::run(&probe, 0).unwrap().unwrap();
        assert!(sample.wall_ns > 0);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 129 + if cfg!(target_arch = "aarch64") { 3 } else { 0 });
    }
}
