//! Ctrl-C: the first one stops the run at the next safe point — the running probe's process
//! group is killed, what was measured is saved — the second one exits at once.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// The run was interrupted; results so far were saved. Exit code 130, as shells report SIGINT.
#[derive(Debug, thiserror::Error)]
#[error("interrupted{}", .saved.as_ref().map(|s| format!("; what was measured so far is saved in {s}")).unwrap_or_default())]
pub struct Interrupted {
    pub saved: Option<String>,
}

/// Installs the handler; harmless if another one is already installed.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\ngostart: interrupted; stopping after the current run (Ctrl-C again to quit at once)");
    });
}

pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}
