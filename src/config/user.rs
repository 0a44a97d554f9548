//! User-wide defaults: `config.toml` in the platform's config dir (e.g. `~/.config/gostart/`),
//! or the file `GOSTART_USER_CONFIG` names. gostart.toml and the command line override it.

use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::toml::{Positive, TomlMeasure};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// The `go` command to run, when not the one on PATH.
    pub go: Option<PathBuf>,
    /// Concurrent builds.
    pub jobs: Option<Positive>,
    pub measure: Option<TomlMeasure>,
}

/// Where the user-wide config lives, whether or not it exists.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GOSTART_USER_CONFIG") {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "gostart").map(|d| d.config_dir().join("config.toml"))
}

/// Reads the user-wide config; a missing file is an empty one.
pub fn load() -> Result<(Option<PathBuf>, UserConfig)> {
    let Some(path) = path() else {
        return Ok((None, UserConfig::default()));
    };
    let src = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((None, UserConfig::default())),
        Err(e) => return Err(e).with_context(|| format!("cannot read the user config {}", path.display())),
    };
    let config = toml::from_str(&src).map_err(|e| super::error::from_toml(&path, &src, &e))?;
    Ok((Some(path), config))
}
