//! Runs the official RongCloud Web SDK oracle (`shared/oracle/oracle.mjs`) as a child
//! process and reads its JSON lines as they come, so a test can wait for one line (an
//! event, a step) with a deadline and, at the end, judge the whole transcript.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout_at};

/// The oracle's own overall deadline; our waits are shorter so a hang shows as our
/// timeout with the transcript, not as a silent oracle exit.
const ORACLE_HARD_TIMEOUT_MS: u64 = 90_000;

/// The folder holding `oracle.mjs` with its `node_modules`, set up once per test process.
///
/// `RONGCHAT_ORACLE_DIR` wins (the test scripts set it). Otherwise the shared oracle is
/// copied to `<workspace>/target/oracle` and `npm ci` runs there, as `scripts/lib.sh` does,
/// so a plain `cargo test` works too. Panics with the reason when neither is possible:
/// a conformance test must not skip silently.
pub fn oracle_dir() -> &'static Path {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match DIR.get_or_init(prepare_oracle_dir) {
        Ok(dir) => dir,
        Err(reason) => panic!("the official-SDK oracle is not available: {reason}"),
    }
}

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

fn has_sdk(dir: &Path) -> bool {
    dir.join("oracle.mjs").is_file()
        && dir
            .join("node_modules/@rongcloud/imlib-next/package.json")
            .is_file()
}

fn prepare_oracle_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("RONGCHAT_ORACLE_DIR") {
        let dir = PathBuf::from(dir);
        return if has_sdk(&dir) {
            Ok(dir)
        } else {
            Err(format!(
                "RONGCHAT_ORACLE_DIR={} has no oracle.mjs with node_modules (run scripts/test.sh)",
                dir.display()
            ))
        };
    }
    let root = workspace_root();
    let shared = std::env::var_os("RONGCHAT_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([root.join("../shared"), root.join("../../shared")])
        .map(|s| s.join("oracle"))
        .find(|o| o.join("oracle.mjs").is_file())
        .ok_or("cannot find shared/oracle (set RONGCHAT_SHARED or RONGCHAT_ORACLE_DIR)")?;
    let dest = root.join("target/oracle");
    let lock_same = std::fs::read(shared.join("package-lock.json")).ok()
        == std::fs::read(dest.join("package-lock.json")).ok();
    copy_tree(&shared, &dest).map_err(|e| format!("copying {}: {e}", shared.display()))?;
    if !lock_same || !has_sdk(&dest) {
        let _ = std::fs::remove_dir_all(dest.join("node_modules"));
        let out = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dest)
            .output()
            .map_err(|e| format!("cannot run npm (Node.js >= 20 is needed): {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "npm ci failed in {}: {}",
                dest.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    if has_sdk(&dest) {
        Ok(dest)
    } else {
        Err(format!(
            "{} still lacks the SDK after npm ci",
            dest.display()
        ))
    }
}

/// Copies the oracle's files (not `node_modules`), skipping identical ones. The shared
/// originals are read-only, so copies (and folders) are made owner-writable.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::create_dir_all(to)?;
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o755))?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "node_modules" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type()?.is_dir() {
            copy_tree(&src, &dst)?;
            continue;
        }
        let bytes = std::fs::read(&src)?;
        if std::fs::read(&dst).is_ok_and(|old| old == bytes) {
            continue;
        }
        if dst.exists() {
            std::fs::remove_file(&dst)?;
        }
        std::fs::write(&dst, bytes)?;
        std::fs::set_permissions(&dst, std::fs::Permissions::from_mode(0o644))?;
    }
    Ok(())
}

/// Where and as whom an oracle run connects.
#[derive(Debug, Clone)]
pub struct Login {
    /// Navigation base URL, e.g. `http://127.0.0.1:PORT`.
    pub navi: String,
    /// The AppKey.
    pub app_key: String,
    /// The login token (never printed by the harness).
    pub token: String,
}

/// One running oracle process.
#[derive(Debug)]
pub struct OracleRun {
    label: String,
    child: Child,
    lines: mpsc::UnboundedReceiver<Value>,
    seen: Vec<Value>,
    stderr: JoinHandle<String>,
    _script: tempfile::NamedTempFile,
}

