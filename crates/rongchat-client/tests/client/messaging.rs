//! Every message type between two clients, history, conversations, uploads and downloads.

use crate::support::*;
use base64::Engine;
use rongchat_client::{ConversationId, Direction, Event, Outgoing, SendStatus};
use rongchat_proto::content::{Content, HqVoice};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_type_goes_both_ways_with_uploads_and_downloads() {
    let (_env, alice, bob, mut bob_events) = alice_and_bob().await;
    let to_bob = ConversationId::private("bob");
    let files = tempfile::tempdir().unwrap();

    let png = write_png(files.path(), "photo.png", 640, 480);
    let notes = files.path().join("notes.txt");
    let file_bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&notes, &file_bytes).unwrap();
    let amr = b"#!AMR\n\x3c\x48\xf5\x1f\x96\x66\x79\xe1\xe0".to_vec();

    // Upload progress is reported for the file.
    let (_, mut alice_events) = alice.subscribe().unwrap();
    let sent = [
        send_acked(&alice, &to_bob, Outgoing::Text("hello bob".into())).await,
        send_acked(&alice, &to_bob, Outgoing::Image(png.clone())).await,
        send_acked(&alice, &to_bob, Outgoing::File(notes.clone())).await,
        send_acked(
            &alice,
            &to_bob,
            Outgoing::Voice {
                amr: amr.clone(),
                duration: 2,
            },
        )
        .await,
        send_acked(
            &alice,
            &to_bob,
            Outgoing::Music {
                url: "http://music/a.mp3".into(),
                name: "Song".into(),
                author: "Singer".into(),
                poster: "http://music/a.jpg".into(),
            },
        )
        .await,
        send_acked(
            &alice,
            &to_bob,
            Outgoing::Content(Content::HqVoice(HqVoice {
                remote_url: "http://voice/a.aac".into(),
                duration: 4,
                format: Some("aac".into()),
                ..Default::default()
            })),
        )
        .await,
    ];
    let file_id = sent[2].local_id;
    let mut last_progress = (0, 0);
    while let Ok(event) = alice_events.try_recv() {
        if let Event::Progress {
            local_id,
            done,
            total,
        } = event
            && local_id == file_id
        {
            assert!(done >= last_progress.0, "progress goes forward");
            last_progress = (done, total);
        }
    }
    assert_eq!(
        last_progress,
        (300_000, 300_000),
        "upload progress reached the total"
    );
    assert!(
        sent.iter()
            .all(|m| m.uid.is_some() && m.status == SendStatus::Sent)
    );

    // Bob receives all six, in order.
    let mut received = Vec::new();
    while received.len() < 6 {
        let message = wait_for(&mut bob_events, TIMEOUT, |e| match e {
            Event::MessageReceived { message } => Some(message.clone()),
            _ => None,
        })
        .await;
        received.push(message);
    }
    let uids: Vec<_> = received.iter().map(|m| m.uid.clone()).collect();
    assert_eq!(uids, sent.iter().map(|m| m.uid.clone()).collect::<Vec<_>>());
    assert!(
        received
            .iter()
            .all(|m| m.direction == Direction::Receive && m.sender_id == "alice")
    );

    let Content::Text(text) = received[0].parsed() else {
        panic!("text")
    };
    assert_eq!(text.content, "hello bob");

    let Content::Image(image) = received[1].parsed() else {
        panic!("image")
    };
    let thumb = base64::engine::general_purpose::STANDARD
        .decode(&image.content)
        .unwrap();
    assert_eq!(&thumb[..2], &[0xFF, 0xD8]);
    assert_eq!(
        (image.thum_width, image.thum_height),
        (Some(160), Some(120))
    );
    let (path, reported) = download_reporting(&bob, &image.image_uri, "photo.png").await;
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&png).unwrap());
    assert!(!reported.is_empty(), "download progress");

    let Content::File(file) = received[2].parsed() else {
        panic!("file")
    };
    assert_eq!(
        (file.name.as_str(), file.size, file.file_type.as_str()),
        ("notes.txt", 300_000, "txt")
    );
    let (path, reported) = download_reporting(&bob, &file.file_url, "../notes.txt").await;
    assert_eq!(std::fs::read(&path).unwrap(), file_bytes);
    assert!(
        path.starts_with(bob.data_dir().join("downloads")),
        "sanitized into the cache"
    );
    assert_eq!(reported.last().map(|p| p.0), Some(300_000));
    // Cached: no second transfer.
    let again = bob
        .download(
            &file.file_url,
            "../notes.txt",
            |_, _| panic!("downloaded twice"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(again, path);

    let Content::Voice(voice) = received[3].parsed() else {
        panic!("voice")
    };
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(&voice.content)
            .unwrap(),
        amr
    );
    assert_eq!(voice.duration, 2);
    let Content::Music(music) = received[4].parsed() else {
        panic!("music")
    };
    assert_eq!(
        (music.name.as_str(), music.author.as_str()),
        ("Song", "Singer")
    );
    let Content::HqVoice(hq) = received[5].parsed() else {
        panic!("hq voice")
    };
    assert_eq!(
        (hq.remote_url.as_str(), hq.duration),
        ("http://voice/a.aac", 4)
    );

    // And back: bob answers, alice receives.
    let (_, mut alice_events) = alice.subscribe().unwrap();
    let reply = send_acked(
        &bob,
        &ConversationId::private("alice"),
        Outgoing::Text("hi alice".into()),
    )
    .await;
    let got = wait_for(&mut alice_events, TIMEOUT, |e| match e {
        Event::MessageReceived { message } => Some(message.clone()),
        _ => None,
    })
    .await;
    assert_eq!(got.uid, reply.uid);

    // Conversations and history on both sides.
    let conversations = bob.conversations().unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0].id, ConversationId::private("alice"));
    assert_eq!(conversations[0].unread, 6);
    assert_eq!(
        conversations[0].last_message.as_ref().unwrap().uid,
        reply.uid
    );
    let history = alice.history(&to_bob, None, 20).await.unwrap();
    assert_eq!(history.len(), 7);
    assert_eq!(history.last().unwrap().uid, reply.uid);
    assert_eq!(history.first().unwrap().uid, sent[0].uid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_messages_are_caught_up_in_pages_and_history_pages_back() {
    let env = Env::start().await;
    let alice = env.client("alice", "desk").await;
    let to_bob = ConversationId::private("bob");
    let (_, mut events) = alice.subscribe().unwrap();
    let count = 450; // more than one pull page (200)
    let last = queue_numbered_texts(&alice, &to_bob, count).await;
    wait_status(&mut events, last.local_id, SendStatus::Sent).await;

    // Bob was never online: the first connect catches everything up.
    let bob = rongchat_client::Client::open(env.config("bob", "desk")).unwrap();
    let (_, mut bob_events) = bob.subscribe().unwrap();
    bob.connect();
    wait_for(&mut bob_events, TIMEOUT, |e| {
        matches!(e, Event::SyncFinished).then_some(())
    })
    .await;
    let from_alice = ConversationId::private("alice");
    assert_eq!(
        bob.conversation(&from_alice).unwrap().unwrap().unread,
        count as i64
    );
    let mut texts = Vec::new();
    let mut before = None;
    loop {
        let page = bob.history(&from_alice, before.as_ref(), 20).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 20);
        before = page.first().cloned();
        for m in page.iter().rev() {
            let Content::Text(t) = m.parsed() else {
                panic!("text")
            };
            texts.push(t.content);
        }
    }
    texts.reverse();
    let expected: Vec<_> = (0..count).map(|i| format!("m{i}")).collect();
    assert_eq!(texts, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_messages_from_another_device_arrive_as_sent() {
    let env = Env::start().await;
    let phone = env.client("alice", "phone").await;
    let desk = env.client("alice", "desk").await;
    let (_, mut desk_events) = desk.subscribe().unwrap();
    let to_bob = ConversationId::private("bob");
    let sent = send_acked(&phone, &to_bob, Outgoing::Text("from my phone".into())).await;
    let echoed = wait_for(&mut desk_events, TIMEOUT, |e| match e {
        Event::MessageReceived { message } => Some(message.clone()),
        _ => None,
    })
    .await;
    assert_eq!(echoed.uid, sent.uid);
    assert_eq!(
        (echoed.direction, echoed.sender_id.as_str()),
        (Direction::Send, "alice")
    );
    assert_eq!(echoed.conversation, to_bob);
    // The pull after the notify does not store it twice.
    let history = desk.history(&to_bob, None, 20).await.unwrap();
    assert_eq!(history.len(), 1);
    // A new device pulls its sent messages too (direction 1 in the pull).
    let tablet = env.client("alice", "tablet").await;
    let (_, mut tablet_events) = tablet.subscribe().unwrap();
    if tablet.history(&to_bob, None, 20).await.unwrap().is_empty() {
        wait_for(&mut tablet_events, TIMEOUT, |e| {
            matches!(e, Event::MessageReceived { .. }).then_some(())
        })
        .await;
    }
    let history = tablet.history(&to_bob, None, 20).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].direction, Direction::Send);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_messages_reach_every_member() {
    let env = Env::start().await;
    env.server()
        .create_group("team", "Team", &["alice", "bob", "carol"])
        .unwrap();
    let alice = env.client("alice", "desk").await;
    let bob = env.client("bob", "desk").await;
    let carol = env.client("carol", "desk").await;
    let (_, mut bob_events) = bob.subscribe().unwrap();
    let (_, mut carol_events) = carol.subscribe().unwrap();
    let team = ConversationId::group("team");
    let sent = send_acked(&alice, &team, Outgoing::Text("hi team".into())).await;
    for events in [&mut bob_events, &mut carol_events] {
        let got = wait_for(events, TIMEOUT, |e| match e {
            Event::MessageReceived { message } => Some(message.clone()),
            _ => None,
        })
        .await;
        assert_eq!(
            (got.conversation.clone(), got.uid.clone()),
            (team.clone(), sent.uid.clone())
        );
        assert_eq!(got.sender_id, "alice");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_is_filled_from_the_server_when_the_store_runs_out() {
    let env = Env::start().await;
    let alice = env.client("alice", "desk").await;
    let bob = env.client("bob", "desk").await;
    let to_bob = ConversationId::private("bob");
    let from_alice = ConversationId::private("alice");
    for i in 0..30 {
        alice
            .send(&to_bob, Outgoing::Text(format!("h{i}")))
            .await
            .unwrap();
    }
    eventually(TIMEOUT, || {
        bob.conversation(&from_alice).unwrap().map(|c| c.unread) == Some(30)
    })
    .await;
    drop(bob);
    // This device lost its oldest 25 messages (say, it was installed later).
    let db =
        rusqlite::Connection::open(env.data_dir("bob", "desk").join("rongchat.sqlite3")).unwrap();
    let removed = db
        .execute(
            "DELETE FROM messages WHERE local_id IN
             (SELECT local_id FROM messages ORDER BY sent_time LIMIT 25)",
            [],
        )
        .unwrap();
    assert_eq!(removed, 25);
    drop(db);

    let bob = connected(env.config("bob", "desk")).await;
    let newest = bob.history(&from_alice, None, 20).await.unwrap();
    assert_eq!(newest.len(), 20, "5 local + 15 from qryPMsg");
    let older = bob.history(&from_alice, newest.first(), 20).await.unwrap();
    assert_eq!(older.len(), 10);
    let texts: Vec<String> = older
        .iter()
        .chain(&newest)
        .map(|m| match m.parsed() {
            Content::Text(t) => t.content,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(texts, (0..30).map(|i| format!("h{i}")).collect::<Vec<_>>());
    assert!(
        bob.history(&from_alice, older.first(), 20)
            .await
            .unwrap()
            .is_empty()
    );
    // Fetched history does not count as unread.
    assert_eq!(bob.conversation(&from_alice).unwrap().unwrap().unread, 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_text_or_a_bad_target_is_a_typed_error_and_queues_nothing() {
    let env = Env::start().await;
    let alice = env.client("alice", "desk").await;
    let huge = "字".repeat(50_000);
    let result = alice
        .send(&ConversationId::private("bob"), Outgoing::Text(huge))
        .await;
    assert!(
        matches!(result, Err(rongchat_client::Error::TooLarge { limit, .. }) if limit == 128 * 1024),
        "{result:?}"
    );
    let too_long = ConversationId::private("b".repeat(65));
    let result = alice.send(&too_long, Outgoing::Text("hi".into())).await;
    assert!(
        matches!(result, Err(rongchat_client::Error::InvalidArgument(_))),
        "{result:?}"
    );
    assert_eq!(alice.pending_sends().unwrap(), 0);
    assert!(
        alice.conversations().unwrap().is_empty(),
        "nothing was stored"
    );
}
