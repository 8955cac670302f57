//! What the user configures: the UI language and, optionally, a real RongCloud account.
//!
//! `settings.json` in the config dir holds the language, AppKey and navigation URL. The
//! token lives apart, in the OS keyring or else an owner-only file (`token_vault.rs`), and
//! is never logged: it is held as a [`Secret`], whose `Debug` prints `<redacted>` and which
//! has no `Display`, so every derived `Debug` around it is safe to log.
//!
//! For tests and scripted runs, `RONGCHAT_APPKEY` + `RONGCHAT_NAVI` + `RONGCHAT_TOKEN`
//! give an account without touching the files.

use crate::error::{Error, FormProblem, Result};
pub use crate::secret::Secret;
use crate::token_vault::TokenVault;
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::PathBuf;

const SETTINGS_FILE: &str = "settings.json";
const TOKEN_FILE: &str = "token";

/// The UI language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Chinese labels, like the demo (the default).
    #[default]
    Zh,
    /// English labels.
    En,
}

/// The settings file's content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Stored {
    /// The UI language.
    pub language: Language,
    /// A real account's AppKey and navigation URL; `None` means the embedded demo.
    pub account: Option<AccountAddress>,
}

/// Where a real account lives (no secret in here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountAddress {
    /// The RongCloud AppKey.
    pub app_key: String,
    /// The navigation URL, e.g. `https://nav.cn.ronghub.com`.
    pub navi_url: String,
}

/// A real account, ready to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The RongCloud AppKey.
    pub app_key: String,
    /// The navigation URL.
    pub navi_url: String,
    /// The user's token.
    pub token: Secret,
}

/// How the app signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Start the local server and sign in as a demo user.
    Demo,
    /// Connect to a real (or any RongCloud-compatible) server.
    Account(Account),
}

/// The settings files of one config dir.
#[derive(Debug, Clone)]
pub struct SettingsStore {
    dir: PathBuf,
}

