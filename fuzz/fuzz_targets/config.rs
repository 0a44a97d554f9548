//! gostart.toml text → resolved config, through the loader gostart itself uses
//! (`config::parse`). Bad input must give an error located at `gostart.toml:LINE:COL`,
//! never a panic.

#![no_main]

use std::path::Path;

use gostart::config::{self, Overrides};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // gostart reads the file with `read_to_string`: text that is not UTF-8 never gets here.
    let Ok(src) = std::str::from_utf8(data) else { return };
    let cli = Overrides { max_configs: 256, ..Overrides::default() };
    match config::parse(&cli, Path::new("gostart.toml"), src) {
        // `gostart metadata` prints the resolved config as JSON.
        Ok(config) => drop(serde_json::to_vec(&config)),
        Err(e) => {
            let text = format!("{e:#}");
            assert!(located(&text), "the error does not say where: {text:?}\ninput: {src:?}");
        }
    }
});

/// Starts with `gostart.toml:LINE:COL: `.
fn located(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("gostart.toml:") else { return false };
    let mut parts = rest.splitn(3, ':');
    let number = |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    number(parts.next()) && number(parts.next()) && parts.next().is_some_and(|p| p.starts_with(' '))
}
