//! Group commit of sends: the messages of every [`crate::Client::send`] waiting at once
//! are stored (each with its outbox row) in one transaction. A commit costs far more than
//! a row (WAL frames for every touched page, a new segment in each search index), so a
//! burst of sends pays it once rather than once each.
//!
//! No timer: the first send of an idle queue starts a writer on the blocking pool, which
//! takes everything queued, commits, answers, and takes again until nothing waits. A lone
//! send waits for nothing but that hop; under load the queue fills while a batch commits.
//! A send is answered only after its commit, so "sent to the outbox" still means stored.

use crate::error::{Error, Result};
use crate::model::{ConversationId, FileType, Message};
use crate::store::Store;
use crate::store::outbox::NewOutgoing;
use std::sync::{Mutex, MutexGuard};
use tokio::sync::oneshot;

/// Most sends in one transaction (bounds the time the store is held).
pub(crate) const MAX_BATCH: usize = 512;

/// A message to store and queue, owned (it crosses to the writer).
#[derive(Debug, Clone)]
pub(crate) struct QueuedSend {
    pub(crate) conversation: ConversationId,
    pub(crate) sender_id: String,
    pub(crate) object_name: String,
    pub(crate) content: String,
    pub(crate) now_ms: i64,
    pub(crate) client_unique_id: i64,
    pub(crate) counted: bool,
    pub(crate) upload: Option<(String, FileType)>,
}

impl QueuedSend {
    fn as_new(&self) -> NewOutgoing<'_> {
        NewOutgoing {
            conversation: &self.conversation,
            sender_id: &self.sender_id,
            object_name: &self.object_name,
            content: &self.content,
            now_ms: self.now_ms,
            client_unique_id: self.client_unique_id,
            counted: self.counted,
            upload: self.upload.as_ref().map(|(p, k)| (p.as_str(), *k)),
        }
    }
}

/// A send waiting for its commit.
#[derive(Debug)]
pub(crate) struct Job {
    pub(crate) send: QueuedSend,
    pub(crate) reply: oneshot::Sender<Result<Message>>,
}

#[derive(Debug, Default)]
struct State {
    jobs: Vec<Job>,
    /// A writer is running: it will take what is pushed now.
    writing: bool,
}

/// The sends waiting for the writer.
#[derive(Debug, Default)]
pub(crate) struct SendQueue {
    state: Mutex<State>,
}

impl SendQueue {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding it leaves a plain list behind; keep going with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `job`; `true` when no writer runs, so the caller must start one.
    pub(crate) fn push(&self, job: Job) -> bool {
        let mut state = self.state();
        state.jobs.push(job);
        !std::mem::replace(&mut state.writing, true)
    }

    /// The next batch (oldest first, at most [`MAX_BATCH`]); `None` when nothing waits,
    /// and the writer stops (the next push starts another).
    pub(crate) fn take(&self) -> Option<Vec<Job>> {
        let mut state = self.state();
        if state.jobs.is_empty() {
            state.writing = false;
            return None;
        }
        let len = state.jobs.len();
        let rest = state.jobs.split_off(len.min(MAX_BATCH));
        Some(std::mem::replace(&mut state.jobs, rest))
    }

    /// The writer ended without [`SendQueue::take`] saying so (it panicked): let the next
    /// push start one.
    pub(crate) fn writer_gone(&self) {
        self.state().writing = false;
    }
}

/// Stores `jobs` in one transaction, each message in its own savepoint so one refused row
/// fails alone. If the commit fails, none is stored and each hears so.
pub(crate) fn store_all(store: &mut Store, jobs: &[Job]) -> Vec<Result<Message>> {
    if let Err(error) = store.begin_batch() {
        // Each then commits on its own, as without a batch.
        tracing::warn!(%error, "send batch not started");
    }
    let mut results: Vec<Result<Message>> = jobs
        .iter()
        .map(|j| store.enqueue(&j.send.as_new()))
        .collect();
    if let Err(error) = store.end_batch() {
        tracing::error!(%error, sends = jobs.len(), "send batch not committed");
        store.abort_batch();
        let reason = error.to_string();
        for result in &mut results {
            if result.is_ok() {
                *result = Err(Error::NotStored(reason.clone()));
            }
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(n: i64) -> (Job, oneshot::Receiver<Result<Message>>) {
        let (reply, answer) = oneshot::channel();
        let send = QueuedSend {
            conversation: ConversationId::private("bob"),
            sender_id: "alice".into(),
            object_name: "RC:TxtMsg".into(),
            content: format!(r#"{{"content":"m{n}"}}"#),
            now_ms: 1_000 + n,
            client_unique_id: n,
            counted: true,
            upload: None,
        };
        (Job { send, reply }, answer)
    }

    #[test]
    fn the_first_push_starts_a_writer_and_the_rest_join_its_batch() {
        let queue = SendQueue::default();
        assert!(queue.push(job(1).0), "idle queue: start a writer");
        assert!(!queue.push(job(2).0), "a writer runs: it takes this one");
        assert!(!queue.push(job(3).0));
        let batch = queue.take().expect("batch");
        let ids: Vec<i64> = batch.iter().map(|j| j.send.client_unique_id).collect();
        assert_eq!(ids, [1, 2, 3], "one batch, oldest first");
        assert!(!queue.push(job(4).0), "still writing");
        assert_eq!(queue.take().map(|b| b.len()), Some(1));
        assert!(queue.take().is_none(), "nothing left: the writer stops");
        assert!(queue.push(job(5).0), "and the next push starts one again");
    }

    #[test]
    fn a_batch_is_at_most_max_batch() {
        let queue = SendQueue::default();
        for n in 0..(MAX_BATCH as i64 + 3) {
            queue.push(job(n).0);
        }
        assert_eq!(queue.take().map(|b| b.len()), Some(MAX_BATCH));
        assert_eq!(queue.take().map(|b| b.len()), Some(3));
    }

    #[test]
    fn a_refused_row_of_a_batch_fails_alone() {
        let mut store = Store::open_in_memory().expect("store");
        let (first, _) = job(1);
        let (double, _) = job(1); // same sender + clientUniqueId: refused by the index
        let (third, _) = job(3);
        let results = store_all(&mut store, &[first, double, third]);
        assert!(results[0].is_ok() && results[1].is_err() && results[2].is_ok());
        let queued = store
            .outbox(crate::store::outbox::OutboxStage::Publish, 10)
            .expect("outbox");
        let cuids: Vec<i64> = queued.iter().map(|e| e.client_unique_id).collect();
        assert_eq!(cuids, [1, 3]);
    }
}