impl SettingsStore {
    /// Settings kept in `dir` (created on first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The stored settings; defaults when there is no file yet.
    pub fn load(&self) -> Result<Stored> {
        match fs::read_to_string(self.dir.join(SETTINGS_FILE)) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| Error::Settings(format!("{SETTINGS_FILE}: {e}"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Stored::default()),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes the settings file (atomically: temp file, then rename).
    pub fn save(&self, stored: &Stored) -> Result<()> {
        fs::create_dir_all(&self.dir)?;
        let text =
            serde_json::to_string_pretty(stored).map_err(|e| Error::Settings(e.to_string()))?;
        let tmp = self.dir.join(format!("{SETTINGS_FILE}.tmp"));
        fs::write(&tmp, text)?;
        fs::rename(tmp, self.dir.join(SETTINGS_FILE))?;
        Ok(())
    }

    /// Whether a token is stored.
    pub fn has_token(&self) -> bool {
        self.vault().has()
    }

    /// The stored token, if any.
    pub fn read_token(&self) -> Result<Option<Secret>> {
        self.vault().read()
    }

    /// Stores the token: in the OS keyring, else owner-only (see [`TokenVault`]).
    pub fn write_token(&self, token: &Secret) -> Result<()> {
        self.vault().write(token)
    }

    /// Forgets the token.
    pub fn remove_token(&self) -> Result<()> {
        self.vault().remove()
    }

    fn vault(&self) -> TokenVault {
        TokenVault::new(&self.dir, TOKEN_FILE)
    }

    /// How to sign in: the environment's account, else the stored one, else the demo.
    pub fn mode(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<Mode> {
        let from_env = (
            env("RONGCHAT_APPKEY"),
            env("RONGCHAT_NAVI"),
            env("RONGCHAT_TOKEN"),
        );
        if let (Some(app_key), Some(navi_url), Some(token)) = from_env {
            return Ok(Mode::Account(Account {
                app_key,
                navi_url,
                token: Secret::new(token),
            }));
        }
        // The token is only looked for when an account is set (the keyring may be slow).
        let Some(addr) = self.load()?.account else {
            return Ok(Mode::Demo);
        };
        match self.read_token()? {
            Some(token) => Ok(Mode::Account(Account {
                app_key: addr.app_key,
                navi_url: addr.navi_url,
                token,
            })),
            None => Ok(Mode::Demo),
        }
    }
}

impl SettingsStore {
    /// Saves the language and the account (a new token when given, else the stored one);
    /// no account removes the token file too. Returns whether the account changed.
    pub fn apply(
        &self,
        language: Language,
        account: Option<(AccountAddress, Option<Secret>)>,
    ) -> Result<bool> {
        let old = self.load()?;
        let account = match account {
            None => {
                self.remove_token()?;
                None
            }
            Some((addr, token)) => {
                let addr = AccountAddress {
                    app_key: addr.app_key.trim().to_owned(),
                    navi_url: addr.navi_url.trim().trim_end_matches('/').to_owned(),
                };
                validate_address(&addr)?;
                match token.as_ref().map(|t| t.expose().trim()) {
                    Some(token) if !token.is_empty() => self.write_token(&Secret::new(token))?,
                    _ if self.has_token() => {}
                    _ => return Err(Error::Form(FormProblem::TokenEmpty)),
                }
                Some(addr)
            }
        };
        let changed = account != old.account;
        self.save(&Stored { language, account })?;
        Ok(changed)
    }
}

/// Checks an account form before saving it.
pub fn validate_address(addr: &AccountAddress) -> Result<()> {
    if addr.app_key.trim().is_empty() {
        return Err(Error::Form(FormProblem::AppKeyEmpty));
    }
    // Blank is RongCloud's own cloud (the client's default navigators); several may be
    // listed, tried in turn, each a full URL.
    let listed = addr
        .navi_url
        .split([';', ',', ' ', '\n', '\t'])
        .filter(|s| !s.is_empty());
    for url in listed {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::Form(FormProblem::NaviUrlScheme));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_to_demo_and_chinese() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        assert_eq!(store.load().unwrap(), Stored::default());
        assert_eq!(store.load().unwrap().language, Language::Zh);
        assert_eq!(store.mode(&no_env).unwrap(), Mode::Demo);
    }

    #[test]
    fn token_is_owner_only_and_kept_out_of_settings() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        let stored = Stored {
            language: Language::En,
            account: Some(AccountAddress {
                app_key: "k".into(),
                navi_url: "http://127.0.0.1:1".into(),
            }),
        };
        store.save(&stored).unwrap();
        store.write_token(&Secret::new("secret-token")).unwrap();
        store.write_token(&Secret::new("secret-token-2")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(TOKEN_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let settings_text = fs::read_to_string(dir.path().join(SETTINGS_FILE)).unwrap();
        assert!(!settings_text.contains("secret"));
        let Mode::Account(account) = store.mode(&no_env).unwrap() else {
            panic!("expected an account");
        };
        assert_eq!(account.token.expose(), "secret-token-2");
        assert!(!format!("{account:?}").contains("secret"));
        let mode = Mode::Account(account);
        assert!(!format!("{mode:?}").contains("secret"), "{mode:?}");
        store.remove_token().unwrap();
        assert_eq!(store.mode(&no_env).unwrap(), Mode::Demo);
    }

    #[test]
    fn clearing_the_account_removes_the_token_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        let addr = AccountAddress {
            app_key: "k".into(),
            navi_url: "https://nav.cn.ronghub.com/".into(),
        };
        let changed = store
            .apply(Language::En, Some((addr, Some(Secret::new("tok")))))
            .unwrap();
        assert!(changed && store.has_token());
        let stored = store.load().unwrap();
        assert_eq!(
            stored.account.unwrap().navi_url,
            "https://nav.cn.ronghub.com"
        );
        assert!(store.apply(Language::En, None).unwrap());
        assert!(
            !dir.path().join(TOKEN_FILE).exists(),
            "the token file is gone"
        );
        assert_eq!(store.mode(&no_env).unwrap(), Mode::Demo);
    }

    #[test]
    fn environment_account_wins() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        let env = |k: &str| match k {
            "RONGCHAT_APPKEY" => Some("key".to_owned()),
            "RONGCHAT_NAVI" => Some("http://127.0.0.1:9".to_owned()),
            "RONGCHAT_TOKEN" => Some("tok".to_owned()),
            _ => None,
        };
        assert!(matches!(store.mode(&env).unwrap(), Mode::Account(a) if a.app_key == "key"));
    }

    #[test]
    fn address_validation() {
        let ok = AccountAddress {
            app_key: "k".into(),
            navi_url: "https://nav.cn.ronghub.com".into(),
        };
        assert!(validate_address(&ok).is_ok());
        let bad = AccountAddress {
            navi_url: "nav.cn.ronghub.com".into(),
            ..ok.clone()
        };
        assert!(validate_address(&bad).is_err());
        let rongcloud = AccountAddress {
            navi_url: String::new(),
            ..ok.clone()
        };
        assert!(
            validate_address(&rongcloud).is_ok(),
            "blank is RongCloud's cloud"
        );
        let list = AccountAddress {
            navi_url: "https://a.example; http://b.example:81".into(),
            ..ok.clone()
        };
        assert!(validate_address(&list).is_ok());
        let half_bad = AccountAddress {
            navi_url: "https://a.example; b.example".into(),
            ..ok.clone()
        };
        assert!(validate_address(&half_bad).is_err());
        let bad = AccountAddress {
            app_key: " ".into(),
            ..ok
        };
        assert!(validate_address(&bad).is_err());
    }
}
