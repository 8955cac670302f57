//! `rongchat-server`: the command line over the library.

use clap::{Parser, Subcommand};
use rongchat_server::{Config, Server};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The default port when none is given.
const DEFAULT_LISTEN: &str = "127.0.0.1:9100";

#[derive(Parser)]
#[command(version, about = "A local RongCloud-compatible IM server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve (the default).
    Serve(ServeArgs),
    /// Print a login token for a user.
    Token {
        /// Data folder of the server.
        #[arg(long)]
        data: Option<PathBuf>,
        /// The user id.
        #[arg(long)]
        user: String,
        /// Display name.
        #[arg(long, default_value = "")]
        name: String,
        /// App key (default: the one the server last ran with).
        #[arg(long)]
        app_key: Option<String>,
    },
}

#[derive(clap::Args, Default)]
struct ServeArgs {
    /// Address to listen on (port 0 picks one).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Data folder (database and files).
    #[arg(long)]
    data: Option<PathBuf>,
    /// App key.
    #[arg(long)]
    app_key: Option<String>,
    /// App secret.
    #[arg(long)]
    app_secret: Option<String>,
    /// Base URL clients should use, e.g. http://192.168.1.5:9100.
    #[arg(long)]
    public_url: Option<String>,
    /// Largest upload in bytes.
    #[arg(long)]
    max_upload_bytes: Option<u64>,
    /// Seconds a write may make no progress before its connection is closed.
    #[arg(long)]
    write_timeout_secs: Option<u64>,
}

/// `$XDG_DATA_HOME/rongchat-server`, else `~/.local/share/rongchat-server`, else `./`.
fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("rongchat-server")
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(args),
        Command::Token {
            data,
            user,
            name,
            app_key,
        } => {
            let data = data.unwrap_or_else(default_data_dir);
            rongchat_server::issue_offline_token(&data, app_key.as_deref(), &user, &name).map(
                |token| {
                    println!("{token}");
                },
            )
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rongchat-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> rongchat_server::Result<()> {
    let mut config = Config::local(args.data.unwrap_or_else(default_data_dir));
    config.listen = match args.listen {
        Some(addr) => addr,
        None => DEFAULT_LISTEN
            .parse()
            .map_err(|_| rongchat_server::Error::InvalidInput("default address".into()))?,
    };
    if let Some(key) = args.app_key {
        config.app_key = key;
    }
    if let Some(secret) = args.app_secret {
        config.app_secret = secret;
    }
    // The default secret is public: anyone who can reach the Server API could mint tokens.
    if config.app_secret == rongchat_server::config::LOCAL_APP_SECRET
        && !config.listen.ip().is_loopback()
    {
        return Err(rongchat_server::Error::InvalidInput(format!(
            "listening on {} needs --app-secret: the default secret is public",
            config.listen
        )));
    }
    config.public_url = args.public_url;
    if let Some(max) = args.max_upload_bytes {
        config.max_upload_bytes = max;
    }
    if let Some(secs) = args.write_timeout_secs {
        config.write_timeout = std::time::Duration::from_secs(secs);
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let server = Server::start(config).await?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening {}", server.http_url())?;
        out.flush()?;
        drop(out);
        stop_requested().await;
        server.shutdown().await;
        Ok(())
    })
}

/// Ctrl-C, or SIGTERM on Unix (what service managers and `kill` send).
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
