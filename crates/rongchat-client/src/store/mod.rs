//! The local SQLite store: messages, conversations, sync cursors and the outbox.
//!
//! One connection in WAL mode. The schema evolves only through the numbered files under
//! `migrations/`; `PRAGMA user_version` records how far a database got. Opening or
//! migrating fails with [`Error::StoreOpen`]; later query failures are [`Error::Store`].

mod atomic;
mod conversations;
mod erase;
mod mentions;
pub mod messages;
pub mod outbox;
pub mod profiles;
pub mod receipts;
pub mod search;
mod status;

pub use outbox::{OutboxEntry, OutboxStage};
pub use search::SearchHit;

use crate::error::{Error, Result};
use crate::model::{ConversationId, ConversationType, Direction, Message, SendFailure, SendStatus};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::path::Path;

/// The migrations, in order; entry `i` brings a database to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_read_syncs.sql"),
    include_str!("../../migrations/0003_search.sql"),
    include_str!("../../migrations/0004_receipts.sql"),
    // A database that took 0006 as its 5th file skips 0005 (the profile cache is best
    // effort: the app then reads names from the server only) and takes 0006 again (safe).
    include_str!("../../migrations/0005_profiles.sql"),
    include_str!("../../migrations/0006_status_outbox.sql"),
    include_str!("../../migrations/0007_search_grams.sql"),
    include_str!("../../migrations/0008_notification_level.sql"),
    include_str!("../../migrations/0009_search_pending.sql"),
];

/// Prepared statements kept by the connection (rusqlite's default is 16; the store has
/// more hot statements than that).
const STATEMENT_CACHE: usize = 128;

/// The three pull cursors of §8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursors {
    /// Newest inbox time pulled (`syncTime`).
    pub inbox: i64,
    /// Newest time of this user's own messages from other devices (`sendBoxSyncTime`).
    pub outbox: i64,
    /// Broadcast cursor; 1 on a fresh profile, like the SDK.
    pub broadcast: i64,
}

impl Default for Cursors {
    fn default() -> Self {
        Self {
            inbox: 0,
            outbox: 0,
            broadcast: 1,
        }
    }
}

/// The store. Not `Sync`: callers share it behind a mutex.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// The signed-in user, for "mentions me" (`mentions.rs`).
    me: mentions::Me,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Self> {
        let open_err = |source| Error::StoreOpen {
            path: path.display().to_string(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        Self::init(conn).map_err(open_err)
    }

    /// An in-memory store, for tests.
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(|source| Error::StoreOpen {
            path: ":memory:".into(),
            source,
        })?;
        Self::init(conn).map_err(|source| Error::StoreOpen {
            path: ":memory:".into(),
            source,
        })
    }

    fn init(mut conn: Connection) -> rusqlite::Result<Self> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // WAL + NORMAL survives a process crash (not a power cut) and keeps sends fast.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Savepoint journals in memory: a batch keeps each message in its own savepoint, and
        // on disk every page it touched was written to a temporary file first.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Keep each prepared plan: otherwise a `LIMIT ?` parameter (the outbox scan, history
        // pages) re-prepares its statement on every new binding.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        search::register(&conn)?;
        let me = mentions::Me::default();
        mentions::register(&conn, &me)?;
        // Every hot-path statement is prepared once (`prepare_cached`); parsing SQL per
        // message was a quarter of the send path's CPU.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(Self { conn, me })
    }

    /// The schema version reached.
    pub fn schema_version(&self) -> Result<usize> {
        let version: i64 = self
            .conn
            .prepare_cached("PRAGMA user_version")?
            .query_row([], |r| r.get(0))?;
        Ok(version.max(0) as usize)
    }

    /// The stored pull cursors.
    pub fn cursors(&self) -> Result<Cursors> {
        let mut cursors = Cursors::default();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, value FROM cursors")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (name, value) = row?;
            match name.as_str() {
                "inbox" => cursors.inbox = value,
                "outbox" => cursors.outbox = value,
                "broadcast" => cursors.broadcast = value,
                _ => {}
            }
        }
        Ok(cursors)
    }

    /// One message by local id.
    pub fn message(&self, local_id: i64) -> Result<Option<Message>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages WHERE local_id = ?1"
            ))?
            .query_row(params![local_id], message_from_row)
            .optional()?)
    }

    /// One message by messageUId.
    pub fn message_by_uid(&self, uid: &str) -> Result<Option<Message>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages WHERE uid = ?1"
            ))?
            .query_row(params![uid], message_from_row)
            .optional()?)
    }

    /// Opens a batch: every write until [`Store::end_batch`] is one transaction (each
    /// method's own transaction becomes a savepoint inside it), so a burst of acks or
    /// sends costs one commit. A crash before the end loses the whole batch and nothing
    /// else: the outbox still holds every message the batch would have marked sent, and
    /// they go again with their clientUniqueId. Nested calls are not counted: a batch
    /// already open stays the one batch.
    pub fn begin_batch(&mut self) -> Result<()> {
        if self.conn.is_autocommit() {
            self.conn.prepare_cached("BEGIN")?.execute([])?;
        }
        Ok(())
    }

    /// Commits the batch (nothing to do when none is open, or when SQLite already rolled
    /// it back after a failure).
    pub fn end_batch(&mut self) -> Result<()> {
        if !self.conn.is_autocommit() {
            // A burst indexes its messages in this commit; a lone message waits for more
            // (or for a search) instead of writing index segments of its own. A failed
            // indexing is logged, never a reason to lose the batch: its list stays, and
            // the next search tries again.
            if let Err(error) = self.index_if_due() {
                tracing::warn!(%error, "search index not updated");
            }
            self.conn.prepare_cached("COMMIT")?.execute([])?;
        }
        Ok(())
    }

    /// Rolls back an open batch (after its commit failed: SQLite may keep it open).
    pub fn abort_batch(&mut self) {
        if !self.conn.is_autocommit()
            && let Err(error) = self.conn.execute_batch("ROLLBACK")
        {
            tracing::warn!(%error, "batch not rolled back");
        }
    }

    /// How many messages are stored (all conversations).
    pub fn message_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM messages")?
            .query_row([], |r| r.get(0))?)
    }
}

fn write_cursors(tx: &Connection, cursors: Cursors) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO cursors (name, value) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )?;
    stmt.execute(params!["inbox", cursors.inbox])?;
    stmt.execute(params!["outbox", cursors.outbox])?;
    stmt.execute(params!["broadcast", cursors.broadcast])?;
    Ok(())
}

/// How many columns [`MESSAGE_COLUMNS`] names (a query may put more after them).
pub(crate) const MESSAGE_COLUMN_COUNT: usize = 12;

pub(crate) const MESSAGE_COLUMNS: &str = "local_id, uid, conv_type, target_id, sender_id, \
     direction, object_name, content, sent_time, status, fail_reason, local_path";

pub(crate) fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    Ok(Message {
        local_id: row.get(0)?,
        uid: row.get(1)?,
        conversation: ConversationId {
            kind: ConversationType::from_code(row.get(2)?),
            target_id: row.get(3)?,
        },
        sender_id: row.get(4)?,
        direction: Direction::from_code(row.get(5)?),
        object_name: row.get(6)?,
        content: row.get(7)?,
        sent_time: row.get(8)?,
        status: SendStatus::from_code(row.get(9)?),
        failure: row
            .get::<_, Option<String>>(10)?
            .map(|text| SendFailure::from_column(&text)),
        local_path: row.get(11)?,
    })
}

#[cfg(test)]
mod tests;
