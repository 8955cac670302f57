//! The client's protocol engine, sans-I/O, in the style of quinn-proto: everything the
//! client decides lives here, everything it does to the outside world is an [`Action`]
//! for the driver.
//!
//! Inputs are calls with `now` (and the local store, which the engine reads and writes
//! synchronously: it is the engine's own memory, not a peer): frames from the server,
//! transport results, the application's requests, the end of an HTTP transfer, and
//! [`Engine::handle_timeout`]. Outputs, in order, from [`Engine::poll_action`]: frames to
//! send, open/close the transport, status changes, events, HTTP uploads to run or stop,
//! answers to the application's queries. [`Engine::poll_timeout`] says when time matters
//! next.
//!
//! Inside, each protocol rule has a pure state machine of its own beside the
//! [`Session`] (connection, heartbeat, acks): [`pull`] (the inbox loop), [`window`] (the
//! outbox window and resends), [`uploads`] (token, transfer, URL), [`reads`] (read states
//! to the server and the other devices), and [`requests`] builds the payloads. New
//! protocol features get a machine of their own here, and a route in [`Engine`].

pub mod pull;
pub mod reads;
pub mod receipts;
pub mod requests;
pub mod status;
pub mod typing;
pub mod uploads;
pub mod window;

#[cfg(test)]
mod tests;

use crate::compose;
use crate::error::Error;
use crate::events::{Event, ProblemKind};
use crate::ids::client_unique_id;
use crate::model::{ConversationId, FileType, SendFailure};
use crate::session::{
    ConnectionStatus, OpenFailure, Output, Reply, RequestError, RequestId, RequestKind, Session,
    SessionConfig, SessionEvent,
};
use crate::store::messages::{Applied, Stored};
use crate::store::{OutboxEntry, OutboxStage, Store};
use crate::sync;
use crate::transfer::UploadJob;
use prost::Message as _;
use pull::{PullLoop, PullNext, PullResult};
use reads::{ReadStep, ReadSyncs};
use rongchat_proto::frame::Publish;
use rongchat_proto::{Frame, Layout, Side, Topic, pb};
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::time::Instant;
use typing::{Typing, TypingChange};
use uploads::{Answer, Ask, Cancel, Uploads};
use window::{AckOutcome, OutboxWindow};

/// Identifies an application query, for its answer.
pub type Ticket = u64;

/// `DownStreamMessage.extStatus` bit of a status message (the SDK's `isStatusMessage`).
const EXT_STATUS_MESSAGE: i64 = 64;

/// A request of the application's own (a history page, a recall...), answered with the
/// QUERYACK's payload or the PUBACK's messageUId.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRequest {
    pub kind: RequestKind,
    pub topic: Topic,
    /// `None`: this user, as the SDK names itself.
    pub target: Option<String>,
    pub payload: Vec<u8>,
}

impl AppRequest {
    /// A QUERY addressed to this user.
    pub fn query(topic: Topic, payload: Vec<u8>) -> Self {
        Self {
            kind: RequestKind::Query,
            topic,
            target: None,
            payload,
        }
    }

    /// A PUBLISH addressed to this user.
    pub fn publish(topic: Topic, payload: Vec<u8>) -> Self {
        Self {
            kind: RequestKind::Publish,
            ..Self::query(topic, payload)
        }
    }
}

/// What the driver must do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Send these frame bytes on the socket.
    Transmit(Vec<u8>),
    /// Open a transport (navigation, then the WebSocket), then report back.
    Open,
    /// Close the socket, if one is open.
    Close,
    /// The connection status changed.
    Status(ConnectionStatus),
    /// The server told us who we are (first CONNACK, or a changed id).
    UserId(String),
    /// Tell the application.
    Emit(Event),
    /// Run this upload.
    Upload(UploadJob),
    /// Stop the running upload of this message.
    StopUpload(i64),
    /// The answer to an application query.
    Answer {
        /// Which query.
        ticket: Ticket,
        /// The reply payload (a PUBACK gives the messageUId's bytes).
        result: Result<Vec<u8>, RequestError>,
    },
}

/// Who waits for a request's answer.
#[derive(Debug)]
enum Waiter {
    Application(Ticket),
    Pull,
    Publish(i64),
    Upload(i64, Ask),
    ReadTime(ConversationId, i64),
    ReadSync(ConversationId, i64),
    /// A read receipt's PUBACK (`receipts`).
    Receipt(crate::store::receipts::PendingReceipt),
    /// A status message's PUBACK: nothing to do.
    Status,
    /// A `pullSeAtts` answer (`status`).
    StatusPull,
    /// A `setSeAtt` answer: the changes it carried, with their `seq`.
    StatusSet(Vec<(ConversationId, i64)>),
}

