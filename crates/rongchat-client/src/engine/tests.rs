//! The engine on a simulated clock, with a real in-memory store and no socket or runtime:
//! the test plays the server, frame by frame.

use super::*;
use crate::events::ProblemKind;
use crate::model::{Direction, SendStatus};
use crate::store::outbox::NewOutgoing;
use rongchat_proto::frame::{ConnAck, PubAck, PubAckResult, Query, QueryAck};
use rongchat_proto::status::AckStatus;
use rongchat_proto::{Body, Flags};
use std::time::Duration;

const S: Duration = Duration::from_secs(1);

/// What the client sent, decoded.
#[derive(Debug, Clone, PartialEq)]
enum Sent {
    Query(Query),
    Publish(Publish),
    Other,
}

struct Harness {
    engine: Engine,
    store: Store,
    now: Instant,
    /// Everything but transmits, in order.
    actions: Vec<Action>,
    /// Transmitted frames, in order.
    sent: Vec<Sent>,
    next_uid: u32,
}

impl Harness {
    fn new() -> Self {
        Self::with_window(window::OUTBOX_WINDOW)
    }

    fn with_window(size: usize) -> Self {
        let config = SessionConfig {
            seed: 7,
            ..SessionConfig::default()
        };
        let start = Instant::now();
        Self {
            engine: Engine::with_window(config, Some("alice".into()), OutboxWindow::new(size)),
            store: Store::open_in_memory().unwrap(),
            now: start,
            actions: Vec::new(),
            sent: Vec::new(),
            next_uid: 0,
        }
    }

    fn collect(&mut self) {
        while let Some(action) = self.engine.poll_action() {
            match action {
                Action::Transmit(bytes) => {
                    let frame = Frame::decode(&bytes, Side::Client, Layout::V3).unwrap();
                    self.sent.push(match frame.body {
                        Body::Query(q) => Sent::Query(q),
                        Body::Publish(p) => Sent::Publish(p),
                        _ => Sent::Other,
                    });
                }
                other => self.actions.push(other),
            }
        }
    }

    fn advance(&mut self, by: Duration) {
        self.now += by;
        self.engine.handle_timeout(self.now, &mut self.store);
        self.collect();
    }

    /// Connects and accepts; clears what was recorded.
    fn connect(&mut self) {
        self.engine.connect(self.now, &mut self.store);
        self.collect();
        assert!(self.actions.contains(&Action::Open));
        self.engine.transport_opened(
            self.now,
            Layout::V3,
            Some("http://upload.test/".into()),
            &mut self.store,
        );
        let ack = ConnAck::accepted(Layout::V3, "alice", "s", 1_700_000_000_000);
        self.server(Body::ConnAck(ack));
        assert_eq!(self.engine.status(), ConnectionStatus::Connected);
    }

    /// A connected harness and the pull the CONNACK set off.
    fn online() -> (Self, Query) {
        let mut h = Self::new();
        h.connect();
        let pull = h.queries(Topic::PullMessages).remove(0);
        (h, pull)
    }

    /// The link drops; the retry comes due, opens, and is accepted.
    fn reconnect(&mut self, upload_server: Option<&str>) {
        self.engine.transport_closed(self.now, &mut self.store);
        self.collect();
        assert!(matches!(
            self.engine.status(),
            ConnectionStatus::Suspended { .. }
        ));
        let retry_at = self.engine.poll_timeout().unwrap();
        self.advance(retry_at - self.now);
        assert!(self.take_actions().contains(&Action::Open));
        let upload_server = upload_server.map(str::to_owned);
        self.engine
            .transport_opened(self.now, Layout::V3, upload_server, &mut self.store);
        self.server(Body::ConnAck(ConnAck::accepted(
            Layout::V3,
            "alice",
            "s2",
            1,
        )));
    }

    fn server(&mut self, body: Body) {
        self.engine
            .handle_frame(self.now, Frame::new(Flags::NONE, body), &mut self.store);
        self.collect();
    }

    fn take_sent(&mut self) -> Vec<Sent> {
        std::mem::take(&mut self.sent)
    }

