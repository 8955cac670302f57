use crate::hostile::process::ServerProcess;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn serve_prints_one_listening_line_and_token_prints_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let exe = env!("CARGO_BIN_EXE_rongchat-server");
    let token = Command::new(exe)
        .args(["token", "--data"])
        .arg(dir.path())
        .args(["--user", "cli-user", "--name", "CLI"])
        .output()
        .unwrap();
    assert!(token.status.success());
    let token = String::from_utf8(token.stdout).unwrap();
    assert_eq!(token.trim().split('.').count(), 3);

    let mut server = ServerProcess::start(dir.path(), &[]);
    let addr = server.addr;
    assert_ne!(addr.port(), 0);

    // The server accepts connections and the CLI token works on navi.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body = format!("token={}", token.trim());
    let r = rt.block_on(crate::support::http(
        addr,
        "POST",
        "/v2/navi.json",
        &[],
        body.as_bytes(),
    ));
    assert_eq!(r.status, 200);

    // Nothing else on stdout.
    let deadline = Instant::now() + Duration::from_millis(200);
    while Instant::now() < deadline {
        assert!(server.lines.try_recv().is_err(), "extra stdout output");
        std::thread::yield_now();
    }
    // SIGTERM stops it cleanly.
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
}

#[test]
fn serve_refuses_a_public_address_with_the_default_secret() {
    let dir = tempfile::tempdir().unwrap();
    let exe = env!("CARGO_BIN_EXE_rongchat-server");
    let refused = Command::new(exe)
        .args(["serve", "--listen", "0.0.0.0:0", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("--app-secret"), "{said}");
    assert!(refused.stdout.is_empty(), "it never listened");
}
