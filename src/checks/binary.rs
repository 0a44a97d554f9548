//! `one-binary`: runtime env (GOGC, GOMAXPROCS, ...) is set when the program starts, never when
//! it is built, so configs that differ only there must share one build — one build id, one
//! binary, one size. Two sizes for one build mean the size figure is not the build's.

use super::{Check, Outcome, plural, quoted};
use crate::export::format_bytes;
use crate::flags::Flags;
use crate::results::ConfigResult;

pub fn check(configs: &[ConfigResult]) -> Outcome {
    let mut groups: Vec<(Flags, Vec<&ConfigResult>)> = Vec::new();
    for c in configs.iter().filter(|c| c.build.ok) {
        let key = c.flags.build_part();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(c),
            None => groups.push((key, vec![c])),
        }
    }
    let shared: Vec<&Vec<&ConfigResult>> = groups.iter().map(|(_, m)| m).filter(|m| m.len() > 1).collect();
    if shared.is_empty() {
        return Outcome::skipped(
            Check::OneBinary,
            "no two built configs differ only in runtime env: nothing to compare".into(),
        );
    }
    let mut wrong = Vec::new();
    let mut at_fault = Vec::new();
    for members in &shared {
        let names: Vec<&str> = members.iter().map(|c| c.name.as_str()).collect();
        let mut ids: Vec<&str> = members.iter().map(|c| c.build_id.as_str()).collect();
        ids.dedup();
        let mut sizes: Vec<Option<&crate::inspect::size::Size>> = members.iter().map(|c| c.size.as_ref()).collect();
        sizes.dedup();
        if ids.len() > 1 {
            wrong.push(format!(
                "{} differ only in runtime env but were built apart (build ids {})",
                quoted(&names),
                ids.join(", ")
            ));
        }
        if sizes.len() > 1 {
            let said: Vec<String> = members
                .iter()
                .map(|c| {
                    let size = c.size.as_ref().map_or("no size".to_owned(), |s| {
                        format!("{} ({} sections)", format_bytes(s.bytes), s.sections.len())
                    });
                    format!("`{}` {size}", c.name)
                })
                .collect();
            wrong.push(format!(
                "{} differ only in runtime env but their sizes differ: {}",
                quoted(&names),
                said.join(", ")
            ));
        }
        if ids.len() > 1 || sizes.len() > 1 {
            at_fault.extend(names.iter().map(|n| (*n).to_owned()));
        }
    }
    if wrong.is_empty() {
        let configs: usize = shared.iter().map(|m| m.len()).sum();
        let each = match shared.len() {
            1 => "one binary and one size".to_owned(),
            n => format!("a binary and a size per build ({n} builds)"),
        };
        return Outcome::passed(
            Check::OneBinary,
            format!("{} that differ only in runtime env share {each}", plural(configs, "config", "configs")),
        );
    }
    Outcome::failed(Check::OneBinary, wrong.join("; "), at_fault)
}
