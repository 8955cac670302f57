//! Checks over the app's own source: the page parses no HTML, the page invokes exactly the
//! listed commands and the capability grants exactly those, and no module of the app
//! imports (directly or through others) a module that imports it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir` with one of the extensions.
fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The page builds its DOM with createElement + textContent only; markup parsing
/// APIs would let message data become HTML.
#[test]
fn ui_never_parses_html() {
    let ui = files(&manifest_dir().join("../ui"), &["js", "html"]);
    assert!(ui.len() >= 5, "expected the ui files, found {}", ui.len());
    for path in ui {
        let text = std::fs::read_to_string(&path).unwrap();
        for banned in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "DOMParser",
            "createContextualFragment",
            "eval(",
            "new Function",
        ] {
            assert!(!text.contains(banned), "{} uses {banned}", path.display());
        }
    }
}

/// The names in `call('<name>'` of api.js; no other UI file talks to Tauri.
fn invoked_by_the_page() -> BTreeSet<String> {
    let ui = manifest_dir().join("../ui/js");
    for path in files(&ui, &["js"]) {
        if path.file_name().is_some_and(|n| n != "api.js") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                !text.contains("__TAURI__") && !text.contains("invoke("),
                "{} talks to Tauri; only api.js may",
                path.display()
            );
        }
    }
    let api = std::fs::read_to_string(ui.join("api.js")).unwrap();
    // The one `invoke(` is inside `call`, which takes the name as its first argument.
    assert_eq!(
        api.matches("invoke(").count(),
        1,
        "api.js invokes only in call()"
    );
    api.split("call('")
        .skip(1)
        .map(|rest| rest.split('\'').next().unwrap().to_owned())
        .collect()
}

#[test]
fn the_page_invokes_exactly_the_listed_commands() {
    let listed: BTreeSet<String> = crate::commands::COMMANDS
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    assert_eq!(
        listed.len(),
        crate::commands::COMMANDS.len(),
        "listed twice"
    );
    assert_eq!(invoked_by_the_page(), listed);
}

#[test]
fn the_capability_grants_only_the_listed_commands() {
    let path = Path::new(env!("OUT_DIR")).join("capabilities/default.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let granted: BTreeSet<&str> = json["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let mut expected: BTreeSet<String> = crate::commands::COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    expected.extend([
        "core:event:allow-listen".into(),
        "core:event:allow-unlisten".into(),
    ]);
    assert_eq!(
        granted,
        expected.iter().map(String::as_str).collect::<BTreeSet<_>>()
    );
    assert_eq!(json["windows"], serde_json::json!(["main"]));
}

/// The module of a source file: `src/commands/files.rs` is `commands::files`,
/// `src/demo/mod.rs` is `demo`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|p| p != "mod")
        .collect();
    parts.join("::")
}

/// What each module refers to: `crate::a::b` paths and `super::x` (resolved), cut to the
/// longest prefix that is a module. Comments and test modules (`#[cfg(test)]` to the end)
/// are left out.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = manifest_dir().join("src");
    let sources: Vec<(String, String)> = files(&src, &["rs"])
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            // Code only: comments may name modules without using them.
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            (module_of(&src, &f), code)
        })
        .filter(|(m, _)| m != "lib" && m != "main" && m != "checks")
        .collect();
    let modules: BTreeSet<&str> = sources.iter().map(|(m, _)| m.as_str()).collect();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut graph = BTreeMap::new();
    for (module, code) in &sources {
        let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
        let mut uses = BTreeSet::new();
        for (prefix, base) in [("crate::", String::new()), ("super::", parent.to_owned())] {
            for rest in code.split(prefix).skip(1) {
                assert!(!rest.starts_with('{'), "{module}: split `{prefix}{{` uses");
                let mut path: Vec<&str> = Vec::new();
                let mut tail = rest;
                loop {
                    let end = tail.find(|c| !ident(c)).unwrap_or(tail.len());
                    path.push(&tail[..end]);
                    match tail[end..].strip_prefix("::") {
                        Some(next) if next.starts_with(ident) => tail = next,
                        _ => break,
                    }
                }
                let full = |n: usize| {
                    let mut p: Vec<&str> = base.split("::").filter(|s| !s.is_empty()).collect();
                    p.extend(&path[..n]);
                    p.join("::")
                };
                if let Some(target) = (1..=path.len())
                    .rev()
                    .map(full)
                    .find(|m| modules.contains(m.as_str()))
                    && &target != module
                {
                    uses.insert(target);
                }
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

/// A cycle in the graph, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_import_circles_among_the_modules() {
    let graph = module_graph();
    assert!(graph.len() > 20, "expected the app's modules: {graph:?}");
    assert!(graph["state"].contains("session"), "{:?}", graph["state"]);
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import circle: {}", cycle.join(" -> "));
    }
    // Also with each folder seen as one module (`commands`, `demo`).
    let top = |m: &str| m.split("::").next().unwrap().to_owned();
    let mut folded: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in &graph {
        let entry = folded.entry(top(from)).or_default();
        entry.extend(tos.iter().map(|t| top(t)).filter(|t| *t != top(from)));
    }
    if let Some(cycle) = find_cycle(&folded) {
        panic!("import circle between folders: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_circle_check_finds_circles() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}
