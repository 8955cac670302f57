//! What the profile topics read: users' names and portraits, groups and their members
//! (written by the Server API: `user/getToken`, `user/refresh`, `group/*`).

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// A user as the profile topics show one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCard {
    pub user_id: String,
    pub name: String,
    pub portrait: String,
}

/// A group as `qChannelInfo` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCard {
    pub group_id: String,
    pub name: String,
    pub created_at: i64,
    pub member_count: i64,
    /// When the asking user joined; `None`: not a member.
    pub joined_at: Option<i64>,
}

/// A group member with the profile to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberCard {
    pub user: UserCard,
    pub joined_at: i64,
}

/// The users among `ids` that exist, in the order asked.
pub fn users(conn: &Connection, ids: &[String]) -> Result<Vec<UserCard>> {
    let mut stmt =
        conn.prepare_cached("SELECT user_id, name, portrait FROM users WHERE user_id = ?1")?;
    let mut cards = Vec::with_capacity(ids.len());
    for id in ids {
        let card = stmt
            .query_row([id], |r| {
                Ok(UserCard {
                    user_id: r.get(0)?,
                    name: r.get(1)?,
                    portrait: r.get(2)?,
                })
            })
            .optional()?;
        cards.extend(card);
    }
    Ok(cards)
}

/// The group as `viewer` sees it, if it exists.
pub fn group(conn: &Connection, group_id: &str, viewer: &str) -> Result<Option<GroupCard>> {
    Ok(conn
        .query_row(
            "SELECT g.group_id, g.name, g.created_at,
                    (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.group_id),
                    (SELECT joined_at FROM group_members m
                      WHERE m.group_id = g.group_id AND m.user_id = ?2)
             FROM groups g WHERE g.group_id = ?1",
            params![group_id, viewer],
            |r| {
                Ok(GroupCard {
                    group_id: r.get(0)?,
                    name: r.get(1)?,
                    created_at: r.get(2)?,
                    member_count: r.get(3)?,
                    joined_at: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// Whether `user_id` is a member of the group.
pub fn is_member(conn: &Connection, group_id: &str, user_id: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM group_members WHERE group_id = ?1 AND user_id = ?2",
            params![group_id, user_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Up to `limit` members after the first `offset`, by join time then id, with the total.
pub fn members_page(
    conn: &Connection,
    group_id: &str,
    offset: usize,
    limit: usize,
) -> Result<(Vec<MemberCard>, usize)> {
    let total: i64 = conn.query_row(
        "SELECT COUNT(*) FROM group_members WHERE group_id = ?1",
        [group_id],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT m.user_id, COALESCE(u.name, ''), COALESCE(u.portrait, ''), m.joined_at
         FROM group_members m LEFT JOIN users u ON u.user_id = m.user_id
         WHERE m.group_id = ?1 ORDER BY m.joined_at, m.user_id LIMIT ?2 OFFSET ?3",
    )?;
    let page = stmt
        .query_map(params![group_id, limit as i64, offset as i64], member_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((page, usize::try_from(total).unwrap_or(0)))
}

/// The members among `ids`, in the order asked (non-members left out).
pub fn members_named(conn: &Connection, group_id: &str, ids: &[String]) -> Result<Vec<MemberCard>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.user_id, COALESCE(u.name, ''), COALESCE(u.portrait, ''), m.joined_at
         FROM group_members m LEFT JOIN users u ON u.user_id = m.user_id
         WHERE m.group_id = ?1 AND m.user_id = ?2",
    )?;
    let mut cards = Vec::with_capacity(ids.len());
    for id in ids {
        cards.extend(
            stmt.query_row(params![group_id, id], member_row)
                .optional()?,
        );
    }
    Ok(cards)
}

fn member_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MemberCard> {
    Ok(MemberCard {
        user: UserCard {
            user_id: r.get(0)?,
            name: r.get(1)?,
            portrait: r.get(2)?,
        },
        joined_at: r.get(3)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, accounts, groups};

    #[test]
    fn members_carry_names_and_pages_continue() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        store
            .with(|c| {
                check(c);
                Ok(())
            })
            .unwrap();
    }

    fn check(c: &mut Connection) {
        accounts::upsert_user(c, "u1", "大乔", "p1", 1).unwrap();
        accounts::upsert_user(c, "u2", "小乔", "", 2).unwrap();
        groups::join(c, "g1", "三国", &["u1", "u2", "u3"], 5).unwrap();
        let (first, total) = members_page(c, "g1", 0, 2).unwrap();
        assert_eq!(total, 3);
        assert_eq!(first[0].user.name, "大乔");
        assert_eq!(first[0].user.portrait, "p1");
        let (rest, _) = members_page(c, "g1", 2, 2).unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(
            rest[0].user.name, "",
            "a member without an account has no name"
        );
        let named = members_named(c, "g1", &["u2".into(), "nobody".into()]).unwrap();
        assert_eq!(named.len(), 1);
        let card = group(c, "g1", "u1").unwrap().unwrap();
        assert_eq!(
            (card.name.as_str(), card.member_count, card.joined_at),
            ("三国", 3, Some(5))
        );
        assert_eq!(group(c, "g1", "u9").unwrap().unwrap().joined_at, None);
        assert!(is_member(c, "g1", "u2").unwrap());
        assert!(!is_member(c, "g1", "u9").unwrap());
    }
}
