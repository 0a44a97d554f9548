//! Go versions, and which build settings need which: a config the toolchain cannot build is
//! recorded as unsupported instead of failing with go's less direct message.

use crate::flags::Flags;

/// `go1.26.8` → `(1, 26, 8)`; `go1.22` → `(1, 22, 0)`; `go1.23rc1` → `(1, 23, 0)`.
pub fn parse(version: &str) -> Option<(u32, u32, u32)> {
    let v = version.trim().strip_prefix("go")?;
    let v = v.split(['+', ' ', '-']).next()?;
    let mut parts = v.split('.');
    let number = |s: Option<&str>| -> Option<u32> {
        let digits: String = s?.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().ok()
    };
    let major = number(parts.next())?;
    let minor = number(parts.next())?;
    Some((major, minor, number(parts.next()).unwrap_or(0)))
}

/// The toolchain a config builds with: its `GOTOOLCHAIN=goX.Y.Z` env setting, else `default`.
pub fn effective<'a>(flags: &'a Flags, default: &'a str) -> &'a str {
    match flags.env.get("GOTOOLCHAIN").map(|t| t.split('+').next().unwrap_or(t)) {
        Some(t) if t.starts_with("go") => t,
        _ => default,
    }
}

/// Why `flags` cannot be built with Go `version`, or `None`. An unparsable version (a
/// development build) is assumed to support everything.
pub fn unsupported(flags: &Flags, version: &str) -> Option<String> {
    let have = parse(version)?;
    let needs: [(bool, (u32, u32, u32), &str); 3] = [
        (flags.pgo != "auto", (1, 21, 0), "-pgo"),
        (flags.env.contains_key("GOAMD64"), (1, 18, 0), "GOAMD64"),
        (flags.env.contains_key("GOTOOLCHAIN"), (1, 21, 0), "GOTOOLCHAIN"),
    ];
    needs.iter().find(|(asked, min, _)| *asked && have < *min).map(|(_, min, what)| {
        format!(
            "unsupported: {what} needs Go {}.{} or newer, and this configuration builds with {version}; \
             install a newer Go, or remove the setting from the matrix",
            min.0, min.1
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(parse("go1.26.8"), Some((1, 26, 8)));
        assert_eq!(parse("go1.22"), Some((1, 22, 0)));
        assert_eq!(parse("go1.23rc1"), Some((1, 23, 0)));
        assert_eq!(parse("go1.27.3+auto"), Some((1, 27, 3)));
        assert_eq!(parse("devel +abc"), None);
    }

    #[test]
    fn old_toolchains_refuse_new_settings() {
        let pgo = Flags { pgo: "off".into(), ..Flags::default() };
        assert!(unsupported(&pgo, "go1.20.14").unwrap().contains("-pgo needs Go 1.21 or newer"));
        assert_eq!(unsupported(&pgo, "go1.21.0"), None);
        let mut amd = Flags::default();
        amd.env.insert("GOAMD64".into(), "v3".into());
        assert!(unsupported(&amd, "go1.17.13").unwrap().contains("GOAMD64 needs Go 1.18"));
        assert_eq!(unsupported(&Flags::default(), "go1.10"), None);
        let mut tc = Flags::default();
        tc.env.insert("GOTOOLCHAIN".into(), "go1.27.3".into());
        assert_eq!(effective(&tc, "go1.26.8"), "go1.27.3");
    }
}
