//! The one task that owns the socket and the timer: it feeds the [`Engine`] bytes,
//! commands and the clock, and carries out the actions it returns (send, open, close,
//! emit, run an upload). No protocol rule lives here.

use crate::command::{Command, QueryReply};
use crate::engine::{Action, Engine, Ticket};
use crate::events::{Event, ProblemKind};
use crate::navi::{self, NaviInfo, OpenError, Socket};
use crate::session::OpenFailure;
use crate::shared::Shared;
use crate::store::Store;
use crate::transfer::{self, CancelToken, UploadJob};
use futures_util::{FutureExt, SinkExt, StreamExt};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message as WsMessage;

type Opening = JoinHandle<Result<(Socket, NaviInfo), OpenError>>;
type SocketMessage = Result<WsMessage, tokio_tungstenite::tungstenite::Error>;

/// Most inputs handled as one batch (one store transaction).
const BATCH_INPUTS: usize = 256;

/// One thing that happened to the driver.
enum Input {
    /// From the application (`None`: every handle is gone).
    Command(Option<Command>),
    /// From the socket (`None`: it ended).
    Socket(Option<SocketMessage>),
    /// A transport open finished.
    Opened(Box<Result<(Socket, NaviInfo), OpenError>>),
    /// The engine's deadline passed.
    Timeout,
}

pub(crate) struct Driver {
    shared: Arc<Shared>,
    engine: Engine,
    commands: mpsc::UnboundedReceiver<Command>,
    /// For the transfer tasks to report back.
    reports: mpsc::UnboundedSender<Command>,
    socket: Option<Socket>,
    opening: Option<Opening>,
    navi: Option<NaviInfo>,
    tickets: HashMap<Ticket, QueryReply>,
    next_ticket: Ticket,
    uploads: HashMap<i64, CancelToken>,
}

impl Driver {
    pub(crate) fn new(
        shared: Arc<Shared>,
        engine: Engine,
        commands: mpsc::UnboundedReceiver<Command>,
        reports: mpsc::UnboundedSender<Command>,
    ) -> Self {
        Self {
            shared,
            engine,
            commands,
            reports,
            socket: None,
            opening: None,
            navi: None,
            tickets: HashMap::new(),
            next_ticket: 0,
            uploads: HashMap::new(),
        }
    }

    pub(crate) async fn run(mut self) {
        let mut running = true;
        while running {
            self.perform().await;
            let deadline = self
                .engine
                .poll_timeout()
                .map(tokio::time::Instant::from_std);
            let first = tokio::select! {
                command = self.commands.recv() => Input::Command(command),
                message = next_message(&mut self.socket) => Input::Socket(message),
                opened = join_opening(&mut self.opening) => Input::Opened(Box::new(opened)),
                () = sleep_until(deadline) => Input::Timeout,
            };
            running = self.handle_batch(first);
        }
        if let Some(opening) = self.opening.take() {
            opening.abort();
        }
        for cancel in self.uploads.values() {
            cancel.cancel();
        }
        if let Some(mut socket) = self.socket.take() {
            let _ = socket.close(None).await;
        }
    }

    /// Handles `first` and whatever else is ready now (frames, commands; at most
    /// [`BATCH_INPUTS`]) as one batch: one store transaction, one outbox refill, one
    /// conversation row per conversation. What the engine asked for is carried out after
    /// the commit, so nothing is announced or sent before it is stored. `false` once the
    /// driver must stop.
    fn handle_batch(&mut self, first: Input) -> bool {
        let shared = self.shared.clone();
        let mut store = shared.store();
        if let Err(error) = store.begin_batch() {
            // Each write then commits on its own, as without a batch.
            tracing::warn!(%error, "store batch not started");
        }
        self.engine.begin_batch();
        let mut running = self.handle(first, &mut store);
        let mut handled = 1;
        while running && handled < BATCH_INPUTS {
            let Some(input) = self.ready_input() else {
                break;
            };
            running = self.handle(input, &mut store);
            handled += 1;
        }
        self.engine.end_batch(Instant::now(), &mut store);
        if let Err(error) = store.end_batch() {
            // The outbox rows the batch would have removed are still queued: they go
            // again with their clientUniqueId and the server drops the doubles.
            tracing::error!(%error, "store batch not committed");
            self.shared.emit(Event::Problem {
                kind: ProblemKind::Store,
                message: format!("local store failed while committing a batch: {error}"),
            });
        }
        running
    }

