//! "[有人@我]": a group is *mentioned* while one of its unread received messages mentions
//! this user (everyone, or our id listed in `mentionedInfo`).
//!
//! Derived from the stored messages and the read time rather than kept as a flag, so a
//! read (here or on another device), a recall or a delete of the mentioning message
//! clears it without a rule of its own. Which user "we" are is the one thing the store
//! learns from outside ([`Store::set_me`]); the SQL asks `rc_mentions_me(content)`.

use super::Store;
use rongchat_proto::mention::Mention;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use std::sync::{Arc, Mutex};

/// Who this store's user is, shared with the SQL function.
pub(super) type Me = Arc<Mutex<String>>;

/// The `mentioned` column of a conversation row `c` (1 or 0). Only unread, counted,
/// received group messages can mention us; the `instr` spares the JSON parse of the rest.
pub(super) const MENTIONED_COLUMN: &str = "EXISTS (
    SELECT 1 FROM messages m
    WHERE c.conv_type = 3 AND c.unread > 0
      AND m.conv_type = c.conv_type AND m.target_id = c.target_id
      AND m.sent_time > c.read_time AND m.direction = 2 AND m.counted = 1
      AND instr(m.content, 'mentionedInfo') > 0 AND rc_mentions_me(m.content))";

/// Registers `rc_mentions_me(content)` on `conn`, reading the user from `me`.
pub(super) fn register(conn: &Connection, me: &Me) -> rusqlite::Result<()> {
    let me = me.clone();
    conn.create_scalar_function(
        "rc_mentions_me",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_INNOCUOUS,
        move |ctx| {
            let content = ctx.get::<Option<String>>(0)?.unwrap_or_default();
            let me = read(&me);
            Ok(Mention::from_content_json(&content).is_some_and(|m| m.includes(&me)))
        },
    )
}

impl Store {
    /// Tells the store whose mentions count (the signed-in user).
    pub fn set_me(&mut self, user_id: &str) {
        *read(&self.me) = user_id.to_owned();
    }
}

/// A panic elsewhere while holding the lock leaves a plain string: keep using it.
fn read(me: &Me) -> std::sync::MutexGuard<'_, String> {
    me.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConversationId, ConversationType, Direction, Incoming};

    fn group_text(uid: &str, from: &str, time: i64, mention: Option<&str>) -> Incoming {
        let content = match mention {
            Some(info) => format!(r#"{{"content":"@ {uid}","mentionedInfo":{info}}}"#),
            None => format!(r#"{{"content":"{uid}"}}"#),
        };
        Incoming {
            uid: Some(uid.into()),
            conversation: ConversationId {
                kind: ConversationType::Group,
                target_id: "g1".into(),
            },
            sender_id: from.into(),
            direction: Direction::Receive,
            object_name: "RC:TxtMsg".into(),
            content,
            sent_time: time,
            client_unique_id: None,
            persisted: true,
            counted: true,
        }
    }

    fn group() -> ConversationId {
        ConversationId {
            kind: ConversationType::Group,
            target_id: "g1".into(),
        }
    }

    fn mentioned(store: &Store) -> bool {
        let one = store.conversation(&group()).unwrap().unwrap().mentioned;
        let listed = store.conversations().unwrap();
        assert_eq!(listed[0].mentioned, one, "list and row agree");
        one
    }

    #[test]
    fn a_mention_of_us_marks_the_group_until_it_is_read() {
        let mut store = Store::open_in_memory().unwrap();
        store.set_me("me");
        let plain = [group_text("u1", "bob", 10, None)];
        store.apply_incoming(&plain, None).unwrap();
        assert!(!mentioned(&store), "no mention yet");
        let other = [group_text(
            "u2",
            "bob",
            20,
            Some(r#"{"type":2,"userIdList":["ann"]}"#),
        )];
        store.apply_incoming(&other, None).unwrap();
        assert!(!mentioned(&store), "someone else was mentioned");
        let us = [group_text(
            "u3",
            "bob",
            30,
            Some(r#"{"type":2,"userIdList":["ann","me"]}"#),
        )];
        store.apply_incoming(&us, None).unwrap();
        assert!(mentioned(&store));
        store.mark_read(&group(), 29).unwrap();
        assert!(
            mentioned(&store),
            "read up to before the mention: still there"
        );
        store.mark_read(&group(), 30).unwrap();
        assert!(!mentioned(&store), "read past it");
        let all = [group_text("u4", "bob", 40, Some(r#"{"type":1}"#))];
        store.apply_incoming(&all, None).unwrap();
        assert!(mentioned(&store), "@所有人 reaches us too");
    }

    #[test]
    fn odd_mentions_and_our_own_messages_do_not_mark() {
        let mut store = Store::open_in_memory().unwrap();
        store.set_me("me");
        let mut own = group_text("u1", "me", 10, Some(r#"{"type":1}"#));
        own.direction = Direction::Send;
        let odd = [
            own,
            group_text("u2", "bob", 20, Some(r#"{"type":9,"userIdList":["me"]}"#)),
            group_text("u3", "bob", 30, Some(r#""me""#)),
        ];
        store.apply_incoming(&odd, None).unwrap();
        assert!(!mentioned(&store));
        let mut private = group_text("u4", "bob", 40, Some(r#"{"type":1}"#));
        private.conversation = ConversationId::private("bob");
        store.apply_incoming(&[private], None).unwrap();
        let row = store.conversation(&ConversationId::private("bob")).unwrap();
        assert!(!row.unwrap().mentioned, "mentions are a group's");
    }

    #[test]
    fn who_we_are_is_learned_after_the_message_came() {
        let mut store = Store::open_in_memory().unwrap();
        let us = [group_text(
            "u1",
            "bob",
            10,
            Some(r#"{"type":2,"userIdList":["me"]}"#),
        )];
        store.apply_incoming(&us, None).unwrap();
        assert!(!mentioned(&store), "no user yet");
        store.set_me("me");
        assert!(mentioned(&store));
    }
}