/// An upload's request fields, kept between the token and the URL question.
#[derive(Debug, Clone)]
struct UploadFile {
    kind: FileType,
    key: String,
    path: PathBuf,
    file_name: String,
}

/// The engine. See the module docs.
#[derive(Debug)]
pub struct Engine {
    session: Session,
    me: String,
    layout: Layout,
    upload_server: Option<String>,
    waiters: HashMap<RequestId, Waiter>,
    pull: PullLoop,
    window: OutboxWindow,
    uploads: Uploads,
    upload_files: HashMap<i64, UploadFile>,
    reads: ReadSyncs,
    typing: Typing,
    receipts: receipts::ReceiptSends,
    statuses: status::StatusPull,
    actions: VecDeque<Action>,
    /// Undecodable frames seen, for the log.
    undecodable: u64,
    /// Inside [`Engine::begin_batch`]: outbox pumps and conversation rows wait for
    /// [`Engine::end_batch`], so a burst of acks reads the outbox and each row once.
    batch: Option<Batch>,
}

/// What a batch of inputs left to do at its end.
#[derive(Debug, Default)]
struct Batch {
    /// Conversations whose row changed, in order, each once.
    conversations: Vec<ConversationId>,
    /// Refill the outbox window; `true`: at once, not only when half of it is back.
    pump: Option<bool>,
    /// Queued messages may need an upload.
    uploads: bool,
}

impl Engine {
    /// An engine for `me` (known from an earlier connect, or empty until the CONNACK).
    pub fn new(config: SessionConfig, me: Option<String>) -> Self {
        Self::with_window(config, me, OutboxWindow::default())
    }

    /// The same with an outbox window of another size.
    pub fn with_window(config: SessionConfig, me: Option<String>, window: OutboxWindow) -> Self {
        Self {
            session: Session::new(config),
            me: me.unwrap_or_default(),
            layout: Layout::V3,
            upload_server: None,
            waiters: HashMap::new(),
            pull: PullLoop::default(),
            window,
            uploads: Uploads::default(),
            upload_files: HashMap::new(),
            reads: ReadSyncs::default(),
            typing: Typing::default(),
            receipts: receipts::ReceiptSends::default(),
            statuses: status::StatusPull::default(),
            actions: VecDeque::new(),
            undecodable: 0,
            batch: None,
        }
    }

    /// The connection status.
    pub fn status(&self) -> ConnectionStatus {
        self.session.status()
    }

