//! Clocks and ids the engine's callers supply: wall-clock ms, the SDK-shaped
//! clientUniqueId, randomness and the per-install device id.

use crate::error::Result;
use std::path::Path;

/// ms since the epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A time-based 53-bit id like the SDK's local message id (`ms << 10 | random`), made
/// unique per process. Its high bits are the creation time, which upload keys reuse.
pub(crate) fn client_unique_id() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    let candidate = (now_ms() << 10) | (random_u64() as i64 & 0x3ff);
    let candidate = candidate & ((1 << 53) - 1);
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = candidate.max(last + 1);
        match LAST.compare_exchange(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(actual) => last = actual,
        }
    }
}

/// Random bits from the OS (the clock if the OS has none to give).
pub(crate) fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return now_ms() as u64;
    }
    u64::from_le_bytes(bytes)
}

/// A random 22-character device id, kept in the data directory like the SDK's.
pub(crate) fn device_id(dir: &Path) -> Result<String> {
    let path = dir.join("device_id");
    if let Ok(id) = std::fs::read_to_string(&path) {
        let id = id.trim().to_owned();
        if !id.is_empty() {
            return Ok(id);
        }
    }
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let id: String = (0..22)
        .filter_map(|_| ALPHABET.get((random_u64() % ALPHABET.len() as u64) as usize))
        .map(|&b| char::from(b))
        .collect();
    std::fs::write(&path, &id)?;
    Ok(id)
}
