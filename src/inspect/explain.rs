//! "Why is it linked in?": for a config's slowest-init and largest packages, the import chain
//! from main, and what the package and the packages only it brings in cost (init time, bytes);
//! and which import to drop to save that. Pure: the graph, the attribution and the init
//! profile come in, a serializable [`Explanation`] goes out.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::attribution::Attribution;
use super::imports::Graph;
use crate::measure::inittrace::InitProfile;

/// What a group of packages costs: how many, their init time (Σ of per-package medians), bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    pub packages: usize,
    pub init_ns: u64,
    pub bytes: u64,
}

/// The import whose removal takes a package out of the program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drop {
    /// The package to drop or load lazily: the one nearest main on the chain that only it brings
    /// the explained package in and that a package of the main module imports.
    pub import: String,
    /// Its importer on the chain (a package of the main module).
    pub imported_by: String,
    /// How many packages import it (`imported_by` and the others): all of them must let go.
    #[serde(default)]
    pub importers: usize,
    /// What goes with it: it and every package only it brings in.
    pub saves: Cost,
}

/// One package explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explained {
    /// The import path (`main` is written as the main package's path).
    pub package: String,
    /// Its own init time (median over the runs), when the config has an init profile that
    /// lists it.
    pub init_ns: Option<u64>,
    /// Its own bytes in the binary, with the symbol table and DWARF entries that describe them.
    pub bytes: u64,
    /// It and the packages only it brings in.
    pub exclusive: Cost,
    /// The shortest import chain from main to it, main first.
    pub chain: Vec<String>,
    /// What to drop to remove it: the import nearest main that takes it away; `None` when no
    /// import of the main module alone brings it in (it is main itself, the runtime or what the
    /// runtime imports, or several of the module's imports reach it).
    pub drop: Option<Drop>,
    /// The narrowest such import: the last one on the chain that a package of the main module
    /// makes and that takes it away (costs less than `drop`, removes less); `None` when it is
    /// `drop`'s.
    #[serde(default)]
    pub narrow_drop: Option<Drop>,
}

/// The explanation of one config's binary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub config: String,
    /// The main package's import path.
    pub main: String,
    /// How many runs the init times are medians of (0: no init profile).
    pub init_runs: usize,
    /// The packages whose init took longest, slowest first.
    pub slowest_init: Vec<Explained>,
    /// The largest packages, largest first.
    pub largest: Vec<Explained>,
    /// Packages of the binary (or the init trace) that the import graph does not have (the
    /// linker's or runtime's own, e.g. reached through `go:linkname`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_in_graph: Vec<String>,
    /// The binary has no symbol table (`-s`): its data is not split by package, so the bytes
    /// here are code and runtime tables only, and a build without a package saves more.
    #[serde(default)]
    pub data_unsplit: bool,
}

/// The graph node a package name from the binary or the init trace stands for: `main` is the
/// main package; a vendored package may be named without its `vendor/` prefix. Names come
/// unescaped (the attribution undoes the linker's `%2e`; the init trace prints import paths).
fn node_of(graph: &Graph, name: &str) -> Option<usize> {
    if name == "main" {
        return Some(graph.root());
    }
    graph.node(name).or_else(|| graph.node(&format!("vendor/{name}")))
}

/// Costs per graph node, and the names that map to none.
struct Costs {
    init: HashMap<usize, u64>,
    bytes: HashMap<usize, u64>,
    missing: BTreeSet<String>,
}

impl Costs {
    fn new(graph: &Graph, attribution: &Attribution, init: Option<&InitProfile>) -> Costs {
        let mut costs = Costs { init: HashMap::new(), bytes: HashMap::new(), missing: BTreeSet::new() };
        for p in &attribution.packages {
            match node_of(graph, &p.package) {
                // What dropping it takes out of the file: its bytes and, unless stripped, the
                // symbol table and DWARF entries that describe them.
                Some(n) => *costs.bytes.entry(n).or_default() += p.bytes + p.debug,
                None => _ = costs.missing.insert(p.package.clone()),
            }
        }
        for p in init.map(|i| i.packages.as_slice()).unwrap_or_default() {
            match node_of(graph, &p.package) {
                Some(n) => *costs.init.entry(n).or_default() += p.clock_ns,
                None => _ = costs.missing.insert(p.package.clone()),
            }
        }
        costs
    }

    fn of(&self, nodes: &[usize]) -> Cost {
        Cost {
            packages: nodes.len(),
            init_ns: nodes.iter().filter_map(|n| self.init.get(n)).sum(),
            bytes: nodes.iter().filter_map(|n| self.bytes.get(n)).sum(),
        }
    }
}

