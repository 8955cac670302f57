//! `rongchat-engine`: the app's host in a process of its own, without a window. It signs
//! in as the app does (the embedded server and demo world when no account is set), and
//! serves the page's commands and events on a local socket (`rongchat_host::ipc`) to
//! whichever shell connects. It prints `ready <socket>` once it listens, and stops on
//! SIGINT or SIGTERM, or when a shell asks it to (the user quit), closing the session.
//!
//! Folders: `RONGCHAT_DATA_DIR` or the platform's, as the app; the socket:
//! `RONGCHAT_ENGINE_SOCKET` or `<data>/run/engine.sock`, with its pid in `engine.pid` beside it.

#[cfg(target_os = "linux")]
use rongchat_host::desktop::Ask;
use rongchat_host::events::{self, Emit};
use rongchat_host::ipc::serve::{self, Hub};
use rongchat_host::models::ConvRef;
use rongchat_host::paths::Paths;
use rongchat_host::state::AppState;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

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
    let (asks, mut asked) = mpsc::unbounded_channel();
    let (stop_desktop, desktop_stop) = tokio::sync::oneshot::channel::<()>();
    #[cfg(target_os = "linux")]
    let desktop = tokio::spawn(rongchat_host::desktop::run(
        state.clone(),
        hub.subscribe(),
        asks.clone(),
        desktop_stop,
    ));
    let emit = hub.emit();
    let served = serve::serve(listener, state.clone(), hub);
    tokio::pin!(served);
    let mut window = Window::default();
    let result = loop {
        tokio::select! {
            result = &mut served => break result.map_err(|e| format!("the socket failed: {e}")),
            () = stopped() => break Ok(()),
            () = state.quit_requested() => {
                quit_windows(&state, &emit, &socket).await;
                break Ok(());
            }
            Some(ask) = asked.recv() => match ask {
                Ask::Open(conv) => window.open(&state, &emit, conv),
                Ask::Quit => {
                    quit_windows(&state, &emit, &socket).await;
                    break Ok(());
                }
            },
        }
    };
    drop(asks);
    tracing::info!("RongChat's engine stopping");
    drop(stop_desktop);
    #[cfg(target_os = "linux")]
    if tokio::time::timeout(QUIT_WAIT, desktop).await.is_err() {
        tracing::warn!("the tray did not come down in time");
    }
    state.shutdown().await;
    let _ = std::fs::remove_file(&socket); // a socket left behind is replaced by the next bind
    let _ = std::fs::remove_file(&pid_file); // as is a pid file
    result
}

/// How long the windows told to quit (and the tray) may take to go.
const QUIT_WAIT: Duration = Duration::from_secs(5);

/// The user quit the app: every window is told to quit too, and has until it goes (within
/// [`QUIT_WAIT`]) to hear it before the engine closes its connection. Its socket goes first,
/// so a window that lost it starts no engine anew on the way out, nor finds this one.
async fn quit_windows(state: &AppState, emit: &Emit, socket: &std::path::Path) {
    let _ = std::fs::remove_file(socket);
    emit(events::SHELL_QUIT, serde_json::Value::Null);
    if tokio::time::timeout(QUIT_WAIT, state.shells().all_gone())
        .await
        .is_err()
    {
        tracing::warn!("a window did not quit in time");
    }
}

/// How long a window started for the user may take to connect before another is started.
const WINDOW_START: Duration = Duration::from_secs(20);

/// The window the user asked for: told to the windows connected, else one is started.
#[derive(Default)]
struct Window {
    started: Option<Instant>,
}

impl Window {
    fn open(&mut self, state: &AppState, emit: &Emit, conv: Option<ConvRef>) {
        if state.shells().any() {
            emit(events::SHELL_SHOW, events::json(conv));
            return;
        }
        state.shells().open_later(conv);
        if self.started.is_some_and(|t| t.elapsed() < WINDOW_START) {
            return; // one is on its way: it opens the chat asked for last
        }
        match start_window() {
            Ok(()) => self.started = Some(Instant::now()),
            Err(e) => tracing::error!("cannot start the window: {e}"),
        }
    }
}

/// Starts the app's window process (`RONGCHAT_APP_BIN`, or `rongchat` beside this binary)
/// over this engine.
fn start_window() -> std::io::Result<()> {
    let binary = match std::env::var_os("RONGCHAT_APP_BIN") {
        Some(path) => std::path::PathBuf::from(path),
        None => std::env::current_exe()?.with_file_name("rongchat"),
    };
    tracing::info!(window = %binary.display(), "starting the window");
    let mut command = std::process::Command::new(binary);
    command
        .env("RONGCHAT_ENGINE", "split")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = command.spawn()?;
    // Reaped when it exits, so no zombie stays behind.
    std::thread::spawn(move || {
        let mut child = child;
        let _ = child.wait();
    });
    Ok(())
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
