//! Local full-text search over every conversation (FTS5, trigram tokenizer), and the
//! history around one message, for "open in context".
//!
//! What is searchable is decided here, in [`searchable_text`]: a text's content, a file's
//! name, a music's title and author. The store registers it as the SQL function
//! `rc_search_text` and triggers (`migrations/0003_search.sql`) keep `message_search` in
//! step with `messages` on insert, update (a recall replaces the text by the notice, which
//! has no searchable text, so the row goes) and delete.
//!
//! Queries: the user's text, trimmed, is one FTS5 phrase (quoted, inner quotes doubled), so
//! FTS syntax in it is just text and it matches as a substring. The trigram index needs three
//! characters; a shorter query (a two-character Chinese word is common) is one token of a
//! second index, `message_grams` (`migrations/0007_search_grams.sql`), which holds every
//! character and every pair of neighbouring characters of each body ([`grams`]): a body
//! contains a one- or two-character query exactly when it holds that token.

use super::atomic::Atomic;
use super::{MESSAGE_COLUMNS, Store, message_from_row};
use crate::error::Result;
use crate::model::{ConversationId, ConversationType, Message};
use rongchat_proto::content::Content;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension, params};

/// The shortest query the trigram index answers; shorter ones use `message_grams`.
pub const MIN_INDEXED_CHARS: usize = 3;
/// Above this many matches a search walks messages by time instead of sorting them.
const WALK_ABOVE: i64 = 500;
/// Characters of context kept before the match in a snippet.
const SNIPPET_BEFORE: usize = 16;
/// Characters kept from the match on.
const SNIPPET_AFTER: usize = 48;

/// One message found by [`Store::search`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// The conversation holding it.
    pub conversation: ConversationId,
    /// The message's local id (for [`Store::around`]).
    pub local_id: i64,
    /// When it was sent (ms).
    pub sent_time: i64,
    /// Who sent it.
    pub sender_id: String,
    /// Its object name (`RC:TxtMsg`, `RC:FileMsg`, `seal:music`...).
    pub object_name: String,
    /// A plain-text excerpt around the first match (`…` where cut). Not markup.
    pub snippet: String,
}

/// What a user would search for in a message, or `None` when it has nothing searchable.
pub fn searchable_text(object_name: &str, content: &str) -> Option<String> {
    let text = match Content::parse(object_name, content).ok()? {
        Content::Text(text) => text.content,
        // The SDK's searchProps for a reply: its own text, not the quote.
        Content::Reference(reply) => reply.content,
        Content::File(file) => file.name,
        Content::Music(music) => format!("{} {}", music.name, music.author),
        _ => return None,
    };
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Registers `rc_search_text(object_name, content)` on `conn`: the triggers and the
/// migration that fills the index call it, so it must exist before either runs.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "rc_search_text",
        2,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| {
            let object_name = ctx.get::<Option<String>>(0)?.unwrap_or_default();
            let content = ctx.get::<Option<String>>(1)?.unwrap_or_default();
            Ok(searchable_text(&object_name, &content))
        },
    )?;
    conn.create_scalar_function(
        "rc_search_grams",
        1,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|body| grams(&body))),
    )
}

/// The `message_grams` token of one character, or of two neighbouring ones. ASCII letters
/// are folded to lower case (as SQLite's `lower()` does, and the trigram index's case
/// folding for them); other characters are kept as they are. Every token is ASCII letters
/// and hex digits, one word for FTS5's `ascii` tokenizer.
fn gram(first: char, second: Option<char>) -> String {
    let mut token = String::with_capacity(16);
    push_gram(&mut token, first, second);
    token
}

/// Appends [`gram`]'s token to `out` (`u<hex>` or `b<hex>g<hex>`), without the formatting
/// machinery: made for every character of every message indexed, `format!` was a quarter
/// of the indexing commit in the pipelined send bench (perf).
fn push_gram(out: &mut String, first: char, second: Option<char>) {
    match second {
        None => {
            out.push('u');
            push_hex(out, first.to_ascii_lowercase() as u32);
        }
        Some(second) => {
            out.push('b');
            push_hex(out, first.to_ascii_lowercase() as u32);
            out.push('g');
            push_hex(out, second.to_ascii_lowercase() as u32);
        }
    }
}

