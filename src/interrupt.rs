//! Ctrl-C, SIGTERM and SIGHUP: the first one stops the run at the next safe point — the running
//! probe's process group is killed, whole rounds are saved — and gostart exits with 128 + the
//! signal's number (130, 143, 129), as shells report a death by that signal. A second signal
//! kills the process groups gostart is waiting on and exits at once.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI32, Ordering};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// The first signal received, or 0.
static SIGNAL: AtomicI32 = AtomicI32::new(0);
/// Process groups to kill when a second signal quits at once (they do not get the terminal's
/// signal: probes run in groups of their own).
static GROUPS: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());

/// The run was interrupted; results so far were saved. Exit code 128 + the signal.
#[derive(Debug, Default, thiserror::Error)]
#[error(
    "interrupted{}",
    .saved.as_ref().map(|s| format!("; what was measured so far is saved in {s}{}", .continuing.as_ref().map(|c| format!(" ({c})")).unwrap_or_default())).unwrap_or_default()
)]
pub struct Interrupted {
    pub saved: Option<String>,
    /// How to finish the saved run (`Run::continuing`).
    pub continuing: Option<String>,
}

/// Starts the thread that handles SIGINT, SIGTERM and SIGHUP; harmless if called twice.
pub fn install() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("warning: cannot handle signals ({e}); a signal will stop gostart without saving");
                return;
            }
        };
        let spawned = std::thread::Builder::new().name("signals".into()).spawn(move || {
            for sig in signals.forever() {
                if SIGNAL.compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst).is_err() {
                    quit_now(sig);
                }
                let again = if sig == SIGINT { "Ctrl-C again" } else { "a second signal" };
                // Not eprintln!: after SIGHUP the terminal may be gone, and a failed write
                // must not end the thread that handles the second signal.
                let _ = writeln!(
                    std::io::stderr(),
                    "\ngostart: {}; stopping after the current run and saving what was measured ({again} quits at once)",
                    if sig == SIGINT { "interrupted".to_owned() } else { format!("{} received", name(sig)) }
                );
            }
        });
        if let Err(e) = spawned {
            eprintln!("warning: cannot handle signals ({e}); a signal will stop gostart without saving");
        }
    });
}

/// A second signal: kill what gostart waits on, then exit with that signal's code.
fn quit_now(sig: i32) -> ! {
    let groups: Vec<i32> = GROUPS.lock().map(|g| g.iter().copied().collect()).unwrap_or_default();
    for pgid in groups {
        // SAFETY: sending a signal to a process group gostart started; ESRCH is fine.
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
    }
    std::process::exit(128 + sig)
}

/// A cancellation token, handed to whatever waits on a child so that it can stop it: the
/// signals (`Cancel::Signals`, what gostart runs with), or a flag a caller sets (tests).
#[derive(Debug, Clone, Copy)]
pub enum Cancel<'a> {
    /// SIGINT, SIGTERM or SIGHUP was received.
    Signals,
    Flag(&'a std::sync::atomic::AtomicBool),
}

impl Cancel<'_> {
    /// Whether to stop now.
    pub fn requested(&self) -> bool {
        match self {
            Cancel::Signals => requested(),
            Cancel::Flag(flag) => flag.load(Ordering::SeqCst),
        }
    }
}

/// Whether a stop was asked for (by SIGINT, SIGTERM or SIGHUP).
pub fn requested() -> bool {
    SIGNAL.load(Ordering::SeqCst) != 0
}

/// The signal that asked for the stop, if one did.
pub fn signal() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        sig => Some(sig),
    }
}

/// The exit code of an interrupted run: 128 + the signal (130 when none is known).
pub fn exit_code() -> i32 {
    128 + signal().unwrap_or(SIGINT)
}

/// `SIGTERM`-style name of the signal that asked for the stop.
pub fn signal_name() -> Option<String> {
    signal().map(name)
}

fn name(sig: i32) -> String {
    crate::measure::probe::signal_name(sig)
}

/// Registers a process group that a second signal kills before gostart exits; the group is
/// forgotten when the guard is dropped.
pub fn watch_group(pgid: i32) -> GroupGuard {
    if let Ok(mut g) = GROUPS.lock() {
        g.insert(pgid);
    }
    GroupGuard(pgid)
}

/// See [`watch_group`].
pub struct GroupGuard(i32);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Ok(mut g) = GROUPS.lock() {
            g.remove(&self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_what_was_saved_and_how_to_finish_it() {
        let e = Interrupted {
            saved: Some("/p/.gostart/runs/20261127-043012-123/results.json".into()),
            continuing: Some("`gostart tune --resume 20261127-043012-123` continues it".into()),
        };
        assert_eq!(
            e.to_string(),
            "interrupted; what was measured so far is saved in /p/.gostart/runs/20261127-043012-123/results.json \
             (`gostart tune --resume 20261127-043012-123` continues it)"
        );
        assert_eq!(Interrupted::default().to_string(), "interrupted");
    }

    #[test]
    fn a_watched_group_is_forgotten_with_its_guard() {
        let g = watch_group(-7);
        assert!(GROUPS.lock().unwrap().contains(&-7));
        drop(g);
        assert!(!GROUPS.lock().unwrap().contains(&-7));
    }
}