    fn take_actions(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.actions)
    }

    /// The queries sent on `topic`, taken out of the record.
    fn queries(&mut self, topic: Topic) -> Vec<Query> {
        let (mine, rest): (Vec<_>, Vec<_>) = self
            .take_sent()
            .into_iter()
            .partition(|s| matches!(s, Sent::Query(q) if Topic::parse(&q.topic) == topic));
        self.sent = rest;
        mine.into_iter()
            .filter_map(|s| match s {
                Sent::Query(q) => Some(q),
                _ => None,
            })
            .collect()
    }

    fn publishes(&mut self) -> Vec<Publish> {
        let (mine, rest): (Vec<_>, Vec<_>) = self
            .take_sent()
            .into_iter()
            .partition(|s| matches!(s, Sent::Publish(_)));
        self.sent = rest;
        mine.into_iter()
            .filter_map(|s| match s {
                Sent::Publish(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    fn answer(&mut self, msg_id: u16, status: AckStatus, payload: Vec<u8>) {
        self.server(Body::QueryAck(QueryAck {
            msg_id,
            date: 1_700_000_000,
            status,
            payload,
        }));
    }

    /// Answers a pull with a page of `times` from `from`.
    fn answer_page(&mut self, msg_id: u16, from: &str, times: &[i64], sync: i64, finished: bool) {
        self.answer(
            msg_id,
            AckStatus::Success,
            page(from, times, sync, finished),
        );
    }

    fn puback(&mut self, msg_id: u16, status: AckStatus) {
        self.next_uid += 1;
        self.server(Body::PubAck(PubAck {
            msg_id,
            result: Some(PubAckResult {
                date: 1_700_000_100,
                status,
                millis: 5,
                message_uid: format!("UID-{}", self.next_uid),
            }),
        }));
    }

    fn notify(&mut self) {
        self.server(Body::Publish(Publish {
            date: Some(1),
            topic: Topic::Notify.as_str().into(),
            target_id: "alice".into(),
            msg_id: 900,
            payload: Default::default(),
        }));
    }

    fn enqueue_text(&mut self, to: &str, text: &str) -> i64 {
        self.enqueue(to, "RC:TxtMsg", &format!(r#"{{"content":"{text}"}}"#), None)
    }

    fn enqueue(
        &mut self,
        to: &str,
        object: &str,
        content: &str,
        upload: Option<(&str, FileType)>,
    ) -> i64 {
        let conversation = ConversationId::private(to);
        let message = self
            .store
            .enqueue(&NewOutgoing {
                conversation: &conversation,
                sender_id: "alice",
                object_name: object,
                content,
                now_ms: 1_700_000_000_000,
                client_unique_id: 1_700_000_000_000 << 10 | i64::from(self.next_uid),
                counted: true,
                upload,
            })
            .unwrap();
        self.next_uid += 1;
        message.local_id
    }

    fn emitted(&self) -> Vec<&Event> {
        self.actions
            .iter()
            .filter_map(|a| match a {
                Action::Emit(e) => Some(e),
                _ => None,
            })
            .collect()
    }
}

fn page(from: &str, times: &[i64], sync_time: i64, finished: bool) -> Vec<u8> {
    let list = times
        .iter()
        .map(|&t| pb::DownStreamMessage {
            from_user_id: from.into(),
            r#type: 1,
            classname: "RC:TxtMsg".into(),
            content: format!(r#"{{"content":"m{t}"}}"#),
            data_time: t,
            status: 48,
            msg_id: Some(format!("U{t}")),
            direction: Some(Direction::Receive.code()),
            ..Default::default()
        })
        .collect();
    pb::DownStreamMessages {
        list,
        sync_time,
        finished: Some(finished),
        ..Default::default()
    }
    .encode_to_vec()
}

fn sync_time(q: &Query) -> i64 {
    pb::decode_checked::<pb::SyncRequestMsg>(&q.payload)
        .unwrap()
        .sync_time
}

// --- the pull loop ---

#[test]
fn connect_pulls_pages_until_finished_then_reports_caught_up() {
    let mut h = Harness::new();
    h.connect();
    let pulls = h.queries(Topic::PullMessages);
    assert_eq!(pulls.len(), 1, "one pull right after the CONNACK");
    assert_eq!(sync_time(&pulls[0]), 0);

    h.answer_page(pulls[0].msg_id, "bob", &[10, 20], 20, false);
    assert_eq!(h.store.message_count().unwrap(), 2);
    let pulls = h.queries(Topic::PullMessages);
    assert_eq!(pulls.len(), 1, "not finished: the next page at once");
    assert_eq!(
        sync_time(&pulls[0]),
        20,
        "from the cursor the page moved to"
    );
    assert!(!h.emitted().contains(&&Event::SyncFinished));

    h.answer_page(pulls[0].msg_id, "bob", &[30], 30, true);
    assert!(h.queries(Topic::PullMessages).is_empty());
    let received = h
        .emitted()
        .iter()
        .filter(|e| matches!(e, Event::MessageReceived { .. }))
        .count();
    assert_eq!(received, 3);
    assert_eq!(h.emitted().last(), Some(&&Event::SyncFinished));
    assert_eq!(h.store.cursors().unwrap().inbox, 30);
}

#[test]
fn a_notify_during_a_pull_waits_for_it_then_pulls_once_more() {
    let (mut h, first) = Harness::online();
    h.notify();
    h.notify();
    assert!(
        h.queries(Topic::PullMessages).is_empty(),
        "one pull at a time"
    );
    h.answer_page(first.msg_id, "bob", &[10], 10, true);
    let again = h.queries(Topic::PullMessages);
    assert_eq!(again.len(), 1, "two notifies, one more pull");
    h.answer_page(again[0].msg_id, "bob", &[], 10, true);
    assert!(h.queries(Topic::PullMessages).is_empty());
}

#[test]
fn a_lost_pull_reply_times_out_and_is_asked_again() {
    let (mut h, first) = Harness::online();
    // Keep the link alive while the reply never comes.
    h.advance(10 * S);
    h.server(Body::PingResp);
    h.advance(20 * S);
    let again = h.queries(Topic::PullMessages);
    assert_eq!(again.len(), 1, "timed out after 30 s: asked again");
    assert_ne!(again[0].msg_id, first.msg_id);
    assert_eq!(sync_time(&again[0]), 0);
    // The late answer to the first is ignored; the second lands.
    h.answer_page(first.msg_id, "bob", &[5], 5, true);
    assert_eq!(h.store.message_count().unwrap(), 0);
    h.answer_page(again[0].msg_id, "bob", &[5], 5, true);
    assert_eq!(h.store.message_count().unwrap(), 1);
}

#[test]
fn a_reconnect_in_the_middle_of_a_pull_resumes_from_the_stored_cursor() {
    let (mut h, first) = Harness::online();
    h.answer_page(first.msg_id, "bob", &[10], 10, false);
    let second = h.queries(Topic::PullMessages).remove(0);
    assert_eq!(sync_time(&second), 10);
    // The link drops with the second page in flight.
    h.reconnect(None);
    let resumed = h.queries(Topic::PullMessages);
    assert_eq!(resumed.len(), 1);
    assert_eq!(sync_time(&resumed[0]), 10, "where the stored page left off");
    // The answer to the lost request, should it arrive now, is not taken for this one.
    h.answer_page(second.msg_id, "bob", &[99], 99, true);
    assert_eq!(h.store.cursors().unwrap().inbox, 10);
    h.answer_page(resumed[0].msg_id, "bob", &[20], 20, true);
    assert_eq!(h.store.cursors().unwrap().inbox, 20);
    assert_eq!(h.store.message_count().unwrap(), 2);
}

#[test]
fn an_undecodable_pull_reply_is_logged_and_does_not_spin() {
    let (mut h, first) = Harness::online();
    h.answer(first.msg_id, AckStatus::Success, vec![0xff, 0xff, 0xff]);
    assert!(h.queries(Topic::PullMessages).is_empty());
    assert_eq!(h.store.cursors().unwrap().inbox, 0);
    // Garbage bytes on the socket are dropped; the link stays up.
    h.engine.handle_bytes(h.now, &[0xde, 0xad], &mut h.store);
    assert_eq!(h.engine.status(), ConnectionStatus::Connected);
}

#[test]
fn a_reply_too_large_backs_the_pull_off_across_reconnects_while_sends_go_on() {
    let (mut h, _first) = Harness::online();
    h.engine.reply_too_large(h.now, &mut h.store);
    h.collect();
    assert!(h.emitted().iter().any(|e| matches!(
        e,
        Event::Problem {
            kind: ProblemKind::ReplyTooLarge,
            ..
        }
    )));
    h.reconnect(None);
    assert!(
        h.queries(Topic::PullMessages).is_empty(),
        "not at once on the new link"
    );
    // A flood of notifies during the back-off pulls nothing.
    for _ in 0..100 {
        h.notify();
    }
    assert!(h.queries(Topic::PullMessages).is_empty());
    // Sends are not held up meanwhile.
    h.enqueue_text("bob", "still here");
    h.engine.outbox_changed(h.now, &mut h.store);
    h.collect();
    assert_eq!(h.publishes().len(), 1);
    h.server(Body::PingResp);
    h.advance(S);
    let pulls = h.queries(Topic::PullMessages);
    assert_eq!(pulls.len(), 1, "after the back-off, one pull");
    h.answer_page(pulls[0].msg_id, "bob", &[7], 7, true);
    assert_eq!(h.store.message_count().unwrap(), 2);
}

#[test]
fn undecodable_pull_replies_back_off_instead_of_spinning() {
    let (mut h, first) = Harness::online();
    h.answer(first.msg_id, AckStatus::Success, vec![0xff; 3]);
    let mut asked = 0;
    // Five minutes of a notify every second, every reply garbage.
    for _ in 0..300 {
        h.notify();
        h.server(Body::PingResp);
        h.advance(S);
        for q in h.queries(Topic::PullMessages) {
            asked += 1;
            h.answer(q.msg_id, AckStatus::Success, vec![0xff; 3]);
        }
    }
    // 1, 2, 4, ... 60 s: a handful in five minutes, not 300.
    assert!((6..=10).contains(&asked), "{asked} pulls");
    assert!(h.emitted().iter().any(|e| matches!(
        e,
        Event::Problem {
            kind: ProblemKind::BadReply,
            ..
        }
    )));
}

// --- the outbox ---

#[test]
fn a_full_window_refills_when_half_is_acked() {
    let mut h = Harness::with_window(4);
    h.connect();
    let _ = h.queries(Topic::PullMessages);
    let ids: Vec<i64> = (0..10)
        .map(|i| h.enqueue_text("bob", &format!("t{i}")))
        .collect();
    h.engine.outbox_changed(h.now, &mut h.store);
    h.collect();
    let out = h.publishes();
    assert_eq!(out.len(), 4, "the window holds 4");
    h.puback(out[0].msg_id, AckStatus::Success);
    assert!(h.publishes().is_empty(), "3 of 4 still out: wait");
    h.puback(out[1].msg_id, AckStatus::Success);
    let refill = h.publishes();
    assert_eq!(refill.len(), 2, "half acked: refilled to 4");
    let mut pending: Vec<u16> = out[2..].iter().chain(&refill).map(|p| p.msg_id).collect();
    // Ack everything as it comes until the queue is empty.
    while let Some(msg_id) = pending.pop() {
        h.puback(msg_id, AckStatus::Success);
        pending.extend(h.publishes().iter().map(|p| p.msg_id));
    }
    assert_eq!(h.store.outbox_len().unwrap(), 0);
    for id in ids {
        assert_eq!(
            h.store.message(id).unwrap().unwrap().status,
            SendStatus::Sent
        );
    }
}

#[test]
fn an_unacked_publish_goes_again_with_the_same_client_id() {
    let (mut h, _) = Harness::online();
    let id = h.enqueue_text("bob", "hi");
    h.engine.outbox_changed(h.now, &mut h.store);
    h.collect();
    let first = h.publishes().remove(0);
    let attempts = |h: &Harness| h.store.outbox_entry(id).unwrap().unwrap().attempts;
    assert_eq!(attempts(&h), 0, "a publish itself writes nothing");
    h.advance(10 * S);
    h.server(Body::PingResp);
    h.advance(20 * S);
    let again = h.publishes();
    assert_eq!(again.len(), 1, "timed out: published again");
    assert_eq!(attempts(&h), 1, "the unanswered publish is counted");
    let cuid = |p: &Publish| {
        pb::decode_checked::<pb::UpStreamMessage>(&p.payload)
            .unwrap()
            .client_unique_id
    };
    assert_eq!(cuid(&again[0]), cuid(&first));
    h.puback(again[0].msg_id, AckStatus::Success);
    let message = h.store.message(id).unwrap().unwrap();
    assert_eq!(message.status, SendStatus::Sent);
    assert!(h.emitted().iter().any(
        |e| matches!(e, Event::MessageUpdated { message } if message.local_id == id && message.status == SendStatus::Sent)
    ));
}

#[test]
fn a_lost_link_resends_on_reconnect_and_a_refusal_keeps_its_code() {
    let (mut h, _) = Harness::online();
    let ok = h.enqueue_text("bob", "one");
    let refused = h.enqueue_text("carol", "two");
    h.engine.outbox_changed(h.now, &mut h.store);
    h.collect();
    assert_eq!(h.publishes().len(), 2);
    h.reconnect(None);
    let out = h.publishes();
    assert_eq!(out.len(), 2, "both go again after the reconnect");
    for id in [ok, refused] {
        let entry = h.store.outbox_entry(id).unwrap().unwrap();
        assert_eq!(entry.attempts, 1, "lost with the link: counted once");
    }
    h.puback(out[0].msg_id, AckStatus::Success);
    h.puback(out[1].msg_id, AckStatus::NotInGroup);
    assert_eq!(
        h.store.message(ok).unwrap().unwrap().status,
        SendStatus::Sent
    );
    let failed = h.store.message(refused).unwrap().unwrap();
    assert_eq!(failed.status, SendStatus::Failed);
    assert_eq!(failed.failure, Some(SendFailure::Refused { code: 22406 }));
}

// --- read states ---

#[test]
fn a_read_goes_to_the_server_then_to_my_other_devices() {
    let mut h = Harness::new();
    let bob = ConversationId::private("bob");
    h.store.mark_read_and_queue(&bob, 500).unwrap();
    // Offline: nothing goes out, the read stays queued.
    h.engine.reads_changed(h.now, &mut h.store);
    h.collect();
    assert!(h.take_sent().is_empty());
    h.connect();
    let _ = h.queries(Topic::PullMessages);
    let read = h.queries(Topic::ReadTime);
    assert_eq!(read.len(), 1, "sent on connect");
    let input = pb::decode_checked::<pb::SessionMsgReadInput>(&read[0].payload).unwrap();
    assert_eq!((input.msg_time, input.channel_id.as_str()), (500, "bob"));
    assert!(
        h.publishes().is_empty(),
        "the read sync waits for the server's ack"
    );
    h.answer(read[0].msg_id, AckStatus::Success, Vec::new());
    let sync = h.publishes();
    assert_eq!(sync.len(), 1);
    assert_eq!(sync[0].target_id, "bob");
    assert_eq!(
        h.store.pending_read_syncs().unwrap().len(),
        1,
        "kept until both acked"
    );
    h.puback(sync[0].msg_id, AckStatus::Success);
    assert!(h.store.pending_read_syncs().unwrap().is_empty());
}

#[test]
fn a_read_lost_with_the_link_goes_again_and_a_refused_one_is_dropped() {
    let (mut h, _) = Harness::online();
    h.store
        .mark_read_and_queue(&ConversationId::private("bob"), 5)
        .unwrap();
    h.store
        .mark_read_and_queue(&ConversationId::private("carol"), 6)
        .unwrap();
    h.engine.reads_changed(h.now, &mut h.store);
    h.collect();
    let reads = h.queries(Topic::ReadTime);
    assert_eq!(reads.len(), 2);
    let channel = |q: &Query| {
        pb::decode_checked::<pb::SessionMsgReadInput>(&q.payload)
            .unwrap()
            .channel_id
    };
    let carol = reads.iter().find(|q| channel(q) == "carol").unwrap();
    h.answer(carol.msg_id, AckStatus::ParameterInvalid, Vec::new());
    assert_eq!(
        h.store.pending_read_syncs().unwrap().len(),
        1,
        "carol's refused read is dropped"
    );
    h.reconnect(None);
    let again = h.queries(Topic::ReadTime);
    assert_eq!(again.len(), 1);
    assert_eq!(channel(&again[0]), "bob");
}

// --- uploads ---

fn file_in(dir: &tempfile::TempDir, name: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, b"0123456789").unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn an_upload_asks_a_token_hands_over_the_transfer_then_publishes_with_the_url() {
    let dir = tempfile::tempdir().unwrap();
    let path = file_in(&dir, "a.txt");
    let mut h = Harness::new();
    let id = h.enqueue(
        "bob",
        "RC:FileMsg",
        r#"{"name":"a.txt","size":10,"type":"txt"}"#,
        Some((&path, FileType::File)),
    );
    h.connect();
    let _ = h.queries(Topic::PullMessages);
    let token_query = h.queries(Topic::UploadToken).remove(0);
    let input = pb::decode_checked::<pb::GetQNupTokenInput>(&token_query.payload).unwrap();
    assert_eq!(input.r#type, FileType::File.code());
    let key = input.key.clone().unwrap();
    assert!(key.starts_with("4__RC-") && key.ends_with(".txt"), "{key}");
    let token = pb::GetQNupTokenOutput {
        deadline: 0,
        token: "secret-upload-token".into(),
        ..Default::default()
    };
    h.answer(
        token_query.msg_id,
        AckStatus::Success,
        token.encode_to_vec(),
    );
    let job = h
        .take_actions()
        .into_iter()
        .find_map(|a| match a {
            Action::Upload(job) => Some(job),
            _ => None,
        })
        .expect("the transfer is handed to the driver");
    assert_eq!((job.local_id, job.key.as_str()), (id, key.as_str()));
    assert_eq!(job.server, "http://upload.test/");
    assert!(!format!("{job:?}").contains("secret-upload-token"));
    assert!(
        h.publishes().is_empty(),
        "nothing is published before the URL"
    );

    h.engine.upload_finished(h.now, id, Ok(()), &mut h.store);
    h.collect();
    let url_query = h.queries(Topic::DownloadUrl).remove(0);
    let url = pb::GetDownloadUrlOutput {
        download_url: "http://files.test/a.txt".into(),
    };
    h.answer(url_query.msg_id, AckStatus::Success, url.encode_to_vec());
    let publish = h.publishes().remove(0);
    let up = pb::decode_checked::<pb::UpStreamMessage>(&publish.payload).unwrap();
    assert!(
        up.content.contains("http://files.test/a.txt"),
        "{}",
        up.content
    );
    h.puback(publish.msg_id, AckStatus::Success);
    assert_eq!(
        h.store.message(id).unwrap().unwrap().status,
        SendStatus::Sent
    );
}

#[test]
fn an_upload_survives_a_lost_link_and_a_cancel_fails_it_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = file_in(&dir, "b.png");
    let mut h = Harness::new();
    let id = h.enqueue(
        "bob",
        "RC:FileMsg",
        r#"{"name":"b.png"}"#,
        Some((&path, FileType::File)),
    );
    // Cancelled while offline, before anything started.
    h.engine.cancel_upload(h.now, id, &mut h.store);
    h.collect();
    let failed = h.store.message(id).unwrap().unwrap();
    assert_eq!(failed.failure, Some(SendFailure::Cancelled));
    // Retried, then the link drops while the token is asked for: asked again on connect.
    h.store.retry(id).unwrap();
    h.connect();
    let first = h.queries(Topic::UploadToken);
    assert_eq!(first.len(), 1);
    h.reconnect(Some("http://up/"));
    let again = h.queries(Topic::UploadToken);
    assert_eq!(again.len(), 1, "asked again after the reconnect");
    // A failed transfer fails the message with its reason.
    let token = pb::GetQNupTokenOutput {
        token: "t".into(),
        ..Default::default()
    };
    h.answer(again[0].msg_id, AckStatus::Success, token.encode_to_vec());
    h.engine.cancel_upload(h.now, id, &mut h.store);
    h.collect();
    assert!(h.take_actions().contains(&Action::StopUpload(id)));
    h.engine
        .upload_finished(h.now, id, Err(SendFailure::Cancelled), &mut h.store);
    h.collect();
    let failed = h.store.message(id).unwrap().unwrap();
    assert_eq!(failed.status, SendStatus::Failed);
    assert_eq!(failed.failure, Some(SendFailure::Cancelled));
}

#[test]
fn application_queries_get_their_answers_and_fail_fast_offline() {
    let mut h = Harness::new();
    let ask = |payload| AppRequest::query(Topic::Conversations, payload);
    h.engine.ask(h.now, 1, ask(Vec::new()), &mut h.store);
    h.collect();
    assert_eq!(
        h.take_actions(),
        [Action::Answer {
            ticket: 1,
            result: Err(RequestError::NotConnected)
        }]
    );
    h.connect();
    let _ = h.take_actions();
    h.engine.ask(h.now, 2, ask(vec![1]), &mut h.store);
    h.collect();
    let q = h.queries(Topic::Conversations).remove(0);
    assert_eq!(q.target_id, "alice", "the SDK names itself");
    h.answer(q.msg_id, AckStatus::Success, vec![9]);
    assert!(h.take_actions().contains(&Action::Answer {
        ticket: 2,
        result: Ok(vec![9])
    }));
}

// --- typing ---

#[test]
fn typing_is_pushed_not_pulled_expires_and_is_sent_throttled() {
    let (mut h, pull) = Harness::online();
    h.answer_page(pull.msg_id, "bob", &[], 0, true);
    h.take_actions();
    let typing = |from: &str, ext_status| pb::DownStreamMessage {
        from_user_id: from.into(),
        r#type: 1,
        classname: "RC:TypSts".into(),
        content: r#"{"typingContentType":"RC:TxtMsg"}"#.into(),
        data_time: 5,
        ext_status,
        ..Default::default()
    };
    let push = |m: pb::DownStreamMessage| {
        Body::Publish(Publish {
            date: Some(1),
            topic: Topic::PushMessage.as_str().into(),
            target_id: "alice".into(),
            msg_id: 901,
            payload: m.encode_to_vec().into(),
        })
    };
    let bob = ConversationId::private("bob");
    let bob_typing = |typing| Event::Typing {
        conversation: bob.clone(),
        user_id: "bob".into(),
        typing,
    };
    h.server(push(typing("bob", Some(64))));
    assert_eq!(h.emitted(), [&bob_typing(true)]);
    assert!(
        h.queries(Topic::PullMessages).is_empty(),
        "a status push is not pulled"
    );
    // Another report within the interval changes nothing; the last one's expiry counts.
    h.advance(3 * S);
    h.server(push(typing("bob", Some(64))));
    h.advance(3 * S);
    assert_eq!(h.take_actions().len(), 1);
    h.advance(3 * S);
    assert_eq!(h.emitted(), [&bob_typing(false)]);
    assert_eq!(h.store.conversation(&bob).unwrap(), None, "nothing stored");
    // A push that is not a status message still goes through the pull.
    h.server(push(typing("bob", None)));
    assert_eq!(h.queries(Topic::PullMessages).len(), 1);

    // Ours: one report per 6 s per conversation, on ppMsgS to the peer, not stored.
    h.take_sent();
    for _ in 0..3 {
        h.engine.notify_typing(h.now, &bob, &mut h.store);
        h.collect();
    }
    let sent = h.publishes();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].topic.as_str(), sent[0].target_id.as_str()),
        ("ppMsgS", "bob")
    );
    let up = pb::decode_checked::<pb::UpStreamMessage>(&sent[0].payload).unwrap();
    assert_eq!((up.classname.as_str(), up.session_id), ("RC:TypSts", 0));
    assert_eq!(up.content, r#"{"typingContentType":"RC:TxtMsg"}"#);
    h.puback(sent[0].msg_id, AckStatus::Success);
    h.advance(6 * S);
    h.engine.notify_typing(h.now, &bob, &mut h.store);
    h.collect();
    assert_eq!(h.publishes().len(), 1);
}

// --- conversation status (engine/status.rs) ---

fn state(kind: i32, target: &str, time: i64, item: i32, value: &str) -> pb::SessionState {
    pb::SessionState {
        r#type: kind,
        channel_id: target.into(),
        time: Some(time),
        state_item: vec![pb::SessionStateItem {
            session_state_type: item,
            value: value.into(),
            ..Default::default()
        }],
        bus_channel: None,
    }
}

fn status_command(h: &mut Harness) {
    h.server(Body::Publish(Publish {
        date: Some(1),
        topic: Topic::Command.as_str().into(),
        target_id: "alice".into(),
        msg_id: 901,
        payload: pb::NotifyMsg {
            r#type: 3,
            time: Some(9),
            ..Default::default()
        }
        .encode_to_vec()
        .into(),
    }));
}

#[test]
fn statuses_pulled_on_connect_pin_and_mute_the_conversations() {
    let (mut h, _pull) = Harness::online();
    let asked = h.queries(Topic::ConversationStates);
    assert_eq!(asked.len(), 1, "one status pull per connect");
    let req = pb::SessionReq::decode(asked[0].payload.as_slice()).unwrap();
    assert_eq!(req.time, 0);
    // bob's chat is listed; g1 is not yet, but a pinned chat is listed at once.
    h.store
        .set_draft(&ConversationId::private("bob"), "")
        .unwrap();
    h.take_actions();
    let states = pb::SessionStates {
        version: 0,
        state: vec![
            state(3, "g1", 5, 2, "1"),
            state(1, "bob", 4, 1, "5"),
            state(1, "eve", 6, 1, "loud"), // not a level: skipped
            state(1, "zed", 2, 1, "5"),    // a chat not listed here stays unlisted
        ],
    };
    h.answer(asked[0].msg_id, AckStatus::Success, states.encode_to_vec());
    let updated: Vec<ConversationId> = h
        .take_actions()
        .into_iter()
        .filter_map(|a| match a {
            Action::Emit(Event::ConversationUpdated { id, .. }) => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(
        updated,
        [ConversationId::group("g1"), ConversationId::private("bob")]
    );
    let g1 = h
        .store
        .conversation(&ConversationId::group("g1"))
        .unwrap()
        .unwrap();
    let bob = h
        .store
        .conversation(&ConversationId::private("bob"))
        .unwrap()
        .unwrap();
    assert!(g1.pinned && !g1.muted && bob.muted && !bob.pinned);
    assert!(
        h.store
            .conversation(&ConversationId::private("eve"))
            .unwrap()
            .is_none()
    );
    assert!(
        h.store
            .conversation(&ConversationId::private("zed"))
            .unwrap()
            .is_none()
    );
    assert_eq!(h.store.status_version().unwrap(), 6, "the newest time seen");
}

#[test]
fn a_status_command_pulls_once_more_at_a_time_from_the_stored_version() {
    let (mut h, _pull) = Harness::online();
    h.store
        .set_draft(&ConversationId::private("bob"), "")
        .unwrap();
    let first = h.queries(Topic::ConversationStates).remove(0);
    let states = pb::SessionStates {
        version: 7,
        state: vec![state(1, "bob", 7, 1, "1")],
    };
    h.answer(first.msg_id, AckStatus::Success, states.encode_to_vec());
    // Another device unmutes: the server says so twice while our pull is out.
    status_command(&mut h);
    let second = h.queries(Topic::ConversationStates);
    assert_eq!(second.len(), 1);
    assert_eq!(
        pb::SessionReq::decode(second[0].payload.as_slice())
            .unwrap()
            .time,
        7
    );
    status_command(&mut h);
    assert!(
        h.queries(Topic::ConversationStates).is_empty(),
        "one pull at a time"
    );
    let unmute = pb::SessionStates {
        version: 8,
        state: vec![state(1, "bob", 8, 1, "0")],
    };
    h.answer(second[0].msg_id, AckStatus::Success, unmute.encode_to_vec());
    let third = h.queries(Topic::ConversationStates);
    assert_eq!(
        third.len(),
        1,
        "the command that came meanwhile pulls again"
    );
    assert_eq!(
        pb::SessionReq::decode(third[0].payload.as_slice())
            .unwrap()
            .time,
        8
    );
    let bob = h
        .store
        .conversation(&ConversationId::private("bob"))
        .unwrap()
        .unwrap();
    assert!(!bob.muted);
    // Any other command pulls nothing.
    h.answer(
        third[0].msg_id,
        AckStatus::Success,
        pb::SessionStates::default().encode_to_vec(),
    );
    h.server(Body::Publish(Publish {
        date: Some(1),
        topic: Topic::Command.as_str().into(),
        target_id: "alice".into(),
        msg_id: 902,
        payload: pb::NotifyMsg {
            r#type: 2,
            ..Default::default()
        }
        .encode_to_vec()
        .into(),
    }));
    assert!(h.queries(Topic::ConversationStates).is_empty());
}

#[test]
fn our_pin_goes_out_as_set_se_att_and_an_up_to_date_answer_moves_the_version() {
    let (mut h, _pull) = Harness::online();
    let first = h.queries(Topic::ConversationStates).remove(0);
    h.answer(
        first.msg_id,
        AckStatus::Success,
        pb::SessionStates::default().encode_to_vec(),
    );
    let bob = ConversationId::private("bob");
    h.store
        .queue_status(&status::local_update(&bob, None, Some(true)))
        .unwrap();
    h.engine.statuses_changed(h.now, &mut h.store);
    h.collect();
    let set = h.queries(Topic::SetConversationStates);
    assert_eq!(set.len(), 1);
    let req = pb::SessionStateModifyReq::decode(set[0].payload.as_slice()).unwrap();
    assert_eq!(req.state.len(), 1);
    let sent = rongchat_proto::conversation_status::StatusUpdate::from_wire(&req.state[0]).unwrap();
    assert_eq!(
        (sent.target_id.as_str(), sent.pinned, sent.level),
        ("bob", None, Some(1))
    );
    let reply = pb::SessionStateModifyResp {
        version: 42,
        update_version: Some(true),
    };
    h.answer(set[0].msg_id, AckStatus::Success, reply.encode_to_vec());
    assert_eq!(h.store.status_version().unwrap(), 42);
}

#[test]
fn a_mute_made_offline_goes_out_on_connect_and_outranks_the_servers_older_status() {
    let mut h = Harness::new();
    let bob = ConversationId::private("bob");
    // The user mutes and pins a chat while offline.
    h.store.set_draft(&bob, "").unwrap();
    h.store.set_muted(&bob, true).unwrap();
    h.store.set_pinned(&bob, true).unwrap();
    h.store
        .queue_status(&status::local_update(&bob, None, Some(true)))
        .unwrap();
    h.store
        .queue_status(&status::local_update(&bob, Some(true), None))
        .unwrap();
    h.engine.statuses_changed(h.now, &mut h.store);
    h.collect();
    assert!(
        h.queries(Topic::SetConversationStates).is_empty(),
        "offline: nothing sent"
    );
    h.connect();
    let set = h.queries(Topic::SetConversationStates);
    assert_eq!(set.len(), 1, "the queued change goes out on connect");
    let req = pb::SessionStateModifyReq::decode(set[0].payload.as_slice()).unwrap();
    let sent = rongchat_proto::conversation_status::StatusUpdate::from_wire(&req.state[0]).unwrap();
    assert_eq!(
        (sent.pinned, sent.level),
        (Some(true), Some(1)),
        "both changes, merged"
    );
    // The server's older status (unmuted) arrives first: ours, still to be acked, wins.
    let pull = h.queries(Topic::ConversationStates).remove(0);
    let old = pb::SessionStates {
        version: 3,
        state: vec![state(1, "bob", 3, 1, "0")],
    };
    h.answer(pull.msg_id, AckStatus::Success, old.encode_to_vec());
    assert!(h.store.conversation(&bob).unwrap().unwrap().muted);
    // The link drops before the answer: the change goes again on the next connect.
    h.reconnect(None);
    let again = h.queries(Topic::SetConversationStates);
    assert_eq!(again.len(), 1, "a lost change is sent again");
    let reply = pb::SessionStateModifyResp {
        version: 9,
        update_version: Some(false),
    };
    h.answer(again[0].msg_id, AckStatus::Success, reply.encode_to_vec());
    assert!(
        h.store.queued_statuses(10).unwrap().is_empty(),
        "acked: forgotten"
    );
    assert_eq!(
        h.store.status_version().unwrap(),
        3,
        "not up to date: version kept"
    );
}
