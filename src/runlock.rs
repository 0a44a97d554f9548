//! One run at a time per target dir: an advisory `flock` on the file `lock` in the target dir,
//! held while a run is written. The file names its holder (pid, command line, start time), so
//! a second `gostart tune` can say who it waits for; it stops (`Busy`, exit 75) or, with
//! `--wait`, waits. The kernel drops the lock when its holder exits, however it exits.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};
use rustix::fs::{FileType, FlockOperation, OFlags};
use rustix::io::Errno;

use crate::printable::printable;
use crate::rundir;

/// The lock file's name in the target dir.
pub const LOCK: &str = "lock";
/// The first line of the lock file: a `lock` without it is not gostart's.
pub const MARK: &str = "# gostart run lock";
/// How often a waiting gostart tries again (the lock has no wake-up to wait on that Ctrl-C
/// could also interrupt).
const RETRY: Duration = Duration::from_millis(200);

/// Whether to wait for a lock another run holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    No,
    Yes,
}

/// Another gostart is writing runs in this target dir.
#[derive(Debug, thiserror::Error)]
#[error(
    "another gostart is writing runs in {} ({holder}); wait for it with `gostart tune --wait`, or choose another --target-dir",
    .dir.display()
)]
pub struct Busy {
    pub dir: PathBuf,
    /// Who holds the lock, as its file says.
    pub holder: String,
}

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// Takes the lock of `target_dir` (created if missing), or says who holds it.
pub fn acquire(target_dir: &Path, wait: Wait) -> Result<RunLock> {
    let dir = rundir::open_target(target_dir)?;
    let path = target_dir.join(LOCK);
    let file = dir
        .open_file(LOCK, OFlags::RDWR | OFlags::CREATE)
        .with_context(|| format!("cannot open the run lock {}", path.display()))?;
    let st = rustix::fs::fstat(&file).with_context(|| format!("cannot read {}", path.display()))?;
    let text = contents(&file);
    if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile || !(text.is_empty() || text.starts_with(MARK)) {
        bail!(
            "{} is not gostart's run lock, and gostart will not overwrite it: move it away, or choose another --target-dir",
            path.display()
        );
    }
    let mut told = false;
    loop {
        match rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => break,
            Err(Errno::WOULDBLOCK | Errno::INTR) => {}
            Err(e) => return Err(e).with_context(|| format!("cannot lock {}", path.display())),
        }
        let holder = holder(&contents(&file));
        if wait == Wait::No {
            return Err(Busy { dir: target_dir.to_owned(), holder }.into());
        }
        if !told {
            eprintln!(
                "gostart: waiting for the run writing in {} to finish ({holder}; Ctrl-C to stop)",
                target_dir.display()
            );
            told = true;
        }
        if crate::interrupt::requested() {
            return Err(crate::interrupt::Interrupted::default().into());
        }
        std::thread::sleep(RETRY);
    }
    let command: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    // One line each: the command line is escaped so that no argument can add a line.
    let note = format!(
        "{MARK}: held while a run is written; the lines below name the holder.\npid: {}\ncommand: {}\nstarted: {}\n",
        std::process::id(),
        printable(&command.join(" ")).replace('\n', "\\n").replace('\t', "\\t"),
        humantime::format_rfc3339_seconds(SystemTime::now()),
    );
    file.set_len(0)
        .and_then(|()| file.write_all_at(note.as_bytes(), 0))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(RunLock { _file: file })
}

/// The first 4 KiB of the lock file.
fn contents(file: &File) -> String {
    let mut buf = vec![0; 4096];
    let n = file.read_at(&mut buf, 0).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// "pid 123, started …: `gostart tune …`" from the lock file's lines.
fn holder(text: &str) -> String {
    let field = |key: &str| text.lines().find_map(|l| l.strip_prefix(key)).map(str::trim);
    match (field("pid:"), field("command:"), field("started:")) {
        (Some(pid), Some(command), Some(started)) => format!("pid {pid}, started {started}: `{command}`"),
        // Taken a moment ago and not yet written, or held by a program other than gostart.
        _ => "the lock file does not name its holder yet".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_told_who_holds_the_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join(".gostart");
        let held = acquire(&target, Wait::No).unwrap();
        // flock locks belong to the open file: a second open in this process conflicts too.
        let e = acquire(&target, Wait::No).unwrap_err();
        let busy = e.downcast_ref::<Busy>().expect("a Busy error");
        assert!(busy.holder.starts_with(&format!("pid {}, started ", std::process::id())), "{}", busy.holder);
        drop(held);
        assert!(acquire(&target, Wait::No).is_ok());
    }

    #[test]
    fn a_users_file_called_lock_is_not_overwritten() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("lock"), "my lock notes\n").unwrap();
        let e = acquire(tmp.path(), Wait::No).unwrap_err().to_string();
        assert!(e.contains("is not gostart's run lock"), "{e}");
        assert_eq!(std::fs::read_to_string(tmp.path().join("lock")).unwrap(), "my lock notes\n");
    }

    #[test]
    fn the_holder_is_read_from_the_lock_file() {
        assert_eq!(
            holder("# gostart run lock: x\npid: 7\ncommand: gostart tune\nstarted: 2026-01-01T00:00:00Z\n"),
            "pid 7, started 2026-01-01T00:00:00Z: `gostart tune`"
        );
        assert_eq!(holder(""), "the lock file does not name its holder yet");
    }
}
