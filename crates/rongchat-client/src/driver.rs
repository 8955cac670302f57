//! The one task that owns the socket: it feeds the session frames, commands and the
//! clock, carries out the session's outputs, runs the inbox sync and pumps the outbox.

use crate::client::Inner;
use crate::compose;
use crate::events::Event;
use crate::model::ConversationId;
use crate::navi::{self, NaviInfo, OpenError, Socket};
use crate::session::{
    ConnectionStatus, OpenFailure, Output, Reply, RequestError, RequestId, Session, SessionEvent,
};
use crate::store::OutboxStage;
use crate::store::messages::{Applied, Stored};
use crate::sync;
use futures_util::{SinkExt, StreamExt};
use prost::Message as _;
use rongchat_proto::content::{Content, SyncReadStatus, object_name};
use rongchat_proto::{Frame, Layout, Side, pb, topic};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// Most PUBLISHes in flight at once; refilled when half have been acked.
const OUTBOX_WINDOW: usize = 64;

/// What a request's answer goes to.
pub(crate) type QueryReply = oneshot::Sender<Result<Vec<u8>, RequestError>>;

/// Requests from the handles.
#[derive(Debug)]
pub(crate) enum Command {
    Connect,
    Disconnect,
    NetworkHint,
    /// The outbox has new ready messages.
    KickOutbox,
    /// A read state was queued for the server and the other devices.
    KickReads,
    /// A QUERY (target `None` = this user, as the SDK does).
    Query {
        topic: String,
        target: Option<String>,
        payload: Vec<u8>,
        reply: QueryReply,
    },
    Shutdown,
}

#[derive(Debug)]
enum Waiter {
    User(QueryReply),
    Pull,
    Outbox(i64),
    /// `updRRTime` for a queued read state.
    ReadTime(ConversationId, i64),
    /// The `RC:SRSMsg` for it.
    ReadSync(ConversationId, i64),
}

type Opening = JoinHandle<Result<(Socket, NaviInfo), OpenError>>;

pub(crate) struct Driver {
    inner: Arc<Inner>,
    session: Session,
    commands: mpsc::UnboundedReceiver<Command>,
    socket: Option<Socket>,
    opening: Option<Opening>,
    navi: Option<NaviInfo>,
    layout: Layout,
    me: String,
    waiters: HashMap<RequestId, Waiter>,
    in_flight: HashSet<i64>,
    reads_in_flight: HashSet<ConversationId>,
    pulling: bool,
    pull_again: bool,
    caught_up: bool,
}

impl Driver {
    pub(crate) fn new(
        inner: Arc<Inner>,
        session: Session,
        commands: mpsc::UnboundedReceiver<Command>,
    ) -> Self {
        let me = inner.user_id().unwrap_or_default();
        Self {
            inner,
            session,
            commands,
            socket: None,
            opening: None,
            navi: None,
            layout: Layout::V3,
            me,
            waiters: HashMap::new(),
            in_flight: HashSet::new(),
            reads_in_flight: HashSet::new(),
            pulling: false,
            pull_again: false,
            caught_up: false,
        }
    }

    pub(crate) async fn run(mut self) {
        loop {
            self.flush().await;
            let deadline = self.session.poll_timeout().map(Instant::from_std);
            tokio::select! {
                command = self.commands.recv() => match command {
                    None | Some(Command::Shutdown) => break,
                    Some(command) => self.on_command(command),
                },
                message = next_message(&mut self.socket) => self.on_socket(message),
                opened = join_opening(&mut self.opening) => self.on_opened(opened),
                () = sleep_until(deadline) => self.session.handle_timeout(now()),
            }
        }
        if let Some(opening) = self.opening.take() {
            opening.abort();
        }
        if let Some(mut socket) = self.socket.take() {
            let _ = socket.close(None).await;
        }
    }

    /// Carries out everything the session asked for, in order.
    async fn flush(&mut self) {
        while let Some(output) = self.session.poll_output() {
            match output {
                Output::Transmit(frame) => self.transmit(frame).await,
                Output::Open => self.start_opening(),
                Output::Close => {
                    if let Some(opening) = self.opening.take() {
                        opening.abort();
                    }
                    if let Some(mut socket) = self.socket.take() {
                        // Do not wait on a dead peer.
                        let _ = tokio::time::timeout(
                            std::time::Duration::from_millis(200),
                            socket.close(None),
                        )
                        .await;
                    }
                }
                Output::Event(event) => self.on_event(event),
            }
        }
    }

