//! The probe runner: the only code that starts built binaries. One run = spawn with the exact
//! argv and env (no shell), stdin from /dev/null, output drained and bounded, a per-run timeout,
//! and the child's own rusage from `wait4`.

use std::collections::BTreeMap;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::spawner;
use serde::{Deserialize, Serialize};

/// Bytes of each output stream kept for error reports; the rest is read and dropped.
pub const KEEP_BYTES: usize = 4096;

/// What to start and what counts as success.
#[derive(Debug, Clone)]
pub struct Probe<'a> {
    pub program: &'a Path,
    pub args: &'a [String],
    /// Added to (and overriding) gostart's own environment.
    pub env: BTreeMap<String, String>,
    pub expect_exit: i32,
    pub timeout: Duration,
    /// Bytes of stdout and of stderr to keep (the rest is read and dropped).
    pub keep_bytes: usize,
    /// Evict the binary from the page cache before the run (a cold start).
    pub cold: bool,
    /// Run the child on this CPU only.
    pub pin: Option<usize>,
    /// The spawner (`spawner::write`) that starts `program` so that its max RSS is its own;
    /// `None` starts it directly.
    pub spawner: Option<&'a Path>,
    /// Asked while the child runs: when it says stop, the child's group is killed and the run
    /// ends with [`crate::interrupt::Interrupted`].
    pub cancel: crate::interrupt::Cancel<'a>,
}

/// What a run leaves besides its figures: the head of its output.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}

/// One timed run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// The round this run belongs to (pairs runs of different configs).
    pub round: u32,
    pub wall_ns: u64,
    pub user_ns: u64,
    pub sys_ns: u64,
    pub max_rss_kib: u64,
    pub minor_faults: u64,
    pub major_faults: u64,
    pub ctx_switches: u64,
}

/// A run that did not end the way the probe expects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// e.g. `exit status 3 (expected 0)`, `killed by SIGSEGV`, `timed out after 10s`.
    pub reason: String,
    pub stdout_head: String,
    pub stderr_head: String,
}

/// Output of one run, kept up to `KEEP_BYTES` per stream.
#[derive(Debug, Default)]
struct Drained {
    out: Vec<u8>,
    err: Vec<u8>,
}

/// Runs the probe once. A program that cannot be started (gone, not executable, not a
/// program) is a `Failure` of that config; `Err` is the runner's own trouble (it cannot watch
/// or reap the child) or an interrupt.
pub fn run(probe: &Probe, round: u32) -> Result<std::result::Result<Sample, Failure>> {
    Ok(run_capturing(probe, round)?.map(|(sample, _)| sample))
}

