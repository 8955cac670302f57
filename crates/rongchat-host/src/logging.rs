//! Logs (`tracing`) to stderr and to `rongchat.log` in the app's log dir. Secrets never
//! reach a line: tokens are held as `settings::Secret`, whose `Debug` is `<redacted>`, and
//! the E2E reads the file of a whole run to check that no token is in it.
//! `RONGCHAT_LOG` takes an `EnvFilter` directive (default `info`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt};

/// The log file's name, in the log dir.
pub const LOG_FILE: &str = "rongchat.log";

/// The noisy webview crates stay at warnings.
const DEFAULT_FILTER: &str = "info,tao=warn,wry=warn,reqwest=warn,hyper=warn";

/// Starts logging into `dir` (appending); returns the file. A second call (tests build the
/// app more than once) keeps the first subscriber.
pub fn init(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(LOG_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    let filter =
        EnvFilter::try_from_env("RONGCHAT_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(fmt::layer().with_ansi(false).with_writer(Mutex::new(file)))
        .try_init();
    Ok(path)
}
