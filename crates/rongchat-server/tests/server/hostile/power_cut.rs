//! Acknowledged means durable: SIGKILL the server right after a PUBACK; after a restart
//! the message is there. (SIGKILL keeps the page cache, so the settings that make the same
//! hold for a power cut, WAL + synchronous=FULL, are asserted in the store's unit test.)

use super::process::{ServerProcess, token};
use crate::support::{Client, text_of};

#[tokio::test]
async fn a_message_acknowledged_before_a_kill_is_there_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (alice, bob) = (token(dir.path(), "alice"), token(dir.path(), "bob"));
    let mut server = ServerProcess::start(dir.path(), &[]);
    let (mut a, _) = Client::connect(server.addr, &alice, "platform=a", 3).await;
    let ack = a.send_text("bob", "acknowledged, then killed").await;
    server.kill();
    eprintln!(
        "killed the server (SIGKILL) right after the PUBACK of {}",
        ack.message_uid
    );

    let server = ServerProcess::start(dir.path(), &[]);
    let (mut b, _) = Client::connect(server.addr, &bob, "platform=b", 3).await;
    let page = b.pull("bob", 0, 0).await;
    assert_eq!(page.list.len(), 1);
    assert_eq!(
        page.list[0].msg_id.as_deref(),
        Some(ack.message_uid.as_str())
    );
    assert_eq!(text_of(&page.list[0]), "acknowledged, then killed");
}
