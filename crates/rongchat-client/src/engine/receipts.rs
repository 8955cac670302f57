//! Read receipts (facts in `PROTOCOL-NOTES.md`, "Read receipts"), sans-I/O.
//!
//! Private chats: when this user reads a chat, the peer gets an `RC:ReadNtf` naming the
//! newest of their messages read; the peer's `RC:ReadNtf` tells how far they read ours.
//! Groups (the SDK's default, message-based receipts): a sender asks with `RC:RRReqMsg`
//! about one of their messages; a member who has read it answers with `RC:RRRspMsg`
//! directed at the askers; answers to our own asks list who read our message.
//!
//! What is owed is kept in the store (`store/receipts.rs`) until the server acks it, so
//! a read made offline still goes out; [`ReceiptSends`] keeps one PUBLISH per
//! conversation in flight. All of it is neither persisted nor counted (sessionId 0).

use super::{Action, Engine, Waiter};
use crate::compose;
use crate::events::Event;
use crate::ids::client_unique_id;
use crate::model::{ConversationId, ConversationType, Direction, Incoming};
use crate::session::{ConnectionStatus, Reply, RequestError, RequestKind};
use crate::store::Store;
use crate::store::receipts::PendingReceipt;
use prost::Message as _;
use rongchat_proto::content::{Content, object_name};
use rongchat_proto::receipts::{self, ReceiptRequest, ReceiptResponse};
use rongchat_proto::{Topic, pb};
use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

/// Conversations with a receipt on its way.
#[derive(Debug, Default)]
pub struct ReceiptSends {
    in_flight: HashSet<ConversationId>,
}

/// After a receipt's PUBACK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptStep {
    /// Acked, or refused for good (retrying would never end): forget it.
    Done,
    /// Lost or timed out: it stays owed for the next connect.
    Later,
}

impl ReceiptSends {
    /// Of the owed receipts, those to send now (one at a time per conversation).
    pub fn start(&mut self, owed: Vec<PendingReceipt>) -> Vec<PendingReceipt> {
        owed.into_iter()
            .filter(|r| self.in_flight.insert(r.conversation()))
            .collect()
    }

    /// The PUBACK (or its absence) of a receipt to `conversation`.
    pub fn answered(
        &mut self,
        conversation: &ConversationId,
        result: &Result<Reply, RequestError>,
    ) -> ReceiptStep {
        self.in_flight.remove(conversation);
        match result {
            Ok(_) | Err(RequestError::Refused(_)) => ReceiptStep::Done,
            Err(_) => ReceiptStep::Later,
        }
    }

    /// Sending failed before anything went out.
    pub fn abandon(&mut self, conversation: &ConversationId) {
        self.in_flight.remove(conversation);
    }

    /// The link went down.
    pub fn link_lost(&mut self) {
        self.in_flight.clear();
    }
}

/// The PUBLISH of an owed receipt: topic, target and payload, as the SDK sends it.
pub fn publish(receipt: &PendingReceipt, client_unique_id: i64) -> (Topic, String, Vec<u8>) {
    match receipt {
        PendingReceipt::Private { peer, uid, time } => {
            let content = serde_json::json!({
                "messageUId": uid,
                "lastMessageSendTime": time,
                "type": receipts::PRIVATE_RECEIPT_TYPE,
            });
            let up = compose::upstream(
                object_name::READ_RECEIPT,
                &content.to_string(),
                client_unique_id,
            );
            let topic = ConversationType::Private.publish_topic();
            (topic, peer.clone(), up.encode_to_vec())
        }
        PendingReceipt::Group { group, answers } => {
            let content = ReceiptResponse {
                receipt_message_dic: answers.clone(),
            };
            let mut up =
                compose::upstream(receipts::RESPONSE, &content.to_json(), client_unique_id);
            // Directed: only the askers receive it (the SDK's directionalUserIdList).
            up.to_user_ids = answers.keys().cloned().collect();
            let topic = ConversationType::Group.publish_topic();
            (topic, group.clone(), up.encode_to_vec())
        }
    }
}

/// The `RC:RRReqMsg` asking who read our group message `uid`: topic, payload.
pub fn request(uid: &str, client_unique_id: i64) -> (Topic, Vec<u8>) {
    let content = ReceiptRequest {
        message_uid: uid.to_owned(),
    };
    let up = compose::upstream(receipts::REQUEST, &content.to_json(), client_unique_id);
    (ConversationType::Group.publish_topic(), up.encode_to_vec())
}