    /// An input that is ready without waiting: a command first, then a socket frame.
    fn ready_input(&mut self) -> Option<Input> {
        if let Ok(command) = self.commands.try_recv() {
            return Some(Input::Command(Some(command)));
        }
        let message = self.socket.as_mut()?.next().now_or_never()?;
        Some(Input::Socket(message))
    }

    /// One input; `false` when the driver must stop.
    fn handle(&mut self, input: Input, store: &mut Store) -> bool {
        match input {
            Input::Command(None | Some(Command::Shutdown)) => return false,
            Input::Command(Some(command)) => self.on_command(command, store),
            Input::Socket(message) => self.on_socket(message, store),
            Input::Opened(opened) => self.on_opened(*opened, store),
            Input::Timeout => self.engine.handle_timeout(Instant::now(), store),
        }
        true
    }

    /// Gives the engine one input with the clock and the store.
    fn feed(&mut self, input: impl FnOnce(&mut Engine, Instant, &mut Store)) {
        let mut store = self.shared.store();
        input(&mut self.engine, Instant::now(), &mut store);
    }

    /// Carries out everything the engine asked for, in order. Frames are written as they
    /// come and flushed together (one syscall for a window of PUBLISHes, not one each).
    async fn perform(&mut self) {
        let mut unflushed = false;
        while let Some(action) = self.engine.poll_action() {
            if unflushed && matches!(action, Action::Open | Action::Close) {
                self.flush().await;
                unflushed = false;
            }
            match action {
                Action::Transmit(bytes) => unflushed |= self.transmit(bytes).await,
                Action::Open => self.start_opening(),
                Action::Close => self.close().await,
                Action::Status(status) => self.shared.set_status(status),
                Action::UserId(user_id) => self.shared.set_user_id(&user_id),
                Action::Emit(event) => self.shared.emit(event),
                Action::Upload(job) => self.start_upload(job),
                Action::StopUpload(local_id) => {
                    if let Some(cancel) = self.uploads.get(&local_id) {
                        cancel.cancel();
                    }
                }
                Action::Answer { ticket, result } => {
                    if let Some(reply) = self.tickets.remove(&ticket) {
                        // The asker may have given up; nothing to do then.
                        let _ = reply.send(result);
                    }
                }
            }
        }
        if unflushed {
            self.flush().await;
        }
    }

    /// Writes one frame without flushing; `true` if it is waiting for [`Driver::flush`].
    async fn transmit(&mut self, bytes: Vec<u8>) -> bool {
        let Some(socket) = self.socket.as_mut() else {
            return false;
        };
        match socket.feed(WsMessage::Binary(bytes.into())).await {
            Ok(()) => true,
            Err(error) => {
                self.socket_failed(&error);
                false
            }
        }
    }

    async fn flush(&mut self) {
        let Some(socket) = self.socket.as_mut() else {
            return;
        };
        if let Err(error) = socket.flush().await {
            self.socket_failed(&error);
        }
    }

    fn socket_failed(&mut self, error: &tokio_tungstenite::tungstenite::Error) {
        tracing::info!(%error, "socket send failed");
        self.socket = None;
        self.feed(|e, now, s| e.transport_closed(now, s));
    }

    async fn close(&mut self) {
        if let Some(opening) = self.opening.take() {
            opening.abort();
        }
        if let Some(mut socket) = self.socket.take() {
            // Do not wait on a dead peer; the socket is dropped either way.
            let closing = tokio::time::timeout(Duration::from_millis(200), socket.close(None));
            if let Ok(Err(error)) = closing.await {
                tracing::debug!(%error, "socket close");
            }
        }
    }

    fn start_opening(&mut self) {
        if let Some(opening) = self.opening.take() {
            opening.abort();
        }
        self.socket = None;
        let http = self.shared.http.clone();
        let shared = self.shared.clone();
        let cached = self.navi.clone();
        self.opening = Some(tokio::spawn(async move {
            navi::open(&http, &shared.endpoint, cached).await
        }));
    }

