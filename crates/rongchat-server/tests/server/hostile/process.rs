//! `rongchat-server serve` as a child process, so its memory can be read and it can be
//! killed.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const EXE: &str = env!("CARGO_BIN_EXE_rongchat-server");

/// A login token from the data folder, as the CLI prints it.
pub fn token(dir: &Path, user: &str) -> String {
    let out = Command::new(EXE)
        .args(["token", "--data"])
        .arg(dir)
        .args(["--user", user, "--name", user])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A running server process; killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub addr: SocketAddr,
    /// Its stdout after the listening line, a line at a time.
    pub lines: std::sync::mpsc::Receiver<String>,
}

impl ServerProcess {
    pub fn start(dir: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(EXE)
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(dir)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let _ = tx.send(line.unwrap_or_default());
            }
        });
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("no listening line");
        let addr = line
            .strip_prefix("listening http://")
            .expect(&line)
            .parse()
            .unwrap();
        Self {
            child,
            addr,
            lines: rx,
        }
    }

    /// Resident memory in bytes (`VmRSS` of /proc/<pid>/status).
    pub fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap();
        kb * 1024
    }

    /// SIGKILL, and wait for it to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
