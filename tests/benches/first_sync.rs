//! The engine's part of a cold start: a fresh client (empty data dir) catching up with
//! 1,000 conversations waiting on the server (one text each from 1,000 senders, published
//! through the Server API as the app bench does). Prints the time from `Client::open` to
//! connected and to `SyncFinished` with every conversation in the local store, then the
//! time to read (and cache) the 1,000 senders' profiles, as the app does before showing them.
//! Last, the memory of the whole process (server and client, no UI) once caught up.
//!
//! Run: `cargo bench -p rongchat-tests --bench first_sync` (`RONGCHAT_BENCH_COUNT=N`
//! changes the 1,000; `RONGCHAT_BENCH_RUNS=N` the 3 fresh clients timed in turn).

use std::time::{Duration, Instant};

use rongchat_client::{Client, ClientConfig, Event};
use rongchat_tests::ours::wait_event;
use rongchat_tests::server_api;
use rongchat_tests::{TestServer, bench};

const WITHIN: Duration = Duration::from_secs(60);
const RECEIVER: &str = "first-sync-rx";
/// As the app asks (`crates/rongchat-host/src/profiles.rs`).
const USERS_PER_ASK: usize = 100;

fn main() {
    if !bench::measuring() {
        return;
    }
    let count = bench::env_or("RONGCHAT_BENCH_COUNT", 1000);
    let runs = bench::env_or("RONGCHAT_BENCH_RUNS", 3);
    let runtime = bench::runtime();
    runtime.block_on(async move {
        let server = TestServer::start().await;
        for i in 0..count {
            // A registered sender with a name, as in a real contact list.
            let sender = format!("sync{i:04}");
            let name = format!("sender{i}");
            let form = server_api::form(&[("userId", &sender), ("name", &name), ("portraitUri", "")]);
            let (status, reply) = server_api::call(&server, "/user/getToken.json", &form, WITHIN)
                .await
                .expect("register");
            assert_eq!(status, 200, "{reply}");
            let content = format!("{{\"content\":\"message {i}\"}}");
            let form = server_api::form(&[
                ("fromUserId", &sender),
                ("toUserId", RECEIVER),
                ("objectName", "RC:TxtMsg"),
                ("content", &content),
            ]);
            let (status, reply) =
                server_api::call(&server, "/message/private/publish.json", &form, WITHIN)
                    .await
                    .expect("publish");
            assert_eq!(status, 200, "{reply}");
        }
        for run in 0..runs {
            let dir = tempfile::tempdir().expect("temp dir");
            let config = ClientConfig::new(
                server.navi_url(),
                server.server().app_key(),
                server.token(RECEIVER),
                dir.path(),
            );
            let started = Instant::now();
            let client = Client::open(config).expect("Client::open");
            let (_, mut events) = client.subscribe().expect("subscribe");
            client.connect_and_wait(WITHIN).await.expect("connect");
            let connected = started.elapsed();
            if !client.caught_up() {
                wait_event(&mut events, "SyncFinished", WITHIN, |e| {
                    matches!(e, Event::SyncFinished).then_some(())
                })
                .await;
            }
            let synced = started.elapsed();
            let conversations = client.conversations().expect("conversations");
            assert_eq!(conversations.len(), count, "conversations after the first sync");
            // The app names every new sender before the page shows it, in asks of 100.
            let senders: Vec<String> = conversations
                .iter()
                .map(|c| c.id.target_id.clone())
                .collect();
            let asking = Instant::now();
            let mut named = 0;
            for chunk in senders.chunks(USERS_PER_ASK) {
                named += client.user_profiles(chunk).await.expect("profiles").len();
            }
            let asked = asking.elapsed();
            assert_eq!(named, count, "profiles of the senders");
            println!(
                "first sync (fresh client, run {run}): connected {:.0} ms, {count} conversations stored {:.0} ms after Client::open; then their {count} senders' profiles read in asks of {USERS_PER_ASK} and cached: {:.0} ms",
                connected.as_secs_f64() * 1000.0,
                synced.as_secs_f64() * 1000.0,
                asked.as_secs_f64() * 1000.0
            );
            if run + 1 == runs {
                println!(
                    "first sync, the engine's memory: this process (the local server and the client, {count} conversations caught up and their senders' profiles cached, no UI): {}",
                    memory_of_this_process()
                );
            }
            client.disconnect();
        }
        server.shutdown().await;
    });
}

/// `PSS x MiB, RSS y MiB` of this process, from `/proc/self/smaps_rollup`.
fn memory_of_this_process() -> String {
    let mib = |field: &str| {
        bench::rollup_kib("self", field).map_or("unknown".to_owned(), |kib| {
            format!("{:.1} MiB", kib as f64 / 1024.0)
        })
    };
    format!("PSS {}, RSS {}", mib("Pss:"), mib("Rss:"))
}
