//! The raw shape of `gostart.toml` as serde reads it: every field optional, unknown keys rejected.
//! Nothing outside `config/` sees these types; `config::resolve` turns them into a `Config`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, de};
use toml::Spanned;

use crate::rank::Figure;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlConfig {
    pub target: Option<TomlTarget>,
    pub measure: Option<TomlMeasure>,
    pub matrix: Option<TomlMatrix>,
    pub rank: Option<TomlRank>,
    pub profile: Option<BTreeMap<ProfileName, Spanned<TomlEntry>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlTarget {
    pub package: Option<PackagePattern>,
    pub args: Option<Vec<String>>,
    pub env: Option<BTreeMap<EnvName, String>>,
    pub expect_exit: Option<i32>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlMeasure {
    pub runs: Option<Positive>,
    pub warmup: Option<Count>,
    pub timeout: Option<Timeout>,
    pub seed: Option<u64>,
    pub precision: Option<Precision>,
    pub max_runs: Option<Positive>,
    pub cold: Option<bool>,
    pub inittrace: Option<bool>,
    pub pin: Option<usize>,
    pub build_timeout: Option<Timeout>,
}

/// A `go build` package operand: never one go would read as a flag (`-toolexec=...`).
#[derive(Debug, Clone)]
pub struct PackagePattern(pub String);

impl<'de> Deserialize<'de> for PackagePattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let pattern = String::deserialize(d)?;
        crate::go::check_package(&pattern).map_err(de::Error::custom)?;
        Ok(PackagePattern(pattern))
    }
}

/// A relative precision goal: a fraction in (0, 0.5], e.g. 0.01 for ±1%.
#[derive(Debug, Clone, Copy)]
pub struct Precision(pub f64);

impl<'de> Deserialize<'de> for Precision {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let p = f64::deserialize(d)?;
        if !(p > 0.0 && p <= 0.5) {
            return Err(de::Error::custom(format!(
                "a precision is a fraction of the median between 0 and 0.5 (0.01 = ±1%), not {p}"
            )));
        }
        Ok(Precision(p))
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlMatrix {
    pub ldflags: Option<Axis<ToolFlags>>,
    pub gcflags: Option<Axis<ToolFlags>>,
    pub asmflags: Option<Axis<ToolFlags>>,
    pub trimpath: Option<Axis<bool>>,
    pub buildmode: Option<Axis<BuildMode>>,
    pub tags: Option<Axis<Tags>>,
    pub pgo: Option<Axis<String>>,
    pub env: Option<BTreeMap<EnvName, Axis<String>>>,
    pub runenv: Option<BTreeMap<EnvName, Axis<String>>>,
    pub include: Option<Vec<Spanned<TomlEntry>>>,
    pub exclude: Option<Vec<Spanned<TomlEntry>>>,
}

/// One point of the matrix: an include/exclude entry or a `[profile.NAME]`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlEntry {
    pub ldflags: Option<ToolFlags>,
    pub gcflags: Option<ToolFlags>,
    pub asmflags: Option<ToolFlags>,
    pub trimpath: Option<bool>,
    pub buildmode: Option<BuildMode>,
    pub tags: Option<Tags>,
    pub pgo: Option<String>,
    pub env: Option<BTreeMap<EnvName, String>>,
    pub runenv: Option<BTreeMap<EnvName, String>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlRank {
    pub baseline: Option<Spanned<String>>,
    pub weights: Option<TomlWeights>,
    pub max_regression: Option<TomlRegression>,
    pub forbid: Option<Vec<String>>,
    pub goamd64: Option<GoAmd64>,
}

/// The largest acceptable ratio above 1.0 per figure, e.g. `startup = 0.05` (5% slower):
/// the same figures, and the same kind of number, as the weights.
pub type TomlRegression = TomlWeights;

/// A GOAMD64 level, `v1` to `v4`.
#[derive(Debug, Clone)]
pub struct GoAmd64(pub String);

impl<'de> Deserialize<'de> for GoAmd64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let level = String::deserialize(d)?;
        match level.as_str() {
            "v1" | "v2" | "v3" | "v4" => Ok(GoAmd64(level)),
            _ => Err(de::Error::custom(format!("`{level}` is not a GOAMD64 level; expected v1, v2, v3 or v4"))),
        }
    }
}

/// A number per figure, e.g. `{ startup = 1.0, size = 0.5 }`; any other key is an error.
pub type TomlWeights = BTreeMap<Figure, Weight>;

/// The values of one matrix axis: a non-empty list.
#[derive(Debug, Clone)]
pub struct Axis<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Axis<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let values = Vec::<T>::deserialize(d)?;
        if values.is_empty() {
            return Err(de::Error::custom(
                "an axis needs at least one value; remove the key to leave the flag at go's default",
            ));
        }
        Ok(Axis(values))
    }
}