/// Explains one package (a graph node); `runtime` is the graph's runtime closure.
fn explain_node(graph: &Graph, costs: &Costs, runtime: &[bool], node: usize) -> Explained {
    let chain = graph.chain(node).unwrap_or_default();
    let exclusive = graph.exclusive(node);
    // The import to name: the first package on the chain after main that dominates the package
    // and that the main module imports (the user can only edit their own module's imports);
    // the narrow one, the last. The runtime and its imports are in every program: none.
    let drops: Vec<Drop> = if runtime[node] {
        Vec::new()
    } else {
        chain
            .windows(2)
            .filter(|w| graph.in_main_module(w[0]) && !runtime[w[1]])
            .filter_map(|w| {
                let (by, import) = (w[0], w[1]);
                let only = if import == node { exclusive.clone() } else { graph.exclusive(import) };
                only.binary_search(&node).is_ok().then(|| Drop {
                    import: graph.name(import).to_owned(),
                    imported_by: graph.name(by).to_owned(),
                    importers: graph.importers(import),
                    saves: costs.of(&only),
                })
            })
            .collect()
    };
    let drop = drops.first().cloned();
    let narrow_drop = drops.last().filter(|_| drops.len() > 1).cloned();
    Explained {
        package: graph.name(node).to_owned(),
        init_ns: costs.init.get(&node).copied(),
        bytes: costs.bytes.get(&node).copied().unwrap_or(0),
        exclusive: costs.of(&exclusive),
        chain: chain.iter().map(|&n| graph.name(n).to_owned()).collect(),
        drop,
        narrow_drop,
    }
}