/// Runs the probe once and also returns the head of its output.
#[allow(clippy::disallowed_methods)] // This is the one place that starts built binaries.
pub fn run_capturing(probe: &Probe, round: u32) -> Result<std::result::Result<(Sample, Output), Failure>> {
    if probe.cold {
        if let Err(e) = evict(probe.program) {
            return Ok(Err(not_started(format!("cannot evict {} from the page cache: {e}", probe.program.display()))));
        }
    }
    // The spawner reports on a pipe it gets as its stdin (and gives the binary /dev/null).
    let (report, report_write) = match probe.spawner {
        Some(_) => {
            let (read, write) = pipe().context("cannot create the probe spawner's report pipe")?;
            (Some(read), Some(write))
        }
        None => (None, None),
    };
    let mut cmd = match probe.spawner {
        Some(spawner) => {
            let mut c = Command::new(spawner);
            c.arg(probe.program);
            c
        }
        None => Command::new(probe.program),
    };
    cmd.args(probe.args)
        .envs(&probe.env)
        .stdin(report_write.map_or_else(Stdio::null, Stdio::from))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout also kills what the probe started.
        .process_group(0);
    // Without a pre-exec hook the standard library spawns with posix_spawn (a vfork), not a fork
    // of the whole gostart process: pinning alone needs one.
    if let Some(cpu) = probe.pin {
        // SAFETY: the closure runs in the child between fork and exec and only makes the
        // async-signal-safe sched_setaffinity syscall on stack data.
        unsafe {
            cmd.pre_exec(move || {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(cpu, &mut set);
                if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }

    let start = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        // The binary is this config's own: gone, not executable, not a program. The config
        // fails; the others go on.
        Err(e) => return Ok(Err(not_started(spawn_failure(probe.spawner.unwrap_or(probe.program), &e)))),
    };
    // Only the spawner may hold the write end, so its exit ends the report: drop our copy.
    drop(cmd);
    let pid = child.id() as libc::pid_t;
    // A second signal quits at once; the probe's group must not outlive gostart.
    let _watched = crate::interrupt::watch_group(pid);
    let pidfd = match pidfd_open(pid) {
        Ok(fd) => fd,
        Err(e) => {
            kill_group(pid);
            let _ = child.wait();
            return Err(e).with_context(|| format!("cannot watch process {pid}"));
        }
    };
    let (mut out, mut err) = (child.stdout.take(), child.stderr.take());
    for fd in [out.as_ref().map(|o| o.as_raw_fd()), err.as_ref().map(|e| e.as_raw_fd())].into_iter().flatten() {
        set_nonblocking(fd);
    }

    let deadline = start + probe.timeout;
    let mut drained = Drained::default();
    let mut timed_out = false;
    let mut interrupted = false;
    loop {
        let now = Instant::now();
        if now >= deadline {
            timed_out = true;
            kill_group(pid);
            break;
        }
        if probe.cancel.requested() {
            interrupted = true;
            kill_group(pid);
            break;
        }
        // Wake at least every 100 ms to notice an interrupt.
        let wait_ms = (deadline - now).as_millis().min(100) as i32;
        let mut fds = vec![libc::pollfd { fd: pidfd.as_raw_fd(), events: libc::POLLIN, revents: 0 }];
        for fd in [out.as_ref().map(|o| o.as_raw_fd()), err.as_ref().map(|e| e.as_raw_fd())].into_iter().flatten() {
            fds.push(libc::pollfd { fd, events: libc::POLLIN, revents: 0 });
        }
        // SAFETY: `fds` is a valid, initialized array of pollfd for the duration of the call.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, wait_ms.max(1)) };
        if ready < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            kill_group(pid);
            return Err(e).context("poll on a probe failed");
        }
        if fds[0].revents != 0 {
            break;
        }
        drain(&mut out, &mut drained.out, probe.keep_bytes);
        drain(&mut err, &mut drained.err, probe.keep_bytes);
    }

    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data; zeroed is a valid value for it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our unreaped child; `status` and `usage` are valid for writes.
    let reaped = loop {
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r >= 0 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            break r;
        }
    };
    let wall = start.elapsed();
    // Whatever the probe left running in its group dies with it.
    kill_group(pid);
    if reaped < 0 {
        return Err(std::io::Error::last_os_error()).context("wait4 on a probe failed");
    }
    if interrupted {
        return Err(crate::interrupt::Interrupted::default().into());
    }
    drain(&mut out, &mut drained.out, probe.keep_bytes);
    drain(&mut err, &mut drained.err, probe.keep_bytes);

    let mut sample = sample_of(round, wall.as_nanos() as u64, &usage);
    let mut exec_failed = None;
    if let Some(report) = report {
        match spawner::parse(&read_all(report)) {
            spawner::Report::Reaped { status: s, sample: reaped, exec_errno } => {
                (status, sample) = (s, Sample { round, ..reaped });
                exec_failed = exec_errno;
            }
            spawner::Report::SpawnerFailed { errno } => {
                return Err(std::io::Error::from_raw_os_error(errno))
                    .context("the probe spawner could not start or reap a probe");
            }
            // Killed before it reported: by the timeout, or by something else (named below).
            spawner::Report::Missing { .. } if timed_out => {}
            spawner::Report::Missing { len } => {
                if !libc::WIFSIGNALED(status) {
                    return Err(anyhow::anyhow!("the probe spawner exited ({status:#x}) after a {len}-byte report"));
                }
            }
        }
    }

    let reason = if timed_out {
        Some(format!("timed out after {}", humantime::format_duration(probe.timeout)))
    } else if let Some(errno) = exec_failed {
        Some(spawn_failure(probe.program, &std::io::Error::from_raw_os_error(errno)))
    } else if libc::WIFSIGNALED(status) {
        Some(format!("killed by {}", signal_name(libc::WTERMSIG(status))))
    } else {
        let code = libc::WEXITSTATUS(status);
        (code != probe.expect_exit).then(|| format!("exit status {code} (expected {})", probe.expect_exit))
    };
    if let Some(reason) = reason {
        return Ok(Err(Failure {
            reason,
            stdout_head: String::from_utf8_lossy(&drained.out).into_owned(),
            stderr_head: String::from_utf8_lossy(&drained.err).into_owned(),
        }));
    }
    let output = Output {
        stdout: String::from_utf8_lossy(&drained.out).into_owned(),
        stderr: String::from_utf8_lossy(&drained.err).into_owned(),
    };
    Ok(Ok((sample, output)))
}

