//! The quality oracle from VOICE-FACTS.md: align by cross-correlation, then correlation,
//! segmental SNR and level difference.

use std::ops::RangeInclusive;

use realfft::RealFftPlanner;

/// How a decoded signal compares with its reference.
#[derive(Clone, Copy, Debug)]
pub struct Quality {
    /// `decoded[i + lag]` lines up with `reference[i]`.
    pub lag: isize,
    /// The lag refined to a fraction of a sample (parabola through the peak).
    pub fractional_lag: f64,
    /// Pearson correlation of the aligned signals.
    pub corr: f64,
    /// Mean SNR over 160-sample frames above -50 dBFS, each clamped to [-10, 35] dB.
    pub seg_snr_db: f64,
    /// Decoded RMS over reference RMS, in dB.
    pub level_db: f64,
}

impl Quality {
    /// The MR122 gates: correlation >= 0.75, segmental SNR >= 2 dB, RMS within 2 dB.
    pub fn passes_codec_gates(&self) -> bool {
        self.corr >= 0.75 && self.seg_snr_db >= 2.0 && self.level_db.abs() <= 2.0
    }
}

/// Full cross-correlation: `c(lag) = sum_i reference[i] * signal[i + lag]`, returned as a
/// function over all lags from `-(reference.len() - 1)` to `signal.len() - 1`.
pub fn xcorr(reference: &[f64], signal: &[f64]) -> impl Fn(isize) -> f64 {
    let n = (reference.len() + signal.len()).next_power_of_two();
    let mut planner = RealFftPlanner::<f64>::new();
    let forward = planner.plan_fft_forward(n);
    let inverse = planner.plan_fft_inverse(n);
    let spectrum = |x: &[f64]| {
        let mut buf = vec![0.0; n];
        buf[..x.len()].copy_from_slice(x);
        let mut out = forward.make_output_vec();
        forward.process(&mut buf, &mut out).expect("fft");
        out
    };
    let a = spectrum(reference);
    let mut b = spectrum(signal);
    for (bv, av) in b.iter_mut().zip(&a) {
        *bv *= av.conj();
    }
    let mut c = vec![0.0; n];
    inverse.process(&mut b, &mut c).expect("ifft");
    let scale = 1.0 / n as f64;
    move |lag: isize| c[lag.rem_euclid(n as isize) as usize] * scale
}

/// The lag within `lags` where the cross-correlation peaks, and its fractional refinement.
pub fn best_lag(reference: &[f64], signal: &[f64], lags: RangeInclusive<isize>) -> (isize, f64) {
    let c = xcorr(reference, signal);
    let lag = lags
        .clone()
        .max_by(|&x, &y| c(x).total_cmp(&c(y)))
        .expect("non-empty lag range");
    let (l, m, r) = (c(lag - 1), c(lag), c(lag + 1));
    let denominator = l - 2.0 * m + r;
    let delta = if denominator.abs() > f64::EPSILON {
        0.5 * (l - r) / denominator
    } else {
        0.0
    };
    (lag, lag as f64 + delta)
}

pub fn to_f64(x: &[i16]) -> Vec<f64> {
    x.iter().map(|&v| f64::from(v)).collect()
}

/// Aligns `decoded` to `reference` (searching `lags`) and measures it.
pub fn compare(reference: &[i16], decoded: &[i16], lags: RangeInclusive<isize>) -> Quality {
    let (r, d) = (to_f64(reference), to_f64(decoded));
    let (lag, fractional_lag) = best_lag(&r, &d, lags);
    measure_aligned(&r, &d, lag, fractional_lag)
}

/// Measures `decoded[i + lag]` against `reference[i]` over their overlap.
pub fn measure_aligned(r: &[f64], d: &[f64], lag: isize, fractional_lag: f64) -> Quality {
    let pairs: Vec<(f64, f64)> = (0..r.len() as isize)
        .filter_map(|i| {
            let j = i + lag;
            (j >= 0 && (j as usize) < d.len()).then(|| (r[i as usize], d[j as usize]))
        })
        .collect();
    assert!(
        pairs.len() >= 800,
        "signals barely overlap ({} samples)",
        pairs.len()
    );
    let n = pairs.len() as f64;
    let (mr, md) = pairs
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in &pairs {
        sxy += (x - mr) * (y - md);
        sxx += (x - mr).powi(2);
        syy += (y - md).powi(2);
    }
    let corr = sxy / (sxx * syy).sqrt().max(f64::MIN_POSITIVE);
    let mut snrs = Vec::new();
    for frame in pairs.chunks_exact(160) {
        let signal: f64 = frame.iter().map(|(x, _)| x * x).sum();
        let dbfs = 10.0 * (signal / 160.0 / 32768f64.powi(2)).max(1e-20).log10();
        if dbfs > -50.0 {
            let noise: f64 = frame.iter().map(|(x, y)| (x - y).powi(2)).sum();
            let snr = 10.0 * (signal / noise.max(1e-9)).log10();
            snrs.push(snr.clamp(-10.0, 35.0));
        }
    }
    let seg_snr_db = if snrs.is_empty() {
        -10.0
    } else {
        snrs.iter().sum::<f64>() / snrs.len() as f64
    };
    let energy = |f: fn(&(f64, f64)) -> f64| pairs.iter().map(|p| f(p).powi(2)).sum::<f64>();
    let level_db = 10.0 * (energy(|p| p.1) / energy(|p| p.0).max(1e-9)).log10();
    Quality {
        lag,
        fractional_lag,
        corr,
        seg_snr_db,
        level_db,
    }
}

/// RMS in dBFS.
pub fn rms_dbfs(x: &[i16]) -> f64 {
    let mean = x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len().max(1) as f64;
    10.0 * (mean / 32768f64.powi(2)).max(1e-20).log10()
}

#[test]
fn xcorr_finds_a_known_shift() {
    let reference: Vec<f64> = (0..4000)
        .map(|i| ((i * 7919) % 1000) as f64 - 500.0)
        .collect();
    let mut shifted = vec![0.0; 123];
    shifted.extend_from_slice(&reference);
    assert_eq!(best_lag(&reference, &shifted, -500..=500).0, 123);
    let early = &reference[77..];
    assert_eq!(best_lag(&reference, early, -500..=500).0, -77);
}
