//! Conversation status (pin, do-not-disturb) with the server, sans-I/O (facts in
//! `PROTOCOL-NOTES.md`, "Conversation status"): `pullSeAtts` on every connect and on each
//! `s_cmd` type 3 (a change from another device or the Server API), one pull at a time
//! with one more queued; the user's own pins and mutes go out as `setSeAtt`.

use super::{Engine, Waiter};
use crate::model::ConversationId;
use crate::session::{ConnectionStatus, Reply, RequestError, RequestKind};
use crate::store::Store;
use prost::Message as _;
use rongchat_proto::conversation_status::{STATUS_CHANGED_COMMAND, StatusUpdate};
use rongchat_proto::{Topic, pb};
use std::time::Instant;

/// Conversations one `setSeAtt` of ours carries (the server takes 100).
const MAX_CHANGES: usize = 100;

/// One status pull in flight, at most one more asked for meanwhile; one change of ours.
#[derive(Debug, Default)]
pub struct StatusPull {
    in_flight: bool,
    again: bool,
    /// A `setSeAtt` of ours is out.
    pub sending: bool,
}

impl StatusPull {
    /// A pull is wanted: `true` when it should go now.
    pub fn request(&mut self) -> bool {
        if self.in_flight {
            self.again = true;
            return false;
        }
        self.in_flight = true;
        true
    }

    /// The pull ended: `true` when another was asked for meanwhile.
    pub fn finished(&mut self) -> bool {
        self.in_flight = false;
        std::mem::take(&mut self.again)
    }

    /// The link dropped: the next connect pulls anyway.
    pub fn link_lost(&mut self) {
        *self = Self::default();
    }
}

/// Whether a server command says our conversation status changed.
pub fn is_status_command(payload: &[u8]) -> bool {
    pb::decode_checked::<pb::NotifyMsg>(payload).is_ok_and(|n| n.r#type == STATUS_CHANGED_COMMAND)
}

impl Engine {
    /// Pulls the statuses changed since our version (now, or after the one in flight).
    pub(super) fn pull_statuses(&mut self, now: Instant, store: &mut Store) {
        if self.session.status() != ConnectionStatus::Connected || !self.statuses.request() {
            return;
        }
        let version = match store.status_version() {
            Ok(version) => version,
            Err(error) => {
                self.statuses.finished();
                return self.store_failed("reading the status version", &error);
            }
        };
        let payload = pb::SessionReq { time: version }.encode_to_vec();
        match self.session.ask(
            RequestKind::Query,
            now,
            Topic::ConversationStates.as_str(),
            &self.me,
            payload,
        ) {
            Ok(id) => {
                self.waiters.insert(id, Waiter::StatusPull);
            }
            Err(_) => self.statuses.link_lost(),
        }
    }

    /// A `pullSeAtts` answer: the statuses we can read are applied, their conversations
    /// announced; a malformed one is skipped, never fatal.
    pub(super) fn on_statuses(
        &mut self,
        now: Instant,
        result: Result<Reply, RequestError>,
        store: &mut Store,
    ) {
        let again = self.statuses.finished();
        if let Ok(Reply::Query { payload, .. }) = result {
            match pb::decode_checked::<pb::SessionStates>(&payload) {
                Ok(states) => self.apply_statuses(&states, store),
                Err(error) => tracing::warn!(%error, "undecodable conversation states"),
            }
        }
        if again {
            self.pull_statuses(now, store);
        }
    }

    fn apply_statuses(&mut self, states: &pb::SessionStates, store: &mut Store) {
        let updates: Vec<StatusUpdate> = states
            .state
            .iter()
            .filter_map(|s| {
                StatusUpdate::from_wire(s)
                    .inspect_err(|error| tracing::debug!(%error, "conversation state skipped"))
                    .ok()
            })
            .collect();
        // Past every state seen, readable or not, so a bad one is not pulled forever.
        let version = states
            .state
            .iter()
            .filter_map(|s| s.time)
            .chain([states.version])
            .max()
            .unwrap_or(0);
        match store.apply_statuses(&updates, version) {
            Ok(changed) => {
                for id in changed {
                    self.emit_conversation(&id, store);
                }
            }
            Err(error) => self.store_failed("applying conversation states", &error),
        }
    }

    /// This user pinned or muted a conversation (queued in the store): tell the server,
    /// which tells the other devices; offline, the next connect does.
    pub fn statuses_changed(&mut self, now: Instant, store: &mut Store) {
        self.send_statuses(now, store);
        self.drain(now, store);
    }

    /// Sends the queued local changes as one `setSeAtt`, one at a time.
    pub(super) fn send_statuses(&mut self, now: Instant, store: &mut Store) {
        if self.session.status() != ConnectionStatus::Connected || self.statuses.sending {
            return;
        }
        let queued = match store.queued_statuses(MAX_CHANGES) {
            Ok(queued) if !queued.is_empty() => queued,
            Ok(_) => return,
            Err(error) => return self.store_failed("reading queued statuses", &error),
        };
        let version = store.status_version().unwrap_or(0);
        let payload = pb::SessionStateModifyReq {
            version,
            state: queued.iter().map(|(u, _)| u.to_wire()).collect(),
            ignore_version: Some(true),
        }
        .encode_to_vec();
        let sent = queued
            .into_iter()
            .map(|(u, seq)| {
                let id = ConversationId {
                    kind: u.conversation_type,
                    target_id: u.target_id,
                };
                (id, seq)
            })
            .collect();
        if let Ok(id) = self.session.ask(
            RequestKind::Query,
            now,
            Topic::SetConversationStates.as_str(),
            &self.me,
            payload,
        ) {
            self.waiters.insert(id, Waiter::StatusSet(sent));
            self.statuses.sending = true;
        }
    }

    /// A `setSeAtt` answer: acked or refused changes are forgotten (a refusal ends one, as
    /// for receipts); a lost one goes again on the next connect. The new version is ours
    /// if we had seen every earlier change.
    pub(super) fn on_status_set(
        &mut self,
        now: Instant,
        sent: Vec<(ConversationId, i64)>,
        result: Result<Reply, RequestError>,
        store: &mut Store,
    ) {
        self.statuses.sending = false;
        match result {
            Ok(Reply::Query { payload, .. }) => {
                if let Ok(reply) = pb::decode_checked::<pb::SessionStateModifyResp>(&payload)
                    && reply.update_version == Some(true)
                    && let Err(error) = store.apply_statuses(&[], reply.version)
                {
                    self.store_failed("recording the status version", &error);
                }
            }
            Err(RequestError::Refused(status)) => {
                tracing::info!(%status, "conversation status change refused");
            }
            _ => return,
        }
        if let Err(error) = store.statuses_sent(&sent) {
            return self.store_failed("forgetting sent statuses", &error);
        }
        // Changes made meanwhile.
        self.send_statuses(now, store);
    }
}

/// The update a local pin or mute sends.
pub fn local_update(
    id: &ConversationId,
    pinned: Option<bool>,
    muted: Option<bool>,
) -> StatusUpdate {
    StatusUpdate {
        conversation_type: id.kind,
        target_id: id.target_id.clone(),
        time: 0,
        pinned,
        level: muted.map(rongchat_proto::conversation_status::level_of_muted),
    }
}
