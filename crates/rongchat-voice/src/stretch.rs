//! Faster playback that keeps the pitch: WSOLA (waveform-similarity overlap-add) time
//! compression of mono PCM.
//!
//! Why our own: the well-kept time-stretch libraries in Rust are bindings to C++
//! (Signalsmith Stretch, Rubber Band; the latter GPL) and bring a C++ build to every
//! target; speech at 1.5x and 2x needs no more than this. WSOLA cuts the signal into
//! Hann-windowed frames of [`FRAME`] and lays them down every half frame in the output,
//! taking each from `speed` half frames further on in the input, shifted by up to
//! [`TOLERANCE`] either way to where the waveform best continues the previous frame (the
//! normalised cross-correlation over the overlap). Periods then line up, so the pitch
//! stays and there is no phasing; a periodic Hann window at 50% overlap sums to exactly
//! one, so the level stays too. The output has `len / speed` samples (rounded).
//!
//! The search looks at about every 8 kHz-th sample (rate-independent cost, about 1.3
//! million multiplications per output second at 48 kHz), then refines at full rate.

/// Frame length: 30 ms, several pitch periods of any voice.
pub const FRAME: std::time::Duration = std::time::Duration::from_millis(30);
/// How far a frame may move from its nominal place to line up: 10 ms either way, more
/// than the longest pitch period of speech (about 8 ms at 125 Hz... 20 ms at 50 Hz is
/// below any speaking voice).
pub const TOLERANCE: std::time::Duration = std::time::Duration::from_millis(10);

/// Compresses (`speed` > 1) or expands (`speed` < 1) `input` in time, keeping its pitch.
/// `speed` of 1 (or a non-finite or non-positive one) returns the input unchanged.
pub fn stretch(input: &[f32], rate: u32, speed: f64) -> Vec<f32> {
    if input.is_empty() || !speed.is_finite() || speed <= 0.0 || (speed - 1.0).abs() < 1e-9 {
        return input.to_vec();
    }
    let rate = rate.max(1) as usize;
    let frame = ((rate * FRAME.as_millis() as usize / 1000) & !1).max(32);
    let hop = frame / 2;
    let tolerance = (rate * TOLERANCE.as_millis() as usize / 1000).max(1) as isize;
    let step = (rate / 8000).max(1);
    let window: Vec<f32> = (0..frame)
        .map(|i| {
            let phase = 2.0 * std::f64::consts::PI * i as f64 / frame as f64;
            (0.5 - 0.5 * phase.cos()) as f32
        })
        .collect();

    let out_len = (input.len() as f64 / speed).round() as usize;
    let frames = out_len / hop + 2;
    let mut out = vec![0.0f32; frames * hop + frame];
    let at = |i: isize| -> f32 {
        if i < 0 {
            0.0
        } else {
            input.get(i as usize).copied().unwrap_or(0.0)
        }
    };
    let mut previous: isize = 0;
    for k in 0..frames {
        let nominal = (k as f64 * hop as f64 * speed).round() as isize;
        let position = if k == 0 {
            0
        } else {
            best_position(&at, previous + hop as isize, nominal, tolerance, hop, step)
        };
        let base = k * hop;
        for (i, w) in window.iter().enumerate() {
            out[base + i] += w * at(position + i as isize);
        }
        previous = position;
    }
    out.truncate(out_len);
    out
}

