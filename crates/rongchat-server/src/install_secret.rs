//! A per-install AppSecret for an embedded server. The development secret is public, so a
//! server that an app starts for its user must not accept it: any local process could sign
//! Server API calls with it and send as anyone.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// The file in a server's data dir that holds its own AppSecret (owner-only).
pub const SECRET_FILE: &str = "app-secret";

/// Random bytes in a fresh secret (hex-encoded: twice as many characters).
const SECRET_BYTES: usize = 32;

/// This data dir's AppSecret: read from [`SECRET_FILE`], or made from the OS's random
/// source and written owner-only on first use. An unreadable or malformed file is an error,
/// never silently replaced (that would lock out whoever holds the old one).
pub fn install_secret(data_dir: &Path) -> io::Result<String> {
    fs::create_dir_all(data_dir)?;
    let path = data_dir.join(SECRET_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => return parse(&text),
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        Err(_) => {}
    }
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| io::Error::other(e.to_string()))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            file.write_all(secret.as_bytes())?;
            file.sync_all()?;
            Ok(secret)
        }
        // Another process made it first: use theirs.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => parse(&fs::read_to_string(&path)?),
        Err(e) => Err(e),
    }
}

fn parse(text: &str) -> io::Result<String> {
    let secret = text.trim();
    if secret.len() == SECRET_BYTES * 2 && secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(secret.to_owned())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{SECRET_FILE} does not hold a secret"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LOCAL_APP_SECRET;

    #[test]
    fn made_once_owner_only_then_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = install_secret(dir.path()).unwrap();
        assert_eq!(first.len(), 64);
        assert_ne!(first, LOCAL_APP_SECRET);
        assert_eq!(install_secret(dir.path()).unwrap(), first);
        let other = tempfile::tempdir().unwrap();
        assert_ne!(install_secret(other.path()).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let file = fs::metadata(dir.path().join(SECRET_FILE)).unwrap();
            assert_eq!(file.permissions().mode() & 0o777, 0o600, "owner-only");
        }
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_new_secret() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(SECRET_FILE), "short").unwrap();
        let err = install_secret(dir.path()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(
            fs::read_to_string(dir.path().join(SECRET_FILE)).unwrap(),
            "short"
        );
    }
}