/// The figures of a `wait4` rusage gostart reaped itself.
fn sample_of(round: u32, wall_ns: u64, u: &libc::rusage) -> Sample {
    let tv_ns = |tv: libc::timeval| tv.tv_sec as u64 * 1_000_000_000 + tv.tv_usec as u64 * 1000;
    Sample {
        round,
        wall_ns,
        user_ns: tv_ns(u.ru_utime),
        sys_ns: tv_ns(u.ru_stime),
        max_rss_kib: u.ru_maxrss as u64,
        minor_faults: u.ru_minflt as u64,
        major_faults: u.ru_majflt as u64,
        ctx_switches: (u.ru_nvcsw + u.ru_nivcsw) as u64,
    }
}

/// A pipe, both ends close-on-exec (the spawner gets the write end as its stdin).
fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two descriptors into the array we pass.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: the kernel just returned these descriptors to us; nobody else owns them.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Everything left in a pipe whose writers are gone (the spawner's report: 208 bytes at most).
fn read_all(fd: OwnedFd) -> Vec<u8> {
    set_nonblocking(fd.as_raw_fd());
    let mut bytes = Vec::new();
    let _ = std::fs::File::from(fd).take(4096).read_to_end(&mut bytes);
    bytes
}

/// A failure before the program ran, so with no output.
fn not_started(reason: String) -> Failure {
    Failure { reason, stdout_head: String::new(), stderr_head: String::new() }
}

/// Why `program` could not be started, in words that point at the likely cause.
fn spawn_failure(program: &Path, e: &std::io::Error) -> String {
    let hint = match e.raw_os_error() {
        Some(libc::ENOENT) => "; the binary is gone (deleted after it was built, perhaps by the program itself)",
        Some(libc::EACCES) if program.is_dir() => "; a directory is where the binary was",
        Some(libc::EACCES) => "; it is not executable (its permissions, or a file system mounted noexec)",
        Some(libc::ENOEXEC) => "; the file is not a program this machine can run",
        Some(libc::ETXTBSY) => "; the file is open for writing",
        _ => "",
    };
    format!("cannot start {}: {e}{hint}", program.display())
}

/// Drops the file's pages from the page cache, so the next start reads it from disk: what a
/// container's first start sees. Needs no root: fsync, then POSIX_FADV_DONTNEED on the file.
/// Shared libraries it loads (libc for a cgo build) and the kernel's own caches stay warm.
pub fn evict(path: &Path) -> std::io::Result<()> {
    let file = std::fs::File::open(path)?;
    file.sync_all()?;
    // SAFETY: posix_fadvise on a descriptor we own, with integer arguments.
    let rc = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    if rc != 0 {
        return Err(std::io::Error::from_raw_os_error(rc));
    }
    Ok(())
}

/// Reads what is available now, keeps up to `limit` bytes, closes the stream at EOF.
fn drain<R: Read>(stream: &mut Option<R>, keep: &mut Vec<u8>, limit: usize) {
    let Some(r) = stream else { return };
    let mut buf = [0u8; 16 * 1024];
    loop {
        match r.read(&mut buf) {
            Ok(0) => {
                *stream = None;
                return;
            }
            Ok(n) => {
                let room = limit.saturating_sub(keep.len());
                keep.extend_from_slice(&buf[..n.min(room)]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return, // WouldBlock: nothing more for now.
        }
    }
}

fn pidfd_open(pid: libc::pid_t) -> std::io::Result<OwnedFd> {
    // SAFETY: a raw syscall with plain integer arguments.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: the kernel just returned this descriptor to us; nobody else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

fn set_nonblocking(fd: i32) {
    // SAFETY: fcntl on a descriptor we own, with integer arguments.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
    }
}

fn kill_group(pgid: libc::pid_t) {
    // SAFETY: sending a signal; ESRCH (group already gone) is fine.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// `SIGSEGV`-style name of a signal number.
pub fn signal_name(sig: i32) -> String {
    let name = match sig {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGILL => "SIGILL",
        libc::SIGTRAP => "SIGTRAP",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGALRM => "SIGALRM",
        libc::SIGTERM => "SIGTERM",
        libc::SIGSYS => "SIGSYS",
        _ => return format!("signal {sig}"),
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A probe of `sh -c SCRIPT`: the runner starts any program, not only Go binaries.
    fn sh<'a>(args: &'a [String], timeout_ms: u64, keep_bytes: usize) -> Probe<'a> {
        Probe {
            program: Path::new("/bin/sh"),
            args,
            env: BTreeMap::new(),
            expect_exit: 0,
            timeout: Duration::from_millis(timeout_ms),
            keep_bytes,
            cold: false,
            pin: None,
            spawner: None,
            cancel: crate::interrupt::Cancel::Signals,
        }
    }

    fn script(s: &str) -> Vec<String> {
        vec!["-c".to_owned(), s.to_owned()]
    }

    /// Whether `pid` still runs (a zombie waiting for its new parent to reap it does not).
    fn running(pid: libc::pid_t) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // `pid (comm) S ...`: the state follows the last `)`.
            Ok(stat) => !matches!(stat.rsplit_once(") ").map(|(_, rest)| rest.as_bytes()[0]), Some(b'Z' | b'X')),
            Err(_) => false,
        }
    }

    #[test]
    fn output_beyond_the_keep_limit_is_read_and_dropped() {
        // 200 KB on stdout: more than a pipe holds, so the child blocks unless it is drained.
        let args = script("i=0; while [ $i -lt 2000 ]; do printf '%0100d' $i; i=$((i+1)); done; echo oops >&2; exit 5");
        let failure = run(&sh(&args, 10_000, 1000), 0).unwrap().unwrap_err();
        assert_eq!(failure.reason, "exit status 5 (expected 0)");
        let first_ten: String = (0..10).map(|i| format!("{i:0100}")).collect();
        assert_eq!(failure.stdout_head, first_ten);
        assert_eq!(failure.stderr_head, "oops\n");

        let args = script("printf '%05000d' 7");
        let (sample, output) = run_capturing(&sh(&args, 10_000, 64), 4).unwrap().unwrap();
        assert_eq!(output.stdout, "0".repeat(64));
        assert_eq!(sample.round, 4);
        assert!(sample.wall_ns > 0);
    }

    #[test]
    fn a_timeout_kills_the_whole_process_group() {
        let args = script("sleep 30 & echo $!; wait");
        let start = Instant::now();
        let failure = run(&sh(&args, 300, 1000), 0).unwrap().unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
        assert_eq!(failure.reason, "timed out after 300ms");
        let grandchild: libc::pid_t = failure.stdout_head.trim().parse().expect("the shell printed its child's pid");
        // SIGKILL is delivered at once, but the orphan is reaped by whoever adopts it.
        let deadline = Instant::now() + Duration::from_secs(5);
        while running(grandchild) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!running(grandchild), "the probe's child {grandchild} survived the timeout");
    }

    #[test]
    fn a_probe_is_done_when_it_exits_even_if_its_children_hold_its_output_open() {
        // The shell exits at once; the sleep it leaves behind keeps stdout open for 30 s.
        let args = script("sleep 30 & echo $!");
        let start = Instant::now();
        let (sample, output) = run_capturing(&sh(&args, 20_000, 1000), 0).unwrap().unwrap();
        assert!(start.elapsed() < Duration::from_secs(10), "waited {:?} for the probe's children", start.elapsed());
        assert!(sample.wall_ns < 10_000_000_000);
        let grandchild: libc::pid_t = output.stdout.trim().parse().expect("the shell printed its child's pid");
        let deadline = Instant::now() + Duration::from_secs(5);
        while running(grandchild) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!running(grandchild), "the probe's child {grandchild} outlived it");
    }

    #[test]
    fn a_program_that_cannot_be_started_is_a_failure_not_an_error() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone");
        let not_exec = dir.path().join("not-exec");
        std::fs::write(&not_exec, "#!/bin/sh\nexit 0\n").unwrap();
        let garbage = dir.path().join("garbage");
        std::fs::write(&garbage, "not a program at all\n").unwrap();
        std::fs::set_permissions(&garbage, std::fs::Permissions::from_mode(0o755)).unwrap();
        let folder = dir.path().join("folder");
        std::fs::create_dir(&folder).unwrap();
        let cases = [
            (&gone, false, "the binary is gone"),
            (&gone, true, "cannot evict"),
            (&not_exec, false, "it is not executable"),
            (&folder, false, "a directory is where the binary was"),
            (&garbage, false, "not a program this machine can run"),
        ];
        // Started directly, and through the spawner (whose exec reports the errno back).
        let spawner = spawner::write(dir.path()).unwrap();
        for spawner in [None, spawner.as_deref()] {
            for (program, cold, words) in &cases {
                let probe = Probe { program, cold: *cold, spawner, ..sh(&[], 10_000, 64) };
                let failure = run(&probe, 0).unwrap().unwrap_err();
                assert!(failure.reason.contains(words), "{}: {}", program.display(), failure.reason);
                assert!(failure.stdout_head.is_empty() && failure.stderr_head.is_empty());
            }
        }
    }

    #[test]
    fn a_signal_death_is_named() {
        let args = script("kill -TERM $$; sleep 5");
        let failure = run(&sh(&args, 10_000, 1000), 0).unwrap().unwrap_err();
        assert_eq!(failure.reason, "killed by SIGTERM");
        assert_eq!(signal_name(64), "signal 64");
    }
}
