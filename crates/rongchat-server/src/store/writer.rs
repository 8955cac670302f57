//! Group commit: one thread writes every message that is waiting in one transaction, so a
//! burst of senders shares one WAL sync (`synchronous = FULL`) instead of paying one each.
//! A caller hears back only after the commit returned: the PUBACK, the recipients' `s_ntf`
//! and the echo all follow a durable write.
//!
//! No timer: the thread takes what is queued when it wakes (at most [`MAX_BATCH`]) and
//! commits at once, so a lone message waits for nothing; under load the queue fills while
//! a commit syncs, and the next batch is larger. Message times are stamped here, in commit
//! order, so a reader whose cursor passed one batch never misses a message committed later
//! with an earlier time.
//!
//! A batch is first written as one plain transaction. Only when a message in it is refused
//! (a constraint, a broken row) is it rolled back and written again with each message in
//! its own savepoint, so the refused one fails alone: a savepoint copies every page its
//! message touches to the statement journal, a third of the writer's time when every
//! message paid it.

use super::{Delivery, Store, StoredMessage, conversations, messages};
use crate::clock::{MessageClock, message_uid, now_ms};
use crate::error::{Error, Result};
use rongchat_proto::ConversationType;
use rusqlite::{Connection, TransactionBehavior};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{mpsc, oneshot};

/// At most this many messages in one transaction (bounds the time the connection is held
/// and the work lost to one failed commit).
pub const MAX_BATCH: usize = 256;
/// Messages waiting for the writer before senders wait to enqueue (backpressure).
const QUEUE: usize = 4096;

/// A message to store; its `uid` and `data_time` are stamped by the writer.
#[derive(Debug)]
pub struct Write {
    /// The message (stamp fields are overwritten).
    pub message: StoredMessage,
    /// Every user's copy, the sender's included.
    pub deliveries: Vec<Delivery>,
    /// `RC:SRSMsg`: mark the sender's conversation read.
    pub read_mark: Option<ReadMark>,
}

/// "The sender read this conversation up to `up_to`" (`None`: the message's own time).
#[derive(Debug)]
pub struct ReadMark {
    /// The conversation's type.
    pub conversation: ConversationType,
    /// Its target, from the sender's side.
    pub target: String,
    /// Read up to this time.
    pub up_to: Option<i64>,
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// Stored now with this stamp.
    Stored {
        /// `messageUId`.
        uid: String,
        /// Server time.
        data_time: i64,
    },
    /// A resend (same `clientUniqueId`) of a message stored earlier: that one's stamp.
    Resent {
        /// `messageUId`.
        uid: String,
        /// Server time.
        data_time: i64,
    },
}

/// The writer's counters since start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriterStats {
    /// Transactions committed.
    pub commits: u64,
    /// Messages stored by them.
    pub messages: u64,
    /// Messages queued or in the batch being written, not yet answered.
    pub waiting: u64,
    /// Batches written again message by message because one of their messages was refused.
    pub rewritten: u64,
}

#[derive(Debug, Default)]
struct Counters {
    commits: AtomicU64,
    messages: AtomicU64,
    in_batch: AtomicU64,
    rewritten: AtomicU64,
}

struct Job {
    write: Write,
    reply: oneshot::Sender<Result<Written>>,
}

/// Handle to the writer thread; cheap to clone. The thread ends when every handle is gone.
#[derive(Debug, Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
    counters: Arc<Counters>,
    store: Store,
}

impl Writer {
    /// Starts the writer thread on `store` (a connection of its own), stamping times from
    /// `clock`.
    pub fn start(store: Store, clock: Arc<MessageClock>) -> Result<Self> {
        let (queue, jobs) = mpsc::channel(QUEUE);
        let counters = Arc::new(Counters::default());
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn({
                let (counters, store) = (counters.clone(), store.clone());
                move || run(jobs, &store, &clock, &counters)
            })?;
        Ok(Self {
            queue,
            counters,
            store,
        })
    }

    /// The writer connection's journal mode and `synchronous` level.
    pub fn durability(&self) -> Result<(String, i64)> {
        self.store.durability()
    }

    /// Stores `write` in the next batch; returns once that batch is committed (synced).
    pub async fn write(&self, write: Write) -> Result<Written> {
        self.enqueue(write).await?.written().await
    }

    /// Queues `write` (in call order: the writer stamps times in queue order) and returns
    /// without waiting for its commit, so one connection can have many messages in one
    /// batch; [`Queued::written`] waits for it.
    pub async fn enqueue(&self, write: Write) -> Result<Queued> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job { write, reply })
            .await
            .map_err(|_| stopped())?;
        Ok(Queued(answer))
    }

    /// Counters, for tests and benchmarks.
    pub fn stats(&self) -> WriterStats {
        let queued = self.queue.max_capacity() - self.queue.capacity();
        WriterStats {
            commits: self.counters.commits.load(Ordering::Relaxed),
            messages: self.counters.messages.load(Ordering::Relaxed),
            waiting: u64::try_from(queued).unwrap_or(u64::MAX)
                + self.counters.in_batch.load(Ordering::Relaxed),
            rewritten: self.counters.rewritten.load(Ordering::Relaxed),
        }
    }
}