/// What a received receipt says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// The peer read our messages sent up to `time`.
    PeerRead { peer: String, time: i64 },
    /// This user's other device told the peer it read up to their `uid` at `time`.
    ToldElsewhere {
        peer: String,
        uid: String,
        time: i64,
    },
    /// `asker` asks who read their message `uid` in `group`.
    Requested {
        group: String,
        uid: String,
        asker: String,
        time: i64,
    },
    /// This user asked about `uid` from another device.
    AskedElsewhere {
        group: String,
        uid: String,
        time: i64,
    },
    /// `reader` read our messages `uids` in `group`.
    Read {
        group: String,
        reader: String,
        uids: Vec<String>,
        time: i64,
    },
    /// This user answered from another device.
    AnsweredElsewhere {
        group: String,
        answers: BTreeMap<String, Vec<String>>,
    },
}

/// A receipt among received messages (any other message: `None`). Malformed ones are
/// dropped with a log line: a receipt is advice, never worth a failure.
pub fn received(m: &Incoming, me: &str) -> Option<Received> {
    let mine = m.direction == Direction::Send;
    let target = m.conversation.target_id.clone();
    let kind = m.conversation.kind;
    let parsed = match (m.object_name.as_str(), kind) {
        (object_name::READ_RECEIPT, ConversationType::Private) => {
            match Content::parse(&m.object_name, &m.content) {
                Ok(Content::ReadReceipt(r)) if mine => Some(Received::ToldElsewhere {
                    peer: target,
                    uid: r.message_uid,
                    time: r.last_message_send_time,
                }),
                Ok(Content::ReadReceipt(r)) => Some(Received::PeerRead {
                    peer: target,
                    time: r.last_message_send_time,
                }),
                _ => None,
            }
        }
        (receipts::REQUEST, ConversationType::Group) => {
            ReceiptRequest::parse(&m.content).map(|r| match mine {
                true => Received::AskedElsewhere {
                    group: target,
                    uid: r.message_uid,
                    time: m.sent_time,
                },
                false => Received::Requested {
                    group: target,
                    uid: r.message_uid,
                    asker: m.sender_id.clone(),
                    time: m.sent_time,
                },
            })
        }
        (receipts::RESPONSE, ConversationType::Group) => {
            ReceiptResponse::parse(&m.content).and_then(|r| match mine {
                true => Some(Received::AnsweredElsewhere {
                    group: target,
                    answers: r.receipt_message_dic,
                }),
                // Only the part that answers us.
                false => r.receipt_message_dic.get(me).map(|uids| Received::Read {
                    group: target,
                    reader: m.sender_id.clone(),
                    uids: uids.clone(),
                    time: m.sent_time,
                }),
            })
        }
        (object_name::READ_RECEIPT | receipts::REQUEST | receipts::RESPONSE, _) => None,
        _ => return None,
    };
    if parsed.is_none() {
        tracing::debug!(object_name = %m.object_name, "receipt not for us or malformed; ignored");
    }
    parsed
}

impl Engine {
    /// Sends what is owed (when connected), one per conversation at a time.
    pub(super) fn send_receipts(&mut self, now: Instant, store: &mut Store) {
        if self.session.status() != ConnectionStatus::Connected {
            return;
        }
        let owed = match store.pending_receipts() {
            Ok(owed) => owed,
            Err(error) => return self.store_failed("reading owed receipts", &error),
        };
        for receipt in self.receipts.start(owed) {
            let (topic, target, payload) = publish(&receipt, client_unique_id());
            let sent =
                self.session
                    .ask(RequestKind::Publish, now, topic.as_str(), &target, payload);
            match sent {
                Ok(id) => {
                    self.waiters.insert(id, Waiter::Receipt(receipt));
                }
                Err(_) => {
                    self.receipts.abandon(&receipt.conversation());
                    return;
                }
            }
        }
    }