/// Explains the `top` slowest-init and `top` largest packages of a config's binary; with
/// `only`, the packages it keeps instead (by import path, `main` as the main package's path),
/// in both lists.
pub fn explain(
    config: &str,
    graph: &Graph,
    attribution: &Attribution,
    init: Option<&InitProfile>,
    top: usize,
    only: Option<&dyn Fn(&str) -> bool>,
) -> Explanation {
    let costs = Costs::new(graph, attribution, init);
    let keep = |node: usize| only.is_none_or(|f| f(graph.name(node)));
    let mut slow: Vec<(usize, u64)> = costs.init.iter().map(|(&n, &t)| (n, t)).filter(|&(n, _)| keep(n)).collect();
    slow.sort_by(|a, b| b.1.cmp(&a.1).then(graph.name(a.0).cmp(graph.name(b.0))));
    let mut large: Vec<(usize, u64)> = costs.bytes.iter().map(|(&n, &b)| (n, b)).filter(|&(n, _)| keep(n)).collect();
    if only.is_some() {
        // A package asked for by name is explained even with no bytes of its own (all inlined).
        large.extend((0..graph.len()).filter(|&n| keep(n) && !costs.bytes.contains_key(&n)).map(|n| (n, 0)));
    }
    large.sort_by(|a, b| b.1.cmp(&a.1).then(graph.name(a.0).cmp(graph.name(b.0))));
    let limit = if only.is_some() { usize::MAX } else { top };
    // Walked once for every package explained; a package in both lists is explained once.
    let runtime = graph.runtime_closure();
    let mut explained: HashMap<usize, Explained> = HashMap::new();
    let mut explain = |nodes: &[(usize, u64)]| -> Vec<Explained> {
        let chosen = nodes.iter().take(limit);
        chosen
            .map(|&(n, _)| explained.entry(n).or_insert_with(|| explain_node(graph, &costs, &runtime, n)).clone())
            .collect()
    };
    let (slowest_init, largest) = (explain(&slow), explain(&large));
    Explanation {
        config: config.to_owned(),
        main: graph.name(graph.root()).to_owned(),
        init_runs: init.map_or(0, |i| i.runs),
        slowest_init,
        largest,
        not_in_graph: costs.missing.into_iter().collect(),
        // Without symbols the data sections are counted whole, by name, outside packages.
        data_unsplit: [".rodata", ".data", ".noptrdata"].iter().any(|s| attribution.other.contains_key(*s)),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::go::list::parse_deps;
    use crate::inspect::attribution::PackageBytes;
    use crate::measure::inittrace::PackageCost;

    const MAIN: &str = "fixture.test/explain";

    fn graph() -> Graph {
        Graph::new(&parse_deps(include_str!("testdata/explain-deps.json")).unwrap(), MAIN).unwrap()
    }

    fn bytes(package: &str, bytes: u64) -> PackageBytes {
        PackageBytes { package: package.into(), bytes, sections: BTreeMap::new(), bss: 0, debug: 0 }
    }

    fn init(package: &str, clock_ns: u64) -> PackageCost {
        PackageCost { package: package.into(), clock_ns, bytes: 0, allocs: 0 }
    }

    #[test]
    fn an_exclusive_package_names_the_import_that_brings_it_in() {
        let lexers = "fixture.test/explain/internal/lexers";
        let styles = "fixture.test/explain/internal/styles";
        let attribution = Attribution {
            file_bytes: 0,
            packages: vec![
                bytes("runtime", 500),
                bytes(lexers, 100),
                bytes("fixture.test/explain/internal/lexers/table", 10),
                bytes("fixture.test/explain/highlight", 1),
                bytes(styles, 50),
                bytes("main", 5),
                bytes("go:linkname.only", 3),
            ],
            other: BTreeMap::new(),
            unattributed: 0,
        };
        let profile = InitProfile {
            runs: 5,
            total_clock_ns: 0,
            packages: vec![init("runtime", 1), init(styles, 3_000_000), init(lexers, 9_000_000), init("main", 2)],
        };
        let e = explain("c", &graph(), &attribution, Some(&profile), 2, None);
        assert_eq!(e.main, MAIN);
        assert_eq!(e.init_runs, 5);
        assert_eq!(e.not_in_graph, ["go:linkname.only"]);
        let [first, second] = &e.slowest_init[..] else { panic!("{e:?}") };
        assert_eq!(first.package, lexers);
        assert_eq!(first.chain, [MAIN, "fixture.test/explain/highlight", lexers]);
        assert_eq!((first.init_ns, first.bytes), (Some(9_000_000), 100));
        assert_eq!(first.exclusive, Cost { packages: 2, init_ns: 9_000_000, bytes: 110 });
        let drop = first.drop.as_ref().unwrap();
        assert_eq!((drop.import.as_str(), drop.imported_by.as_str()), ("fixture.test/explain/highlight", MAIN));
        assert_eq!(drop.saves, Cost { packages: 3, init_ns: 9_000_000, bytes: 111 });
        assert_eq!(drop.importers, 1);
        // Narrower: lexers itself, which highlight (the module's) imports.
        let narrow = first.narrow_drop.as_ref().unwrap();
        assert_eq!((narrow.import.as_str(), narrow.imported_by.as_str()), (lexers, "fixture.test/explain/highlight"));
        assert_eq!(narrow.saves, Cost { packages: 2, init_ns: 9_000_000, bytes: 110 });
        // styles is reached through highlight and themes: neither takes it away, styles itself
        // (and strings, which only it imports; no bytes given here) does.
        assert_eq!(second.package, styles);
        assert_eq!(second.exclusive, Cost { packages: 2, init_ns: 3_000_000, bytes: 50 });
        assert_eq!(second.drop.as_ref().unwrap().import, styles);
        assert_eq!(second.drop.as_ref().unwrap().importers, 2, "highlight and themes");
        assert_eq!(second.narrow_drop, None);
        assert_eq!(e.largest[0].package, "runtime");
        // Every program has the runtime: nothing to drop, though main's chain reaches it.
        assert_eq!((e.largest[0].drop.as_ref(), e.largest[0].narrow_drop.as_ref()), (None, None));
        // The main package's init is its own: nothing to drop.
        let only_main = |p: &str| p == MAIN;
        let e = explain("c", &graph(), &attribution, Some(&profile), 2, Some(&only_main));
        assert_eq!(e.slowest_init.len(), 1);
        assert_eq!(e.slowest_init[0].chain, [MAIN]);
        assert_eq!(e.slowest_init[0].drop, None);
        assert_eq!(e.slowest_init[0].exclusive.bytes, 500 + 100 + 10 + 1 + 50 + 5);
        // A package asked for that has no bytes of its own (inlined away) is still explained.
        let only_themes = |p: &str| p == "fixture.test/explain/themes";
        let e = explain("c", &graph(), &attribution, Some(&profile), 2, Some(&only_themes));
        assert!(e.slowest_init.is_empty());
        assert_eq!(e.largest.len(), 1);
        assert_eq!((e.largest[0].bytes, e.largest[0].chain.len()), (0, 2));
        assert_eq!(e.largest[0].drop.as_ref().unwrap().import, "fixture.test/explain/themes");
    }

    #[test]
    fn a_package_of_another_module_reached_by_two_of_ours_has_no_single_import_to_drop() {
        use crate::go::DepPackage;
        use crate::go::list::Module;
        let pkg = |path: &str, module: &str, imports: &[&str]| DepPackage {
            import_path: path.into(),
            imports: imports.iter().map(|s| s.to_string()).collect(),
            dep_only: false,
            module: Some(Module::at(module)),
        };
        // main → d/a → d/c → d/x and main → d/b → d/c: c dominates x, but d/a and d/b import
        // c, and neither is the main module's.
        let g = Graph::new(
            &[
                pkg("m", "m", &["d/a", "d/b"]),
                pkg("d/a", "d", &["d/c"]),
                pkg("d/b", "d", &["d/c"]),
                pkg("d/c", "d", &["d/x"]),
                pkg("d/x", "d", &[]),
            ],
            "m",
        )
        .unwrap();
        let attribution =
            Attribution { file_bytes: 0, packages: vec![bytes("d/x", 9)], other: BTreeMap::new(), unattributed: 0 };
        let e = explain("c", &g, &attribution, None, 5, None);
        assert_eq!(e.largest[0].chain, ["m", "d/a", "d/c", "d/x"]);
        assert_eq!(e.largest[0].drop, None);
        assert_eq!(e.init_runs, 0);
        assert!(e.slowest_init.is_empty());
    }
}