/// The start within `nominal ± tolerance` whose first `len` samples best match those at
/// `template` (normalised cross-correlation, sampled every `step`; ties keep `nominal`).
fn best_position(
    at: &impl Fn(isize) -> f32,
    template: isize,
    nominal: isize,
    tolerance: isize,
    len: usize,
    step: usize,
) -> isize {
    let score = |candidate: isize| -> f64 {
        let (mut dot, mut energy) = (0.0f64, 0.0f64);
        for i in (0..len).step_by(step) {
            let c = f64::from(at(candidate + i as isize));
            dot += f64::from(at(template + i as isize)) * c;
            energy += c * c;
        }
        dot / (energy + 1e-9).sqrt()
    };
    let low = (nominal - tolerance).max(0);
    let high = (nominal + tolerance).max(low);
    let mut best = (nominal.max(low), score(nominal.max(low)));
    let consider = |candidate: isize, best: &mut (isize, f64)| {
        let s = score(candidate);
        if s > best.1 {
            *best = (candidate, s);
        }
    };
    let mut candidate = low;
    while candidate <= high {
        consider(candidate, &mut best);
        candidate += step as isize;
    }
    let coarse = best.0;
    for candidate in (coarse - step as isize + 1).max(low)..=(coarse + step as isize - 1).min(high)
    {
        consider(candidate, &mut best);
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(freq: f64, rate: u32, secs: f64) -> Vec<f32> {
        (0..(f64::from(rate) * secs) as usize)
            .map(|i| {
                (0.5 * (2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate)).sin())
                    as f32
            })
            .collect()
    }

    /// Frequency from the rising zero crossings over the middle of the signal: periods
    /// between the first and the last, each crossing placed by linear interpolation.
    fn frequency(x: &[f32], rate: u32) -> f64 {
        let middle = &x[x.len() / 5..x.len() * 4 / 5];
        let crossings: Vec<f64> = middle
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
            .map(|(i, w)| i as f64 + f64::from(-w[0] / (w[1] - w[0])))
            .collect();
        let (first, last) = (crossings[0], crossings[crossings.len() - 1]);
        (crossings.len() - 1) as f64 * f64::from(rate) / (last - first)
    }

    fn rms(x: &[f32]) -> f64 {
        (x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
    }

    #[test]
    fn one_x_is_the_input() {
        let x = tone(440.0, 8000, 0.5);
        assert_eq!(stretch(&x, 8000, 1.0), x);
        assert_eq!(stretch(&x, 8000, f64::NAN), x);
        assert!(stretch(&[], 8000, 2.0).is_empty());
    }

    #[test]
    fn length_is_divided_by_the_speed() {
        for (rate, speed) in [
            (8000, 2.0),
            (8000, 1.5),
            (44100, 2.0),
            (48000, 1.5),
            (16000, 0.5),
        ] {
            let x = tone(300.0, rate, 2.0);
            let y = stretch(&x, rate, speed);
            let expected = (x.len() as f64 / speed).round() as usize;
            assert_eq!(y.len(), expected, "{rate} Hz at {speed}x");
        }
    }

    #[test]
    fn pitch_and_level_stay_where_resampling_would_double_the_pitch() {
        for rate in [8000, 44100] {
            let x = tone(440.0, rate, 2.0);
            for speed in [1.5, 2.0] {
                let y = stretch(&x, rate, speed);
                let f = frequency(&y, rate);
                assert!((f - 440.0).abs() < 5.0, "{rate} Hz at {speed}x: {f:.1} Hz");
                let level_db = 20.0 * (rms(&y[rate as usize / 10..]) / rms(&x)).log10();
                assert!(
                    level_db.abs() < 1.0,
                    "{rate} Hz at {speed}x: {level_db:+.2} dB"
                );
            }
        }
        // What a plain speed-up does, for contrast: every other sample doubles the pitch.
        let x = tone(440.0, 8000, 2.0);
        let naive: Vec<f32> = x.iter().step_by(2).copied().collect();
        assert!((frequency(&naive, 8000) - 880.0).abs() < 5.0);
    }

    #[test]
    fn content_keeps_its_order() {
        // A tone whose pitch steps up each 0.25 s: the steps come out in order, each a
        // half as long at 2x.
        let rate = 8000;
        let steps = [200.0, 300.0, 400.0, 500.0];
        let x: Vec<f32> = steps.iter().flat_map(|&f| tone(f, rate, 0.25)).collect();
        let y = stretch(&x, rate, 2.0);
        let quarter = y.len() / 4;
        for (i, &f) in steps.iter().enumerate() {
            let part = &y[i * quarter..(i + 1) * quarter];
            let found = frequency(part, rate);
            assert!(
                (found - f).abs() < 0.06 * f,
                "step {i}: {found:.0} Hz, expected {f}"
            );
        }
    }
}
