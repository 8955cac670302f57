//! Groups and their members.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// Creates the group if needed (renaming it when `name` is not empty) and adds `members`.
pub fn join(
    conn: &mut Connection,
    group_id: &str,
    name: &str,
    members: &[&str],
    now: i64,
) -> Result<()> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO groups (group_id, name, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(group_id) DO UPDATE SET
           name = CASE WHEN excluded.name = '' THEN groups.name ELSE excluded.name END",
        params![group_id, name, now],
    )?;
    for member in members {
        tx.execute(
            "INSERT OR IGNORE INTO group_members (group_id, user_id, joined_at) VALUES (?1, ?2, ?3)",
            params![group_id, member, now],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Removes `members` from the group.
pub fn quit(conn: &mut Connection, group_id: &str, members: &[&str]) -> Result<()> {
    let tx = conn.transaction()?;
    for member in members {
        tx.execute(
            "DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2",
            params![group_id, member],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The members of a group, or `None` if there is no such group.
pub fn members(conn: &Connection, group_id: &str) -> Result<Option<Vec<String>>> {
    let exists = conn
        .query_row(
            "SELECT 1 FROM groups WHERE group_id = ?1",
            [group_id],
            |_| Ok(()),
        )
        .optional()?;
    if exists.is_none() {
        return Ok(None);
    }
    let mut stmt = conn
        .prepare_cached("SELECT user_id FROM group_members WHERE group_id = ?1 ORDER BY user_id")?;
    let members = stmt
        .query_map([group_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(Some(members))
}
