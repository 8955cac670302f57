//! `rongchat-cli`: the client engine from a shell. Sends wait for the server's ack; every
//! command prints JSON lines and exits 0 on success, or non-zero with a one-line reason.

use clap::{Args, Parser, Subcommand};
use rongchat_client::{Client, ClientConfig, ConversationId, Event, Message, Outgoing, SendStatus};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(name = "rongchat-cli", about = "RongCloud IM from the command line")]
struct Cli {
    /// Navigation base URL, e.g. http://127.0.0.1:9100.
    #[arg(long)]
    navi: String,
    /// App key.
    #[arg(long)]
    app_key: String,
    /// User token.
    #[arg(long)]
    token: String,
    /// Data directory (database, downloads).
    #[arg(long)]
    data: PathBuf,
    /// Connect the WebSocket to this host:port instead of navigation's answer.
    #[arg(long)]
    ws: Option<String>,
    /// Platform name sent on connect (one login per user and platform).
    #[arg(long, default_value = "cli")]
    platform: String,
    /// Seconds to wait for the connection and for acks.
    #[arg(long, default_value_t = 60)]
    wait_s: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct Target {
    /// A user id (private conversation).
    #[arg(long)]
    to: Option<String>,
    /// A group id.
    #[arg(long)]
    group: Option<String>,
}

impl Target {
    fn conversation(&self) -> ConversationId {
        match (&self.to, &self.group) {
            (_, Some(group)) => ConversationId::group(group.clone()),
            (Some(user), None) => ConversationId::private(user.clone()),
            (None, None) => ConversationId::private(String::new()),
        }
    }
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct With {
    /// The other user.
    #[arg(long = "with")]
    with: Option<String>,
    /// A group id.
    #[arg(long)]
    group: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Send a text message.
    SendText {
        #[command(flatten)]
        target: Target,
        text: String,
    },
    /// Upload and send a file.
    SendFile {
        #[command(flatten)]
        target: Target,
        path: PathBuf,
    },
    /// Send an image (JPEG thumbnail inline, full image uploaded).
    SendImage {
        #[command(flatten)]
        target: Target,
        path: PathBuf,
    },
    /// Send an AMR voice clip (RC:VcMsg).
    SendVoice {
        #[command(flatten)]
        target: Target,
        path: PathBuf,
        /// Duration in seconds (estimated from the AMR size when left out).
        #[arg(long)]
        duration: Option<u64>,
    },
    /// Send the demo's music card (seal:music).
    SendMusic {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        name: String,
        #[arg(long)]
        author: String,
        #[arg(long)]
        url: String,
        #[arg(long)]
        poster: String,
    },
    /// Print received messages, one JSON line each.
    Listen {
        /// Stop after this many messages (exit 1 if the timeout comes first).
        #[arg(long)]
        count: Option<usize>,
        /// Stop after this many seconds.
        #[arg(long)]
        timeout_s: Option<u64>,
    },
    /// Print a conversation's newest messages, oldest first.
    History {
        #[command(flatten)]
        with: With,
        #[arg(long, default_value_t = 20)]
        count: usize,
    },
    /// Print the conversation list.
    Conversations,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => fail(&reason),
    }
}

fn fail(reason: &str) -> ExitCode {
    eprintln!("rongchat-cli: {}", reason.replace('\n', " "));
    ExitCode::FAILURE
}

async fn run(cli: Cli) -> Result<(), String> {
    let wait = Duration::from_secs(cli.wait_s);
    let mut config = ClientConfig::new(&cli.navi, &cli.app_key, &cli.token, &cli.data);
    config.ws_override = cli.ws.clone();
    config.platform = Some(cli.platform.clone());
    let client = Client::open(config).map_err(|e| e.to_string())?;
    let (_, mut events) = client.subscribe().map_err(|e| e.to_string())?;
    client
        .connect_and_wait(wait)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let outgoing = match cli.command {
        Command::SendText { target, text } => Some((target, Outgoing::Text(text))),
        Command::SendFile { target, path } => Some((target, Outgoing::File(path))),
        Command::SendImage { target, path } => Some((target, Outgoing::Image(path))),
        Command::SendVoice {
            target,
            path,
            duration,
        } => {
            let amr = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let duration = duration.unwrap_or_else(|| estimate_amr_seconds(amr.len()));
            Some((target, Outgoing::Voice { amr, duration }))
        }
        Command::SendMusic {
            target,
            name,
            author,
            url,
            poster,
        } => Some((
            target,
            Outgoing::Music {
                url,
                name,
                author,
                poster,
            },
        )),
        Command::Listen { count, timeout_s } => {
            return listen(&mut events, count, timeout_s.map(Duration::from_secs)).await;
        }
        Command::History { with, count } => {
            let conversation = match (with.with, with.group) {
                (_, Some(group)) => ConversationId::group(group),
                (Some(user), None) => ConversationId::private(user),
                (None, None) => return Err("--with or --group is required".into()),
            };
            let page = client
                .history(&conversation, None, count)
                .await
                .map_err(|e| e.to_string())?;
            for message in &page {
                print_json(message);
            }
            return Ok(());
        }
        Command::Conversations => {
            for conversation in client.conversations().map_err(|e| e.to_string())? {
                print_json(&conversation);
            }
            return Ok(());
        }
    };
    let Some((target, outgoing)) = outgoing else {
        return Ok(());
    };
    let queued = client
        .send(&target.conversation(), outgoing)
        .await
        .map_err(|e| e.to_string())?;
    let done = tokio::time::timeout(wait, async {
        loop {
            match events.recv().await {
                Ok(Event::MessageUpdated { message }) if message.local_id == queued.local_id => {
                    match message.status {
                        SendStatus::Sent => return Ok(message),
                        SendStatus::Failed => {
                            return Err(message
                                .failure
                                .map_or_else(|| "send failed".into(), |f| f.to_string()));
                        }
                        _ => {}
                    }
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
    })
    .await
    .map_err(|_| "timed out waiting for the server's ack (the message stays queued)".to_owned())?;
    let sent: Message = done?;
    print_json(&sent);
    Ok(())
}

async fn listen(
    events: &mut tokio::sync::broadcast::Receiver<Event>,
    count: Option<usize>,
    timeout: Option<Duration>,
) -> Result<(), String> {
    let mut seen = 0usize;
    let receive = async {
        while count.is_none_or(|n| seen < n) {
            match events.recv().await {
                Ok(Event::MessageReceived { message }) => {
                    print_json(&message);
                    seen += 1;
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
        Ok(())
    };
    match timeout {
        Some(limit) => match tokio::time::timeout(limit, receive).await {
            Ok(result) => result,
            Err(_) => match count {
                Some(n) => Err(format!("timed out after {seen} of {n} messages")),
                None => Ok(()),
            },
        },
        None => receive.await,
    }
}

fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string(value) {
        Ok(line) => println!("{line}"),
        Err(e) => eprintln!("rongchat-cli: cannot print: {e}"),
    }
}

/// AMR-NB 12.2 kbit/s: 32-byte frames of 20 ms after the 6-byte header.
fn estimate_amr_seconds(len: usize) -> u64 {
    let frames = len.saturating_sub(6).div_ceil(32) as u64;
    (frames * 20).div_ceil(1000).max(1)
}
