//! One store operation as a unit: all its writes land, or none.
//!
//! Outside a batch an operation is its own transaction. Inside one (`Store::begin_batch`)
//! it is a savepoint, so a failed operation undoes only itself and the batch goes on.
//! Every statement is prepared once per connection: rusqlite's `savepoint()` parsed its
//! SQL on every call, which the pipelined send bench showed at about a tenth of the
//! client's CPU with the savepoint's own work (perf).

use rusqlite::Connection;
use std::ops::Deref;

/// An operation in progress; dropped without [`Atomic::commit`], it is undone.
pub(crate) struct Atomic<'c> {
    conn: &'c Connection,
    /// Whether this operation began the transaction (else it is a savepoint in a batch).
    own_transaction: bool,
    finished: bool,
}

impl<'c> Atomic<'c> {
    /// Starts an operation on `conn`.
    pub(crate) fn begin(conn: &'c Connection) -> rusqlite::Result<Self> {
        let own_transaction = conn.is_autocommit();
        let sql = if own_transaction {
            "BEGIN"
        } else {
            "SAVEPOINT operation"
        };
        conn.prepare_cached(sql)?.execute([])?;
        Ok(Self {
            conn,
            own_transaction,
            finished: false,
        })
    }

    /// Keeps the operation's writes (commits them, unless a batch holds them).
    pub(crate) fn commit(mut self) -> rusqlite::Result<()> {
        let sql = if self.own_transaction {
            "COMMIT"
        } else {
            "RELEASE operation"
        };
        self.conn.prepare_cached(sql)?.execute([])?;
        self.finished = true;
        Ok(())
    }

    fn undo(&self) -> rusqlite::Result<()> {
        if self.own_transaction {
            // SQLite may have rolled back already (after some errors); then there is
            // nothing left to undo.
            if !self.conn.is_autocommit() {
                self.conn.prepare_cached("ROLLBACK")?.execute([])?;
            }
        } else {
            self.conn
                .prepare_cached("ROLLBACK TO operation")?
                .execute([])?;
            self.conn.prepare_cached("RELEASE operation")?.execute([])?;
        }
        Ok(())
    }
}

impl Deref for Atomic<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Atomic<'_> {
    fn drop(&mut self) {
        if !self.finished
            && let Err(error) = self.undo()
        {
            tracing::warn!(%error, "store operation not undone");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (v INTEGER)").unwrap();
        conn
    }

    fn values(conn: &Connection) -> Vec<i64> {
        let mut stmt = conn.prepare("SELECT v FROM t ORDER BY v").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn alone_an_operation_is_its_own_transaction() {
        let conn = table();
        let op = Atomic::begin(&conn).unwrap();
        op.execute("INSERT INTO t VALUES (1)", []).unwrap();
        assert!(!conn.is_autocommit());
        op.commit().unwrap();
        assert!(conn.is_autocommit());
        {
            let op = Atomic::begin(&conn).unwrap();
            op.execute("INSERT INTO t VALUES (2)", []).unwrap();
        }
        assert!(conn.is_autocommit());
        assert_eq!(values(&conn), [1]);
    }

    #[test]
    fn in_a_batch_a_dropped_operation_undoes_only_itself() {
        let conn = table();
        conn.execute_batch("BEGIN").unwrap();
        let kept = Atomic::begin(&conn).unwrap();
        kept.execute("INSERT INTO t VALUES (1)", []).unwrap();
        kept.commit().unwrap();
        {
            let failed = Atomic::begin(&conn).unwrap();
            failed.execute("INSERT INTO t VALUES (2)", []).unwrap();
        }
        let nested = Atomic::begin(&conn).unwrap();
        nested.execute("INSERT INTO t VALUES (3)", []).unwrap();
        nested.commit().unwrap();
        // The batch is still open: nothing committed yet, and the batch decides.
        assert!(!conn.is_autocommit());
        conn.execute_batch("COMMIT").unwrap();
        assert_eq!(values(&conn), [1, 3]);
    }
}
