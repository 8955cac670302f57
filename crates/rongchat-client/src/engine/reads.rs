//! Read states for the server and this user's other devices, pure: each queued read
//! goes out as `updRRTime`, then as an `RC:SRSMsg` read sync; it is forgotten only when
//! both were acked, or the server refused it for good (retrying would never end).

use crate::model::ConversationId;
use crate::session::{Reply, RequestError};
use std::collections::HashSet;

/// What to do after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadStep {
    /// `updRRTime` was acked: publish the read sync.
    PublishSync,
    /// Done (or refused for good): forget the queued read.
    Done,
    /// Lost or timed out: keep it queued for the next connect.
    Later,
}

/// Conversations whose read state is on its way.
#[derive(Debug, Default)]
pub struct ReadSyncs {
    in_flight: HashSet<ConversationId>,
}

impl ReadSyncs {
    /// Of the queued reads, the ones to send now (one at a time per conversation).
    pub fn start(&mut self, queued: Vec<(ConversationId, i64)>) -> Vec<(ConversationId, i64)> {
        queued
            .into_iter()
            .filter(|(conversation, _)| self.in_flight.insert(conversation.clone()))
            .collect()
    }

    /// The answer to `updRRTime`.
    pub fn time_answered(
        &mut self,
        conversation: &ConversationId,
        result: &Result<Reply, RequestError>,
    ) -> ReadStep {
        match result {
            Ok(_) => ReadStep::PublishSync,
            Err(error) => self.end(conversation, error),
        }
    }

    /// The answer to the read sync PUBLISH.
    pub fn sync_answered(
        &mut self,
        conversation: &ConversationId,
        result: &Result<Reply, RequestError>,
    ) -> ReadStep {
        match result {
            Ok(_) => {
                self.in_flight.remove(conversation);
                ReadStep::Done
            }
            Err(error) => self.end(conversation, error),
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

    fn end(&mut self, conversation: &ConversationId, error: &RequestError) -> ReadStep {
        self.in_flight.remove(conversation);
        match error {
            RequestError::Refused(_) => ReadStep::Done,
            _ => ReadStep::Later,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rongchat_proto::status::AckStatus;

    fn acked() -> Result<Reply, RequestError> {
        Ok(Reply::Query {
            payload: Vec::new(),
            date: 0,
        })
    }

    #[test]
    fn two_steps_then_done() {
        let mut reads = ReadSyncs::default();
        let bob = ConversationId::private("bob");
        let started = reads.start(vec![(bob.clone(), 10)]);
        assert_eq!(started, vec![(bob.clone(), 10)]);
        // A second queue pass while it is out sends nothing more for bob.
        assert!(reads.start(vec![(bob.clone(), 11)]).is_empty());
        assert_eq!(reads.time_answered(&bob, &acked()), ReadStep::PublishSync);
        assert_eq!(reads.sync_answered(&bob, &acked()), ReadStep::Done);
        assert_eq!(reads.start(vec![(bob.clone(), 11)]).len(), 1);
    }

    #[test]
    fn refusals_end_and_losses_wait() {
        let mut reads = ReadSyncs::default();
        let bob = ConversationId::private("bob");
        reads.start(vec![(bob.clone(), 10)]);
        let refused = Err(RequestError::Refused(AckStatus::ParameterInvalid));
        assert_eq!(reads.time_answered(&bob, &refused), ReadStep::Done);
        reads.start(vec![(bob.clone(), 10)]);
        assert_eq!(
            reads.time_answered(&bob, &Err(RequestError::Timeout)),
            ReadStep::Later
        );
        reads.start(vec![(bob.clone(), 10)]);
        reads.link_lost();
        assert_eq!(reads.start(vec![(bob.clone(), 10)]).len(), 1);
    }
}