    async fn transmit(&mut self, frame: Frame) {
        let Some(socket) = self.socket.as_mut() else {
            return;
        };
        let bytes = match frame.encode() {
            Ok(bytes) => bytes,
            Err(_) => return,
        };
        if socket.send(WsMessage::Binary(bytes.into())).await.is_err() {
            self.socket = None;
            self.session.transport_closed(now());
        }
    }

    fn start_opening(&mut self) {
        if let Some(opening) = self.opening.take() {
            opening.abort();
        }
        self.socket = None;
        let http = self.inner.http.clone();
        let endpoint = self.inner.endpoint.clone();
        let cached = self.navi.clone();
        self.opening = Some(tokio::spawn(async move {
            navi::open(&http, &endpoint, cached).await
        }));
    }

    fn on_opened(&mut self, opened: Result<(Socket, NaviInfo), OpenError>) {
        match opened {
            Ok((socket, navi)) => {
                self.layout = navi.layout;
                self.inner.set_upload_server(navi.upload_server.clone());
                self.navi = Some(navi);
                self.socket = Some(socket);
                self.session.transport_opened(now());
            }
            Err(error) => {
                // Ask navigation again next time: the server may have moved.
                self.navi = None;
                self.session.transport_failed(now(), error.failure);
            }
        }
    }

    fn on_socket(
        &mut self,
        message: Option<Result<WsMessage, tokio_tungstenite::tungstenite::Error>>,
    ) {
        match message {
            Some(Ok(WsMessage::Binary(bytes))) => {
                // A frame we cannot decode is dropped; the link stays up.
                if let Ok(frame) = Frame::decode(&bytes, Side::Server, self.layout) {
                    self.session.handle_frame(now(), frame);
                }
            }
            Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => {
                self.socket = None;
                self.session.transport_closed(now());
            }
            Some(Ok(_)) => {}
        }
    }