impl OracleRun {
    /// Starts `node oracle.mjs` for `login` with `scenario` (a JSON steps array or an
    /// object with `steps`, `register`, `expectConnectCode`). `label` names the run in
    /// failure messages.
    pub fn spawn(label: &str, login: &Login, scenario: &Value) -> OracleRun {
        let dir = oracle_dir();
        let script = tempfile::Builder::new()
            .prefix("scenario-")
            .suffix(".json")
            .tempfile()
            .expect("create a scenario file");
        std::fs::write(script.path(), scenario.to_string()).expect("write the scenario file");
        let mut cmd = Command::new("node");
        cmd.current_dir(dir)
            .arg(dir.join("oracle.mjs"))
            .args(["--navi", &login.navi, "--appkey", &login.app_key])
            .args(["--token", &login.token])
            .arg("--script")
            .arg(script.path())
            .args(["--timeout-ms", &ORACLE_HARD_TIMEOUT_MS.to_string()]);
        if let Some(chromium) = std::env::var_os("RONGCHAT_CHROMIUM") {
            cmd.arg("--chromium").arg(chromium);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("[{label}] cannot start node oracle.mjs: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                // A line that is not JSON is kept as a string so it shows in the dump.
                let value = serde_json::from_str(&line).unwrap_or(Value::String(line));
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        let stderr = tokio::spawn(async move {
            let mut text = String::new();
            let _ = BufReader::new(stderr).read_to_string(&mut text).await;
            text
        });
        OracleRun {
            label: label.to_owned(),
            child,
            lines: rx,
            seen: Vec::new(),
            stderr,
            _script: script,
        }
    }

    /// The oracle's process id (node's; Chromium runs as its descendants), while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Waits until a line matching `pred` arrives (or has arrived) and returns it.
    /// Panics with the transcript so far when `within` passes or the oracle exits first.
    pub async fn wait_line(
        &mut self,
        what: &str,
        within: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        if let Some(line) = self.seen.iter().find(|l| pred(l)) {
            return line.clone();
        }
        let deadline = Instant::now() + within;
        loop {
            match timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(line)) => {
                    self.seen.push(line.clone());
                    if pred(&line) {
                        return line;
                    }
                }
                Ok(None) => panic!(
                    "[{}] the oracle ended before {what}\n{}",
                    self.label,
                    dump_lines(&self.seen)
                ),
                Err(_) => panic!(
                    "[{}] no {what} within {within:?}\n{}",
                    self.label,
                    dump_lines(&self.seen)
                ),
            }
        }
    }

    /// Waits for the result line of the first step named `op` (e.g. `"connect"`).
    pub async fn wait_step(&mut self, op: &str, within: Duration) -> Value {
        self.wait_line(&format!("step {op:?}"), within, |l| l["step"] == op)
            .await
    }

    /// Reads the rest of the output and waits for the process to exit, killing it when
    /// `within` passes (the report then has no exit code and says so).
    pub async fn finish(mut self, within: Duration) -> OracleReport {
        let deadline = Instant::now() + within;
        let mut timed_out = false;
        loop {
            match timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(line)) => self.seen.push(line),
                Ok(None) => break,
                Err(_) => {
                    timed_out = true;
                    break;
                }
            }
        }
        let status = if timed_out {
            let _ = self.child.kill().await;
            None
        } else {
            match timeout_at(deadline, self.child.wait()).await {
                Ok(Ok(status)) => status.code(),
                _ => {
                    timed_out = true;
                    let _ = self.child.kill().await;
                    None
                }
            }
        };
        let stderr = match tokio::time::timeout(Duration::from_secs(2), self.stderr).await {
            Ok(Ok(text)) => text,
            _ => String::new(),
        };
        let report = OracleReport {
            label: self.label,
            lines: self.seen,
            status,
            timed_out,
            stderr,
        };
        if std::env::var_os("RONGCHAT_ORACLE_DUMP").is_some() {
            eprintln!("{}", report.dump());
        }
        report
    }
}

/// Everything one oracle run printed, and how it ended.
#[derive(Debug, Clone)]
pub struct OracleReport {
    /// The run's name in failure messages.
    pub label: String,
    /// Every stdout line, parsed (non-JSON lines as strings).
    pub lines: Vec<Value>,
    /// Exit code; `None` when killed or timed out.
    pub status: Option<i32>,
    /// Whether our deadline passed before the oracle ended.
    pub timed_out: bool,
    /// The oracle's stderr.
    pub stderr: String,
}

impl OracleReport {
    /// The transcript, for failure messages.
    pub fn dump(&self) -> String {
        let mut out = format!(
            "--- oracle run [{}]: exit {:?}{} ---\n{}",
            self.label,
            self.status,
            if self.timed_out { " (timed out)" } else { "" },
            dump_lines(&self.lines)
        );
        if !self.stderr.trim().is_empty() {
            let _ = write!(out, "--- stderr ---\n{}\n", truncate(&self.stderr, 4000));
        }
        out
    }

