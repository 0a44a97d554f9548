//! Files and folders written without following symbolic links. A link planted where gostart
//! writes (`.gostart/last` → `~/.bashrc`, `.gostart` → `/etc`) must not redirect the write:
//! every name is opened relative to its folder's descriptor with `O_NOFOLLOW`, new files are
//! created with `O_EXCL`, and replaced files are written beside the old one and renamed over
//! it, which swaps the directory entry instead of writing through it.

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

/// Permissions of the files gostart creates (before the umask).
pub const FILE_MODE: u32 = 0o644;
const DIR_MODE: u32 = 0o755;

/// A symbolic link where gostart was about to write.
#[derive(Debug)]
pub struct LinkRefused {
    pub path: PathBuf,
    pub target: Option<PathBuf>,
}

impl fmt::Display for LinkRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is a symbolic link", self.path.display())?;
        if let Some(t) = &self.target {
            write!(f, " (to {})", t.display())?;
        }
        write!(f, ", and gostart never writes through one")
    }
}

impl std::error::Error for LinkRefused {}

/// An open folder: names below it are resolved from its descriptor, never through a link.
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
    path: PathBuf,
}

impl Dir {
    /// Opens the folder at `path`. Its last component must not be a link; the components above
    /// it are the caller's choice (a user's `--target-dir /tmp/x` on a system whose /tmp is one).
    pub fn open(path: &Path) -> io::Result<Dir> {
        let fd = rustix::fs::open(path, dir_flags(), Mode::empty()).map_err(|e| refused(e, path))?;
        Ok(Dir { fd, path: path.to_owned() })
    }

    /// Opens the folder at `path`, creating it and any missing parents first.
    pub fn create(path: &Path) -> io::Result<Dir> {
        if let Err(e) = std::fs::create_dir_all(path) {
            // A dangling link: say so rather than "File exists".
            return Err(match std::fs::symlink_metadata(path) {
                Ok(m) if m.file_type().is_symlink() => refused(Errno::LOOP, path),
                _ => e,
            });
        }
        Dir::open(path)
    }

    /// The folder's path, for messages and for what must be passed by path (`go build -o`).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder `name` inside this one, created when `create` and missing.
    pub fn subdir(&self, name: &str, create: bool) -> io::Result<Dir> {
        if create {
            match rustix::fs::mkdirat(&self.fd, name, Mode::from_raw_mode(DIR_MODE)) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(e) => return Err(self.error(e, name)),
            }
        }
        let path = self.path.join(name);
        let fd = rustix::fs::openat(&self.fd, name, dir_flags(), Mode::empty()).map_err(|e| refused(e, &path))?;
        Ok(Dir { fd, path })
    }

    /// Creates the folder `name`; `false` when something by that name already exists.
    pub fn create_new_dir(&self, name: &str) -> io::Result<bool> {
        match rustix::fs::mkdirat(&self.fd, name, Mode::from_raw_mode(DIR_MODE)) {
            Ok(()) => Ok(true),
            Err(Errno::EXIST) => Ok(false),
            Err(e) => Err(self.error(e, name)),
        }
    }

    /// What `name` is, without following it: `None` when there is nothing by that name.
    pub fn kind(&self, name: &str) -> io::Result<Option<FileType>> {
        match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => Ok(Some(FileType::from_raw_mode(st.st_mode))),
            Err(Errno::NOENT) => Ok(None),
            Err(e) => Err(self.error(e, name)),
        }
    }

    /// The contents of the regular file `name` (at most `limit` bytes are read); `None` when it
    /// does not exist. A link or anything but a regular file is an error.
    pub fn read(&self, name: &str, limit: u64) -> io::Result<Option<Vec<u8>>> {
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK;
        let fd = match rustix::fs::openat(&self.fd, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(None),
            Err(e) => return Err(refused(e, &self.path.join(name))),
        };
        if FileType::from_raw_mode(rustix::fs::fstat(&fd)?.st_mode) != FileType::RegularFile {
            return Err(io::Error::other(format!("{} is not a regular file", self.path.join(name).display())));
        }
        let mut bytes = Vec::new();
        File::from(fd).take(limit).read_to_end(&mut bytes)?;
        Ok(Some(bytes))
    }

    /// Opens the file `name` with `flags` (plus `O_NOFOLLOW` and `O_CLOEXEC`), creating it with
    /// `FILE_MODE` when `flags` say so.
    pub fn open_file(&self, name: &str, flags: OFlags) -> io::Result<File> {
        let flags = flags | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        rustix::fs::openat(&self.fd, name, flags, Mode::from_raw_mode(FILE_MODE))
            .map(File::from)
            .map_err(|e| refused(e, &self.path.join(name)))
    }

    /// Writes a new file `name`; `false` (and nothing written) when `name` already exists,
    /// whatever it is — a dangling link included.
    pub fn write_new(&self, name: &str, bytes: &[u8]) -> io::Result<bool> {
        let mut file = match self.open_file(name, OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
            Err(e) => return Err(e),
        };
        file.write_all(bytes)?;
        Ok(true)
    }

    /// Replaces the file `name` whole or not at all: written beside it, then renamed over it.
    /// `mode`: its permissions (`None`: `FILE_MODE`). A link at `name` is replaced, not followed.
    pub fn replace(&self, name: &str, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
        // Per process, so that two writers never share a temporary file.
        let tmp = format!(".{name}.{}.tmp", std::process::id());
        match rustix::fs::unlinkat(&self.fd, tmp.as_str(), AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => {}
            Err(e) => return Err(self.error(e, &tmp)),
        }
        let written = (|| {
            let mut file = self.open_file(&tmp, OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL)?;
            if let Some(mode) = mode {
                rustix::fs::fchmod(file.as_fd(), Mode::from_raw_mode(mode))?;
            }
            file.write_all(bytes)?;
            rustix::fs::renameat(&self.fd, tmp.as_str(), &self.fd, name).map_err(|e| self.error(e, name))
        })();
        if written.is_err() {
            let _ = rustix::fs::unlinkat(&self.fd, tmp.as_str(), AtFlags::empty());
        }
        written
    }

    fn error(&self, e: Errno, name: &str) -> io::Error {
        let e = io::Error::from(e);
        io::Error::new(e.kind(), format!("{}: {e}", self.path.join(name).display()))
    }
}