    /// The next thing to do, in order.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// When [`Engine::handle_timeout`] should run next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [
            self.session.poll_timeout(),
            self.pull.poll_timeout(),
            self.typing.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Starts a batch of inputs (the driver's burst of frames and commands, in one store
    /// transaction): until [`Engine::end_batch`], the outbox is refilled and changed
    /// conversation rows are read and announced once, at the end, not per message.
    pub fn begin_batch(&mut self) {
        self.batch.get_or_insert_with(Batch::default);
    }

    /// Ends the batch: uploads to start, one outbox refill, one row per changed
    /// conversation.
    pub fn end_batch(&mut self, now: Instant, store: &mut Store) {
        let Some(batch) = self.batch.take() else {
            return;
        };
        if batch.uploads {
            self.start_uploads(now, store);
        }
        if let Some(force) = batch.pump {
            self.pump_outbox(now, force, store);
        }
        self.drain(now, store);
        for id in batch.conversations {
            self.emit_conversation(&id, store);
        }
    }

    /// Connect (and keep reconnecting until a final status or `disconnect`).
    pub fn connect(&mut self, now: Instant, store: &mut Store) {
        self.with_session(now, store, |s| s.connect(now));
    }

    /// Disconnect and stay down.
    pub fn disconnect(&mut self, now: Instant, store: &mut Store) {
        self.with_session(now, store, |s| s.disconnect(now));
    }

    /// Back in the foreground or a network change: reconnect at once, check a live link.
    pub fn network_hint(&mut self, now: Instant, store: &mut Store) {
        self.with_session(now, store, |s| s.network_hint(now));
    }

    /// The transport is open; navigation said how the server speaks and where uploads go.
    pub fn transport_opened(
        &mut self,
        now: Instant,
        layout: Layout,
        upload_server: Option<String>,
        store: &mut Store,
    ) {
        self.layout = layout;
        self.upload_server = upload_server;
        self.with_session(now, store, |s| s.transport_opened(now));
    }

    /// The transport could not be opened.
    pub fn transport_failed(&mut self, now: Instant, failure: OpenFailure, store: &mut Store) {
        self.with_session(now, store, |s| s.transport_failed(now, failure));
    }

    /// The transport closed under us.
    pub fn transport_closed(&mut self, now: Instant, store: &mut Store) {
        self.with_session(now, store, |s| s.transport_closed(now));
    }

    /// The server sent a message over the frame limit, which broke the link. A pull
    /// waiting for its reply was the likely cause: the pull loop backs off before asking
    /// again, so an oversized page costs one reconnect per back-off period, not a loop.
    pub fn reply_too_large(&mut self, now: Instant, store: &mut Store) {
        tracing::warn!("a server frame was over the limit; link closed");
        self.pull.reply_too_large(now);
        self.problem(
            ProblemKind::ReplyTooLarge,
            format!(
                "the server sent a reply over {} bytes; retrying later",
                rongchat_proto::frame::MAX_FRAME_BYTES
            ),
        );
        self.transport_closed(now, store);
    }

    /// One WebSocket binary message from the server. Bytes we cannot decode are logged
    /// and dropped; the link stays up (the SDK does the same).
    pub fn handle_bytes(&mut self, now: Instant, bytes: &[u8], store: &mut Store) {
        match Frame::decode(bytes, Side::Server, self.layout) {
            Ok(frame) => self.handle_frame(now, frame, store),
            Err(error) => {
                self.undecodable += 1;
                // A flood of garbage must not flood the log: the 1st, 2nd, 4th, 8th ...
                if self.undecodable.is_power_of_two() {
                    let count = self.undecodable;
                    tracing::warn!(len = bytes.len(), count, %error, "undecodable frame dropped");
                }
            }
        }
    }

    /// One decoded frame from the server.
    pub fn handle_frame(&mut self, now: Instant, frame: Frame, store: &mut Store) {
        self.with_session(now, store, |s| s.handle_frame(now, frame));
    }

    /// Time passed.
    pub fn handle_timeout(&mut self, now: Instant, store: &mut Store) {
        self.with_session(now, store, |s| s.handle_timeout(now));
        if self.session.status() == ConnectionStatus::Connected && self.pull.handle_timeout(now) {
            self.send_pull(now, store);
            self.drain(now, store);
        }
        let expired = self.typing.handle_timeout(now);
        self.emit_typing(expired);
    }

    /// This user types in `conversation`: tell it, at most once per
    /// [`typing::SEND_INTERVAL`] (a status message, never stored).
    pub fn notify_typing(
        &mut self,
        now: Instant,
        conversation: &ConversationId,
        store: &mut Store,
    ) {
        if self.session.status() != ConnectionStatus::Connected
            || !self.typing.should_send(now, conversation)
        {
            return;
        }
        let (topic, payload) = requests::typing(conversation, client_unique_id());
        let sent = self.session.ask(
            RequestKind::Publish,
            now,
            topic.as_str(),
            &conversation.target_id,
            payload,
        );
        if let Ok(id) = sent {
            self.waiters.insert(id, Waiter::Status);
        }
        self.drain(now, store);
    }

    fn emit_typing(&mut self, changes: Vec<TypingChange>) {
        for c in changes {
            self.actions.push_back(Action::Emit(Event::Typing {
                conversation: c.conversation,
                user_id: c.user_id,
                typing: c.typing,
            }));
        }
    }

    /// A pushed message: a status message is handled here (typing), anything else is
    /// fetched by the pull loop, so delivery and cursors have one path.
    fn on_push(&mut self, now: Instant, payload: &[u8], store: &mut Store) {
        let status = pb::decode_checked::<pb::DownStreamMessage>(payload)
            .ok()
            .filter(|m| m.ext_status.unwrap_or(0) & EXT_STATUS_MESSAGE != 0);
        let Some(m) = status else {
            return self.request_pull(now, store);
        };
        let incoming = sync::from_downstream(&m, &self.me, None);
        if incoming.object_name != rongchat_proto::content::object_name::TYPING
            || incoming.direction == crate::model::Direction::Send
        {
            return tracing::debug!(object_name = %incoming.object_name, "status message ignored");
        }
        let change = self
            .typing
            .received(now, incoming.conversation, incoming.sender_id);
        self.emit_typing(change.into_iter().collect());
    }

    /// One session input, then whatever it set off.
    fn with_session(&mut self, now: Instant, store: &mut Store, input: impl FnOnce(&mut Session)) {
        input(&mut self.session);
        self.drain(now, store);
    }

    /// A request of the application's own; its answer comes as an [`Action::Answer`].
    pub fn ask(&mut self, now: Instant, ticket: Ticket, request: AppRequest, store: &mut Store) {
        let target = request.target.unwrap_or_else(|| self.me.clone());
        let sent = self.session.ask(
            request.kind,
            now,
            request.topic.as_str(),
            &target,
            request.payload,
        );
        self.application_sent(now, ticket, sent, store);
    }

    /// An application request went out (its answer follows) or could not (answered now).
    fn application_sent(
        &mut self,
        now: Instant,
        ticket: Ticket,
        sent: Result<RequestId, RequestError>,
        store: &mut Store,
    ) {
        match sent {
            Ok(id) => {
                self.waiters.insert(id, Waiter::Application(ticket));
            }
            Err(error) => self.actions.push_back(Action::Answer {
                ticket,
                result: Err(error),
            }),
        }
        self.drain(now, store);
    }

    /// The outbox has new entries (a send, a retry): upload or publish them.
    pub fn outbox_changed(&mut self, now: Instant, store: &mut Store) {
        if let Some(batch) = &mut self.batch {
            batch.uploads = true;
            batch.pump = Some(true);
            return;
        }
        self.start_uploads(now, store);
        self.pump_outbox(now, true, store);
        self.drain(now, store);
    }

    /// A read state was queued.
    pub fn reads_changed(&mut self, now: Instant, store: &mut Store) {
        self.sync_reads(now, store);
        self.send_receipts(now, store);
        self.drain(now, store);
    }

    /// The user cancels a queued message's upload: a running transfer is stopped, one
    /// not yet running fails at once ("cancelled"); the message can be retried.
    pub fn cancel_upload(&mut self, now: Instant, local_id: i64, store: &mut Store) {
        match self.uploads.cancel(local_id) {
            Some(Cancel::StopTransfer) => self.actions.push_back(Action::StopUpload(local_id)),
            Some(Cancel::FailNow) => self.fail(local_id, SendFailure::Cancelled, store),
            None => {
                let queued = store.outbox_entry(local_id);
                if let Ok(Some(entry)) = queued
                    && entry.stage == OutboxStage::Upload
                {
                    self.fail(local_id, SendFailure::Cancelled, store);
                }
            }
        }
        self.drain(now, store);
    }

    /// An HTTP upload ended.
    pub fn upload_finished(
        &mut self,
        now: Instant,
        local_id: i64,
        result: Result<(), SendFailure>,
        store: &mut Store,
    ) {
        match self.uploads.transferred(local_id, result) {
            Answer::Fail(failure) => self.fail(local_id, failure, store),
            Answer::Later => self.ask_uploads(now),
            Answer::Proceed(_) | Answer::Stale => {}
        }
        self.drain(now, store);
    }

    /// Carries out what the session asked for, routing its events.
    fn drain(&mut self, now: Instant, store: &mut Store) {
        while let Some(output) = self.session.poll_output() {
            match output {
                Output::Transmit(frame) => match frame.encode() {
                    Ok(bytes) => self.actions.push_back(Action::Transmit(bytes)),
                    // Only over-long ids can fail; the request then times out.
                    Err(error) => tracing::error!(%error, "frame not encodable, not sent"),
                },
                Output::Open => self.actions.push_back(Action::Open),
                Output::Close => self.actions.push_back(Action::Close),
                Output::Event(event) => self.on_session_event(now, event, store),
            }
        }
    }

    fn on_session_event(&mut self, now: Instant, event: SessionEvent, store: &mut Store) {
        match event {
            SessionEvent::Status(status) => {
                if status != ConnectionStatus::Connected {
                    self.pull.link_lost();
                    let unanswered = self.window.link_lost();
                    self.note_unanswered(&unanswered, store);
                    self.reads.link_lost();
                    self.receipts.link_lost();
                    self.statuses.link_lost();
                    let dropped = self.typing.link_lost();
                    self.emit_typing(dropped);
                }
                tracing::info!(?status, "connection status");
                self.actions.push_back(Action::Status(status));
            }
            SessionEvent::Connected { user_id, .. } => {
                if !user_id.is_empty() && user_id != self.me {
                    self.me = user_id.clone();
                    self.actions.push_back(Action::UserId(user_id));
                }
                self.pull.connected();
                self.request_pull(now, store);
                self.start_uploads(now, store);
                self.pump_outbox(now, true, store);
                self.sync_reads(now, store);
                self.send_receipts(now, store);
                self.pull_statuses(now, store);
                self.send_statuses(now, store);
            }
            SessionEvent::Reply { request, result } => match self.waiters.remove(&request) {
                Some(waiter) => self.on_reply(now, waiter, result, store),
                None => tracing::debug!(?request, "answer nobody waits for"),
            },
            SessionEvent::Push(publish) => match Topic::parse(&publish.topic) {
                // A direct push of a stored message still only triggers a pull (navi
                // openHistoryMsg absent, §8), so delivery and cursors have one path.
                Topic::Notify => self.request_pull(now, store),
                Topic::PushMessage => self.on_push(now, &publish.payload, store),
                Topic::Command if status::is_status_command(&publish.payload) => {
                    self.pull_statuses(now, store)
                }
                other => tracing::debug!(topic = %other, "push ignored"),
            },
            SessionEvent::Echo { publish, ack } => self.on_echo(now, &publish, &ack, store),
        }
    }

    fn on_reply(
        &mut self,
        now: Instant,
        waiter: Waiter,
        result: Result<Reply, RequestError>,
        store: &mut Store,
    ) {
        match waiter {
            Waiter::Application(ticket) => self.actions.push_back(Action::Answer {
                ticket,
                result: result.map(|reply| match reply {
                    Reply::Query { payload, .. } => payload,
                    Reply::Publish(ack) => ack.message_uid.into_bytes(),
                }),
            }),
            Waiter::Pull => self.on_pull(now, result, store),
            Waiter::Status => {}
            Waiter::StatusPull => self.on_statuses(now, result, store),
            Waiter::StatusSet(sent) => self.on_status_set(now, sent, result, store),
            Waiter::Receipt(receipt) => self.on_receipt_answer(now, receipt, result, store),
            Waiter::Publish(local_id) => self.on_publish_ack(now, local_id, result, store),
            Waiter::Upload(local_id, ask) => {
                self.on_upload_answer(now, local_id, ask, result, store)
            }
            Waiter::ReadTime(conversation, time) => {
                match self.reads.time_answered(&conversation, &result) {
                    ReadStep::PublishSync => self.publish_read_sync(now, conversation, time),
                    ReadStep::Done => self.read_done(now, &conversation, time, store),
                    ReadStep::Later => {}
                }
            }
            Waiter::ReadSync(conversation, time) => {
                if self.reads.sync_answered(&conversation, &result) == ReadStep::Done {
                    self.read_done(now, &conversation, time, store);
                }
            }
        }
    }

    // --- the pull loop ---

    fn request_pull(&mut self, now: Instant, store: &mut Store) {
        if self.pull.request(now) {
            self.send_pull(now, store);
        }
    }

    fn send_pull(&mut self, now: Instant, store: &mut Store) {
        let cursors = match store.cursors() {
            Ok(cursors) => cursors,
            Err(error) => return self.store_failed("reading the pull cursors", &error),
        };
        let payload = sync::pull_request(cursors).encode_to_vec();
        match self.session.ask(
            RequestKind::Query,
            now,
            Topic::PullMessages.as_str(),
            &self.me,
            payload,
        ) {
            Ok(id) => {
                self.waiters.insert(id, Waiter::Pull);
                self.pull.started(id);
            }
            Err(error) => tracing::debug!(%error, "pull not sent"),
        }
    }

    fn on_pull(&mut self, now: Instant, result: Result<Reply, RequestError>, store: &mut Store) {
        let outcome = match result {
            Ok(Reply::Query { payload, .. }) => self.store_pull(now, &payload, store),
            Ok(Reply::Publish(_)) => PullResult::Failed,
            Err(RequestError::Timeout) => PullResult::Timeout,
            Err(RequestError::Refused(status)) => {
                tracing::warn!(%status, "pull refused");
                PullResult::Failed
            }
            Err(_) => PullResult::Lost,
        };
        match self.pull.finished(outcome, now) {
            PullNext::Pull => self.send_pull(now, store),
            PullNext::CaughtUp => self.actions.push_back(Action::Emit(Event::SyncFinished)),
            PullNext::Idle => {}
        }
    }

    /// Stores one pulled page with its cursors (one transaction) and announces it.
    fn store_pull(&mut self, now: Instant, payload: &[u8], store: &mut Store) -> PullResult {
        let reply = match sync::decode_pull(payload) {
            Ok(reply) => reply,
            Err(error) => {
                tracing::warn!(%error, "undecodable pull reply");
                self.problem(ProblemKind::BadReply, format!("bad pull reply: {error}"));
                return PullResult::Failed;
            }
        };
        let stored = store.cursors().and_then(|cursors| {
            let pulled = sync::apply_pull(cursors, &reply, &self.me);
            let applied = store.apply_incoming(&pulled.messages, Some(pulled.cursors))?;
            Ok((pulled, applied))
        });
        let (pulled, applied) = match stored {
            Ok(done) => done,
            Err(error) => {
                self.store_failed("storing a pulled page", &error);
                return PullResult::Failed;
            }
        };
        tracing::debug!(messages = pulled.messages.len(), "pulled");
        self.announce(applied, store);
        for (conversation, time) in pulled.messages.iter().filter_map(sync::read_sync) {
            self.apply_read(&conversation, time, store);
        }
        self.on_receipts(now, &pulled.messages, store);
        // A server that says "not finished" but sends nothing would make us spin.
        PullResult::Page {
            finished: pulled.finished || pulled.messages.is_empty(),
        }
    }

    fn on_echo(
        &mut self,
        now: Instant,
        publish: &Publish,
        ack: &rongchat_proto::frame::PubAckResult,
        store: &mut Store,
    ) {
        let Some(incoming) = sync::from_echo(publish, ack, &self.me) else {
            tracing::warn!(topic = %publish.topic, "undecodable echo dropped");
            return;
        };
        let read = sync::read_sync(&incoming);
        self.on_receipts(now, std::slice::from_ref(&incoming), store);
        match store.apply_incoming(&[incoming], None) {
            Ok(applied) => self.announce(applied, store),
            Err(error) => return self.store_failed("storing an echo", &error),
        }
        if let Some((conversation, time)) = read {
            self.apply_read(&conversation, time, store);
        }
    }

    fn apply_read(&mut self, conversation: &ConversationId, time: i64, store: &mut Store) {
        match store.mark_read(conversation, time) {
            Ok(row) => self
                .actions
                .push_back(Action::Emit(Event::ConversationUpdated {
                    conversation: row,
                    id: conversation.clone(),
                })),
            Err(error) => self.store_failed("marking read", &error),
        }
    }

    /// Events for what a store batch did.
    fn announce(&mut self, applied: Applied, store: &mut Store) {
        for stored in applied.stored {
            match stored {
                Stored::New(message) => {
                    // A sent message ends its sender's typing, as the mobile kits show it.
                    let stopped = self
                        .typing
                        .message_from(&message.conversation, &message.sender_id);
                    self.emit_typing(stopped.into_iter().collect());
                    self.actions
                        .push_back(Action::Emit(Event::MessageReceived { message }));
                }
                Stored::Confirmed(message) | Stored::Recalled(message) => self
                    .actions
                    .push_back(Action::Emit(Event::MessageUpdated { message })),
                Stored::Duplicate | Stored::Transient => {}
            }
        }
        for id in applied.conversations {
            self.emit_conversation(&id, store);
        }
    }

    fn emit_conversation(&mut self, id: &ConversationId, store: &mut Store) {
        match store.conversation(id) {
            Ok(conversation) => self
                .actions
                .push_back(Action::Emit(Event::ConversationUpdated {
                    conversation,
                    id: id.clone(),
                })),
            Err(error) => self.store_failed("reading a conversation", &error),
        }
    }

    // --- the outbox ---

    /// Publishes ready outbox messages, oldest first, keeping at most a window in flight.
    /// Nothing is written for a publish itself (a row per publish was a commit of its own
    /// when sends come one at a time): only unanswered ones are counted.
    fn pump_outbox(&mut self, now: Instant, force: bool, store: &mut Store) {
        if self.session.status() != ConnectionStatus::Connected {
            return;
        }
        let room = self.window.room(force);
        if room == 0 {
            return;
        }
        let ids = match store.outbox_ids(OutboxStage::Publish, self.window.scan(room)) {
            Ok(ids) => ids,
            Err(error) => return self.store_failed("reading the outbox", &error),
        };
        for local_id in ids {
            if self.window.is_in_flight(local_id) {
                continue;
            }
            let entry = match store.outbox_entry(local_id) {
                Ok(Some(entry)) => entry,
                Ok(None) => continue,
                Err(error) => {
                    self.store_failed("reading the outbox", &error);
                    break;
                }
            };
            let up = compose::upstream(
                &entry.message.object_name,
                &entry.message.content,
                entry.client_unique_id,
            );
            let conversation = &entry.message.conversation;
            let topic = conversation.kind.publish_topic();
            match self.session.ask(
                RequestKind::Publish,
                now,
                topic.as_str(),
                &conversation.target_id,
                up.encode_to_vec(),
            ) {
                Ok(id) => {
                    self.waiters.insert(id, Waiter::Publish(local_id));
                    self.window.sent(local_id);
                }
                Err(_) => break,
            }
        }
    }

    /// Counts a publish that went unanswered (lost PUBACK, timeout, lost link) for each of
    /// `local_ids`; they go again with their clientUniqueId.
    fn note_unanswered(&mut self, local_ids: &[i64], store: &mut Store) {
        if !local_ids.is_empty()
            && let Err(error) = store.note_attempts(local_ids)
        {
            self.store_failed("counting unanswered publishes", &error);
        }
    }

    fn on_publish_ack(
        &mut self,
        now: Instant,
        local_id: i64,
        result: Result<Reply, RequestError>,
        store: &mut Store,
    ) {
        match self.window.acked(local_id, result) {
            AckOutcome::Sent(ack) => {
                let sent = store.mark_sent(local_id, &ack.message_uid, ack.sent_time());
                self.message_changed(sent, "recording a PUBACK", store);
            }
            AckOutcome::Refused(status) => {
                tracing::info!(local_id, %status, "send refused");
                self.fail(local_id, SendFailure::refused(status), store);
            }
            // Lost or timed out: it stays queued and goes again (same clientUniqueId).
            AckOutcome::Resend => self.note_unanswered(&[local_id], store),
        }
        match &mut self.batch {
            Some(batch) => {
                batch.pump.get_or_insert(false);
            }
            None => self.pump_outbox(now, false, store),
        }
    }

    /// Up to `limit` queued messages at `stage`, oldest first (none, reported, if the store
    /// fails).
    fn queued(&mut self, store: &mut Store, stage: OutboxStage, limit: usize) -> Vec<OutboxEntry> {
        store.outbox(stage, limit).unwrap_or_else(|error| {
            self.store_failed("reading the outbox", &error);
            Vec::new()
        })
    }

    /// Marks a queued message failed and tells the application.
    fn fail(&mut self, local_id: i64, failure: SendFailure, store: &mut Store) {
        self.uploads.drop_job(local_id);
        self.upload_files.remove(&local_id);
        let failed = store.mark_failed(local_id, &failure);
        self.message_changed(failed, "marking a send failed", store);
    }

    /// Tells the application about a sent message's new state and its conversation row.
    fn message_changed(
        &mut self,
        changed: crate::error::Result<Option<crate::model::Message>>,
        doing: &'static str,
        store: &mut Store,
    ) {
        match changed {
            Ok(Some(message)) => {
                let id = message.conversation.clone();
                self.actions
                    .push_back(Action::Emit(Event::MessageUpdated { message }));
                match &mut self.batch {
                    Some(batch) if !batch.conversations.contains(&id) => {
                        batch.conversations.push(id)
                    }
                    Some(_) => {}
                    None => self.emit_conversation(&id, store),
                }
            }
            Ok(None) => {}
            Err(error) => self.store_failed(doing, &error),
        }
    }

    // --- uploads ---

    /// Starts a job for every queued message whose file still has to go up.
    fn start_uploads(&mut self, now: Instant, store: &mut Store) {
        for entry in self.queued(store, OutboxStage::Upload, usize::MAX >> 1) {
            let local_id = entry.message.local_id;
            if self.uploads.contains(local_id) {
                continue;
            }
            match upload_file(&entry) {
                Ok(file) => {
                    self.upload_files.insert(local_id, file);
                    self.uploads.start(local_id);
                }
                Err(failure) => self.fail(local_id, failure, store),
            }
        }
        self.ask_uploads(now);
    }

    /// Asks the server what waiting upload jobs need (when connected).
    fn ask_uploads(&mut self, now: Instant) {
        if self.session.status() != ConnectionStatus::Connected {
            return;
        }
        for (local_id, ask) in self.uploads.waiting() {
            let Some(file) = self.upload_files.get(&local_id) else {
                self.uploads.drop_job(local_id);
                continue;
            };
            let (topic, payload) = match ask {
                Ask::Token => {
                    let size = std::fs::metadata(&file.path).map_or(0, |m| m.len());
                    requests::upload_token(file.kind, &file.key, size)
                }
                Ask::Url => requests::download_url(file.kind, &file.key, &file.file_name),
            };
            match self
                .session
                .ask(RequestKind::Query, now, topic.as_str(), &self.me, payload)
            {
                Ok(id) => {
                    self.waiters.insert(id, Waiter::Upload(local_id, ask));
                    self.uploads.asked(local_id, id);
                }
                Err(_) => return,
            }
        }
    }

    fn on_upload_answer(
        &mut self,
        now: Instant,
        local_id: i64,
        ask: Ask,
        result: Result<Reply, RequestError>,
        store: &mut Store,
    ) {
        let payload = match self.uploads.answered(local_id, result) {
            Answer::Proceed(payload) => payload,
            Answer::Fail(failure) => return self.fail(local_id, failure, store),
            // Asked again on the next connect; a timeout on a live link asks at once.
            Answer::Later => return self.ask_uploads(now),
            Answer::Stale => return,
        };
        let Some(file) = self.upload_files.get(&local_id).cloned() else {
            return;
        };
        match ask {
            Ask::Token => {
                let token = pb::decode_checked::<pb::GetQNupTokenOutput>(&payload);
                let (Ok(token), Some(server)) = (token, self.upload_server.clone()) else {
                    let detail = "no upload token or no upload server".to_owned();
                    return self.fail(local_id, SendFailure::Upload { detail }, store);
                };
                self.actions.push_back(Action::Upload(UploadJob {
                    local_id,
                    server,
                    token: token.token,
                    key: file.key,
                    path: file.path,
                    file_name: file.file_name,
                }));
            }
            Ask::Url => {
                self.upload_files.remove(&local_id);
                let url = match pb::decode_checked::<pb::GetDownloadUrlOutput>(&payload) {
                    Ok(reply) => reply.download_url,
                    Err(error) => {
                        let detail = format!("bad download URL reply: {error}");
                        return self.fail(local_id, SendFailure::Upload { detail }, store);
                    }
                };
                self.uploaded(now, local_id, &url, store);
            }
        }
    }

    /// The file is up: the content gets its URL and the message is ready to publish.
    fn uploaded(&mut self, now: Instant, local_id: i64, url: &str, store: &mut Store) {
        let done = store.outbox_entry(local_id).and_then(|entry| {
            let Some(entry) = entry else { return Ok(None) };
            let kind = entry
                .upload
                .as_ref()
                .map_or(FileType::File, |(_, kind)| *kind);
            let content = compose::with_url(&entry.message.content, kind, url)?;
            store.upload_done(local_id, &content)
        });
        match done {
            Ok(Some(message)) => {
                self.actions
                    .push_back(Action::Emit(Event::MessageUpdated { message }));
                self.pump_outbox(now, true, store);
            }
            Ok(None) => {}
            Err(error) => self.store_failed("recording an upload", &error),
        }
    }

    // --- read states ---

    /// Tells the server (`updRRTime`) about each queued read state, then the other devices.
    fn sync_reads(&mut self, now: Instant, store: &mut Store) {
        if self.session.status() != ConnectionStatus::Connected {
            return;
        }
        let queued = match store.pending_read_syncs() {
            Ok(queued) => queued,
            Err(error) => return self.store_failed("reading queued reads", &error),
        };
        for (conversation, time) in self.reads.start(queued) {
            let (topic, payload) = requests::read_time(&conversation, time);
            match self
                .session
                .ask(RequestKind::Query, now, topic.as_str(), &self.me, payload)
            {
                Ok(id) => {
                    self.waiters
                        .insert(id, Waiter::ReadTime(conversation, time));
                }
                Err(_) => {
                    self.reads.abandon(&conversation);
                    return;
                }
            }
        }
    }

    fn publish_read_sync(&mut self, now: Instant, conversation: ConversationId, time: i64) {
        let (topic, payload) = requests::read_sync(&conversation, time, client_unique_id());
        match self.session.ask(
            RequestKind::Publish,
            now,
            topic.as_str(),
            &conversation.target_id,
            payload,
        ) {
            Ok(id) => {
                self.waiters
                    .insert(id, Waiter::ReadSync(conversation, time));
            }
            Err(_) => self.reads.abandon(&conversation),
        }
    }

    fn read_done(
        &mut self,
        now: Instant,
        conversation: &ConversationId,
        time: i64,
        store: &mut Store,
    ) {
        if let Err(error) = store.read_sync_done(conversation, time) {
            return self.store_failed("forgetting a sent read", &error);
        }
        // A newer read may have been queued meanwhile.
        self.sync_reads(now, store);
    }

    /// A store failure in the background: logged and told, never silent.
    fn store_failed(&mut self, doing: &'static str, error: &Error) {
        tracing::error!(%error, "store failed while {doing}");
        self.problem(
            ProblemKind::Store,
            format!("local store failed while {doing}: {error}"),
        );
    }

    fn problem(&mut self, kind: ProblemKind, message: String) {
        self.actions
            .push_back(Action::Emit(Event::Problem { kind, message }));
    }
}

/// The upload fields of a queued entry; its key derives from the clientUniqueId, whose
/// high bits are its creation time in ms, so a retried upload keeps its key.
fn upload_file(entry: &OutboxEntry) -> Result<UploadFile, SendFailure> {
    let Some((path, kind)) = entry.upload.clone() else {
        return Err(SendFailure::Other {
            detail: "queued for upload without a file".into(),
        });
    };
    let path = PathBuf::from(path);
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file")
        .to_owned();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("bin")
        .to_owned();
    let cuid = entry.client_unique_id;
    let key = requests::file_key(kind, &ext, cuid >> 10, cuid.unsigned_abs());
    Ok(UploadFile {
        kind,
        key,
        path,
        file_name,
    })
}
