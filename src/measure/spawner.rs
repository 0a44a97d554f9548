//! The probe spawner: a static ELF of a few hundred bytes (source: `spawner_x86_64.s`) that the
//! probe runner starts instead of the binary under test. It forks, execs the binary, reaps it
//! with `wait4` and reports the wait status, the binary's own rusage and a monotonic spawn-to-reap
//! time over a pipe it gets as its stdin (the binary gets /dev/null there): so the probe runner
//! needs no pre-exec hook, and Rust's standard library starts it with `posix_spawn` (a vfork)
//! rather than forking the whole gostart process before every run.
//!
//! Why: on exec Linux folds the *old* address space's peak RSS into the new program's max RSS.
//! Started straight from gostart (fork or vfork), a `main(){}` reads ~10 MiB — gostart's own
//! memory. Started from this spawner, whose whole memory is a few pages, max RSS is the
//! program's, as `/usr/bin/time -f %M` reports it.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::elf;
use super::probe::Sample;

/// `spawner_x86_64.s`, assembled (`as` then `objcopy -O binary -j .text`); a test checks it.
#[rustfmt::skip]
const CODE_X86_64: &[u8] = &[
    0x48, 0x8b, 0x0c, 0x24, 0x4c, 0x8d, 0x64, 0x24, 0x10, 0x4c, 0x8d, 0x6c, 0xcc, 0x10, 0x48, 0x81,
    0xec, 0x00, 0x01, 0x00, 0x00, 0x48, 0x83, 0xe4, 0xf0, 0x48, 0xc7, 0x04, 0x24, 0x01, 0x00, 0x00,
    0x00, 0xb8, 0xe4, 0x00, 0x00, 0x00, 0xbf, 0x01, 0x00, 0x00, 0x00, 0x48, 0x8d, 0x74, 0x24, 0x08,
    0x0f, 0x05, 0xb8, 0x39, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x74, 0x59, 0x0f, 0x88,
    0xce, 0x00, 0x00, 0x00, 0x49, 0x89, 0xc6, 0xb8, 0x3d, 0x00, 0x00, 0x00, 0x4c, 0x89, 0xf7, 0x48,
    0x8d, 0x74, 0x24, 0x28, 0x31, 0xd2, 0x4c, 0x8d, 0x54, 0x24, 0x30, 0x0f, 0x05, 0x48, 0x83, 0xf8,
    0xfc, 0x74, 0xe4, 0x48, 0x85, 0xc0, 0x0f, 0x88, 0xa6, 0x00, 0x00, 0x00, 0xb8, 0xe4, 0x00, 0x00,
    0x00, 0xbf, 0x01, 0x00, 0x00, 0x00, 0x48, 0x8d, 0x74, 0x24, 0x18, 0x0f, 0x05, 0xb8, 0x01, 0x00,
    0x00, 0x00, 0x31, 0xff, 0x48, 0x89, 0xe6, 0xba, 0xc0, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x31, 0xff,
    0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xb8, 0x48, 0x00, 0x00, 0x00, 0x31, 0xff, 0xbe, 0x06,
    0x04, 0x00, 0x00, 0xba, 0x03, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x49, 0x89, 0xc7, 0xb8, 0x02, 0x00,
    0x00, 0x00, 0x48, 0x8d, 0x3d, 0x83, 0x00, 0x00, 0x00, 0x31, 0xf6, 0x0f, 0x05, 0x48, 0x89, 0xc3,
    0x48, 0x89, 0xc7, 0xb8, 0x21, 0x00, 0x00, 0x00, 0x31, 0xf6, 0x0f, 0x05, 0xb8, 0x03, 0x00, 0x00,
    0x00, 0x48, 0x89, 0xdf, 0x0f, 0x05, 0xb8, 0x3b, 0x00, 0x00, 0x00, 0x49, 0x8b, 0x3c, 0x24, 0x4c,
    0x89, 0xe6, 0x4c, 0x89, 0xea, 0x0f, 0x05, 0x48, 0xc7, 0x04, 0x24, 0x02, 0x00, 0x00, 0x00, 0x48,
    0x89, 0x44, 0x24, 0x08, 0xb8, 0x01, 0x00, 0x00, 0x00, 0x4c, 0x89, 0xff, 0x48, 0x89, 0xe6, 0xba,
    0x10, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xbf, 0x7f, 0x00, 0x00, 0x00, 0xb8, 0x3c, 0x00, 0x00, 0x00,
    0x0f, 0x05, 0x48, 0xc7, 0x04, 0x24, 0x03, 0x00, 0x00, 0x00, 0x48, 0x89, 0x44, 0x24, 0x08, 0xb8,
    0x01, 0x00, 0x00, 0x00, 0x31, 0xff, 0x48, 0x89, 0xe6, 0xba, 0x10, 0x00, 0x00, 0x00, 0x0f, 0x05,
    0xbf, 0x7e, 0x00, 0x00, 0x00, 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x2f, 0x64, 0x65, 0x76,
    0x2f, 0x6e, 0x75, 0x6c, 0x6c, 0x00,
];

