//! Checks over the workspace's own source: no module imports, directly or through others,
//! a module that imports it, in any crate.
//!
//! A module's imports are the `crate::` and `super::` paths in its file (comments left
//! out). A reference from `a::x` to `a::y` is an edge between the siblings `x` and `y`
//! under their nearest common parent; a module naming its own parent or child is not an
//! edge (a folder module and its parts are one unit). Cycles are looked for among the
//! siblings of every parent, the crate root included.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates' `src` folders, from the workspace root.
const CRATES: &[&str] = &[
    "crates/rongchat-proto/src",
    "crates/rongchat-client/src",
    "crates/rongchat-server/src",
    "crates/rongchat-voice/src",
    "crates/rongchat-host/src",
    "src-tauri/src",
    "tests/src",
];

type Module = Vec<String>;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable source folder") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                // Binaries are crates of their own.
                if path.file_name().is_some_and(|n| n != "bin") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `engine/mod.rs` -> `[engine]`, `engine/pull.rs` -> `[engine, pull]`, `lib.rs` -> `[]`.
fn module_of(src: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(src).expect("file under src");
    let mut parts: Module = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The paths after `prefix` (`crate::` or `super::`), with `{a, b::c}` groups expanded to
/// their first segments.
fn paths_after(text: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(prefix) {
        if text[..at].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let mut rest = &text[at + prefix.len()..];
        let mut path = Vec::new();
        loop {
            let ident: String = rest.chars().take_while(|&c| is_ident(c)).collect();
            if ident.is_empty() {
                break;
            }
            rest = &rest[ident.len()..];
            path.push(ident);
            match rest.strip_prefix("::") {
                Some(more) => rest = more,
                None => break,
            }
        }
        if let Some(group) = rest.strip_prefix('{') {
            // One level of `{..}`: each item's first segment, after the shared prefix.
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let first: String = item.trim().chars().take_while(|&c| is_ident(c)).collect();
                if !first.is_empty() && first != "self" {
                    let mut full = path.clone();
                    full.push(first);
                    out.push(full);
                }
            }
            if !path.is_empty() {
                out.push(path);
            }
        } else {
            out.push(path);
        }
    }
    out
}

/// The longest declared module that `path` starts with.
fn resolve(path: &[String], modules: &BTreeSet<Module>) -> Module {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|candidate| modules.contains(candidate))
        .unwrap_or_default()
}

/// Edges `(parent, from child, to child)` of one crate.
fn edges(src: &Path) -> BTreeSet<(Module, String, String)> {
    let files = rust_files(src);
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(src, f)).collect();
    let mut out = BTreeSet::new();
    for file in &files {
        let from = module_of(src, file);
        let text: String = std::fs::read_to_string(file)
            .expect("readable source")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut targets: Vec<Module> = paths_after(&text, "crate::")
            .iter()
            .map(|p| resolve(p, &modules))
            .collect();
        // `super` is the parent module, for a file module and a folder module alike.
        let base: Module = from[..from.len().saturating_sub(1)].to_vec();
        for path in paths_after(&text, "super::") {
            let mut full = base.clone();
            full.extend(path);
            targets.push(resolve(&full, &modules));
        }
        for to in targets {
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            // Parent and child, or the module itself: not an edge.
            if common == from.len() || common == to.len() {
                continue;
            }
            out.insert((
                from[..common].to_vec(),
                from[common].clone(),
                to[common].clone(),
            ));
        }
    }
    out
}

/// One cycle among the nodes, if there is one (depth-first search).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

fn cycles(src: &Path) -> Vec<String> {
    let mut graphs: BTreeMap<Module, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (parent, from, to) in edges(src) {
        graphs
            .entry(parent)
            .or_default()
            .entry(from)
            .or_default()
            .insert(to);
    }
    graphs
        .iter()
        .filter_map(|(parent, graph)| {
            find_cycle(graph)
                .map(|cycle| format!("in crate::{}: {}", parent.join("::"), cycle.join(" -> ")))
        })
        .collect()
}

#[test]
fn no_module_imports_a_module_that_imports_it() {
    let mut found = Vec::new();
    for krate in CRATES {
        let src = workspace().join(krate);
        assert!(src.is_dir(), "{} is missing", src.display());
        found.extend(cycles(&src).into_iter().map(|c| format!("{krate}: {c}")));
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

#[test]
fn the_check_sees_a_circle() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let src = dir.path();
    std::fs::create_dir(src.join("b")).expect("a folder module");
    std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\nmod c;").expect("write");
    std::fs::write(src.join("a.rs"), "use crate::b::{self, Thing};").expect("write");
    std::fs::write(src.join("b/mod.rs"), "mod inner;\nuse inner::X;").expect("write");
    std::fs::write(
        src.join("b/inner.rs"),
        "use super::Y;\nfn f() { crate::c::g() }",
    )
    .expect("write");
    std::fs::write(
        src.join("c.rs"),
        "// crate::a::h is only a comment\nuse crate::{d, a::Z};",
    )
    .expect("write");
    let found = cycles(src);
    assert_eq!(found, ["in crate::: a -> b -> c -> a"], "{found:?}");
    // Without c's import there is none (b's parts naming their parent do not count).
    std::fs::write(src.join("c.rs"), "// crate::a::h\nuse crate::d;").expect("write");
    assert!(cycles(src).is_empty());
}
