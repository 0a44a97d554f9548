//! gostart.toml text → resolved config → expanded matrix (`Config::expand`, as `tune`,
//! `build` and `metadata` call it). The `--max-configs` default bounds the product, so the
//! fuzzer cannot make gostart legitimately expand a huge one.

#![no_main]

use std::collections::BTreeSet;
use std::path::Path;

use gostart::config::{self, Overrides};
use libfuzzer_sys::fuzz_target;

/// `--max-configs`' default.
const MAX_CONFIGS: usize = 256;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let cli = Overrides { max_configs: MAX_CONFIGS, ..Overrides::default() };
    let Ok(config) = config::parse(&cli, Path::new("gostart.toml"), src) else { return };
    let Ok(expanded) = config.expand() else { return };
    assert!(!expanded.configs.is_empty());
    // The limit, plus the plain `go build` baseline expansion adds when it is missing.
    assert!(expanded.configs.len() <= MAX_CONFIGS + 1, "{} configs", expanded.configs.len());
    assert!(expanded.configs.iter().any(|c| c.name == expanded.baseline), "baseline {:?} missing", expanded.baseline);
    let ids: BTreeSet<&str> = expanded.configs.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), expanded.configs.len(), "two configs share an id");
    let names: BTreeSet<&str> = expanded.configs.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), expanded.configs.len(), "two configs share a name");
    for c in &expanded.configs {
        drop(c.flags.build_args());
        drop(c.flags.compile_id());
    }
});
