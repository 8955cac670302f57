//! Generated pictures and sounds for the demo world: identicon avatars, music posters,
//! and melodies encoded as AMR-NB (what the voice crate plays).

use crate::error::{Error, Result};
use image::{ImageFormat, Rgb, RgbImage};
use std::io::Cursor;

/// FNV-1a, for stable colours and patterns per id.
fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn hsv(h: f32, s: f32, v: f32) -> Rgb<u8> {
    let c = v * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = v - c;
    let to = |f: f32| ((f + m) * 255.0).round() as u8;
    Rgb([to(r), to(g), to(b)])
}

fn png(img: &RgbImage) -> Result<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .map_err(|e| Error::Server(format!("encoding a demo picture: {e}")))?;
    Ok(out.into_inner())
}

/// A 5x5 mirrored identicon on a tinted background, 60x60 PNG.
pub fn avatar_png(id: &str) -> Result<Vec<u8>> {
    let h = hash(id);
    let fg = hsv((h % 360) as f32, 0.55, 0.85);
    let bg = Rgb([0xf0, 0xf2, 0xf5]);
    let mut img = RgbImage::from_pixel(60, 60, bg);
    for row in 0..5u32 {
        for col in 0..3u32 {
            if (h >> (8 + row * 3 + col)) & 1 == 1 {
                for mirrored in [col, 4 - col] {
                    for y in 0..10 {
                        for x in 0..10 {
                            img.put_pixel(5 + mirrored * 10 + x, 5 + row * 10 + y, fg);
                        }
                    }
                }
            }
        }
    }
    png(&img)
}

/// A diagonal gradient poster with concentric rings (a record), 120x120 PNG.
pub fn poster_png(seed: &str) -> Result<Vec<u8>> {
    let h = hash(seed);
    let a = (h % 360) as f32;
    let img = RgbImage::from_fn(120, 120, |x, y| {
        let dx = x as f32 - 60.0;
        let dy = y as f32 - 60.0;
        let r = (dx * dx + dy * dy).sqrt();
        if r < 44.0 && (r as u32 / 4).is_multiple_of(2) && r > 8.0 {
            Rgb([0x22, 0x22, 0x2a])
        } else if r <= 8.0 {
            hsv((a + 180.0) % 360.0, 0.6, 0.95)
        } else {
            let t = (x + y) as f32 / 240.0;
            hsv((a + t * 60.0) % 360.0, 0.5, 0.55 + 0.35 * t)
        }
    });
    png(&img)
}

/// A melody at 8 kHz (the AMR-NB rate): one note per 0.4 s beat, with a short fade so the
/// notes do not click. Note numbers are MIDI (60 = middle C), 0 a rest.
pub fn melody_pcm(notes: &[u8]) -> Vec<i16> {
    const RATE: f32 = 8000.0;
    const BEAT: usize = 3200;
    let mut out = Vec::with_capacity(notes.len() * BEAT);
    for &note in notes {
        let freq = 440.0 * 2f32.powf((f32::from(note) - 69.0) / 12.0);
        for i in 0..BEAT {
            if note == 0 {
                out.push(0);
                continue;
            }
            let t = i as f32 / RATE;
            let env = (i.min(BEAT - i) as f32 / 240.0).min(1.0);
            let s = (2.0 * std::f32::consts::PI * freq * t).sin()
                + 0.3 * (4.0 * std::f32::consts::PI * freq * t).sin();
            out.push((s * env * 9000.0) as i16);
        }
    }
    out
}

/// The melody as an AMR-NB file.
pub fn melody_amr(notes: &[u8]) -> Result<Vec<u8>> {
    rongchat_voice::encode_pcm(&melody_pcm(notes)).map_err(|e| Error::Voice(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avatars_are_pngs_and_differ_by_id() {
        let a = avatar_png("daqiao").unwrap();
        let b = avatar_png("zhouyu").unwrap();
        assert!(a.starts_with(&[0x89, b'P', b'N', b'G']));
        assert_ne!(a, b);
        assert_eq!(a, avatar_png("daqiao").unwrap());
        assert!(
            poster_png("x")
                .unwrap()
                .starts_with(&[0x89, b'P', b'N', b'G'])
        );
    }

    #[test]
    fn melodies_are_audible_and_the_right_length() {
        let pcm = melody_pcm(&[69, 0, 69]);
        assert_eq!(pcm.len(), 3 * 3200);
        let peak = pcm.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!(peak > 5000, "peak {peak}");
        assert!(pcm[3200..6400].iter().all(|&s| s == 0), "a rest is silent");
    }
}
