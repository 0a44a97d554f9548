//! The raw shape of `gostart.toml` as serde reads it: every field optional, unknown keys rejected.
//! Nothing outside `config/` sees these types; `config::resolve` turns them into a `Config`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, de};
use toml::Spanned;

use super::limits;
use crate::flags::quoted;
use crate::rank::Figure;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlConfig {
    pub target: Option<TomlTarget>,
    pub measure: Option<TomlMeasure>,
    pub matrix: Option<TomlMatrix>,
    pub rank: Option<TomlRank>,
    pub search: Option<TomlSearch>,
    pub profile: Option<BTreeMap<ProfileName, Spanned<TomlEntry<AnyBuildMode>>>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlSearch {
    pub strategy: Option<crate::search::Strategy>,
    pub max_builds: Option<Positive>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlTarget {
    pub package: Option<PackagePattern>,
    pub args: Option<Vec<ArgValue>>,
    pub env: Option<BTreeMap<EnvName, ArgValue>>,
    pub expect_exit: Option<ExitCode>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlMeasure {
    pub schedule: Option<Spanned<crate::measure::schedule::ScheduleKind>>,
    pub runs: Option<Spanned<Positive>>,
    pub warmup: Option<Count>,
    pub timeout: Option<Timeout>,
    pub seed: Option<u64>,
    pub precision: Option<Spanned<Precision>>,
    pub max_runs: Option<Positive>,
    pub cold: Option<bool>,
    pub inittrace: Option<bool>,
    pub pin: Option<Cpu>,
    pub build_timeout: Option<Timeout>,
}

/// A `go build` package operand: never one go would read as a flag (`-toolexec=...`).
#[derive(Debug, Clone)]
pub struct PackagePattern(pub String);

impl<'de> Deserialize<'de> for PackagePattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let pattern = String::deserialize(d)?;
        limits::check_value(&pattern).map_err(de::Error::custom)?;
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
    pub pgo: Option<Axis<ArgValue>>,
    pub env: Option<BTreeMap<EnvName, Axis<ArgValue>>>,
    pub runenv: Option<BTreeMap<EnvName, Axis<ArgValue>>>,
    pub include: Option<Vec<Spanned<TomlEntry>>>,
    pub exclude: Option<Vec<Spanned<TomlEntry>>>,
}

/// One point of the matrix: an include/exclude entry (`B` = [`BuildMode`]: only what `tune`
/// can run) or a `[profile.NAME]` (`B` = [`AnyBuildMode`]: whatever `gostart build` can build).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TomlEntry<B = BuildMode> {
    pub ldflags: Option<ToolFlags>,
    pub gcflags: Option<ToolFlags>,
    pub asmflags: Option<ToolFlags>,
    pub trimpath: Option<bool>,
    pub buildmode: Option<B>,
    pub tags: Option<Tags>,
    pub pgo: Option<ArgValue>,
    pub env: Option<BTreeMap<EnvName, ArgValue>>,
    pub runenv: Option<BTreeMap<EnvName, ArgValue>>,
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
        let text = ArgValue::deserialize(d)?.0;
        // The words as go reads them (after a `pattern=`), so what go would refuse is refused here.
        let words = quoted::split(&text).map_err(de::Error::custom)?;
        for word in words.words {
            let name = word.split('=').next().unwrap_or(word);
            let why = match name {
                "-o" => "each configuration's binary goes to its folder in the run directory",
                "-json" => "it writes the compiler's diagnostics for the escape report",
                _ => continue,
            };
            return Err(de::Error::custom(format!(
                "gostart sets `{name}` itself ({why}); remove `{}` from this value",
                word.escape_debug()
            )));
        }
        Ok(ToolFlags(text))
    }
}

/// A value that becomes an argument or an environment value: no NUL byte, at most
/// [`limits::MAX_VALUE_BYTES`].
#[derive(Debug, Clone, PartialEq)]
pub struct ArgValue(pub String);

impl<'de> Deserialize<'de> for ArgValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        limits::check_value(&text).map_err(de::Error::custom)?;
        Ok(ArgValue(text))
    }
}

/// The exit code a probe run is expected to return: one byte, 0 to 255.
#[derive(Debug, Clone, Copy)]
pub struct ExitCode(pub i32);

impl<'de> Deserialize<'de> for ExitCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        match u8::try_from(n) {
            Ok(code) => Ok(ExitCode(i32::from(code))),
            Err(_) => {
                Err(de::Error::custom(format!("an exit code is 0 to 255 (a process exits with one byte), not {n}")))
            }
        }
    }
}

/// A CPU this process may run on, for `pin`.
#[derive(Debug, Clone, Copy)]
pub struct Cpu(pub usize);

impl<'de> Deserialize<'de> for Cpu {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        let cpu = usize::try_from(n).map_err(|_| de::Error::custom(format!("a CPU number is 0 or more, not {n}")))?;
        limits::check_cpu(cpu).map_err(de::Error::custom)?;
        Ok(Cpu(cpu))
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
            return Err(de::Error::custom(format!(
                "`{}` is not a build tag (letters, digits, `_`, `.`, `-`)",
                bad.escape_debug()
            )));
        }
        // They become one `-tags=a,b` argument.
        limits::check_value(&tags.join(",")).map_err(de::Error::custom)?;
        Ok(Tags(tags))
    }
}

/// A `-buildmode` that makes a program gostart can run: what a matrix may hold.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildMode(pub String);

impl<'de> Deserialize<'de> for BuildMode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let AnyBuildMode(mode) = AnyBuildMode::deserialize(d)?;
        if !crate::flags::RUNNABLE_BUILDMODES.contains(&mode.as_str()) {
            return Err(de::Error::custom(format!(
                "buildmode `{mode}` does not make a program gostart can start, so `tune` cannot measure it; \
                 a matrix takes `exe` or `pie` (a [profile] may use `{mode}` for `gostart build`)"
            )));
        }
        Ok(BuildMode(mode))
    }
}

/// Any `-buildmode` go knows (`go help buildmode`): what a `[profile]` may hold, since
/// `gostart build` only builds it. `default` is written `exe`, as for a main package.
#[derive(Debug, Clone, PartialEq)]
pub struct AnyBuildMode(pub String);

/// Every `-buildmode` of `go help buildmode`.
const BUILDMODES: &[&str] = &["archive", "c-archive", "c-shared", "default", "exe", "pie", "plugin", "shared"];

impl<'de> Deserialize<'de> for AnyBuildMode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mode = String::deserialize(d)?;
        match mode.as_str() {
            "default" => Ok(AnyBuildMode("exe".into())),
            m if BUILDMODES.contains(&m) => Ok(AnyBuildMode(mode)),
            _ => Err(de::Error::custom(format!(
                "`{}` is not a buildmode go knows; expected one of {}",
                mode.escape_debug(),
                BUILDMODES.join(", ")
            ))),
        }
    }
}

impl AsRef<str> for BuildMode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for AnyBuildMode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An environment variable name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EnvName(pub String);

impl<'de> Deserialize<'de> for EnvName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        let why = if name.is_empty() {
            Some("an environment variable needs a name")
        } else if name.contains('=') {
            Some("`=` would end the name")
        } else if name.contains('\0') {
            Some("no name can hold a NUL byte")
        } else if name.starts_with(|c: char| c.is_ascii_digit())
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            Some("letters, digits and `_`, not starting with a digit")
        } else {
            None
        };
        match why {
            Some(why) => {
                Err(de::Error::custom(format!("`{}` is not an environment variable name ({why})", name.escape_debug())))
            }
            None => Ok(EnvName(name)),
        }
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
