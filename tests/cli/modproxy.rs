//! A Go module proxy on disk (`GOPROXY=file://DIR`) and a private module cache, so that a
//! test's target really lives in the module cache, fetched the way go fetches any dependency,
//! offline.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::project::Project;

/// The proxy tree and the module cache, both in a project's temp dir. The module cache is
/// read-only as go leaves it: dropping this runs `go clean -modcache` so the temp dir can go.
pub struct ModProxy {
    proxy: PathBuf,
    pub gomodcache: PathBuf,
}

impl ModProxy {
    pub fn new(project: &Project) -> ModProxy {
        ModProxy { proxy: project.outside("proxy"), gomodcache: project.outside("gomodcache") }
    }

    /// Serves `module@version` with the files under `src` (which holds its go.mod): the
    /// `@v/list`, `.info`, `.mod` and `.zip` files of the proxy protocol.
    pub fn serve(&self, module: &str, version: &str, src: &Path) {
        let dir = self.proxy.join(module).join("@v");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("list"), format!("{version}\n")).unwrap();
        fs::write(
            dir.join(format!("{version}.info")),
            format!(r#"{{"Version":"{version}","Time":"2024-01-01T00:00:00Z"}}"#),
        )
        .unwrap();
        fs::copy(src.join("go.mod"), dir.join(format!("{version}.mod"))).unwrap();
        let mut zip = zip::ZipWriter::new(fs::File::create(dir.join(format!("{version}.zip"))).unwrap());
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for rel in files(src) {
            // Every file is `module@version/path` in a module zip.
            zip.start_file(format!("{module}@{version}/{rel}"), options).unwrap();
            zip.write_all(&fs::read(src.join(&rel)).unwrap()).unwrap();
        }
        zip.finish().unwrap();
    }

    /// The environment that makes go fetch from the proxy into the private cache, and nothing
    /// from the network: no checksum database, no other proxy, no toolchain download.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GOPROXY", format!("file://{}", self.proxy.display())),
            ("GOMODCACHE", self.gomodcache.display().to_string()),
            ("GOFLAGS", "-mod=mod".to_owned()),
            ("GOSUMDB", "off".to_owned()),
            ("GONOSUMDB", "example.com".to_owned()),
            ("GOTOOLCHAIN", "local".to_owned()),
        ]
    }
}

impl Drop for ModProxy {
    fn drop(&mut self) {
        if self.gomodcache.exists() {
            // Best effort: a failure leaves a temp dir behind, nothing worse.
            let _ = std::process::Command::new("go")
                .args(["clean", "-modcache"])
                .env("GOMODCACHE", &self.gomodcache)
                .env("GOFLAGS", "")
                .status();
        }
    }
}

/// The files under `dir`, relative, `/`-separated, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in fs::read_dir(dir.join(&rel)).unwrap() {
            let entry = entry.unwrap();
            let path = rel.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                out.push(path.to_str().unwrap().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}
