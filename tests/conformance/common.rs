//! Scenario pieces and transcript queries shared by the conformance tests.

use std::collections::BTreeSet;
use std::time::Duration;

use rongchat_tests::OracleReport;
use serde_json::{Value, json};

/// How long a whole oracle run may take (Chromium start-up is 1-3 s; scenario waits are
/// at most 30 s).
pub const RUN_LIMIT: Duration = Duration::from_secs(60);
/// How long to wait for the connect result line.
pub const CONNECT_LIMIT: Duration = Duration::from_secs(30);

/// ConversationType numbers of the SDK.
/// An oracle step: wait (up to 30 s) until `count` messages from `from` arrived.
pub fn wait_messages(count: usize, from: &str) -> Value {
    json!({ "op": "waitMessages", "count": count, "from": from, "timeoutMs": 30000 })
}

pub const PRIVATE: i64 = 1;
pub const GROUP: i64 = 3;

/// The demo's custom music type, registered the way the Alipay demo does it.
pub fn register_music() -> Value {
    json!([{ "objectName": "seal:music", "persisted": true, "counted": true }])
}

/// The `message` of the `n`th step named `op` (a send step).
#[track_caller]
pub fn sent<'a>(report: &'a OracleReport, op: &str, n: usize) -> &'a Value {
    let message = &report.nth_step(op, n)["message"];
    report.ensure(
        message["messageUId"]
            .as_str()
            .is_some_and(|u| !u.is_empty()),
        format!("{op} #{n} returned no messageUId"),
    );
    message
}

/// The messageUIds of a list of messages.
pub fn uids<'a>(messages: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
    messages
        .into_iter()
        .filter_map(|m| m["messageUId"].as_str().map(str::to_owned))
        .collect()
}

/// The messages of the `n`th `history` step.
#[track_caller]
pub fn history(report: &OracleReport, n: usize) -> Vec<&Value> {
    let step = report.nth_step("history", n);
    match step["messages"].as_array() {
        Some(list) => list.iter().collect(),
        None => panic!(
            "[{}] history #{n} has no message list\n{}",
            report.label,
            report.dump()
        ),
    }
}

/// The conversation `(type, target)` in the `n`th `conversations` step.
#[track_caller]
pub fn conversation<'a>(
    report: &'a OracleReport,
    n: usize,
    conversation_type: i64,
    target: &str,
) -> &'a Value {
    let step = report.nth_step("conversations", n);
    let found = step["conversations"].as_array().and_then(|list| {
        list.iter()
            .find(|c| c["conversationType"] == conversation_type && c["targetId"] == target)
    });
    match found {
        Some(c) => c,
        None => panic!(
            "[{}] conversations #{n} lacks ({conversation_type}, {target})\n{}",
            report.label,
            report.dump()
        ),
    }
}

/// Panics unless every field of `expected` (an object) equals the same field of
/// `content`.
#[track_caller]
pub fn ensure_fields(report: &OracleReport, what: &str, content: &Value, expected: &Value) {
    for (key, want) in expected.as_object().into_iter().flatten() {
        report.ensure(
            &content[key] == want,
            format!(
                "{what}: content.{key} is {} but {want} was sent",
                content[key]
            ),
        );
    }
}

/// Panics with both transcripts unless `cond` holds (for checks across two runs).
#[track_caller]
pub fn ensure_both(cond: bool, msg: impl std::fmt::Display, a: &OracleReport, b: &OracleReport) {
    if !cond {
        panic!("{msg}\n{}\n{}", a.dump(), b.dump());
    }
}