/// Opens a folder for descriptor-relative use, refusing a link as its last component.
fn dir_flags() -> OFlags {
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
}

/// `e` from opening `path` with `O_NOFOLLOW`: a link there becomes `LinkRefused`.
fn refused(e: Errno, path: &Path) -> io::Error {
    if matches!(e, Errno::LOOP | Errno::NOTDIR | Errno::MLINK)
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
    {
        let target = std::fs::read_link(path).ok();
        return io::Error::other(LinkRefused { path: path.to_owned(), target });
    }
    let e = io::Error::from(e);
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Replaces the file at `path` (see `Dir::replace`), keeping its permissions; the folder it is
/// in is the caller's choice and may be reached through links, the file itself may not be one.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (dir, name) = split(path)?;
    let mode = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(io::Error::other(LinkRefused { path: path.to_owned(), target: std::fs::read_link(path).ok() }));
        }
        Ok(m) => Some(std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o7777),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    dir.replace(&name, bytes, mode)
}

/// Writes `bytes` to the file at `path`, created or truncated, never through a link.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (dir, name) = split(path)?;
    let mut file = dir.open_file(&name, OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC)?;
    file.write_all(bytes)
}

/// The folder of `path`, open, and the file name in it.
fn split(path: &Path) -> io::Result<(Dir, String)> {
    let name = path.file_name().and_then(|n| n.to_str()).filter(|n| *n != "." && *n != "..");
    let Some(name) = name else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{} does not name a file", path.display())));
    };
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // The parent is the caller's path: followed as given (only `name` itself must not be a link).
    let fd = rustix::fs::open(parent, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
        .map_err(|e| refused(e, parent))?;
    Ok((Dir { fd, path: parent.to_owned() }, name.to_owned()))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    #[test]
    fn nothing_is_written_through_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        std::fs::write(&victim, "mine\n").unwrap();
        let dir = Dir::create(&tmp.path().join("d")).unwrap();
        symlink(&victim, tmp.path().join("d/link")).unwrap();
        symlink(tmp.path().join("absent"), tmp.path().join("d/dangling")).unwrap();

        assert!(!dir.write_new("link", b"x").unwrap());
        assert!(!dir.write_new("dangling", b"x").unwrap());
        assert!(!tmp.path().join("absent").exists(), "a dangling link was followed");
        let e = dir.read("link", 100).unwrap_err();
        assert!(e.to_string().contains("is a symbolic link (to"), "{e}");
        let e = write_file(&tmp.path().join("d/link"), b"x").unwrap_err();
        assert!(e.to_string().contains("never writes through one"), "{e}");
        let e = replace_file(&tmp.path().join("d/link"), b"x").unwrap_err();
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
        // `replace` swaps the entry: the link goes, its target stays as it was.
        dir.replace("link", b"new\n", None).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine\n");
        assert_eq!(dir.read("link", 100).unwrap().unwrap(), b"new\n");

        symlink(&victim, tmp.path().join("d/sublink")).unwrap();
        let e = dir.subdir("sublink", true).unwrap_err();
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
        symlink(tmp.path(), tmp.path().join("top")).unwrap();
        assert!(Dir::open(&tmp.path().join("top")).unwrap_err().to_string().contains("is a symbolic link"));
        assert!(Dir::create(&tmp.path().join("top")).is_err());
    }

    #[test]
    fn replace_keeps_the_permissions_and_leaves_no_temporary_file() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("gostart.toml");
        std::fs::write(&file, "a = 1\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        replace_file(&file, b"a = 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "a = 2\n");
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
