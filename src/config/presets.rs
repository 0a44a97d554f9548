//! The ready-made matrices in `matrix/`, embedded so gostart works with no config at all.

/// `(name, TOML text)` of every shipped matrix; the first is the default.
pub const PRESETS: &[(&str, &str)] = &[
    ("startup", include_str!("../../matrix/startup.toml")),
    ("size", include_str!("../../matrix/size.toml")),
    ("release", include_str!("../../matrix/release.toml")),
];

/// The matrix `tune` uses when neither gostart.toml nor the command line names one.
pub const DEFAULT_PRESET: &str = "startup";

pub fn get(name: &str) -> Option<&'static str> {
    PRESETS.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|(n, _)| *n).collect()
}
