//! What the bench binaries of this crate share: their knobs from the environment, the
//! `cargo bench` check, the memory figures they read and the runtime they measure on.

/// `name` from the environment as a number, or `default` when unset or not a number.
pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Whether `cargo bench` started this binary: `cargo test --benches` runs it without
/// `--bench`, and then it should return at once rather than measure.
pub fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// A field of `/proc/<pid>/smaps_rollup` in KiB (`pid` may be `self`), e.g. `"Pss:"`;
/// `None` when the process is gone or the field missing.
pub fn rollup_kib(pid: impl std::fmt::Display, field: &str) -> Option<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let line = rollup.lines().find_map(|l| l.strip_prefix(field))?;
    line.split_whitespace().next()?.parse().ok()
}

/// The runtime the benches measure on: two workers, as the machine has two cores.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}
