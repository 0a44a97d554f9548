//! Parsing `go list -json` output: a stream of JSON objects, one per package.

use anyhow::{Context, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Module {
    pub path: String,
    /// The required version (`v1.3.2`); `None` for the main module and workspace modules.
    /// `-trimpath` names a module's files `path@version/...` when it has one.
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub dir: Option<String>,
    #[serde(default)]
    pub go_version: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Package {
    pub import_path: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub dir: String,
    #[serde(default)]
    pub module: Option<Module>,
    #[serde(default)]
    pub error: Option<PackageError>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackageError {
    pub err: String,
}

impl Package {
    pub fn is_main(&self) -> bool {
        self.name == "main"
    }
}

pub fn parse(text: &str) -> Result<Vec<Package>> {
    stream(text, "`go list -json`")
}

/// The stream of JSON objects `go list -json` prints, each a `T`.
fn stream<T: DeserializeOwned>(text: &str, what: &str) -> Result<Vec<T>> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<T>()
        .collect::<Result<_, _>>()
        .with_context(|| format!("cannot parse the output of {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_stream_of_objects() {
        // Captured from `go list -e -json=ImportPath,Name,Dir,Module,Error ./...` (go1.26.8).
        let text = r#"{
	"Dir": "/src/multi/cmd/a",
	"ImportPath": "fixture.test/multi/cmd/a",
	"Name": "main",
	"Module": {
		"Path": "fixture.test/multi",
		"Main": true,
		"Dir": "/src/multi",
		"GoMod": "/src/multi/go.mod",
		"GoVersion": "1.22"
	}
}
{
	"Dir": "/src/multi/lib",
	"ImportPath": "fixture.test/multi/lib",
	"Name": "lib"
}
"#;
        let pkgs = parse(text).unwrap();
        assert_eq!(pkgs.len(), 2);
        assert!(pkgs[0].is_main() && !pkgs[1].is_main());
        assert_eq!(pkgs[0].module.as_ref().unwrap().go_version.as_deref(), Some("1.22"));
        assert_eq!(pkgs[0].module.as_ref().unwrap().version, None);
    }
}

/// One package of `go list -deps -json`: the import graph's node and its edges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DepPackage {
    pub import_path: String,
    /// What it imports, as resolved import paths (vendored ones with their `vendor/` prefix).
    #[serde(default)]
    pub imports: Vec<String>,
    /// Listed only as a dependency of the packages asked for.
    #[serde(default)]
    pub dep_only: bool,
    #[serde(default)]
    pub module: Option<Module>,
}

pub fn parse_deps(text: &str) -> Result<Vec<DepPackage>> {
    stream(text, "`go list -deps -json`")
}

#[cfg(test)]
impl Module {
    /// A module known by its path alone, as `go list -deps -json=...,Module` gives it.
    pub fn at(path: &str) -> Module {
        Module { path: path.to_owned(), version: None, dir: None, go_version: None }
    }
}