/// The value of `-ldflags`, `-gcflags` or `-asmflags`: anything but the flags gostart sets
/// itself (`-o`: each binary goes to the run folder; `-json`: the escape report's output).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolFlags(pub String);

impl<'de> Deserialize<'de> for ToolFlags {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        // `pattern=-flags ...`: the flags are after the pattern.
        let flags = match text.split_once('=') {
            Some((pattern, rest)) if !pattern.starts_with('-') && !pattern.contains(' ') => rest,
            _ => text.as_str(),
        };
        for word in flags.split_whitespace() {
            let name = word.split('=').next().unwrap_or(word);
            let why = match name {
                "-o" => "each configuration's binary goes to its folder in the run directory",
                "-json" => "it writes the compiler's diagnostics for the escape report",
                _ => continue,
            };
            return Err(de::Error::custom(format!(
                "gostart sets `{name}` itself ({why}); remove `{word}` from this value"
            )));
        }
        Ok(ToolFlags(text))
    }
}

/// Build tags: a list (`["netgo", "osusergo"]`) or go's comma-separated string (`"netgo,osusergo"`).
#[derive(Debug, Clone, PartialEq)]
pub struct Tags(pub Vec<String>);

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "expected a list of build tags or a comma-separated string")]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        let tags: Vec<String> = match Raw::deserialize(d)? {
            Raw::One(s) => s.split(',').map(str::to_owned).collect(),
            Raw::Many(v) => v,
        };
        let tags: Vec<String> = tags.into_iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
        if let Some(bad) = tags.iter().find(|t| !t.chars().all(|c| c.is_alphanumeric() || "_.-".contains(c))) {
            return Err(de::Error::custom(format!("`{bad}` is not a build tag (letters, digits, `_`, `.`, `-`)")));
        }
        Ok(Tags(tags))
    }
}

/// A `-buildmode` that makes a program gostart can run.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildMode(pub String);

impl<'de> Deserialize<'de> for BuildMode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mode = String::deserialize(d)?;
        match mode.as_str() {
            "exe" | "default" => Ok(BuildMode("exe".into())),
            "pie" => Ok(BuildMode(mode)),
            _ => Err(de::Error::custom(format!(
                "buildmode `{mode}` does not make a program gostart can start; expected `exe` or `pie`"
            ))),
        }
    }
}

/// An environment variable name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EnvName(pub String);

impl<'de> Deserialize<'de> for EnvName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        let ok = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(de::Error::custom(format!(
                "`{name}` is not an environment variable name (letters, digits and `_`)"
            )));
        }
        Ok(EnvName(name))
    }
}

/// A `[profile.NAME]` name: it becomes a folder (`.gostart/build/NAME/`), so a plain name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProfileName(pub String);

impl<'de> Deserialize<'de> for ProfileName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        crate::names::check("profile name", &name).map_err(de::Error::custom)?;
        Ok(ProfileName(name))
    }
}

/// A count of at least one.
#[derive(Debug, Clone, Copy)]
pub struct Positive(pub u32);

impl<'de> Deserialize<'de> for Positive {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Count::deserialize(d)?.0 {
            0 => Err(de::Error::custom("expected a count of at least 1")),
            n => Ok(Positive(n)),
        }
    }
}

/// A whole number, zero or more.
#[derive(Debug, Clone, Copy)]
pub struct Count(pub u32);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "expected a whole number such as 30")]
        enum Raw {
            N(i64),
        }
        let Raw::N(n) = Raw::deserialize(d)?;
        u32::try_from(n)
            .map(Count)
            .map_err(|_| de::Error::custom(format!("expected a whole number from 0 to {}, not {n}", u32::MAX)))
    }
}

/// A duration written as `"10s"`, `"500ms"`, `"1m 30s"`.
#[derive(Debug, Clone, Copy)]
pub struct Timeout(pub std::time::Duration);

impl<'de> Deserialize<'de> for Timeout {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match humantime::parse_duration(&text) {
            Ok(t) if !t.is_zero() => Ok(Timeout(t)),
            Ok(_) => Err(de::Error::custom("a timeout must be longer than zero")),
            Err(e) => {
                Err(de::Error::custom(format!("`{text}` is not a duration ({e}); write e.g. \"10s\" or \"500ms\"")))
            }
        }
    }
}

/// A ranking weight: a finite number, zero or more.
#[derive(Debug, Clone, Copy)]
pub struct Weight(pub f64);

impl<'de> Deserialize<'de> for Weight {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "expected a number (a weight such as 1.0 or 0.5)")]
        enum Raw {
            F(f64),
            I(i64),
        }
        let w = match Raw::deserialize(d)? {
            Raw::F(f) => f,
            Raw::I(i) => i as f64,
        };
        if !w.is_finite() || w < 0.0 {
            return Err(de::Error::custom(format!("a weight must be a finite number ≥ 0, not {w}")));
        }
        Ok(Weight(w))
    }
}
