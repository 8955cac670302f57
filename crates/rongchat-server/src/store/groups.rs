//! Groups and their members.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// Creates the group, or renames it when `name` is not empty.
fn upsert_group(tx: &Transaction<'_>, group_id: &str, name: &str, now: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO groups (group_id, name, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(group_id) DO UPDATE SET
           name = CASE WHEN excluded.name = '' THEN groups.name ELSE excluded.name END",
        params![group_id, name, now],
    )?;
    Ok(())
}

/// Adds one member (already one: unchanged).
fn add_member(tx: &Transaction<'_>, group_id: &str, user_id: &str, now: i64) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO group_members (group_id, user_id, joined_at) VALUES (?1, ?2, ?3)",
        params![group_id, user_id, now],
    )?;
    Ok(())
}

/// Creates the group if needed (renaming it when `name` is not empty) and adds `members`.
pub fn join(
    conn: &mut Connection,
    group_id: &str,
    name: &str,
    members: &[&str],
    now: i64,
) -> Result<()> {
    let tx = conn.transaction()?;
    upsert_group(&tx, group_id, name, now)?;
    for member in members {
        add_member(&tx, group_id, member, now)?;
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
        .prepare_cached("SELECT 1 FROM groups WHERE group_id = ?1")?
        .query_row([group_id], |_| Ok(()))
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

/// Removes the group and its members, gags included; false if there is no such group.
pub fn dismiss(conn: &mut Connection, group_id: &str) -> Result<bool> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM group_members WHERE group_id = ?1", [group_id])?;
    tx.execute("DELETE FROM group_gags WHERE group_id = ?1", [group_id])?;
    let n = tx.execute("DELETE FROM groups WHERE group_id = ?1", [group_id])?;
    tx.commit()?;
    Ok(n > 0)
}

/// Renames a group; false if there is no such group.
pub fn rename(conn: &Connection, group_id: &str, name: &str) -> Result<bool> {
    let n = conn.execute(
        "UPDATE groups SET name = ?2 WHERE group_id = ?1",
        params![group_id, name],
    )?;
    Ok(n > 0)
}

/// The groups `user_id` belongs to, as (id, name), by id.
pub fn groups_of(conn: &Connection, user_id: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.group_id, g.name FROM group_members m JOIN groups g ON g.group_id = m.group_id
         WHERE m.user_id = ?1 ORDER BY g.group_id",
    )?;
    let rows = stmt
        .query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Makes `groups` (id, name) exactly the user's groups: joins (creating or renaming) each,
/// leaves every other one.
pub fn sync(
    conn: &mut Connection,
    user_id: &str,
    groups: &[(String, String)],
    now: i64,
) -> Result<()> {
    let tx = conn.transaction()?;
    let current: Vec<String> = {
        let mut stmt = tx.prepare("SELECT group_id FROM group_members WHERE user_id = ?1")?;
        stmt.query_map([user_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    for old in current
        .iter()
        .filter(|g| !groups.iter().any(|(id, _)| id == *g))
    {
        tx.execute(
            "DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2",
            params![old, user_id],
        )?;
    }
    for (id, name) in groups {
        upsert_group(&tx, id, name, now)?;
        add_member(&tx, id, user_id, now)?;
    }
    tx.commit()?;
    Ok(())
}
