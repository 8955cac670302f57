//! `rongchat-engine`: the app's host in a process of its own, without a window. It signs
//! in as the app does (the embedded server and demo world when no account is set), and
//! serves the page's commands and events on a local socket (`rongchat_host::ipc`) to
//! whichever shell connects. It prints `ready <socket>` once it listens, and stops on
//! SIGINT or SIGTERM, or when a shell asks it to (the user quit), closing the session.
//!
//! Folders: `RONGCHAT_DATA_DIR` or the platform's, as the app; the socket:
//! `RONGCHAT_ENGINE_SOCKET` or `<data>/run/engine.sock`, with its pid in `engine.pid` beside it.

use rongchat_host::ipc::serve::{self, Hub};
use rongchat_host::paths::Paths;
use rongchat_host::state::AppState;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("rongchat-engine: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rongchat-engine: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let paths = Paths::from_env().ok_or("no folder for the app's data")?;
    match rongchat_host::logging::init(&paths.logs) {
        Ok(file) => tracing::info!(log = %file.display(), "RongChat's engine starting"),
        Err(e) => eprintln!(
            "rongchat-engine: no log file in {}: {e}",
            paths.logs.display()
        ),
    }
    let socket = serve::socket_path(&paths.data);
    let listener =
        serve::bind(&socket).map_err(|e| format!("cannot listen on {}: {e}", socket.display()))?;
    // Beside the socket, for whoever must stop an engine a window started (tests).
    let pid_file = serve::pid_path(&socket);
    if let Err(e) = std::fs::write(&pid_file, std::process::id().to_string()) {
        tracing::warn!("no pid file at {}: {e}", pid_file.display());
    }
    let hub = Hub::default();
    let state = Arc::new(AppState::new(paths, hub.emit()));
    tokio::spawn(rongchat_host::network::watch(state.clone()));
    let signing_in = state.clone();
    tokio::spawn(async move {
        let _ = signing_in.restart().await; // a failure is on the banner already
    });
    {
        // No stdout (started detached) is fine: the line is only for whoever waits on it.
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "ready {}", socket.display());
        let _ = stdout.flush();
    }
    let result = tokio::select! {
        served = serve::serve(listener, state.clone(), hub) => {
            served.map_err(|e| format!("the socket failed: {e}"))
        }
        () = stopped() => Ok(()),
        () = state.quit_requested() => Ok(()),
    };
    tracing::info!("RongChat's engine stopping");
    state.shutdown().await;
    let _ = std::fs::remove_file(&socket); // a socket left behind is replaced by the next bind
    let _ = std::fs::remove_file(&pid_file); // as is a pid file
    result
}

/// Resolves on SIGINT or SIGTERM.
async fn stopped() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