    /// Panics with `msg` and the transcript unless `cond` holds.
    #[track_caller]
    pub fn ensure(&self, cond: bool, msg: impl std::fmt::Display) {
        if !cond {
            panic!("[{}] {msg}\n{}", self.label, self.dump());
        }
    }

    /// Every result line of steps named `op`, in order.
    pub fn steps(&self, op: &str) -> Vec<&Value> {
        self.lines.iter().filter(|l| l["step"] == op).collect()
    }

    /// The result line of the `n`th (0-based) step named `op`; panics when missing.
    #[track_caller]
    pub fn nth_step(&self, op: &str, n: usize) -> &Value {
        match self.steps(op).get(n) {
            Some(line) => line,
            None => panic!(
                "[{}] no step {op:?} #{n} in the output\n{}",
                self.label,
                self.dump()
            ),
        }
    }

    /// The result line of the first step named `op`.
    #[track_caller]
    pub fn step(&self, op: &str) -> &Value {
        self.nth_step(op, 0)
    }

    /// The `message` objects of every `MESSAGE` event, in arrival order.
    pub fn received(&self) -> Vec<&Value> {
        self.lines
            .iter()
            .filter(|l| l["event"] == "MESSAGE")
            .map(|l| &l["message"])
            .collect()
    }

    /// The `pageerror` lines (exceptions thrown inside the SDK).
    pub fn page_errors(&self) -> Vec<&Value> {
        self.lines
            .iter()
            .filter(|l| l["event"] == "pageerror")
            .collect()
    }

    /// Panics unless the SDK threw nothing.
    #[track_caller]
    pub fn assert_no_page_error(&self) {
        let errors = self.page_errors();
        self.ensure(
            errors.is_empty(),
            format!("the SDK threw {} pageerror(s)", errors.len()),
        );
    }

    /// Panics unless the run ended normally: exit 0, a final `done` line with no failures,
    /// every step ok (or as its `expectCode` said), and no `pageerror`.
    #[track_caller]
    pub fn assert_success(&self) {
        self.assert_no_page_error();
        for line in self.lines.iter().filter(|l| l.get("step").is_some()) {
            let ok = line["ok"] == true || line.get("expected").is_some_and(|e| *e == line["code"]);
            self.ensure(ok, format!("step failed: {line}"));
        }
        let done = self.lines.iter().rev().find(|l| l["step"] == "done");
        self.ensure(
            done.is_some_and(|d| d["ok"] == true),
            "no successful final `done` line",
        );
        self.ensure(self.status == Some(0), "the oracle did not exit with 0");
    }
}

fn dump_lines(lines: &[Value]) -> String {
    let mut out = String::new();
    for line in lines {
        let _ = writeln!(out, "{}", truncate(&line.to_string(), 1500));
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn report(lines: Vec<Value>, status: Option<i32>) -> OracleReport {
        OracleReport {
            label: "unit".into(),
            lines,
            status,
            timed_out: false,
            stderr: String::new(),
        }
    }

    fn good_lines() -> Vec<Value> {
        vec![
            json!({ "step": "init", "ok": true, "code": 0 }),
            json!({ "step": "connect", "ok": false, "code": 31004, "expected": 31004 }),
            json!({ "event": "MESSAGE", "message": { "messageUId": "A" } }),
            json!({ "step": "done", "ok": true, "failures": 0 }),
        ]
    }

    #[test]
    fn a_clean_run_passes_and_exposes_steps_and_messages() {
        let r = report(good_lines(), Some(0));
        r.assert_success();
        assert_eq!(r.step("connect")["code"], 31004);
        assert_eq!(r.received()[0]["messageUId"], "A");
    }

    #[test]
    #[should_panic(expected = "pageerror")]
    fn a_page_error_fails_the_run() {
        let mut lines = good_lines();
        lines.insert(2, json!({ "event": "pageerror", "msg": "TypeError" }));
        report(lines, Some(0)).assert_success();
    }

    #[test]
    #[should_panic(expected = "step failed")]
    fn a_failed_step_fails_the_run() {
        let mut lines = good_lines();
        lines.insert(2, json!({ "step": "history", "ok": false, "code": 26010 }));
        report(lines, Some(0)).assert_success();
    }

    #[test]
    #[should_panic(expected = "did not exit with 0")]
    fn a_killed_oracle_fails_the_run() {
        report(good_lines(), None).assert_success();
    }

    #[test]
    #[should_panic(expected = "no step")]
    fn a_missing_step_is_reported() {
        report(good_lines(), Some(0)).step("history");
    }

    #[test]
    fn long_lines_are_cut_on_a_char_boundary() {
        let cut = truncate(&"你".repeat(100), 10);
        assert!(cut.starts_with("你你你") && cut.ends_with("(300 bytes)"));
    }
}
