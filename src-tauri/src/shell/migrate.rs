//! The identifier was `dev.rongchat.desktop`; it names the data, config and log folders (and
//! the Android package), so the rename moves what an older install left under the old name.
//! Entry by entry, so a folder the webview already created under the new name is merged into,
//! never overwritten.

use std::path::{Component, Path, PathBuf};

/// The identifier of installs before the rename.
pub const OLD_IDENTIFIER: &str = "dev.rongchat.desktop";

/// `dir` with its `new` component replaced by `old`, if it has one.
fn old_twin(dir: &Path, new: &str, old: &str) -> Option<PathBuf> {
    let mut found = false;
    let twin: PathBuf = dir
        .components()
        .map(|c| match c {
            Component::Normal(name) if name == new => {
                found = true;
                Component::Normal(old.as_ref())
            }
            other => other,
        })
        .collect();
    found.then_some(twin)
}

/// Moves every entry of the old twin of each dir into it (skipping names that exist there),
/// then removes the old folder if it is empty. Returns how many entries moved.
pub fn from_old_identifier(dirs: &[&Path], new: &str, old: &str) -> std::io::Result<usize> {
    let mut moved = 0;
    for dir in dirs {
        let Some(old_dir) = old_twin(dir, new, old) else {
            continue;
        };
        if !old_dir.is_dir() {
            continue;
        }
        std::fs::create_dir_all(dir)?;
        for entry in std::fs::read_dir(&old_dir)? {
            let entry = entry?;
            let to = dir.join(entry.file_name());
            if to.exists() {
                continue;
            }
            std::fs::rename(entry.path(), to)?;
            moved += 1;
        }
        // Best effort: what could not move (a name taken on both sides) stays for the user.
        let _ = std::fs::remove_dir(&old_dir);
    }
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: &str = "dev.rongchat.client";

    #[test]
    fn moves_old_data_into_new_and_merges_with_what_exists() {
        let root = tempfile::tempdir().unwrap();
        let old = root.path().join("share").join(OLD_IDENTIFIER);
        std::fs::create_dir_all(old.join("accounts/local/me")).unwrap();
        std::fs::write(old.join("accounts/local/me/store.db"), b"history").unwrap();
        std::fs::write(old.join("WebKitCache"), b"old").unwrap();
        // The webview created the new folder first.
        let new = root.path().join("share").join(NEW);
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(new.join("WebKitCache"), b"new").unwrap();

        let moved = from_old_identifier(&[&new], NEW, OLD_IDENTIFIER).unwrap();

        assert_eq!(moved, 1);
        assert_eq!(
            std::fs::read(new.join("accounts/local/me/store.db")).unwrap(),
            b"history"
        );
        assert_eq!(std::fs::read(new.join("WebKitCache")).unwrap(), b"new");
        assert!(old.exists(), "the clashing entry stays in the old folder");
    }

    #[test]
    fn nested_dirs_and_fresh_installs() {
        let root = tempfile::tempdir().unwrap();
        let logs = root.path().join(NEW).join("logs");
        std::fs::create_dir_all(root.path().join(OLD_IDENTIFIER).join("logs")).unwrap();
        std::fs::write(
            root.path().join(OLD_IDENTIFIER).join("logs/rongchat.log"),
            b"x",
        )
        .unwrap();
        assert_eq!(
            from_old_identifier(&[&logs], NEW, OLD_IDENTIFIER).unwrap(),
            1
        );
        assert!(logs.join("rongchat.log").exists());
        assert!(!root.path().join(OLD_IDENTIFIER).join("logs").exists());
        // Nothing old: nothing happens.
        let fresh = root.path().join("other").join(NEW);
        assert_eq!(
            from_old_identifier(&[&fresh], NEW, OLD_IDENTIFIER).unwrap(),
            0
        );
        assert!(!fresh.exists());
    }
}