    fn on_command(&mut self, command: Command) {
        let now = now();
        match command {
            Command::Connect => self.session.connect(now),
            Command::Disconnect => self.session.disconnect(now),
            Command::NetworkHint => self.session.network_hint(now),
            Command::KickOutbox => self.pump_outbox(true),
            Command::KickReads => self.sync_reads(),
            Command::Query {
                topic,
                target,
                payload,
                reply,
            } => {
                let target = target.unwrap_or_else(|| self.me.clone());
                match self.session.query(now, &topic, &target, payload) {
                    Ok(id) => {
                        self.waiters.insert(id, Waiter::User(reply));
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e));
                    }
                }
            }
            Command::Shutdown => {}
        }
    }

    fn on_event(&mut self, event: SessionEvent) {
        match event {
            SessionEvent::Status(status) => {
                if status != ConnectionStatus::Connected {
                    self.pulling = false;
                    self.pull_again = false;
                    self.in_flight.clear();
                    self.reads_in_flight.clear();
                }
                self.inner.set_status(status);
            }
            SessionEvent::Connected { user_id, .. } => {
                if !user_id.is_empty() {
                    self.me = user_id.clone();
                    self.inner.set_user_id(&user_id);
                }
                self.caught_up = false;
                self.pull();
                self.pump_outbox(true);
                self.sync_reads();
            }
            SessionEvent::Reply { request, result } => match self.waiters.remove(&request) {
                Some(Waiter::User(reply)) => {
                    let _ = reply.send(result.map(|r| match r {
                        Reply::Query { payload, .. } => payload,
                        Reply::Publish(ack) => ack.message_uid.into_bytes(),
                    }));
                }
                Some(Waiter::Pull) => self.on_pull(result),
                Some(Waiter::Outbox(local_id)) => self.on_outbox_ack(local_id, result),
                Some(Waiter::ReadTime(conversation, time)) => {
                    self.on_read_time(conversation, time, result)
                }
                Some(Waiter::ReadSync(conversation, time)) => {
                    self.on_read_synced(conversation, time, result)
                }
                None => {}
            },
            SessionEvent::Push(publish) => match publish.topic.as_str() {
                // A direct push still only triggers a pull (navi openHistoryMsg absent, §8),
                // so delivery and cursors have one path.
                topic::NOTIFY | topic::PUSH_MESSAGE => self.pull(),
                _ => {}
            },
            SessionEvent::Echo { publish, ack } => {
                if let Some(incoming) = sync::from_echo(&publish, &ack, &self.me) {
                    let read = sync::read_sync(&incoming);
                    if let Ok(applied) = self
                        .inner
                        .with_store(|s| s.apply_incoming(&[incoming], None))
                    {
                        self.announce(applied);
                    }
                    if let Some((conversation, time)) = read {
                        self.apply_read(&conversation, time);
                    }
                }
            }
        }
    }

    fn pull(&mut self) {
        if self.pulling {
            self.pull_again = true;
            return;
        }
        let Ok(cursors) = self.inner.with_store(|s| s.cursors()) else {
            return;
        };
        let request = sync::pull_request(cursors).encode_to_vec();
        if let Ok(id) = self
            .session
            .query(now(), topic::PULL_MESSAGES, &self.me, request)
        {
            self.waiters.insert(id, Waiter::Pull);
            self.pulling = true;
        }
    }

    fn on_pull(&mut self, result: Result<Reply, RequestError>) {
        self.pulling = false;
        let payload = match result {
            Ok(Reply::Query { payload, .. }) => payload,
            Ok(Reply::Publish(_)) => return,
            Err(RequestError::Timeout) => return self.pull(),
            Err(_) => return,
        };
        let Ok(reply) = sync::decode_pull(&payload) else {
            return;
        };
        let me = self.me.clone();
        let outcome = self.inner.with_store(|store| {
            let pulled = sync::apply_pull(store.cursors()?, &reply, &me);
            let applied = store.apply_incoming(&pulled.messages, Some(pulled.cursors))?;
            let reads: Vec<_> = pulled.messages.iter().filter_map(sync::read_sync).collect();
            Ok((applied, reads, pulled.finished, pulled.messages.is_empty()))
        });
        let Ok((applied, reads, finished, empty)) = outcome else {
            return;
        };
        // A server that says "not finished" but sends nothing would make us spin.
        let finished = finished || empty;
        self.announce(applied);
        for (conversation, time) in reads {
            self.apply_read(&conversation, time);
        }
        if !finished || self.pull_again {
            self.pull_again = false;
            self.pull();
        } else if !self.caught_up {
            self.caught_up = true;
            self.inner.emit(Event::SyncFinished);
        }
    }

    fn apply_read(&mut self, conversation: &ConversationId, time: i64) {
        if let Ok(row) = self.inner.with_store(|s| s.mark_read(conversation, time)) {
            self.inner.emit(Event::ConversationUpdated {
                conversation: row,
                id: conversation.clone(),
            });
        }
    }

    /// Events for what a store batch did.
    fn announce(&self, applied: Applied) {
        for stored in applied.stored {
            match stored {
                Stored::New(message) => self.inner.emit(Event::MessageReceived { message }),
                Stored::Confirmed(message) => self.inner.emit(Event::MessageUpdated { message }),
                Stored::Duplicate | Stored::Transient => {}
            }
        }
        for id in applied.conversations {
            self.inner.emit_conversation(&id);
        }
    }

    /// Publishes ready outbox messages, oldest first, keeping at most a window in flight.
    fn pump_outbox(&mut self, force: bool) {
        if self.session.status() != ConnectionStatus::Connected {
            return;
        }
        if !force && self.in_flight.len() > OUTBOX_WINDOW / 2 {
            return;
        }
        let room = OUTBOX_WINDOW.saturating_sub(self.in_flight.len());
        if room == 0 {
            return;
        }
        let limit = self.in_flight.len() + room;
        let Ok(entries) = self
            .inner
            .with_store(|s| s.outbox(OutboxStage::Publish, limit))
        else {
            return;
        };
        for entry in entries {
            let local_id = entry.message.local_id;
            if self.in_flight.contains(&local_id) {
                continue;
            }
            let up = compose::upstream(
                &entry.message.object_name,
                &entry.message.content,
                entry.client_unique_id,
            );
            let conversation = &entry.message.conversation;
            match self.session.publish(
                now(),
                conversation.kind.publish_topic(),
                &conversation.target_id,
                up.encode_to_vec(),
            ) {
                Ok(id) => {
                    self.waiters.insert(id, Waiter::Outbox(local_id));
                    self.in_flight.insert(local_id);
                    let _ = self.inner.with_store(|s| s.note_attempt(local_id));
                }
                Err(_) => return,
            }
        }
    }

    /// Tells the server (`updRRTime`) about each queued read state, then the other devices
    /// (`RC:SRSMsg`); each is forgotten only once both were acked.
    fn sync_reads(&mut self) {
        if self.session.status() != ConnectionStatus::Connected {
            return;
        }
        let Ok(pending) = self.inner.with_store(|s| s.pending_read_syncs()) else {
            return;
        };
        for (conversation, time) in pending {
            if self.reads_in_flight.contains(&conversation) {
                continue;
            }
            let read = pb::SessionMsgReadInput {
                r#type: conversation.kind.code(),
                msg_time: time,
                channel_id: conversation.target_id.clone(),
                ..Default::default()
            };
            match self
                .session
                .query(now(), topic::READ_TIME, &self.me, read.encode_to_vec())
            {
                Ok(id) => {
                    self.reads_in_flight.insert(conversation.clone());
                    self.waiters
                        .insert(id, Waiter::ReadTime(conversation, time));
                }
                Err(_) => return,
            }
        }
    }

    fn on_read_time(
        &mut self,
        conversation: ConversationId,
        time: i64,
        result: Result<Reply, RequestError>,
    ) {
        match result {
            Ok(_) => {
                let content = Content::SyncReadStatus(SyncReadStatus {
                    last_message_send_time: time,
                    ..Default::default()
                });
                let up = compose::upstream(
                    object_name::SYNC_READ_STATUS,
                    &content.to_json(),
                    crate::client::client_unique_id(),
                );
                match self.session.publish(
                    now(),
                    conversation.kind.publish_topic(),
                    &conversation.target_id,
                    up.encode_to_vec(),
                ) {
                    Ok(id) => {
                        self.waiters
                            .insert(id, Waiter::ReadSync(conversation, time));
                    }
                    Err(_) => {
                        self.reads_in_flight.remove(&conversation);
                    }
                }
            }
            // Refused for good: do not retry it forever.
            Err(RequestError::Refused(_)) => self.on_read_synced(
                conversation,
                time,
                Ok(Reply::Query {
                    payload: Vec::new(),
                    date: 0,
                }),
            ),
            Err(_) => {
                self.reads_in_flight.remove(&conversation);
            }
        }
    }

    fn on_read_synced(
        &mut self,
        conversation: ConversationId,
        time: i64,
        result: Result<Reply, RequestError>,
    ) {
        self.reads_in_flight.remove(&conversation);
        if matches!(result, Ok(_) | Err(RequestError::Refused(_))) {
            let _ = self
                .inner
                .with_store(|s| s.read_sync_done(&conversation, time));
            // A newer read may have been queued meanwhile.
            self.sync_reads();
        }
    }

    fn on_outbox_ack(&mut self, local_id: i64, result: Result<Reply, RequestError>) {
        self.in_flight.remove(&local_id);
        let updated = match result {
            Ok(Reply::Publish(ack)) => self
                .inner
                .with_store(|s| s.mark_sent(local_id, &ack.message_uid, ack.sent_time())),
            Err(RequestError::Refused(status)) => self.inner.with_store(|s| {
                s.mark_failed(local_id, &format!("refused by the server: {status}"))
            }),
            // Lost or timed out: it stays queued and goes again (same clientUniqueId).
            _ => Ok(None),
        };
        if let Ok(Some(message)) = updated {
            let id = message.conversation.clone();
            self.inner.emit(Event::MessageUpdated { message });
            self.inner.emit_conversation(&id);
        }
        self.pump_outbox(false);
    }
}

fn now() -> std::time::Instant {
    std::time::Instant::now()
}

async fn next_message(
    socket: &mut Option<Socket>,
) -> Option<Result<WsMessage, tokio_tungstenite::tungstenite::Error>> {
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

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
