//! Links in messages open in the system browser, never inside the app's window. Only
//! http and https: a `file:`, `javascript:` or custom-scheme link from a stranger must not
//! launch anything.

use crate::error::{Error, Result};
use tauri::{AppHandle, Runtime};
use tauri_plugin_opener::OpenerExt;

/// The longest link we hand to the browser (longer ones are not links a person clicks).
const MAX_URL_BYTES: usize = 8 * 1024;

/// The link as the browser gets it, or why it is refused.
pub fn checked(url: &str) -> Result<url::Url> {
    if url.len() > MAX_URL_BYTES {
        return Err(Error::TooLarge {
            size: url.len() as u64,
            limit: MAX_URL_BYTES as u64,
        });
    }
    let parsed = url::Url::parse(url).map_err(|e| Error::Invalid(format!("not a link: {e}")))?;
    match parsed.scheme() {
        "http" | "https" if parsed.host_str().is_some_and(|h| !h.is_empty()) => Ok(parsed),
        "http" | "https" => Err(Error::Invalid("a link without a host".into())),
        other => Err(Error::Invalid(format!(
            "links of scheme {other:?} are not opened"
        ))),
    }
}

/// Opens a link from a message in the system's browser.
#[tauri::command]
pub fn link_open<R: Runtime>(app: AppHandle<R>, url: String) -> Result<()> {
    let url = checked(&url)?;
    tracing::info!(host = url.host_str().unwrap_or_default(), "opening a link");
    app.opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|e| Error::Invalid(format!("cannot open the link: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_with_a_host_open() {
        assert_eq!(
            checked("https://example.com/a?b=c#d").unwrap().as_str(),
            "https://example.com/a?b=c#d"
        );
        assert!(checked("http://127.0.0.1:8080/").is_ok());
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "rongchat://x",
            "ftp://example.com/",
            "https://",
            "example.com",
            "",
        ] {
            assert!(
                matches!(checked(bad), Err(Error::Invalid(_))),
                "{bad:?} must be refused"
            );
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_BYTES));
        assert!(matches!(checked(&long), Err(Error::TooLarge { .. })));
    }
}
