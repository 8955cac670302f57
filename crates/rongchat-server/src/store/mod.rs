//! SQLite persistence: one connection (WAL) behind a mutex for reads and small writes;
//! async callers hop to the blocking pool so the runtime never stalls on disk. Messages
//! are written by [`writer`] on a connection of its own, so a commit's sync never holds up
//! a pull (WAL readers do not wait for the writer). Transactions begin IMMEDIATE: with two
//! writing connections, a deferred one that read first could not take the write lock
//! after the other committed (SQLITE_BUSY without a retry).
//!
//! Acknowledged means durable: `synchronous = FULL`, so every commit syncs the WAL before
//! it returns, and the PUBACK (sent after the commit) never announces a message a power
//! cut could lose. NORMAL would only sync at checkpoints. The cost is one WAL sync per
//! commit, so messages go through [`writer`]: one thread commits every message waiting in
//! one transaction (group commit), one sync per batch.
//!
//! The schema evolves only through the numbered files in `migrations/`; the database's
//! `user_version` says how many have been applied.

pub mod accounts;
pub mod conversations;
pub mod erase;
pub mod files;
pub mod groups;
pub mod messages;
pub mod moderation;
pub mod profiles;
pub mod recall;
pub mod status;
pub mod writer;

pub use accounts::UserState;
pub use conversations::ConversationRow;
pub use files::FileRecord;
pub use messages::{Delivery, MessageRow, PullPage, StoredMessage};

use crate::error::{Error, Result};
use rusqlite::Connection;
use rusqlite::config::DbConfig;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The migrations, in order. Never edit an applied one: add a new file.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_client_unique_id.sql"),
    include_str!("../../migrations/0003_server_api.sql"),
    include_str!("../../migrations/0004_conversation_status.sql"),
];

/// Handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = Connection::open(path).map_err(|e| Error::Open(e.to_string()))?;
        // temp_store: savepoint journals in memory. The writer keeps each message of a batch
        // in its own savepoint, and on disk every page a message touched went to a temporary
        // file first: half of the writer thread's time in the routing bench (perf).
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;
             PRAGMA temp_store = MEMORY;",
        )
        .map_err(|e| Error::Open(e.to_string()))?;
        // A plan per statement, kept: without the planner's stability guarantee, SQLite
        // marks a `LIMIT ?` parameter so that every new binding re-prepares the statement
        // (in the routing bench, re-parsing the pull query took 12% of all CPU).
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(|e| Error::Open(e.to_string()))?;
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        migrate(&mut conn).map_err(|e| Error::Open(e.to_string()))?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The journal mode and `synchronous` level in force (`("wal", 2)`: FULL).
    pub fn durability(&self) -> Result<(String, i64)> {
        self.with(|c| {
            let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
            Ok((mode, sync))
        })
    }

    /// Runs `f` on the connection, on this thread (for short synchronous callers).
    pub fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self
            .conn
            .lock()
            .map_err(|_| Error::Task("database mutex poisoned".into()))?;
        f(&mut conn)
    }

    /// Runs a short read `f` here when the connection is free, else in the blocking pool:
    /// an indexed lookup takes microseconds, less than the hop to the pool and back (a
    /// tenth of the routing path's CPU when every message paid it), while a caller never
    /// waits on the runtime for a long query holding the connection.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        // The guard must be gone before the await: the match ends first.
        let f = match self.conn.try_lock() {
            Ok(mut conn) => return f(&mut conn),
            Err(std::sync::TryLockError::Poisoned(_)) => {
                return Err(Error::Task("database mutex poisoned".into()));
            }
            Err(std::sync::TryLockError::WouldBlock) => f,
        };
        self.run(f).await
    }

    /// Runs `f` on the connection in the blocking pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.with(f))
            .await
            .map_err(|e| Error::Task(e.to_string()))?
    }
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let applied: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let applied = usize::try_from(applied).unwrap_or(0);
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i64::try_from(index + 1).unwrap_or(0))?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_are_synced() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let (mode, sync) = store.durability().unwrap();
        eprintln!("server store: journal_mode={mode}, synchronous={sync} (2 = FULL)");
        assert_eq!((mode.as_str(), sync), ("wal", 2));
    }

    #[test]
    fn a_limit_parameter_keeps_the_prepared_plan() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let reprepared = store
            .with(|c| {
                let mut stmt =
                    c.prepare_cached("SELECT seq FROM messages ORDER BY seq LIMIT ?1")?;
                for limit in 1..=5 {
                    stmt.query_map([limit], |r| r.get::<_, i64>(0))?
                        .for_each(drop);
                }
                Ok(stmt.get_status(rusqlite::StatementStatus::RePrepare))
            })
            .unwrap();
        assert_eq!(reprepared, 0, "each new LIMIT re-prepared the statement");
    }

    #[test]
    fn migrations_apply_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        drop(Store::open(&path).unwrap());
        let store = Store::open(&path).unwrap();
        let version: i64 = store
            .with(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }

    // The guard is held across the yield on purpose: the read must find it held.
    #[allow(clippy::await_holding_lock)]
    #[tokio::test]
    async fn a_read_runs_here_when_the_connection_is_free_else_in_the_pool() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let here = std::thread::current().id();
        let ran_on = store
            .read(|_| Ok(std::thread::current().id()))
            .await
            .unwrap();
        assert_eq!(ran_on, here, "free: no hop to the blocking pool");
        // Held elsewhere: the read does not block this (the runtime's only) thread.
        let held = store.conn.lock().unwrap();
        let read = tokio::spawn({
            let store = store.clone();
            async move { store.read(|_| Ok(std::thread::current().id())).await }
        });
        // One turn for the spawned read: it finds the connection held.
        tokio::task::yield_now().await;
        drop(held);
        let ran_on = tokio::time::timeout(std::time::Duration::from_secs(10), read)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_ne!(ran_on, here, "held: the read waited in the blocking pool");
    }
}
