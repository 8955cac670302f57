//! Reconnect delays: exponential, capped, with jitter from a seeded generator so a test
//! can predict every delay.

use std::time::Duration;

/// The first retry comes within this long.
pub const FIRST_DELAY: Duration = Duration::from_secs(1);
/// No retry waits longer than this.
pub const MAX_DELAY: Duration = Duration::from_secs(30);

/// SplitMix64: tiny, fast and good enough for jitter; seeded by the caller.
#[derive(Debug, Clone)]
pub struct Jitter {
    state: u64,
}

impl Jitter {
    /// A generator with the given seed.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Exponential backoff with "equal jitter": attempt `n` waits between half and all of
/// `min(FIRST_DELAY * 2^n, MAX_DELAY)`, so retries spread out but never bunch at zero.
#[derive(Debug, Clone)]
pub struct Backoff {
    attempt: u32,
    jitter: Jitter,
}

impl Backoff {
    /// A fresh schedule whose jitter comes from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            attempt: 0,
            jitter: Jitter::new(seed),
        }
    }

    /// The ceiling for the current attempt, before jitter.
    pub fn ceiling(&self) -> Duration {
        let factor = 1u32 << self.attempt.min(16);
        FIRST_DELAY.saturating_mul(factor).min(MAX_DELAY)
    }

    /// The delay before the next attempt; advances the schedule.
    pub fn next_delay(&mut self) -> Duration {
        let ceiling = self.ceiling().as_millis() as u64;
        let half = ceiling / 2;
        let delay = half + self.jitter.next_u64() % (ceiling - half + 1);
        self.attempt = self.attempt.saturating_add(1);
        Duration::from_millis(delay)
    }

    /// Back to the first delay (after a connection proved healthy, or on a resume hint).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// How many delays were handed out since the last reset.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_stay_in_bounds_and_cap() {
        let mut backoff = Backoff::new(7);
        let ceilings = [1, 2, 4, 8, 16, 30, 30, 30];
        for ceiling_s in ceilings {
            let ceiling = Duration::from_secs(ceiling_s);
            let delay = backoff.next_delay();
            assert!(delay <= ceiling, "{delay:?} > {ceiling:?}");
            assert!(delay >= ceiling / 2, "{delay:?} < half of {ceiling:?}");
        }
        backoff.reset();
        assert!(backoff.next_delay() <= FIRST_DELAY);
    }

    #[test]
    fn same_seed_same_schedule_other_seed_differs() {
        let run = |seed| {
            let mut b = Backoff::new(seed);
            (0..6).map(|_| b.next_delay()).collect::<Vec<_>>()
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
    }
}
