//! Which local store a real account opens: one per (AppKey, navigation URL, user id), so
//! two users on one AppKey never share history, cursors or a device id.
//!
//! The user id is only certain after login, but the store must be open before that. The
//! navigation answer names it (`userId`, present in RongCloud's real responses), so we ask
//! navigation first; the answer is remembered per token fingerprint (a hash, never the
//! token) so an offline start still finds its store. Stores of the old layout (one shared
//! `accounts/<AppKey>/account` folder) move to their own user's folder.

use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::settings::Account;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const REMEMBERED_FILE: &str = "users.json";
/// The old layout's user folder (every user of an AppKey in one store).
const SHARED_LEGACY: &str = "account";

/// The store folder for `account`, migrating the old shared folder when it is this user's.
pub async fn store_dir(paths: &Paths, account: &Account) -> Result<PathBuf> {
    let user_id = user_id(paths, account).await?;
    let dir = paths.account_dir(&account.app_key, &account.navi_url, &user_id);
    migrate_legacy(paths, account, &dir)?;
    Ok(dir)
}

/// The user the token belongs to: from navigation, else remembered from an earlier start.
async fn user_id(paths: &Paths, account: &Account) -> Result<String> {
    let print = fingerprint(account);
    match ask_navigation(account).await {
        Ok(user_id) => {
            remember(&paths.config, &print, &user_id)?;
            Ok(user_id)
        }
        Err(e) => recall(&paths.config, &print).ok_or(e),
    }
}

/// A hash of where and who, so `users.json` holds no secret.
fn fingerprint(account: &Account) -> String {
    let mut hash = Sha256::new();
    for part in [&account.app_key, &account.navi_url, account.token.expose()] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hex(&hash.finalize()[..16])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Asks navigation as the client does (the same navigators in the same order) and reads
/// the `userId` of its answer.
async fn ask_navigation(account: &Account) -> Result<String> {
    use rongchat_client::navi::{Endpoint, navigate};
    use rongchat_client::session::OpenFailure;
    let endpoint = Endpoint {
        config: rongchat_client::ClientConfig::new(
            &account.navi_url,
            &account.app_key,
            account.token.expose(),
            PathBuf::new(),
        ),
        device_id: String::new(),
    };
    let unreachable = |detail: String| Error::Client(rongchat_client::Error::Navi(detail));
    match navigate(&reqwest::Client::new(), &endpoint).await {
        Ok(navi) => navi
            .user_id
            .ok_or_else(|| unreachable("navigation answered without a user id".into())),
        Err(e) if e.failure == OpenFailure::TokenIncorrect => Err(Error::of_final_status(
            rongchat_client::ConnectionStatus::TokenIncorrect,
        )
        .unwrap_or_else(|| unreachable(e.detail))),
        Err(e) => Err(unreachable(e.detail)),
    }
}

fn load(config: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(config.join(REMEMBERED_FILE))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn remember(config: &Path, print: &str, user_id: &str) -> Result<()> {
    let mut known = load(config);
    if known.get(print).map(String::as_str) == Some(user_id) {
        return Ok(());
    }
    known.insert(print.to_owned(), user_id.to_owned());
    std::fs::create_dir_all(config)?;
    let tmp = config.join(format!("{REMEMBERED_FILE}.tmp"));
    let text = serde_json::to_string_pretty(&known).map_err(|e| Error::Settings(e.to_string()))?;
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, config.join(REMEMBERED_FILE))?;
    Ok(())
}

fn recall(config: &Path, print: &str) -> Option<String> {
    load(config).remove(print)
}

/// Moves `accounts/<AppKey>/account` to the folder of the user its `user_id` file names
/// (under this account's navigation URL, the only one the old layout knew of). A store
/// that never connected has no user and nothing worth keeping beyond its device id: it
/// goes to this user.
fn migrate_legacy(paths: &Paths, account: &Account, dir: &Path) -> Result<()> {
    let legacy = paths.legacy_account_dir(&account.app_key, SHARED_LEGACY);
    if !legacy.is_dir() {
        return Ok(());
    }
    let owner = std::fs::read_to_string(legacy.join("user_id"))
        .ok()
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    let target = match owner {
        Some(owner) => paths.account_dir(&account.app_key, &account.navi_url, &owner),
        None => dir.to_path_buf(),
    };
    if target.exists() {
        return Ok(()); // already has a store of its own: leave the old one be
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::rename(&legacy, &target)?;
    tracing::info!(to = %target.display(), "moved the shared account store to its user");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Secret;

    /// A real local server (its folder lives as long as the test's).
    async fn server(dir: &tempfile::TempDir) -> rongchat_server::Server {
        let config = rongchat_server::Config::local(dir.path().join("server"));
        rongchat_server::Server::start(config).await.unwrap()
    }

    fn account(server: &rongchat_server::Server, user: &str) -> Account {
        Account {
            app_key: server.app_key().to_owned(),
            navi_url: server.http_url(),
            token: Secret::new(server.issue_token(user, user).unwrap()),
        }
    }

    #[tokio::test]
    async fn two_users_on_one_app_key_get_two_stores() {
        let root = tempfile::tempdir().unwrap();
        let server = server(&root).await;
        let paths = Paths::under(root.path());
        let alice = store_dir(&paths, &account(&server, "alice")).await.unwrap();
        let bob = store_dir(&paths, &account(&server, "bob")).await.unwrap();
        assert_ne!(alice, bob);
        assert!(
            alice.ends_with("alice") && bob.ends_with("bob"),
            "{alice:?}"
        );
    }

    #[tokio::test]
    async fn offline_start_finds_the_remembered_store_and_a_new_token_fails() {
        let root = tempfile::tempdir().unwrap();
        let server = server(&root).await;
        let paths = Paths::under(root.path());
        let alice = account(&server, "alice");
        let carol = account(&server, "carol");
        let online = store_dir(&paths, &alice).await.unwrap();
        server.shutdown().await;
        // Navigation is down: the token seen before still opens its own store...
        assert_eq!(store_dir(&paths, &alice).await.unwrap(), online);
        let text = std::fs::read_to_string(paths.config.join(REMEMBERED_FILE)).unwrap();
        assert!(
            !text.contains(alice.token.expose()),
            "no token in users.json"
        );
        // ...and one never seen cannot guess whose store it is.
        let err = store_dir(&paths, &carol).await.unwrap_err();
        assert_eq!(err.kind(), "network");
    }

    #[tokio::test]
    async fn the_old_shared_store_moves_to_its_user() {
        let root = tempfile::tempdir().unwrap();
        let server = server(&root).await;
        let paths = Paths::under(root.path());
        let bob = account(&server, "bob");
        let legacy = paths.legacy_account_dir(&bob.app_key, SHARED_LEGACY);
        std::fs::create_dir_all(&legacy).unwrap();
        std::fs::write(legacy.join("user_id"), "alice").unwrap();
        std::fs::write(legacy.join("rongchat.sqlite3"), "alice's history").unwrap();
        // Bob signs in: the old store is alice's, so it goes to alice, not to bob.
        let bob_dir = store_dir(&paths, &bob).await.unwrap();
        assert!(!bob_dir.join("rongchat.sqlite3").exists());
        assert!(!legacy.exists());
        let alice_dir = store_dir(&paths, &account(&server, "alice")).await.unwrap();
        assert_eq!(
            std::fs::read_to_string(alice_dir.join("rongchat.sqlite3")).unwrap(),
            "alice's history"
        );
    }
}
