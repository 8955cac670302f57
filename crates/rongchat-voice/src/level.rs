//! The level meter: RMS and peak of the microphone signal over 50 ms windows (20 readings a
//! second), stamped with the recording's elapsed time.

use std::time::Duration;

/// Readings per second of audio.
pub const LEVELS_PER_SECOND: u32 = 20;

/// One level reading.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Level {
    /// Root mean square of the window, 0.0-1.0 (full scale).
    pub rms: f32,
    /// Largest absolute sample of the window, 0.0-1.0.
    pub peak: f32,
    /// Audio recorded so far, at the end of the window.
    pub elapsed: Duration,
}

impl Level {
    /// RMS in dBFS (-inf for silence is clamped to -120).
    pub fn rms_dbfs(&self) -> f32 {
        to_dbfs(self.rms)
    }

    /// Peak in dBFS (clamped to -120).
    pub fn peak_dbfs(&self) -> f32 {
        to_dbfs(self.peak)
    }
}

fn to_dbfs(value: f32) -> f32 {
    (20.0 * value.max(1e-6).log10()).max(-120.0)
}

/// Accumulates mono samples at the capture rate and yields a [`Level`] per 50 ms of audio.
#[derive(Debug)]
pub struct LevelMeter {
    rate: u32,
    window: usize,
    filled: usize,
    sum_squares: f64,
    peak: f32,
    total: u64,
}

impl LevelMeter {
    /// A meter for audio at `rate` Hz.
    pub fn new(rate: u32) -> Self {
        Self {
            rate: rate.max(1),
            window: (rate / LEVELS_PER_SECOND).max(1) as usize,
            filled: 0,
            sum_squares: 0.0,
            peak: 0.0,
            total: 0,
        }
    }

    /// Feeds samples; calls `emit` once per completed window.
    pub fn push(&mut self, samples: &[f32], emit: &mut dyn FnMut(Level)) {
        for &s in samples {
            self.sum_squares += f64::from(s) * f64::from(s);
            self.peak = self.peak.max(s.abs());
            self.filled += 1;
            self.total += 1;
            if self.filled == self.window {
                emit(Level {
                    rms: (self.sum_squares / self.window as f64).sqrt() as f32,
                    peak: self.peak,
                    elapsed: self.elapsed(),
                });
                self.filled = 0;
                self.sum_squares = 0.0;
                self.peak = 0.0;
            }
        }
    }

    /// Audio seen so far.
    pub fn elapsed(&self) -> Duration {
        Duration::from_secs_f64(self.total as f64 / f64::from(self.rate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_readings_a_second_with_rms_and_peak() {
        let mut meter = LevelMeter::new(48000);
        let square: Vec<f32> = (0..48000)
            .map(|i| if i % 2 == 0 { 0.25 } else { -0.25 })
            .collect();
        let mut levels = Vec::new();
        for chunk in square.chunks(777) {
            meter.push(chunk, &mut |l| levels.push(l));
        }
        assert_eq!(levels.len(), 20);
        assert!((levels[0].rms - 0.25).abs() < 1e-6);
        assert_eq!(levels[0].peak, 0.25);
        assert_eq!(levels[0].elapsed, Duration::from_millis(50));
        assert_eq!(levels[19].elapsed, Duration::from_secs(1));
        assert!((levels[0].rms_dbfs() + 12.04).abs() < 0.01);
        assert_eq!(
            Level {
                rms: 0.0,
                peak: 0.0,
                elapsed: Duration::ZERO
            }
            .peak_dbfs(),
            -120.0
        );
    }
}
