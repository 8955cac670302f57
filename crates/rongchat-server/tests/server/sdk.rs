//! The official Python Server SDK (`rc-server-sdk`, installed by `ensure_python_sdk` in
//! scripts/lib.sh) drives the server (tests/sdk/drive.py); this side checks what a
//! connected client then sees. Outside CI it is skipped, with a note, when that Python is not
//! installed; under CI (where scripts/test.sh installs it) a missing venv fails.

use crate::support::{Fixture, text_of};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The venv's Python: `RONGCHAT_PY_SDK`, else the one `ensure_python_sdk` creates.
fn sdk_python() -> Option<PathBuf> {
    let path = std::env::var_os("RONGCHAT_PY_SDK")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.tools/py-sdk/bin/python")
        });
    path.exists().then_some(path)
}

#[tokio::test]
async fn the_official_python_server_sdk_works_unchanged() {
    let Some(python) = sdk_python() else {
        // The README's test command installs it: there a missing venv is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "no rc-server-sdk venv under CI: scripts/test.sh must install it"
        );
        eprintln!(
            "skipped: no rc-server-sdk venv (run `source scripts/lib.sh && ensure_python_sdk`)"
        );
        return;
    };
    let fx = Fixture::start().await;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sdk/drive.py");
    let (url, key, secret) = (
        fx.server.http_url(),
        fx.server.app_key().to_owned(),
        fx.server.app_secret().to_owned(),
    );
    // The SDK's calls are blocking HTTP; run it off the runtime that serves them.
    let out = tokio::task::spawn_blocking(move || {
        let mut child = std::process::Command::new(python)
            .args([
                script.as_os_str(),
                url.as_ref(),
                key.as_ref(),
                secret.as_ref(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("SDK driver starts");
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().expect("wait").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().expect("SDK driver output")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "SDK driver failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The seed's quick start: user 1 connects and sees user 2's text.
    let mut c = fx.client("sdk1").await;
    let pulled = c.pull("sdk1", 0, 0).await;
    let texts: Vec<String> = pulled.list.iter().map(text_of).collect();
    assert!(texts.iter().any(|t| t == "hello from the SDK"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "to one"), "{texts:?}");
}
