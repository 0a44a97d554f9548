//! `escapes-agree`: the compiler's escape analysis sees the code, the compile flags, the tags and
//! the build env — not the file names `-trimpath` rewrites, not the linker's flags, not the
//! runtime env. Configs that differ only there must report the same counts; when they do not,
//! the escape figure is an artefact of how it was collected, not of the build.

use super::{Check, Outcome, plural, quoted};
use crate::flags::Flags;
use crate::inspect::escapes::report::Counts;
use crate::results::ConfigResult;

/// What decides escape analysis: the compile settings (gcflags, asmflags, buildmode, tags,
/// pgo, the build env: GOAMD64, GOARCH, GOEXPERIMENT, CGO_ENABLED, GOTOOLCHAIN, ...) without
/// `-trimpath`. [`Flags::compile_part`], which decides which configs share a diagnostic
/// compile, drops `-trimpath` too; it is stated here again so that the check does not rest on
/// how the reports are shared.
pub fn escape_part(f: &Flags) -> Flags {
    Flags { trimpath: false, ..f.compile_part() }
}

pub fn check(configs: &[ConfigResult]) -> Outcome {
    let counted: Vec<(&ConfigResult, &Counts)> =
        configs.iter().filter_map(|c| c.escapes.as_ref().filter(|e| e.collect.ok).map(|e| (c, &e.counts))).collect();
    if counted.is_empty() {
        return Outcome::skipped(Check::EscapesAgree, "no escape counts were collected".into());
    }
    let mut groups: Vec<(Flags, Vec<(&ConfigResult, &Counts)>)> = Vec::new();
    for (c, counts) in counted {
        let key = escape_part(&c.flags);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push((c, counts)),
            None => groups.push((key, vec![(c, counts)])),
        }
    }
    let shared: Vec<&Vec<(&ConfigResult, &Counts)>> = groups.iter().map(|(_, m)| m).filter(|m| m.len() > 1).collect();
    if shared.is_empty() {
        return Outcome::skipped(
            Check::EscapesAgree,
            "no two configs share compile settings (trimpath, ldflags and runtime env aside): nothing to compare"
                .into(),
        );
    }
    let mut disagree = Vec::new();
    let mut at_fault = Vec::new();
    for members in &shared {
        // The distinct counts of the group, each with the configs that report it.
        let mut variants: Vec<(&Counts, Vec<&str>)> = Vec::new();
        for (c, counts) in members.iter() {
            match variants.iter_mut().find(|(v, _)| v == counts) {
                Some((_, names)) => names.push(&c.name),
                None => variants.push((counts, vec![&c.name])),
            }
        }
        if variants.len() > 1 {
            let fields: Vec<Vec<(String, serde_json::Value)>> = variants.iter().map(|(v, _)| fields(v)).collect();
            // The kinds of count on which the variants differ: those are the ones to show.
            let varies = |i: usize| fields.iter().any(|f| f.get(i).map(|x| &x.1) != fields[0].get(i).map(|x| &x.1));
            let said: Vec<String> = variants
                .iter()
                .zip(&fields)
                .map(|((_, names), f)| {
                    let shown: Vec<String> =
                        (0..f.len()).filter(|&i| varies(i)).map(|i| format!("{} {}", f[i].0, f[i].1)).collect();
                    format!("{} ({})", quoted(names), shown.join(", "))
                })
                .collect();
            disagree.push(format!("same compile settings, different escape counts: {}", said.join(" against ")));
            at_fault.extend(members.iter().map(|(c, _)| c.name.clone()));
        }
    }
    if disagree.is_empty() {
        let configs: usize = shared.iter().map(|m| m.len()).sum();
        return Outcome::passed(
            Check::EscapesAgree,
            format!(
                "{} in {} with the same compile settings (trimpath, ldflags and runtime env aside) report the same \
                 escape counts",
                plural(configs, "config", "configs"),
                plural(shared.len(), "group", "groups")
            ),
        );
    }
    Outcome::failed(Check::EscapesAgree, disagree.join("; "), at_fault)
}

/// Each kind of count by its name in results.json, in a fixed order.
fn fields(c: &Counts) -> Vec<(String, serde_json::Value)> {
    match serde_json::to_value(c) {
        Ok(serde_json::Value::Object(map)) => map.into_iter().collect(),
        _ => Vec::new(),
    }
}