/// `value` in lower-case hex without leading zeros, as `{:x}` writes it.
fn push_hex(out: &mut String, value: u32) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digits = (32 - value.leading_zeros()).div_ceil(4).max(1);
    for shift in (0..digits).rev() {
        out.push(char::from(DIGITS[((value >> (shift * 4)) & 0xf) as usize]));
    }
}

/// The `message_grams` text of a searchable body: the token of each character and of each
/// pair of neighbours, space-separated.
pub fn grams(body: &str) -> String {
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::with_capacity(chars.len() * 16);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_gram(&mut out, c, None);
        if let Some(&next) = chars.get(i + 1) {
            out.push(' ');
            push_gram(&mut out, c, Some(next));
        }
    }
    out
}

/// The one `message_grams` token that a query of one or two characters is, else `None`.
fn short_token(query: &str) -> Option<String> {
    let mut chars = query.chars();
    let first = chars.next()?;
    let second = chars.next();
    chars.next().is_none().then(|| gram(first, second))
}

/// The user's text as one FTS5 phrase: every character literal.
fn phrase(query: &str) -> String {
    format!("\"{}\"", query.replace('"', "\"\""))
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// A plain-text excerpt of `body` around the first (case-folded) occurrence of `query`.
pub fn snippet(body: &str, query: &str) -> String {
    let chars: Vec<char> = body.chars().collect();
    let needle: Vec<char> = query.chars().map(fold).collect();
    let at = if needle.is_empty() || needle.len() > chars.len() {
        0
    } else {
        (0..=chars.len() - needle.len())
            .find(|&i| {
                chars[i..i + needle.len()]
                    .iter()
                    .zip(&needle)
                    .all(|(c, n)| fold(*c) == *n)
            })
            .unwrap_or(0)
    };
    let start = at.saturating_sub(SNIPPET_BEFORE);
    let end = (at + SNIPPET_AFTER.max(needle.len())).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(
        chars[start..end]
            .iter()
            .map(|&c| if c.is_control() { ' ' } else { c }),
    );
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// Messages waiting to be indexed before a commit indexes them anyway: enough that a
/// burst shares one segment, few enough that the batch that indexes them stays short.
pub(crate) const INDEX_BATCH: i64 = 256;

impl Store {
    /// Indexes every message the triggers listed in `search_pending` (both indexes, one
    /// statement each) and empties the list, all or nothing. Searches call it first, so a
    /// hit is never missed for being recent.
    pub fn index_pending(&mut self) -> Result<()> {
        // An operation: its own transaction outside a batch, a savepoint inside one; dropped
        // uncommitted on an error, which leaves the list for the next try.
        let tx = Atomic::begin(&self.conn)?;
        tx.prepare_cached(
            "INSERT INTO message_search (rowid, body)
             SELECT local_id, body FROM (
                 SELECT m.local_id, rc_search_text(m.object_name, m.content) AS body
                 FROM search_pending p JOIN messages m USING (local_id))
             WHERE body IS NOT NULL",
        )?
        .execute([])?;
        tx.prepare_cached(
            "INSERT INTO message_grams (rowid, grams)
             SELECT rowid, rc_search_grams(body) FROM message_search
             WHERE rowid IN (SELECT local_id FROM search_pending)",
        )?
        .execute([])?;
        tx.prepare_cached("DELETE FROM search_pending")?
            .execute([])?;
        tx.commit()?;
        Ok(())
    }

    /// Indexes the list when at least [`INDEX_BATCH`] wait (a batch's commit).
    pub(crate) fn index_if_due(&mut self) -> Result<()> {
        if self.index_due()? {
            self.index_pending()?;
        }
        Ok(())
    }

    /// Whether at least [`INDEX_BATCH`] messages wait to be indexed.
    fn index_due(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM search_pending LIMIT 1 OFFSET ?1")?
            .query_row(params![INDEX_BATCH - 1], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Messages of every conversation whose searchable text contains `query` (trimmed;
    /// case-insensitive), newest first, `limit` from `offset`. An empty query finds nothing;
    /// no query is an error, whatever characters it holds.
    pub fn search(&mut self, query: &str, limit: usize, offset: usize) -> Result<Vec<SearchHit>> {
        let query = query.trim();
        if query.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        self.index_pending()?;
        // Only the ids are sorted (a common word matches thousands); bodies are read for
        // the page alone.
        let (index, matching) = match short_token(query) {
            // A short query is one token of message_grams (exact, whatever its characters).
            Some(token) => ("message_grams", phrase(&token)),
            None => ("message_search", phrase(query)),
        };
        // Few matches: sort them. Many (a common word): walk all messages newest first
        // and stop at the page's end, which comes soon when matches are dense.
        let matches: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM {index} WHERE {index} MATCH ?1"
            ))?
            .query_row(params![matching], |r| r.get(0))?;
        if matches == 0 {
            return Ok(Vec::new());
        }
        let walk = if matches > WALK_ABOVE {
            "INDEXED BY messages_by_time"
        } else {
            ""
        };
        let sql = format!(
            "SELECT m.local_id, m.conv_type, m.target_id, m.sent_time, m.sender_id, m.object_name
             FROM messages m {walk} WHERE m.local_id IN
               (SELECT rowid FROM {index} WHERE {index} MATCH ?1)
             ORDER BY m.sent_time DESC, m.local_id DESC LIMIT ?2 OFFSET ?3"
        );
        let hits = self.hits(&sql, &matching, limit, offset)?;
        let mut body = self
            .conn
            .prepare_cached("SELECT body FROM message_search WHERE rowid = ?1")?;
        hits.into_iter()
            .map(|mut hit| {
                let text: String = body.query_row(params![hit.local_id], |r| r.get(0))?;
                hit.snippet = snippet(&text, query);
                Ok(hit)
            })
            .collect()
    }

    /// One page of `sql`'s hits (`?1` = `arg`, `?2` limit, `?3` offset), without snippets.
    fn hits(&self, sql: &str, arg: &str, limit: usize, offset: usize) -> Result<Vec<SearchHit>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let hits = stmt
            .query_map(
                params![arg, limit as i64, offset.min(i64::MAX as usize) as i64],
                |r| {
                    Ok(SearchHit {
                        local_id: r.get(0)?,
                        conversation: ConversationId {
                            kind: ConversationType::from_code(r.get(1)?),
                            target_id: r.get(2)?,
                        },
                        sent_time: r.get(3)?,
                        sender_id: r.get(4)?,
                        object_name: r.get(5)?,
                        snippet: String::new(),
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(hits)
    }

    /// The message `local_id` with up to `before` older and `after` newer messages of its
    /// conversation, oldest first; `None` when no such message is stored. Older pages then
    /// continue with [`Store::history`], newer ones with `around(newest, 0, n)`.
    pub fn around(
        &self,
        local_id: i64,
        before: usize,
        after: usize,
    ) -> Result<Option<Vec<Message>>> {
        let Some(anchor) = self.message(local_id)? else {
            return Ok(None);
        };
        let cursor = (anchor.sent_time, anchor.local_id);
        let mut page = self.history(&anchor.conversation, Some(cursor), before)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages
             WHERE conv_type = ?1 AND target_id = ?2
               AND (sent_time > ?3 OR (sent_time = ?3 AND local_id > ?4))
             ORDER BY sent_time ASC, local_id ASC LIMIT ?5"
        ))?;
        let newer = stmt
            .query_map(
                params![
                    anchor.conversation.kind.code(),
                    anchor.conversation.target_id,
                    cursor.0,
                    cursor.1,
                    after as i64
                ],
                message_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        page.push(anchor);
        page.extend(newer);
        Ok(Some(page))
    }

    /// Whether `local_id` is in the search index (for tests and diagnostics).
    pub fn is_indexed(&mut self, local_id: i64) -> Result<bool> {
        self.index_pending()?;
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM message_search WHERE rowid = ?1",
                params![local_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Incoming};
    use crate::store::messages::Stored;

    fn incoming(uid: &str, from: &str, time: i64, object_name: &str, content: String) -> Incoming {
        Incoming {
            uid: Some(uid.into()),
            conversation: ConversationId::private(from),
            sender_id: from.into(),
            direction: Direction::Receive,
            object_name: object_name.into(),
            content,
            sent_time: time,
            client_unique_id: None,
            persisted: true,
            counted: true,
        }
    }

    fn text(uid: &str, from: &str, time: i64, body: &str) -> Incoming {
        let content = serde_json::json!({ "content": body }).to_string();
        incoming(uid, from, time, "RC:TxtMsg", content)
    }

    fn store_with(batch: &[Incoming]) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        store.apply_incoming(batch, None).unwrap();
        store
    }

    fn found(store: &mut Store, query: &str) -> Vec<i64> {
        store
            .search(query, 50, 0)
            .unwrap()
            .iter()
            .map(|hit| hit.sent_time)
            .collect()
    }

    fn rows(store: &Store, table: &str) -> i64 {
        store
            .conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn gram_tokens_are_the_hex_of_each_character() {
        // Tokens already in users' indexes were written by `format!("u{:x}")`: the same text.
        assert_eq!(
            grams("Hi会议"),
            "u68 b68g69 u69 b69g4f1a u4f1a b4f1ag8bae u8bae"
        );
        assert_eq!(gram('\0', None), "u0");
        assert_eq!(gram('😀', Some('A')), "b1f600g61");
        for value in (0..0x11_0000u32)
            .step_by(97)
            .chain([0xf, 0x10, 0xff, 0x100, 0x10ffff])
        {
            let Some(c) = char::from_u32(value) else {
                continue;
            };
            let lower = c.to_ascii_lowercase() as u32;
            assert_eq!(gram(c, None), format!("u{lower:x}"));
            assert_eq!(gram('z', Some(c)), format!("b7ag{lower:x}"));
        }
    }

    #[test]
    fn a_lone_message_waits_for_the_index_and_a_search_still_finds_it() {
        let mut store = Store::open_in_memory().unwrap();
        store.begin_batch().unwrap();
        store
            .apply_incoming(&[text("u1", "bob", 1, "刚到的一条")], None)
            .unwrap();
        store.end_batch().unwrap();
        assert_eq!(rows(&store, "search_pending"), 1);
        assert_eq!(rows(&store, "message_search"), 0, "indexed on its own");
        assert_eq!(found(&mut store, "到的"), vec![1]);
        assert_eq!(found(&mut store, "刚"), vec![1]);
        assert_eq!(rows(&store, "search_pending"), 0);
    }

    #[test]
    fn a_burst_is_indexed_in_its_own_commit() {
        let mut store = Store::open_in_memory().unwrap();
        let burst: Vec<Incoming> = (0..INDEX_BATCH)
            .map(|n| text(&format!("u{n}"), "bob", n, &format!("burst message {n}")))
            .collect();
        store.begin_batch().unwrap();
        store.apply_incoming(&burst, None).unwrap();
        store.end_batch().unwrap();
        assert_eq!(rows(&store, "search_pending"), 0);
        assert_eq!(rows(&store, "message_search"), INDEX_BATCH);
        assert_eq!(rows(&store, "message_grams"), INDEX_BATCH);
    }

    #[test]
    fn finds_a_chinese_word_and_a_substring_newest_first() {
        let mut store = store_with(&[
            text("u1", "bob", 1, "明天我们去北京天安门看升旗"),
            text("u2", "carol", 2, "The quick brown fox"),
            text("u3", "bob", 3, "北京天气不错"),
            text("u4", "dave", 4, "上海见"),
        ]);
        assert_eq!(found(&mut store, "北京天"), vec![3, 1]);
        assert_eq!(found(&mut store, "天安门"), vec![1]);
        // A substring inside a word, any case.
        assert_eq!(found(&mut store, "UICK BR"), vec![2]);
        assert!(found(&mut store, "广州市").is_empty());
        let hit = &store.search("天安门", 10, 0).unwrap()[0];
        assert_eq!(hit.conversation, ConversationId::private("bob"));
        assert_eq!(hit.sender_id, "bob");
        assert!(hit.snippet.contains("天安门"), "{}", hit.snippet);
    }

    /// The send times of a page of hits.
    fn hit_times(store: &mut Store, query: &str, limit: usize, offset: usize) -> Vec<i64> {
        let hits = store.search(query, limit, offset).unwrap();
        hits.iter().map(|h| h.sent_time).collect()
    }

    #[test]
    fn limit_and_offset_page_newest_first() {
        let batch: Vec<_> = (1..=7)
            .map(|i| text(&format!("u{i}"), "bob", i, &format!("第{i}条 会议纪要")))
            .collect();
        let mut store = store_with(&batch);
        let mut page = |offset| hit_times(&mut store, "会议纪要", 3, offset);
        assert_eq!(page(0), vec![7, 6, 5]);
        assert_eq!(page(3), vec![4, 3, 2]);
        assert_eq!(page(6), vec![1]);
        assert!(page(9).is_empty());
    }

    #[test]
    fn a_common_word_is_newest_first_whatever_the_storing_order() {
        // More matches than WALK_ABOVE, stored out of time order (history arrives late).
        let n = WALK_ABOVE + 100;
        let batch: Vec<_> = (0..n)
            .map(|i| {
                let time = (i * 7919) % n; // a permutation of 0..n
                text(&format!("u{i}"), "bob", time, &format!("常见的词 {time}"))
            })
            .collect();
        let mut store = store_with(&batch);
        let mut page = |offset| hit_times(&mut store, "常见的词", 5, offset);
        let top = n - 1;
        assert_eq!(page(0), (top - 4..=top).rev().collect::<Vec<_>>());
        assert_eq!(page(5), (top - 9..=top - 5).rev().collect::<Vec<_>>());
        assert_eq!(page(n as usize - 2), vec![1, 0]);
    }

    #[test]
    fn file_names_and_music_titles_are_searchable_other_kinds_not() {
        let mut store = store_with(&[
            incoming(
                "f1",
                "bob",
                1,
                "RC:FileMsg",
                r#"{"name":"季度报告.pdf","size":10,"type":"pdf","fileUrl":"http://x/报告"}"#
                    .into(),
            ),
            incoming(
                "m1",
                "bob",
                2,
                "seal:music",
                r#"{"url":"http://x/a.mp3","name":"月亮代表我的心","author":"邓丽君","poster":""}"#
                    .into(),
            ),
            incoming(
                "i1",
                "bob",
                3,
                "RC:ImgMsg",
                r#"{"content":"QUJDREVGR0g=","imageUri":"http://x/季度报告.png"}"#.into(),
            ),
        ]);
        assert_eq!(found(&mut store, "季度报告"), vec![1]);
        assert_eq!(found(&mut store, "月亮代表"), vec![2]);
        assert_eq!(found(&mut store, "邓丽君"), vec![2]);
        assert!(found(&mut store, "QUJDREVG").is_empty());
        assert!(found(&mut store, "http").is_empty());
    }

    #[test]
    fn a_recall_removes_the_text_from_the_index() {
        let mut store = store_with(&[text("u1", "bob", 1, "这条消息说错了要撤回")]);
        assert_eq!(found(&mut store, "说错了"), vec![1]);
        let recall = serde_json::json!({
            "messageUId": "u1", "conversationType": 1, "targetId": "me", "sentTime": 1
        })
        .to_string();
        let applied = store
            .apply_incoming(&[incoming("r1", "bob", 2, "RC:RcCmd", recall)], None)
            .unwrap();
        let Stored::Recalled(message) = &applied.stored[0] else {
            panic!("{applied:?}");
        };
        assert!(found(&mut store, "说错了").is_empty());
        assert!(found(&mut store, "说错").is_empty());
        assert!(!store.is_indexed(message.local_id).unwrap());
    }

    #[test]
    fn a_deleted_message_leaves_the_index() {
        let mut store = store_with(&[text("u1", "bob", 1, "delete me please")]);
        assert_eq!(found(&mut store, "me please"), vec![1]);
        store.conn.execute("DELETE FROM messages", []).unwrap();
        assert!(found(&mut store, "me please").is_empty());
    }

    #[test]
    fn hostile_queries_never_error() {
        let mut store = store_with(&[
            text(
                "u1",
                "bob",
                1,
                r#"he said "hi" AND left; 100% done_ok \ end"#,
            ),
            text("u2", "bob", 2, "NEAR(a b) OR c*"),
        ]);
        for query in [
            "\"",
            "\"\"\"",
            "\"hi\"",
            "AND",
            "OR NOT",
            "a*",
            "*",
            "NEAR(a b)",
            "(",
            ")",
            "'",
            "';DROP TABLE messages;--",
            "body:x",
            "^hi",
            "-",
            "100%",
            "_",
            "\\",
            "%%%",
            "\0",
            "{body}: x",
            "  ",
            "",
            "\u{FFFD}\u{200B}",
        ] {
            store
                .search(query, 10, 0)
                .unwrap_or_else(|e| panic!("{query:?}: {e}"));
        }
        assert_eq!(found(&mut store, "\"hi\""), vec![1]);
        assert_eq!(found(&mut store, "NEAR(a b)"), vec![2]);
        assert_eq!(found(&mut store, "100%"), vec![1]);
        assert_eq!(found(&mut store, "%"), vec![1]);
        assert_eq!(found(&mut store, "_"), vec![1]);
        assert_eq!(found(&mut store, "c*"), vec![2]);
        assert!(found(&mut store, "a*").is_empty());
        assert!(found(&mut store, "").is_empty());
        assert_eq!(store.message_count().unwrap(), 2);
    }

    #[test]
    fn short_queries_scan() {
        let mut store = store_with(&[
            text("u1", "bob", 1, "我们开会吧"),
            text("u2", "bob", 2, "开车去"),
            text("u3", "bob", 3, "Ok then"),
        ]);
        assert_eq!(found(&mut store, "开会"), vec![1]);
        assert_eq!(found(&mut store, "开"), vec![2, 1]);
        assert_eq!(found(&mut store, "OK"), vec![3]);
        assert_eq!(found(&mut store, " ok "), vec![3]);
    }

    #[test]
    fn a_short_query_pages_newest_first_through_many_matches() {
        // More matches than WALK_ABOVE (the walk by time) and a rare word among them.
        let n = WALK_ABOVE + 50;
        let batch: Vec<_> = (0..n)
            .map(|i| {
                let body = if i < 3 {
                    format!("稀有 {i}")
                } else {
                    format!("常见 {i}")
                };
                text(&format!("u{i}"), "bob", i, &body)
            })
            .collect();
        let mut store = store_with(&batch);
        assert_eq!(found(&mut store, "稀有"), vec![2, 1, 0]);
        assert_eq!(
            hit_times(&mut store, "常见", 3, 0),
            vec![n - 1, n - 2, n - 3]
        );
        assert_eq!(hit_times(&mut store, "常见", 3, n as usize - 4), vec![3]);
        assert_eq!(hit_times(&mut store, "见", 2, 0), vec![n - 1, n - 2]);
    }

    /// What a search finds, by brute force: ASCII letters in any case, other characters
    /// as they are (what the scan with SQLite's lower() found before message_grams).
    fn reference(bodies: &[(i64, &str)], query: &str) -> Vec<i64> {
        let query = query.trim().to_ascii_lowercase();
        let mut times: Vec<i64> = bodies
            .iter()
            .filter(|(_, body)| !query.is_empty() && body.to_ascii_lowercase().contains(&query))
            .map(|(time, _)| *time)
            .collect();
        times.sort_unstable_by(|a, b| b.cmp(a));
        times
    }

    #[test]
    fn short_queries_find_exactly_the_bodies_holding_them() {
        let bodies: Vec<(i64, &str)> = vec![
            (1, "北京天气不错"),
            (2, "OK 好的"),
            (3, "ok."),
            (4, "Éclair à la crème ÉCLAIR"),
            (5, "a\tb \"quoted\" 100% _x_"),
            (6, "emoji 😀👍 end"),
            (7, "京"),
            (8, "b1g2 u31"), // looks like our tokens
            (9, "AND OR NOT NEAR"),
        ];
        let batch: Vec<_> = bodies
            .iter()
            .map(|(time, body)| text(&format!("u{time}"), "bob", *time, body))
            .collect();
        let mut store = store_with(&batch);
        // Every one- and two-character substring of every body, in its case and folded,
        // and some that are in none.
        let mut queries: Vec<String> = vec![
            "京天".into(),
            "天京".into(),
            "é".into(),
            "É".into(),
            "Ok".into(),
            "kO".into(),
            "😀👍".into(),
            "👍😀".into(),
            "u3".into(),
            "b1".into(),
            "\"".into(),
            "%".into(),
            " 好".into(),
            "zz".into(),
            "\u{0}".into(),
        ];
        for (_, body) in &bodies {
            let chars: Vec<char> = body.chars().collect();
            for i in 0..chars.len() {
                queries.push(chars[i].to_string());
                if i + 1 < chars.len() {
                    let pair: String = chars[i..i + 2].iter().collect();
                    queries.push(pair.to_uppercase());
                    queries.push(pair);
                }
            }
        }
        for query in &queries {
            assert_eq!(
                found(&mut store, query),
                reference(&bodies, query),
                "{query:?}"
            );
        }
    }

    #[test]
    fn short_queries_follow_recalls_edits_and_deletes() {
        let mut store = store_with(&[
            text("u1", "bob", 1, "撤回这句"),
            text("u2", "bob", 2, "留下这句"),
        ]);
        assert_eq!(found(&mut store, "这句"), vec![2, 1]);
        let recall = serde_json::json!({
            "messageUId": "u1", "conversationType": 1, "targetId": "me", "sentTime": 1
        })
        .to_string();
        store
            .apply_incoming(&[incoming("r1", "bob", 3, "RC:RcCmd", recall)], None)
            .unwrap();
        assert_eq!(found(&mut store, "这句"), vec![2]);
        assert!(found(&mut store, "撤").is_empty());
        store
            .conn
            .execute(
                "UPDATE messages SET content = '{\"content\":\"改过了\"}' WHERE sent_time = 2",
                [],
            )
            .unwrap();
        assert!(found(&mut store, "这句").is_empty());
        assert_eq!(found(&mut store, "改过"), vec![2]);
        store.conn.execute("DELETE FROM messages", []).unwrap();
        assert!(found(&mut store, "改过").is_empty());
        assert!(found(&mut store, "改").is_empty());
    }

    #[test]
    fn existing_messages_are_indexed_by_the_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        {
            let mut conn = Connection::open(&path).unwrap();
            let tx = conn.transaction().unwrap();
            for sql in &super::super::MIGRATIONS[..2] {
                tx.execute_batch(sql).unwrap();
            }
            tx.pragma_update(None, "user_version", 2).unwrap();
            tx.execute(
                "INSERT INTO messages (uid, conv_type, target_id, sender_id, direction,
                     object_name, content, sent_time, status)
                 VALUES ('u1', 1, 'bob', 'bob', 2, 'RC:TxtMsg', '{\"content\":\"旧消息也能搜到\"}', 5, 3)",
                [],
            )
            .unwrap();
            tx.commit().unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            super::super::MIGRATIONS.len()
        );
        assert_eq!(found(&mut store, "也能搜"), vec![5]);
        // message_grams (0007) is filled from the bodies indexed before it.
        assert_eq!(found(&mut store, "旧消"), vec![5]);
        assert_eq!(found(&mut store, "到"), vec![5]);
    }

    #[test]
    fn around_returns_older_and_newer_history() {
        let mut batch: Vec<_> = (1..=20)
            .map(|i| text(&format!("u{i}"), "bob", i * 10, &format!("message {i}")))
            .collect();
        batch.push(text("x1", "carol", 55, "elsewhere"));
        let mut store = store_with(&batch);
        let anchor = store.search("message 9", 1, 0).unwrap()[0].local_id;
        let page = store.around(anchor, 3, 2).unwrap().unwrap();
        let times: Vec<_> = page.iter().map(|m| m.sent_time).collect();
        assert_eq!(times, vec![60, 70, 80, 90, 100, 110]);
        let newest = store
            .around(page.last().unwrap().local_id, 0, 100)
            .unwrap()
            .unwrap();
        assert_eq!(newest.len(), 10);
        assert_eq!(newest.last().unwrap().sent_time, 200);
        assert!(store.around(9999, 1, 1).unwrap().is_none());
    }

    #[test]
    fn snippets_are_cut_around_the_match() {
        let long = format!("{}关键词{}", "前".repeat(40), "后".repeat(80));
        let cut = snippet(&long, "关键词");
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert!(cut.contains("关键词"));
        assert_eq!(cut.chars().filter(|&c| c == '前').count(), SNIPPET_BEFORE);
        assert_eq!(snippet("short\ntext", "TEXT"), "short text");
    }
}
