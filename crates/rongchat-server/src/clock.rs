//! Wall-clock time in ms, and the server's strictly increasing message times.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Server time in whole seconds for frame dates.
pub fn now_secs() -> u32 {
    date_parts(now_ms()).0
}

/// A time in ms as a frame's whole seconds and the millisecond remainder (PUBACK form).
pub fn date_parts(time_ms: i64) -> (u32, u16) {
    (
        u32::try_from(time_ms / 1000).unwrap_or(u32::MAX),
        u16::try_from(time_ms % 1000).unwrap_or(0),
    )
}

/// Hands out message times that never repeat and never go backwards, so the sync cursors
/// (`dataTime > syncTime`) can page without losing a message that shares a millisecond.
#[derive(Debug)]
pub struct MessageClock {
    last: AtomicI64,
}

impl MessageClock {
    /// Starts after `last_used` (the newest time in the store).
    pub fn new(last_used: i64) -> Self {
        Self {
            last: AtomicI64::new(last_used),
        }
    }

    /// The next time: `now` or one past the previous, whichever is later.
    pub fn next(&self, now: i64) -> i64 {
        let mut prev = self.last.load(Ordering::Relaxed);
        loop {
            let next = now.max(prev + 1);
            match self
                .last
                .compare_exchange_weak(prev, next, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => return next,
                Err(actual) => prev = actual,
            }
        }
    }
}

/// A message's unique id, `XXXX-XXXX-XXXX-XXXX` like RongCloud's: 48 bits of its (unique)
/// time and 32 random bits in base32.
pub fn message_uid(data_time: i64) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKLMNPQRSTUVWX";
    let mut salt = [0u8; 4];
    let _ = getrandom::fill(&mut salt);
    let bits = (u128::from(data_time as u64 & 0xffff_ffff_ffff) << 32)
        | u128::from(u32::from_be_bytes(salt));
    let mut out = String::with_capacity(19);
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let shift = 5 * (15 - i);
        let idx = ((bits >> shift) & 31) as usize;
        out.push(char::from(ALPHABET.get(idx).copied().unwrap_or(b'0')));
    }
    out
}

/// Random bytes as lowercase hex (session ids, nonces).
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    let _ = getrandom::fill(&mut buf);
    hex::encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_strictly_increase_within_one_millisecond() {
        let clock = MessageClock::new(0);
        assert_eq!(clock.next(1000), 1000);
        assert_eq!(clock.next(1000), 1001);
        assert_eq!(clock.next(999), 1002);
        assert_eq!(clock.next(5000), 5000);
    }

    #[test]
    fn uid_shape() {
        let uid = message_uid(1_795_628_855_457);
        assert_eq!(uid.len(), 19);
        assert_eq!(uid.matches('-').count(), 3);
        assert_ne!(uid, message_uid(1_795_628_855_458));
    }
}