    fn on_opened(&mut self, opened: Result<(Socket, NaviInfo), OpenError>, store: &mut Store) {
        let now = Instant::now();
        match opened {
            Ok((socket, navi)) => {
                let (layout, upload_server) = (navi.layout, navi.upload_server.clone());
                self.navi = Some(navi);
                self.socket = Some(socket);
                self.engine
                    .transport_opened(now, layout, upload_server, store);
            }
            Err(error) => {
                tracing::info!(detail = %error.detail, "connect failed");
                // Ask navigation again next time: the server may have moved.
                self.navi = None;
                self.engine.transport_failed(now, error.failure, store);
            }
        }
    }

    fn on_socket(&mut self, message: Option<SocketMessage>, store: &mut Store) {
        let now = Instant::now();
        match message {
            Some(Ok(WsMessage::Binary(bytes))) => self.engine.handle_bytes(now, &bytes, store),
            Some(Err(tokio_tungstenite::tungstenite::Error::Capacity(_))) => {
                self.socket = None;
                self.engine.reply_too_large(now, store);
            }
            Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => {
                self.socket = None;
                self.engine.transport_closed(now, store);
            }
            // Text, ping and pong frames carry nothing of the protocol.
            Some(Ok(_)) => {}
        }
    }

    fn on_command(&mut self, command: Command, store: &mut Store) {
        let now = Instant::now();
        let e = &mut self.engine;
        match command {
            Command::Connect => e.connect(now, store),
            Command::Disconnect => e.disconnect(now, store),
            Command::NetworkHint => e.network_hint(now, store),
            Command::OutboxChanged => e.outbox_changed(now, store),
            Command::ReadsChanged => e.reads_changed(now, store),
            Command::StatusesChanged => e.statuses_changed(now, store),
            Command::Typing(conversation) => e.notify_typing(now, &conversation, store),
            Command::CancelUpload(local_id) => e.cancel_upload(now, local_id, store),
            Command::Ask { request, reply } => {
                let ticket = self.ticket(reply);
                self.engine.ask(now, ticket, request, store);
            }
            Command::UploadFinished { local_id, result } => {
                self.uploads.remove(&local_id);
                self.engine.upload_finished(now, local_id, result, store);
            }
            Command::Shutdown => {}
        }
    }

    /// A ticket for an answer the engine will give.
    fn ticket(&mut self, reply: QueryReply) -> Ticket {
        self.next_ticket += 1;
        self.tickets.insert(self.next_ticket, reply);
        self.next_ticket
    }

    /// Runs an upload as a plain HTTP task that reports back with a command.
    fn start_upload(&mut self, job: UploadJob) {
        let cancel = CancelToken::new();
        self.uploads.insert(job.local_id, cancel.clone());
        let shared = self.shared.clone();
        let reports = self.reports.clone();
        tokio::spawn(async move {
            let local_id = job.local_id;
            let progress_shared = shared.clone();
            let progress = move |done, total| {
                progress_shared.emit(Event::Progress {
                    local_id,
                    done,
                    total,
                })
            };
            let result = transfer::upload(&shared.http, &job, progress, cancel)
                .await
                .map_err(transfer::failure_of);
            if let Err(failure) = &result {
                tracing::info!(local_id, %failure, "upload failed");
            }
            // The driver is gone only at shutdown, when the result no longer matters.
            let _ = reports.send(Command::UploadFinished { local_id, result });
        });
    }
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

async fn next_message(socket: &mut Option<Socket>) -> Option<SocketMessage> {
    match socket {
        Some(socket) => socket.next().await,
        None => std::future::pending().await,
    }
}

async fn join_opening(opening: &mut Option<Opening>) -> Result<(Socket, NaviInfo), OpenError> {
    let Some(handle) = opening.as_mut() else {
        return std::future::pending().await;
    };
    let result = handle.await;
    *opening = None;
    result.unwrap_or_else(|_| {
        Err(OpenError {
            failure: OpenFailure::Network,
            detail: "connect task ended".into(),
        })
    })
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