    /// A receipt's PUBACK.
    pub(super) fn on_receipt_answer(
        &mut self,
        now: Instant,
        receipt: PendingReceipt,
        result: Result<Reply, RequestError>,
        store: &mut Store,
    ) {
        if let Err(error) = &result {
            tracing::info!(%error, conversation = ?receipt.conversation(), "receipt not acked");
        }
        if self.receipts.answered(&receipt.conversation(), &result) == ReceiptStep::Later {
            return;
        }
        if let Err(error) = store.receipt_done(&receipt) {
            return self.store_failed("recording a sent receipt", &error);
        }
        // More may have become owed meanwhile.
        self.send_receipts(now, store);
    }

    /// Receipts among newly received messages: recorded, told, answered when due.
    pub(super) fn on_receipts(&mut self, now: Instant, messages: &[Incoming], store: &mut Store) {
        let mut owed = false;
        for m in messages {
            let Some(receipt) = received(m, &self.me) else {
                continue;
            };
            match self.apply_receipt(receipt, store) {
                Ok(due) => owed |= due,
                Err(error) => self.store_failed("recording a receipt", &error),
            }
        }
        if owed {
            self.send_receipts(now, store);
        }
    }

    /// Records one receipt; `true` when an answer is now owed.
    fn apply_receipt(&mut self, receipt: Received, store: &mut Store) -> crate::Result<bool> {
        match receipt {
            Received::PeerRead { peer, time } => {
                if store.peer_read(&peer, time)? {
                    self.actions.push_back(Action::Emit(Event::ReadReceipt {
                        conversation: ConversationId::private(peer),
                        read_time: time,
                    }));
                }
            }
            Received::ToldElsewhere { peer, uid, time } => {
                store.receipt_told_elsewhere(&peer, &uid, time)?
            }
            Received::Requested {
                group,
                uid,
                asker,
                time,
            } => return store.receipt_requested(&group, &uid, &asker, time),
            Received::AskedElsewhere { group, uid, time } => {
                store.receipt_asked(&group, &uid, time)?;
                self.emit_group_receipts(store, &group, &[uid])?;
            }
            Received::Read {
                group,
                reader,
                uids,
                time,
            } => {
                for receipt in store.receipts_read_by(&group, &uids, &reader, time)? {
                    self.actions
                        .push_back(Action::Emit(Event::GroupReceipt { receipt }));
                }
            }
            Received::AnsweredElsewhere { group, answers } => store.answered(&group, &answers)?,
        }
        Ok(false)
    }

    /// The current receipts of `uids` in `group`, as events.
    fn emit_group_receipts(
        &mut self,
        store: &Store,
        group: &str,
        uids: &[String],
    ) -> crate::Result<()> {
        let state = store.receipts_in(&ConversationId::group(group))?;
        for receipt in state.asked {
            if uids.contains(&receipt.message_uid) {
                self.actions
                    .push_back(Action::Emit(Event::GroupReceipt { receipt }));
            }
        }
        Ok(())
    }
}

