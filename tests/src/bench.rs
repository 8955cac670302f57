//! What the bench binaries of this crate share: their knobs from the environment, the
//! `cargo bench` check and the runtime they measure on.

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

/// The runtime the benches measure on: two workers, as the machine has two cores.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}
