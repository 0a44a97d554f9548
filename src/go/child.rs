//! One `go` process (or, for `gostart check`, one `git`), from start to reap: in its own
//! process group with stdin closed, its output captured up to a bound, waited for with a
//! deadline while watching for Ctrl-C. At the deadline, on Ctrl-C, or when it prints more than
//! the bound, the whole group — go and the compilers and linkers it started — is killed.

use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// How often a wait looks at the Ctrl-C flag: short next to any build, long for a CPU.
const POLL: Duration = Duration::from_millis(50);
/// After the end (or a kill), how long the output pipes may stay open. Only a process that
/// left go's group (a daemon) can hold them longer; its output is then given up.
const DRAIN: Duration = Duration::from_secs(5);
/// Output a query may print per stream (`go list -json` of a very large module is a few MiB).
pub const QUERY_OUTPUT: usize = 64 << 20;
/// Output a build may print per stream (the escape pass's `-m` diagnostics of a large module
/// are tens of MiB).
pub const BUILD_OUTPUT: usize = 1 << 30;

/// How a `go` process ended.
#[derive(Debug)]
pub enum Ended {
    Exited(ExitStatus),
    /// Killed (with its group) after running this long.
    TimedOut(Duration),
    /// Killed (with its group), or never started, because gostart was asked to stop.
    Interrupted,
    /// Killed (with its group) once a stream passed the bound: no go prints that much.
    Flooded,
}

/// What one stream printed: up to the bound, and how much there was (more: it flooded).
#[derive(Debug, Default)]
pub struct Captured {
    pub bytes: Vec<u8>,
    pub total: usize,
}

#[derive(Debug)]
pub struct Finished {
    pub ended: Ended,
    pub stdout: Captured,
    pub stderr: Captured,
    pub wall: Duration,
}

/// Runs `expr` (one `go` command) to its end, its deadline (`limit`), Ctrl-C, or more than
/// `bound` bytes on a stream, whichever is first. `Err` only when it cannot be started.
pub fn run(expr: duct::Expression, limit: Option<Duration>, bound: usize) -> io::Result<Finished> {
    run_watching(expr, limit, bound, true)
}

/// `run`, but Ctrl-C does not stop it: for the cleanup that must still happen after Ctrl-C
/// (removing a git work tree). Only its deadline and its bound stop it.
pub fn run_to_end(expr: duct::Expression, limit: Option<Duration>, bound: usize) -> io::Result<Finished> {
    run_watching(expr, limit, bound, false)
}

fn run_watching(expr: duct::Expression, limit: Option<Duration>, bound: usize, ctrl_c: bool) -> io::Result<Finished> {
    let interrupted = || ctrl_c && crate::interrupt::requested();
    if interrupted() {
        let none = Captured::default;
        return Ok(Finished { ended: Ended::Interrupted, stdout: none(), stderr: none(), wall: Duration::ZERO });
    }
    let (out_read, out_write) = os_pipe::pipe()?;
    let (err_read, err_write) = os_pipe::pipe()?;
    let expr = expr.stdin_null().stdout_file(out_write).stderr_file(err_write).unchecked().before_spawn(|cmd| {
        // Its own group, so one signal reaches everything go started; and the terminal's
        // Ctrl-C reaches only gostart, which decides what stops.
        cmd.process_group(0);
        Ok(())
    });
    let flooded = Arc::new(AtomicBool::new(false));
    let stdout = drain(out_read, bound, flooded.clone());
    let stderr = drain(err_read, bound, flooded.clone());
    let start = Instant::now();
    let handle = expr.start();
    // The expression holds gostart's copies of the pipes' write ends: close them, or the
    // readers would never see the end of the output.
    drop(expr);
    let handle = handle?;
    // A second signal exits at once, without this loop: it must kill go's group too.
    let _watched: Vec<_> = handle.pids().into_iter().map(|pid| crate::interrupt::watch_group(pid as i32)).collect();
    let deadline = limit.map(|l| start + l);
    let ended = loop {
        if interrupted() {
            kill_group(&handle);
            break Ended::Interrupted;
        }
        if flooded.load(Ordering::Relaxed) {
            kill_group(&handle);
            break Ended::Flooded;
        }
        let slice = deadline.map_or(POLL, |d| d.saturating_duration_since(Instant::now()).min(POLL));
        if let Some(output) = handle.wait_timeout(slice)? {
            break Ended::Exited(output.status);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            kill_group(&handle);
            break Ended::TimedOut(start.elapsed());
        }
    };
    if !matches!(ended, Ended::Exited(_)) {
        // Reap it; a SIGKILLed process exits at once unless the kernel holds it (D state).
        let _ = handle.wait_timeout(DRAIN);
    }
    let wall = start.elapsed();
    let until = Instant::now() + DRAIN;
    Ok(Finished { ended, stdout: stdout.finish(until), stderr: stderr.finish(until), wall })
}

/// A pipe read to its end on a thread of its own.
struct Drain {
    captured: Arc<Mutex<Captured>>,
    done: mpsc::Receiver<()>,
}

/// Starts reading `pipe`, keeping the first `bound` bytes; past them it raises `flooded` and
/// reads on (dropping), so the writer never blocks before it is killed.
fn drain(mut pipe: os_pipe::PipeReader, bound: usize, flooded: Arc<AtomicBool>) -> Drain {
    let captured = Arc::new(Mutex::new(Captured::default()));
    let (tx, done) = mpsc::channel();
    let shared = captured.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 64 * 1024];
        loop {
            let n = match pipe.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            let Ok(mut c) = shared.lock() else { break };
            let keep = n.min(bound.saturating_sub(c.bytes.len()));
            c.bytes.extend_from_slice(&buf[..keep]);
            c.total += n;
            if c.total > bound {
                flooded.store(true, Ordering::Relaxed);
            }
        }
        let _ = tx.send(());
    });
    Drain { captured, done }
}

impl Drain {
    /// What was read, once the pipe is closed or at `until`: a process that left go's group
    /// (a daemon) may hold the pipe open for ever, and then what it printed so far is all.
    fn finish(self, until: Instant) -> Captured {
        let _ = self.done.recv_timeout(until.saturating_duration_since(Instant::now()));
        self.captured.lock().map(|mut c| std::mem::take(&mut *c)).unwrap_or_default()
    }
}

/// SIGKILL to the child's process group (its pid: it leads the group it was started in). The
/// child is not reaped yet, so its pid — and the group id — cannot have been reused.
fn kill_group(handle: &duct::Handle) {
    for pid in handle.pids() {
        if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
            // ESRCH: the group is already gone.
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    }
    let _ = handle.kill();
}
