//! Independent referees: Debian's ffmpeg decodes our files, and the reference library
//! (libopencore-amrnb, through a small C program compiled here) encodes the same PCM to the
//! same bytes and decodes our bytes to the same samples.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rongchat_voice::amr::FRAME_SAMPLES;
use rongchat_voice::{decode_amr, encode_interleaved, encode_pcm, info, wav};

use crate::quality::compare;
use crate::support::{TempDir, read_s16le, run_ok, speech};

const LIMIT: Duration = Duration::from_secs(60);

const OPENCORE_TOOL: &str = r##"
/* enc: raw s16le 8 kHz mono -> AMR file (MR122, no DTX); dec: AMR file -> raw s16le. */
#include <stdio.h>
#include <string.h>
#include <opencore-amrnb/interf_enc.h>
#include <opencore-amrnb/interf_dec.h>

static const int sizes[16] = {12, 13, 15, 17, 19, 20, 26, 31, 5, 0, 0, 0, 0, 0, 0, 0};

int main(int argc, char **argv) {
    if (argc != 4) return 2;
    FILE *in = fopen(argv[2], "rb"), *out = fopen(argv[3], "wb");
    if (!in || !out) return 3;
    if (strcmp(argv[1], "enc") == 0) {
        void *enc = Encoder_Interface_init(0);
        short pcm[160];
        unsigned char frame[64];
        fwrite("#!AMR\n", 1, 6, out);
        size_t n;
        while ((n = fread(pcm, 2, 160, in)) > 0) {
            if (n < 160) memset(pcm + n, 0, (160 - n) * 2);
            int len = Encoder_Interface_Encode(enc, MR122, pcm, frame, 0);
            fwrite(frame, 1, len, out);
        }
        Encoder_Interface_exit(enc);
    } else {
        void *dec = Decoder_Interface_init();
        unsigned char magic[6], frame[64];
        short pcm[160];
        if (fread(magic, 1, 6, in) != 6) return 4;
        while (fread(frame, 1, 1, in) == 1) {
            int size = sizes[(frame[0] >> 3) & 0x0f];
            if (fread(frame + 1, 1, size, in) != (size_t)size) return 5;
            Decoder_Interface_Decode(dec, frame, pcm, 0);
            fwrite(pcm, 2, 160, out);
        }
        Decoder_Interface_exit(dec);
    }
    fclose(out);
    return 0;
}
"##;

fn build_opencore_tool(dir: &Path) -> PathBuf {
    let source = dir.join("opencore_tool.c");
    std::fs::write(&source, OPENCORE_TOOL).unwrap();
    let binary = dir.join("opencore_tool");
    run_ok(
        Command::new("cc")
            .args(["-O2", "-o"])
            .arg(&binary)
            .arg(&source)
            .arg("-lopencore-amrnb"),
        LIMIT,
    );
    binary
}

fn speech_amr() -> Vec<u8> {
    let audio = wav::read_wav(&speech().wav_48k_stereo).unwrap();
    encode_interleaved(&audio.samples, audio.rate, audio.channels).unwrap()
}

#[test]
fn ffmpeg_decodes_our_file_to_frames_times_20_ms() {
    let dir = TempDir::new("ffmpeg");
    let amr = speech_amr();
    let path = dir.join("speech.amr");
    std::fs::write(&path, &amr).unwrap();
    let out = run_ok(
        Command::new("ffmpeg")
            .args(["-v", "error", "-nostdin", "-i"])
            .arg(&path)
            .args(["-f", "s16le", "-ac", "1", "-ar", "8000", "-"]),
        LIMIT,
    );
    let theirs = read_s16le(&out.stdout);
    let frames = info(&amr).unwrap().frames;
    assert_eq!(
        theirs.len(),
        frames * FRAME_SAMPLES,
        "ffmpeg length vs frames x 20 ms"
    );
    let ours = decode_amr(&amr).unwrap();
    let q = compare(&ours, &theirs, -10..=10);
    eprintln!(
        "ffmpeg vs our decoder: lag {}, corr {:.4}, level {:+.2} dB",
        q.lag, q.corr, q.level_db
    );
    assert_eq!(q.lag, 0);
    assert!(q.corr > 0.95, "{q:?}");
}

#[test]
fn opencore_encodes_the_same_bytes_and_decodes_the_same_samples() {
    let dir = TempDir::new("opencore");
    let tool = build_opencore_tool(dir.path());
    let reference = &speech().reference;
    let raw = dir.join("speech.raw");
    std::fs::write(
        &raw,
        reference
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect::<Vec<u8>>(),
    )
    .unwrap();

    let theirs = dir.join("opencore.amr");
    run_ok(Command::new(&tool).arg("enc").arg(&raw).arg(&theirs), LIMIT);
    let theirs = std::fs::read(&theirs).unwrap();
    let ours = encode_pcm(reference).unwrap();
    assert_eq!(ours.len(), theirs.len());
    assert!(
        ours == theirs,
        "our MR122 bytes differ from libopencore-amrnb's"
    );
    let encoded_bytes = ours.len();

    let our_file = dir.join("ours.amr");
    std::fs::write(&our_file, speech_amr()).unwrap();
    let pcm = dir.join("opencore.raw");
    run_ok(
        Command::new(&tool).arg("dec").arg(&our_file).arg(&pcm),
        LIMIT,
    );
    let theirs = read_s16le(&std::fs::read(&pcm).unwrap());
    let ours = decode_amr(&std::fs::read(&our_file).unwrap()).unwrap();
    assert!(
        ours == theirs,
        "our decoder differs from libopencore-amrnb's"
    );
    eprintln!(
        "libopencore-amrnb: {} encoded bytes identical, {} decoded samples identical",
        encoded_bytes,
        theirs.len()
    );
}