/// The payload of a receipt PUBLISH, decoded (for tests and logs).
pub fn decode(payload: &[u8]) -> Option<pb::UpStreamMessage> {
    pb::decode_checked::<pb::UpStreamMessage>(payload).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rongchat_proto::status::AckStatus;

    fn incoming(
        object: &str,
        conversation: ConversationId,
        from: &str,
        mine: bool,
        content: &str,
    ) -> Incoming {
        Incoming {
            uid: Some("r".into()),
            conversation,
            sender_id: from.into(),
            direction: if mine {
                Direction::Send
            } else {
                Direction::Receive
            },
            object_name: object.into(),
            content: content.into(),
            sent_time: 99,
            client_unique_id: None,
            persisted: false,
            counted: false,
        }
    }

    #[test]
    fn the_private_receipt_is_what_the_sdk_sends() {
        let receipt = PendingReceipt::Private {
            peer: "bob".into(),
            uid: "U1".into(),
            time: 42,
        };
        let (topic, target, payload) = publish(&receipt, 7);
        assert_eq!((topic, target.as_str()), (Topic::PrivateMessage, "bob"));
        let up = decode(&payload).expect("an UpStreamMessage");
        assert_eq!(up.classname, "RC:ReadNtf");
        assert_eq!(up.session_id, 0, "neither persisted nor counted");
        let content: serde_json::Value = serde_json::from_str(&up.content).unwrap();
        assert_eq!(
            content,
            serde_json::json!({ "messageUId": "U1", "lastMessageSendTime": 42, "type": 1 })
        );
    }

    #[test]
    fn a_group_answer_is_directed_at_its_askers() {
        let mut answers = BTreeMap::new();
        answers.insert("alice".to_owned(), vec!["A1".to_owned()]);
        answers.insert("carol".to_owned(), vec!["C1".to_owned(), "C2".to_owned()]);
        let receipt = PendingReceipt::Group {
            group: "team".into(),
            answers,
        };
        let (topic, target, payload) = publish(&receipt, 7);
        assert_eq!((topic, target.as_str()), (Topic::GroupMessage, "team"));
        let up = decode(&payload).unwrap();
        assert_eq!(up.classname, "RC:RRRspMsg");
        assert_eq!(up.session_id, 0);
        assert_eq!(up.to_user_ids, ["alice", "carol"]);
        assert_eq!(
            up.content,
            r#"{"receiptMessageDic":{"alice":["A1"],"carol":["C1","C2"]}}"#
        );
        let (topic, payload) = request("M1", 8);
        assert_eq!(topic, Topic::GroupMessage);
        let up = decode(&payload).unwrap();
        assert_eq!(
            (up.classname.as_str(), up.content.as_str()),
            ("RC:RRReqMsg", r#"{"messageUId":"M1"}"#)
        );
    }

    #[test]
    fn received_receipts_are_told_apart_by_direction() {
        let bob = ConversationId::private("bob");
        let team = ConversationId::group("team");
        let ntf = r#"{"messageUId":"U1","lastMessageSendTime":42,"type":1}"#;
        assert_eq!(
            received(
                &incoming("RC:ReadNtf", bob.clone(), "bob", false, ntf),
                "me"
            ),
            Some(Received::PeerRead {
                peer: "bob".into(),
                time: 42
            })
        );
        assert_eq!(
            received(&incoming("RC:ReadNtf", bob.clone(), "me", true, ntf), "me"),
            Some(Received::ToldElsewhere {
                peer: "bob".into(),
                uid: "U1".into(),
                time: 42
            })
        );
        let req = r#"{"messageUId":"A1"}"#;
        assert_eq!(
            received(
                &incoming("RC:RRReqMsg", team.clone(), "alice", false, req),
                "me"
            ),
            Some(Received::Requested {
                group: "team".into(),
                uid: "A1".into(),
                asker: "alice".into(),
                time: 99
            })
        );
        let rsp = r#"{"receiptMessageDic":{"me":["M1"],"alice":["A1"]}}"#;
        assert_eq!(
            received(
                &incoming("RC:RRRspMsg", team.clone(), "bob", false, rsp),
                "me"
            ),
            Some(Received::Read {
                group: "team".into(),
                reader: "bob".into(),
                uids: vec!["M1".into()],
                time: 99
            })
        );
        // An answer to others only, a receipt in the wrong kind of chat, junk: nothing.
        let others = r#"{"receiptMessageDic":{"alice":["A1"]}}"#;
        assert_eq!(
            received(
                &incoming("RC:RRRspMsg", team.clone(), "bob", false, others),
                "me"
            ),
            None
        );
        assert_eq!(
            received(
                &incoming("RC:ReadNtf", team.clone(), "bob", false, ntf),
                "me"
            ),
            None
        );
        assert_eq!(
            received(&incoming("RC:RRReqMsg", team, "bob", false, "{nope"), "me"),
            None
        );
        assert_eq!(
            received(&incoming("RC:TxtMsg", bob, "bob", false, "{}"), "me"),
            None
        );
    }

    #[test]
    fn one_receipt_per_conversation_in_flight() {
        let mut sends = ReceiptSends::default();
        let bob = PendingReceipt::Private {
            peer: "bob".into(),
            uid: "U".into(),
            time: 1,
        };
        assert_eq!(sends.start(vec![bob.clone()]).len(), 1);
        assert!(sends.start(vec![bob.clone()]).is_empty());
        let lost = Err(RequestError::Timeout);
        assert_eq!(
            sends.answered(&bob.conversation(), &lost),
            ReceiptStep::Later
        );
        assert_eq!(sends.start(vec![bob.clone()]).len(), 1);
        let refused = Err(RequestError::Refused(AckStatus::ParameterInvalid));
        assert_eq!(
            sends.answered(&bob.conversation(), &refused),
            ReceiptStep::Done
        );
        sends.start(vec![bob.clone()]);
        sends.link_lost();
        assert_eq!(sends.start(vec![bob]).len(), 1);
    }
}