/// A queued write, not yet known to be committed.
#[derive(Debug)]
pub struct Queued(oneshot::Receiver<Result<Written>>);

impl Queued {
    /// Returns once the batch holding the write is committed (synced).
    pub async fn written(self) -> Result<Written> {
        self.0.await.map_err(|_| stopped())?
    }
}

fn stopped() -> Error {
    Error::Task("the message writer stopped".into())
}

fn run(mut jobs: mpsc::Receiver<Job>, store: &Store, clock: &MessageClock, counters: &Counters) {
    while let Some(first) = jobs.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        counters.in_batch.store(
            u64::try_from(batch.len()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        let (mut writes, replies): (Vec<_>, Vec<_>) =
            batch.into_iter().map(|j| (j.write, j.reply)).unzip();
        let count = writes.len();
        let results = match store.with(|c| commit(c, clock, &mut writes, counters)) {
            Ok(results) => {
                counters.commits.fetch_add(1, Ordering::Relaxed);
                let stored = results
                    .iter()
                    .filter(|r| matches!(r, Ok(Written::Stored { .. })))
                    .count();
                counters
                    .messages
                    .fetch_add(u64::try_from(stored).unwrap_or(0), Ordering::Relaxed);
                results
            }
            // Nothing of the batch is stored: every sender hears so.
            Err(e) => {
                tracing::error!(messages = count, "message batch not committed: {e}");
                let reason = e.to_string();
                (0..count)
                    .map(|_| Err(Error::Batch(reason.clone())))
                    .collect()
            }
        };
        for (reply, result) in replies.into_iter().zip(results) {
            // A sender that went away meanwhile resends (same clientUniqueId) and is
            // answered from the stored copy.
            let _ = reply.send(result);
        }
        counters.in_batch.store(0, Ordering::Relaxed);
    }
}

/// Writes `writes` in one transaction; if one of them is refused, writes them again with
/// each in its own savepoint so that one fails alone. The outer error means nothing was
/// committed.
fn commit(
    conn: &mut Connection,
    clock: &MessageClock,
    writes: &mut [Write],
    counters: &Counters,
) -> Result<Vec<Result<Written>>> {
    if let Some(written) = commit_whole(conn, clock, writes)? {
        return Ok(written);
    }
    counters.rewritten.fetch_add(1, Ordering::Relaxed);
    commit_one_by_one(conn, clock, writes)
}

/// The batch as one plain transaction: `None` (rolled back) as soon as one write fails.
/// The times it stamped are not reused; the clock only has to move forward.
fn commit_whole(
    conn: &mut Connection,
    clock: &MessageClock,
    writes: &mut [Write],
) -> Result<Option<Vec<Result<Written>>>> {
    // IMMEDIATE: take the write lock up front, so a lock held elsewhere fails the batch
    // once rather than each message after its own busy timeout.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut results = Vec::with_capacity(writes.len());
    for write in writes.iter_mut() {
        match write_one(&tx, clock, write) {
            Ok(written) => results.push(Ok(written)),
            // Dropping `tx` rolls it back.
            Err(_) => return Ok(None),
        }
    }
    tx.commit()?;
    Ok(Some(results))
}

/// The batch in one transaction, each write in its own savepoint.
fn commit_one_by_one(
    conn: &mut Connection,
    clock: &MessageClock,
    writes: &mut [Write],
) -> Result<Vec<Result<Written>>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Cached statements rather than rusqlite's savepoints, which parse SQL every time.
    let run = |sql: &str| -> Result<()> {
        tx.prepare_cached(sql)?.execute([])?;
        Ok(())
    };
    let mut results = Vec::with_capacity(writes.len());
    for write in writes.iter_mut() {
        run("SAVEPOINT message")?;
        match write_one(&tx, clock, write) {
            Ok(written) => {
                run("RELEASE message")?;
                results.push(Ok(written));
            }
            Err(e) => {
                // Undo this message only.
                run("ROLLBACK TO message")?;
                run("RELEASE message")?;
                results.push(Err(e));
            }
        }
    }
    tx.commit()?;
    Ok(results)
}

/// Stores one message, stamping its time and uid into `write` (again when a batch is
/// written a second time).
fn write_one(conn: &Connection, clock: &MessageClock, write: &mut Write) -> Result<Written> {
    let Write {
        message,
        deliveries,
        read_mark,
    } = write;
    // The SDK resends with the same clientUniqueId when a PUBACK was lost: answer with
    // the stored copy, store nothing twice.
    if let Some(client_id) = message.client_unique_id
        && let Some((uid, data_time)) =
            messages::find_resent(conn, &message.from_user, &message.target_id, client_id)?
    {
        return Ok(Written::Resent { uid, data_time });
    }
    message.data_time = clock.next(now_ms());
    message.uid = message_uid(message.data_time);
    messages::insert(conn, message, deliveries)?;
    if let Some(mark) = read_mark {
        let up_to = mark.up_to.unwrap_or(message.data_time);
        conversations::mark_read(
            conn,
            &message.from_user,
            mark.conversation,
            &mark.target,
            up_to,
        )?;
    }
    Ok(Written::Stored {
        uid: message.uid.clone(),
        data_time: message.data_time,
    })
}