/// The spawner for this machine, written into `dir`; `None` where gostart has none (other than
/// x86-64 Linux): there the probe runner starts binaries itself and max RSS includes its memory.
pub fn write(dir: &Path) -> Result<Option<PathBuf>> {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        return Ok(None);
    }
    elf::write(dir, "spawn", &elf::image(elf::X86_64, CODE_X86_64)).map(Some)
}

/// What the spawner reported.
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    /// The binary ran (or its exec failed, `exec_errno`, and the forked child exited 127):
    /// its wait status, and its spawn-to-reap time and own rusage as a sample (of round 0).
    Reaped { status: i32, sample: Sample, exec_errno: Option<i32> },
    /// `fork` or `wait4` failed in the spawner.
    SpawnerFailed { errno: i32 },
    /// Nothing usable (the spawner was killed before it reported): `len` bytes arrived.
    Missing { len: usize },
}

const KIND_REAPED: u64 = 1;
const KIND_EXEC_FAILED: u64 = 2;
const KIND_SPAWNER_FAILED: u64 = 3;
const REAPED_LEN: usize = 192;
const ERRNO_LEN: usize = 16;

/// Decodes the bytes the spawner wrote to its report pipe: an optional exec failure from the child, then
/// the reap record (see the layout in `spawner_x86_64.s`).
pub fn parse(bytes: &[u8]) -> Report {
    let word = |b: &[u8], at: usize| -> u64 {
        b.get(at..at + 8).and_then(|s| s.try_into().ok()).map(u64::from_le_bytes).unwrap_or(0)
    };
    let mut rest = bytes;
    let mut exec_errno = None;
    while rest.len() >= ERRNO_LEN {
        match word(rest, 0) {
            KIND_EXEC_FAILED => {
                exec_errno = Some(-(word(rest, 8) as i64) as i32);
                rest = &rest[ERRNO_LEN..];
            }
            KIND_SPAWNER_FAILED => return Report::SpawnerFailed { errno: -(word(rest, 8) as i64) as i32 },
            KIND_REAPED if rest.len() >= REAPED_LEN => {
                let ns = |at: usize| word(rest, at).saturating_mul(1_000_000_000).saturating_add(word(rest, at + 8));
                let us =
                    |at: usize| word(rest, at).saturating_mul(1_000_000_000).saturating_add(word(rest, at + 8) * 1000);
                // struct rusage after the 48-byte head: two timevals, then 14 longs.
                let field = |n: usize| word(rest, 48 + 32 + 8 * n);
                return Report::Reaped {
                    status: word(rest, 40) as u32 as i32,
                    sample: Sample {
                        round: 0,
                        wall_ns: ns(24).saturating_sub(ns(8)),
                        user_ns: us(48),
                        sys_ns: us(64),
                        max_rss_kib: field(0),
                        minor_faults: field(4),
                        major_faults: field(5),
                        ctx_switches: field(12).saturating_add(field(13)),
                    },
                    exec_errno,
                };
            }
            _ => break,
        }
    }
    Report::Missing { len: bytes.len() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reaped_record(t0: (u64, u64), t1: (u64, u64), status: i32, longs: [u64; 14]) -> Vec<u8> {
        let mut b = Vec::new();
        for w in [KIND_REAPED, t0.0, t0.1, t1.0, t1.1] {
            b.extend_from_slice(&w.to_le_bytes());
        }
        b.extend_from_slice(&status.to_le_bytes());
        b.extend_from_slice(&[0; 4]);
        for w in [1u64, 500_000, 0, 250_000] {
            b.extend_from_slice(&w.to_le_bytes()); // utime 1.5 s, stime 0.25 s
        }
        for w in longs {
            b.extend_from_slice(&w.to_le_bytes());
        }
        assert_eq!(b.len(), REAPED_LEN);
        b
    }

    #[test]
    fn a_reap_record_decodes() {
        let mut longs = [0u64; 14];
        longs[0] = 1408; // maxrss
        longs[4] = 171; // minflt
        longs[5] = 2; // majflt
        longs[12] = 3; // nvcsw
        longs[13] = 4; // nivcsw
        let rec = reaped_record((10, 999_000_000), (11, 1_000_000), 0x0100, longs);
        let sample = Sample {
            round: 0,
            wall_ns: 2_000_000,
            user_ns: 1_500_000_000,
            sys_ns: 250_000_000,
            max_rss_kib: 1408,
            minor_faults: 171,
            major_faults: 2,
            ctx_switches: 7,
        };
        assert_eq!(parse(&rec), Report::Reaped { status: 0x0100, sample, exec_errno: None });

        let mut failed = Vec::new();
        failed.extend_from_slice(&KIND_EXEC_FAILED.to_le_bytes());
        failed.extend_from_slice(&(-2i64).to_le_bytes()); // -ENOENT
        failed.extend_from_slice(&rec);
        assert!(matches!(parse(&failed), Report::Reaped { exec_errno: Some(2), .. }));
    }

    #[test]
    fn short_or_unknown_reports_are_missing_not_misread() {
        assert_eq!(parse(&[]), Report::Missing { len: 0 });
        assert_eq!(parse(&[1, 0, 0, 0, 0, 0, 0, 0, 5]), Report::Missing { len: 9 });
        assert_eq!(parse(&[9; 200]), Report::Missing { len: 200 });
        let mut spawner = KIND_SPAWNER_FAILED.to_le_bytes().to_vec();
        spawner.extend_from_slice(&(-11i64).to_le_bytes());
        assert_eq!(parse(&spawner), Report::SpawnerFailed { errno: 11 });
    }

    /// The embedded bytes are the assembled source, where an assembler is at hand.
    #[test]
    fn the_embedded_code_is_the_assembled_source() {
        let dir = tempfile::tempdir().unwrap();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/measure/spawner_x86_64.s");
        let obj = dir.path().join("s.o");
        let bin = dir.path().join("s.bin");
        #[allow(clippy::disallowed_methods)] // binutils, not a built binary: a build-time check
        let assembled = std::process::Command::new("as").arg("-o").arg(&obj).arg(&source).status().and_then(|s| {
            s.success().then_some(()).ok_or_else(|| std::io::Error::other("as failed"))?;
            #[allow(clippy::disallowed_methods)]
            std::process::Command::new("objcopy").args(["-O", "binary", "-j", ".text"]).arg(&obj).arg(&bin).status()
        });
        match assembled {
            Ok(s) if s.success() => assert_eq!(std::fs::read(&bin).unwrap(), CODE_X86_64),
            // No binutils on this machine (or not x86-64 ones): nothing to compare against.
            _ => eprintln!("skipped: no x86-64 `as`/`objcopy` here"),
        }
    }
}
