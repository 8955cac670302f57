//! Checks over the app's own source: the page parses no HTML, the page invokes exactly the
//! listed commands, and the capability grants exactly those. (Import circles among the
//! app's modules are checked with every crate's by `tests/layout`.)

use std::collections::BTreeSet;
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
fn the_host_names_its_folders_by_the_apps_identifier() {
    let conf: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(manifest_dir().join("tauri.conf.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(conf["identifier"], rongchat_host::paths::IDENTIFIER);
}

#[test]
fn the_host_section_is_exactly_the_hosts_table() {
    let listed: BTreeSet<&str> = crate::commands::HOST_COMMANDS.iter().copied().collect();
    let table: BTreeSet<&str> = rongchat_host::commands::NAMES.iter().copied().collect();
    assert_eq!(listed, table);
    assert_eq!(
        table.len(),
        rongchat_host::commands::NAMES.len(),
        "a name twice"
    );
}

#[test]
fn the_capabilities_grant_only_the_listed_commands() {
    for name in ["default.json", "mobile.json"] {
        capability_grants_only_the_listed_commands(name);
    }
}

fn capability_grants_only_the_listed_commands(name: &str) {
    let path = Path::new(env!("OUT_DIR")).join("capabilities").join(name);
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
