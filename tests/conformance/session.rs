//! Login outcomes: a second login kicks the first (31010), a wrong token is refused
//! (31004), a blocked user is refused (31009).

use rongchat_tests::TestServer;
use serde_json::json;

use crate::common::{CONNECT_LIMIT, RUN_LIMIT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_login_kicks_the_first_with_31010() {
    let server = TestServer::start().await;
    let mut first = server.oracle(
        "user1 first login",
        "user1",
        &json!([
            { "op": "waitEvent", "event": "DISCONNECT", "code": 31010, "timeoutMs": 30000 },
            { "op": "status" },
        ]),
    );
    // The second login must come after the first is connected: wait for that line.
    let connected = first.wait_step("connect", CONNECT_LIMIT).await;
    assert_eq!(connected["ok"], true, "the first login failed: {connected}");
    let second = server.oracle("user1 second login", "user1", &json!([{ "op": "status" }]));
    let (first, second) = tokio::join!(first.finish(RUN_LIMIT), second.finish(RUN_LIMIT));
    first.assert_success();
    second.assert_success();
    let kicked = first.step("waitEvent");
    first.ensure(
        kicked["eventCode"] == 31010,
        format!("kicked with {} instead of 31010", kicked["eventCode"]),
    );
    // The kicked SDK must not reconnect by itself (it would kick the second login back).
    first.ensure(
        first.step("status")["connectionStatus"] != 0,
        "the kicked session still reports CONNECTED",
    );
    let status = second.step("status");
    second.ensure(
        status["connectionStatus"] == 0 && status["userId"] == "user1",
        "the second login is not connected as user1",
    );
    second.ensure(
        second.lines.iter().all(|l| l["event"] != "DISCONNECT"),
        "the second login was disconnected too",
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_tokens_and_blocked_users_are_refused() {
    let server = TestServer::start().await;
    let blocked_token = server.token("user9");
    server
        .server()
        .set_user_blocked("user9", true)
        .unwrap_or_else(|e| panic!("set_user_blocked failed: {e}"));
    let forged = forge(&server.token("user1"));

    let cases = [
        (
            "garbage token",
            server.login_with_token("not-a-token"),
            31004,
        ),
        ("forged token", server.login_with_token(&forged), 31004),
        (
            "blocked user",
            server.login_with_token(&blocked_token),
            31009,
        ),
    ];
    let runs: Vec<_> = cases
        .iter()
        .map(|(label, login, code)| {
            let scenario = json!({ "expectConnectCode": code, "steps": [] });
            rongchat_tests::OracleRun::spawn(label, login, &scenario)
        })
        .collect();
    let mut reports = Vec::new();
    for run in runs {
        reports.push(run.finish(RUN_LIMIT).await);
    }
    for (report, (_, _, code)) in reports.iter().zip(&cases) {
        report.assert_success();
        let connect = report.step("connect");
        report.ensure(
            connect["code"] == *code,
            format!("connect gave {} instead of {code}", connect["code"]),
        );
    }
    server.shutdown().await;
}

/// A token of this server with one character changed in the part the SDK sends (it cuts
/// the token after `@`): a forgery the server must detect.
fn forge(token: &str) -> String {
    let signed_len = token.find('@').unwrap_or(token.len());
    let mut chars: Vec<char> = token.chars().collect();
    let at = token[..signed_len].chars().count() / 2;
    chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}
