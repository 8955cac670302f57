//! A private session D-Bus for one test, and a notification server on it that records every
//! notification (what the desktop's would show) and can click one (ActionInvoked), as the
//! user would.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zbus::zvariant::OwnedValue;

const PATH: &str = "/org/freedesktop/Notifications";
const NAME: &str = "org.freedesktop.Notifications";

/// A `dbus-daemon --session` of our own; stopped on drop.
pub struct Bus {
    pub address: String,
    daemon: Child,
    _dir: tempfile::TempDir,
}

impl Bus {
    pub fn start() -> Bus {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut daemon = Command::new("dbus-daemon")
            .arg("--session")
            .arg("--nofork")
            .arg("--print-address=1")
            .arg(format!(
                "--address=unix:path={}",
                dir.path().join("bus").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dbus-daemon (Debian package dbus; scripts/test.sh installs it)");
        // It prints its address once it listens.
        let mut line = String::new();
        BufReader::new(daemon.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the bus address");
        let address = line.trim().to_owned();
        assert!(address.starts_with("unix:"), "dbus-daemon said {address:?}");
        Bus {
            address,
            daemon,
            _dir: dir,
        }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// One `Notify` call.
#[derive(Debug, Clone)]
pub struct Notified {
    pub id: u32,
    pub summary: String,
    pub body: String,
    pub actions: Vec<String>,
}

#[derive(Default)]
struct Server {
    calls: Arc<Mutex<Vec<Notified>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut calls = self.calls.lock().expect("calls");
        let id = u32::try_from(calls.len()).expect("few") + 1;
        calls.push(Notified {
            id,
            summary,
            body,
            actions,
        });
        id
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "e2e-recorder".into(),
            "rongchat".into(),
            "1".into(),
            "1.2".into(),
        )
    }

    fn close_notification(&self, _id: u32) {}
}

/// The recording notification server.
pub struct Recorder {
    connection: zbus::blocking::Connection,
    calls: Arc<Mutex<Vec<Notified>>>,
}

impl Recorder {
    pub fn start(bus: &Bus) -> Recorder {
        let server = Server::default();
        let calls = server.calls.clone();
        let connection = zbus::blocking::connection::Builder::address(bus.address.as_str())
            .expect("bus address")
            .name(NAME)
            .expect("name")
            .serve_at(PATH, server)
            .expect("serve")
            .build()
            .expect("own org.freedesktop.Notifications");
        Recorder { connection, calls }
    }

    /// Everything recorded so far.
    pub fn calls(&self) -> Vec<Notified> {
        self.calls.lock().expect("calls").clone()
    }

    /// Waits until at least `n` notifications were recorded; returns them all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Notified> {
        let deadline = Instant::now() + within;
        loop {
            let calls = self.calls();
            if calls.len() >= n {
                return calls;
            }
            assert!(
                Instant::now() < deadline,
                "{} notification(s) within {within:?}, wanted {n}: {calls:?}",
                calls.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A click on the notification itself (the spec's `default` action).
    pub fn click(&self, id: u32) {
        self.connection
            .emit_signal(None::<&str>, PATH, NAME, "ActionInvoked", &(id, "default"))
            .expect("emit ActionInvoked");
    }
}
