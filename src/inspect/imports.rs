//! A main package's import graph (`go list -deps -json`): the shortest import chain from main to
//! a package, and the packages only a given package brings in — its exclusive subtree, the
//! packages it dominates from main: with it gone, exactly those leave the program.

use std::collections::{HashMap, VecDeque};

use anyhow::{Result, bail};

use crate::go::DepPackage;

/// The graph, its nodes numbered; edges sorted by import path so every walk is deterministic.
#[derive(Debug, Clone)]
pub struct Graph {
    names: Vec<String>,
    index: HashMap<String, usize>,
    edges: Vec<Vec<usize>>,
    module: Vec<Option<String>>,
    root: usize,
    /// Which nodes main reaches (all of them for `go list -deps` output).
    reached: Vec<bool>,
}

impl Graph {
    /// The graph of `packages` from the main package `main` (its import path).
    pub fn new(packages: &[DepPackage], main: &str) -> Result<Graph> {
        let mut names: Vec<String> = packages.iter().map(|p| p.import_path.clone()).collect();
        names.sort();
        names.dedup();
        let index: HashMap<String, usize> = names.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
        let mut edges = vec![Vec::new(); names.len()];
        let mut module = vec![None; names.len()];
        for p in packages {
            let from = index[&p.import_path];
            // An import go could not resolve (`C`, or a package with an error) is no node.
            let mut to: Vec<usize> = p.imports.iter().filter_map(|i| index.get(i).copied()).collect();
            to.sort_unstable();
            to.dedup();
            edges[from] = to;
            module[from] = p.module.as_ref().map(|m| m.path.clone());
        }
        let Some(&root) = index.get(main) else {
            bail!("`go list -deps` did not list the main package `{main}`");
        };
        let mut graph = Graph { names, index, edges, module, root, reached: Vec::new() };
        graph.reached = graph.reach(None);
        Ok(graph)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn root(&self) -> usize {
        self.root
    }

    pub fn name(&self, node: usize) -> &str {
        &self.names[node]
    }

    pub fn node(&self, import_path: &str) -> Option<usize> {
        self.index.get(import_path).copied()
    }

    /// Whether `node` belongs to the main package's module (the code the user can edit).
    pub fn in_main_module(&self, node: usize) -> bool {
        node == self.root || (self.module[self.root].is_some() && self.module[node] == self.module[self.root])
    }

    /// Which nodes main reaches when `without` is left out of the program.
    fn reach(&self, without: Option<usize>) -> Vec<bool> {
        let mut seen = vec![false; self.names.len()];
        if without == Some(self.root) {
            return seen;
        }
        seen[self.root] = true;
        let mut queue = VecDeque::from([self.root]);
        while let Some(n) = queue.pop_front() {
            for &m in &self.edges[n] {
                if !seen[m] && Some(m) != without {
                    seen[m] = true;
                    queue.push_back(m);
                }
            }
        }
        seen
    }

    /// The shortest import chain from main to `to`, main first; among chains of one length the
    /// one whose packages come first by import path (breadth-first, imports in path order).
    pub fn chain(&self, to: usize) -> Option<Vec<usize>> {
        let mut parent: Vec<Option<usize>> = vec![None; self.names.len()];
        let mut seen = vec![false; self.names.len()];
        seen[self.root] = true;
        let mut queue = VecDeque::from([self.root]);
        while let Some(n) = queue.pop_front() {
            if n == to {
                break;
            }
            for &m in &self.edges[n] {
                if !seen[m] {
                    seen[m] = true;
                    parent[m] = Some(n);
                    queue.push_back(m);
                }
            }
        }
        if !seen[to] {
            return None;
        }
        let mut chain = vec![to];
        let mut at = to;
        while let Some(p) = parent[at] {
            chain.push(p);
            at = p;
        }
        chain.reverse();
        Some(chain)
    }

    /// How many packages of the graph import `node`.
    pub fn importers(&self, node: usize) -> usize {
        self.edges.iter().filter(|to| to.binary_search(&node).is_ok()).count()
    }

    /// `runtime` and what it imports: every Go program has them, no import takes them away.
    pub fn runtime_closure(&self) -> Vec<bool> {
        let mut seen = vec![false; self.names.len()];
        let Some(runtime) = self.node("runtime") else { return seen };
        seen[runtime] = true;
        let mut queue = VecDeque::from([runtime]);
        while let Some(n) = queue.pop_front() {
            for &m in &self.edges[n] {
                if !seen[m] {
                    seen[m] = true;
                    queue.push_back(m);
                }
            }
        }
        seen
    }

    /// The packages `node` dominates, itself included, in path order: every path from main to
    /// them passes through it, so a program without it has none of them. Computed as what main
    /// no longer reaches with `node` taken out (one walk; the graphs are thousands of nodes).
    pub fn exclusive(&self, node: usize) -> Vec<usize> {
        if !self.reached[node] {
            return Vec::new();
        }
        let without = self.reach(Some(node));
        (0..self.names.len()).filter(|&v| self.reached[v] && !without[v]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::go::list::{Module, parse_deps};

    fn pkg(path: &str, imports: &[&str]) -> DepPackage {
        DepPackage {
            import_path: path.into(),
            imports: imports.iter().map(|s| s.to_string()).collect(),
            dep_only: true,
            module: Some(Module::at(path.split('/').next().unwrap_or(""))),
        }
    }

    fn names(g: &Graph, nodes: &[usize]) -> Vec<String> {
        nodes.iter().map(|&n| g.name(n).to_owned()).collect()
    }

    /// main → a → x → leaf, main → b → x, main → c → y → leaf2: x is shared (a diamond),
    /// y is c's alone.
    fn diamond() -> Graph {
        let pkgs = [
            pkg("m/main", &["m/a", "m/b", "m/c"]),
            pkg("m/a", &["d/x"]),
            pkg("m/b", &["d/x"]),
            pkg("m/c", &["d/y"]),
            pkg("d/x", &["d/leaf"]),
            pkg("d/y", &["d/leaf2", "d/leaf"]),
            pkg("d/leaf", &[]),
            pkg("d/leaf2", &[]),
        ];
        Graph::new(&pkgs, "m/main").unwrap()
    }

    #[test]
    fn a_package_reached_by_two_paths_is_exclusive_to_neither() {
        let g = diamond();
        let n = |p: &str| g.node(p).unwrap();
        assert_eq!(names(&g, &g.exclusive(n("m/a"))), ["m/a"]);
        assert_eq!(names(&g, &g.exclusive(n("m/b"))), ["m/b"]);
        // x is reached through a and b: only x dominates itself; leaf is also y's.
        assert_eq!(names(&g, &g.exclusive(n("d/x"))), ["d/x"]);
        assert_eq!(names(&g, &g.exclusive(n("m/c"))), ["d/leaf2", "d/y", "m/c"]);
        assert_eq!(g.exclusive(g.root()).len(), g.len());
        assert!(g.in_main_module(n("m/c")) && !g.in_main_module(n("d/y")));
        assert_eq!((g.importers(n("d/x")), g.importers(n("d/leaf")), g.importers(g.root())), (2, 2, 0));
        assert!(g.runtime_closure().iter().all(|&r| !r), "no runtime in this graph");
    }

    #[test]
    fn the_shortest_chain_breaks_ties_by_path() {
        let g = diamond();
        let chain = g.chain(g.node("d/x").unwrap()).unwrap();
        assert_eq!(names(&g, &chain), ["m/main", "m/a", "d/x"]);
        let chain = g.chain(g.node("d/leaf").unwrap()).unwrap();
        assert_eq!(names(&g, &chain), ["m/main", "m/a", "d/x", "d/leaf"]);
        assert_eq!(names(&g, &g.chain(g.root()).unwrap()), ["m/main"]);
    }

    #[test]
    fn a_graph_without_its_main_package_is_an_error() {
        let err = Graph::new(&[pkg("m/a", &[])], "m/main").unwrap_err().to_string();
        assert!(err.contains("did not list the main package `m/main`"), "{err}");
    }

    #[test]
    fn real_go_list_output_of_the_explain_fixture() {
        // Captured with `go list -deps -json=ImportPath,Imports,Standard,DepOnly,Module .` in
        // tests/fixtures/explain (go1.26.8).
        let pkgs = parse_deps(include_str!("testdata/explain-deps.json")).unwrap();
        let main = "fixture.test/explain";
        assert_eq!(pkgs.last().map(|p| p.import_path.as_str()), Some(main));
        let g = Graph::new(&pkgs, main).unwrap();
        let n = |p: &str| g.node(p).unwrap();
        let chain = names(&g, &g.chain(n("fixture.test/explain/internal/lexers")).unwrap());
        assert_eq!(chain, [main, "fixture.test/explain/highlight", "fixture.test/explain/internal/lexers"]);
        // lexers and its own table package are highlight's alone; styles is shared with themes.
        let only = names(&g, &g.exclusive(n("fixture.test/explain/highlight")));
        assert_eq!(
            only,
            [
                "fixture.test/explain/highlight",
                "fixture.test/explain/internal/lexers",
                "fixture.test/explain/internal/lexers/table"
            ]
        );
        assert!(!g.exclusive(n("fixture.test/explain/themes")).contains(&n("fixture.test/explain/internal/styles")));
        // strings comes in with styles alone (fmt does not import it).
        assert_eq!(
            names(&g, &g.exclusive(n("fixture.test/explain/internal/styles"))),
            ["fixture.test/explain/internal/styles", "strings"]
        );
        assert!(g.in_main_module(n("fixture.test/explain/highlight")) && !g.in_main_module(n("fmt")));
        let runtime = g.runtime_closure();
        assert!(runtime[n("runtime")] && runtime[n("internal/abi")] && !runtime[n("fmt")] && !runtime[n("os")]);
    }
}
