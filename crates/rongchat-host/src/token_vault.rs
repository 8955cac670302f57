//! Where the account's token is kept: the OS keyring (Secret Service on Linux, the
//! Keychain, the Credential Manager) when the desktop has one, else a file readable by the
//! owner only (0600 on Unix, created so, replaced atomically). A token saved while the
//! keyring works never stays in the file too. Phones keep it in the app's private file.

use crate::error::Result;
use crate::secret::Secret;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The keyring service the token is filed under.
#[cfg(not(any(target_os = "android", target_os = "ios")))]
const SERVICE: &str = "dev.rongchat.client";

/// One install's token store.
#[derive(Debug, Clone)]
pub struct TokenVault {
    file: PathBuf,
}

impl TokenVault {
    /// The vault of the config dir `dir` (the fallback file is `dir/token`).
    pub fn new(dir: &Path, file_name: &str) -> Self {
        Self {
            file: dir.join(file_name),
        }
    }

    /// The stored token: the keyring's, else the file's.
    pub fn read(&self) -> Result<Option<Secret>> {
        #[cfg(not(any(target_os = "android", target_os = "ios")))]
        if let Some(entry) = self.entry() {
            match entry.get_password() {
                Ok(token) if !token.trim().is_empty() => return Ok(Some(Secret::new(token))),
                Ok(_) | Err(keyring::Error::NoEntry) => {}
                Err(e) => tracing::warn!(error = %e, "the OS keyring could not be read"),
            }
        }
        match fs::read_to_string(&self.file) {
            Ok(t) if !t.trim().is_empty() => Ok(Some(Secret::new(t.trim()))),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Keeps `token`: in the keyring (and then no file), else in the owner-only file.
    pub fn write(&self, token: &Secret) -> Result<()> {
        #[cfg(not(any(target_os = "android", target_os = "ios")))]
        if let Some(entry) = self.entry() {
            match entry.set_password(token.expose()) {
                Ok(()) => return self.remove_file(),
                Err(e) => {
                    tracing::warn!(error = %e, "no OS keyring: the token goes to an owner-only file")
                }
            }
        }
        self.write_file(token)
    }

    /// Forgets the token, in both places.
    pub fn remove(&self) -> Result<()> {
        #[cfg(not(any(target_os = "android", target_os = "ios")))]
        if let Some(entry) = self.entry() {
            match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => tracing::warn!(error = %e, "the OS keyring could not be cleared"),
            }
        }
        self.remove_file()
    }

    /// Whether a token is stored.
    pub fn has(&self) -> bool {
        matches!(self.read(), Ok(Some(_)))
    }

    /// The keyring entry: one per config dir, so two installs (or test runs) never share it.
    #[cfg(not(any(target_os = "android", target_os = "ios")))]
    fn entry(&self) -> Option<keyring::Entry> {
        let account = format!("token:{}", self.file.display());
        keyring::Entry::new(SERVICE, &account).ok()
    }

    fn write_file(&self, token: &Secret) -> Result<()> {
        let dir = self.file.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let tmp = self.file.with_extension("tmp");
        let _ = fs::remove_file(&tmp);
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(token.expose().as_bytes())?;
        file.sync_all()?;
        fs::rename(tmp, &self.file)?;
        Ok(())
    }

    fn remove_file(&self) -> Result<()> {
        match fs::remove_file(&self.file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}
