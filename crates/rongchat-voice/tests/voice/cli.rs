//! The command-line tool's file commands and its failures.

use std::time::Duration;

use crate::support::{TempDir, cli, run, run_ok, speech};

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn encode_info_decode_round_trip() {
    let dir = TempDir::new("cli");
    let amr = dir.join("speech.amr");
    let out = run_ok(
        cli().arg("encode").arg(&speech().wav_48k_stereo).arg(&amr),
        LIMIT,
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("MR122"));

    let out = run_ok(cli().arg("info").arg(&amr), LIMIT);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let frames = rongchat_voice::info(&std::fs::read(&amr).unwrap())
        .unwrap()
        .frames;
    assert!(text.contains(&format!("frames: {frames}")), "{text}");
    assert!(text.contains("mode: MR122 (12.2 kbit/s)"), "{text}");
    assert!(
        text.contains(&format!("duration: {:.2} s", frames as f64 * 0.02)),
        "{text}"
    );

    let wav = dir.join("speech.wav");
    run_ok(cli().arg("decode").arg(&amr).arg(&wav), LIMIT);
    let audio = rongchat_voice::wav::read_wav(&wav).unwrap();
    assert_eq!(
        (audio.rate, audio.channels, audio.samples.len()),
        (8000, 1, frames * 160)
    );
}

#[test]
fn failures_exit_non_zero_with_one_line() {
    let dir = TempDir::new("cli-fail");
    let empty = dir.join("empty.amr");
    std::fs::write(&empty, b"#!AMR\n").unwrap();
    let truncated = dir.join("truncated.amr");
    std::fs::write(&truncated, b"#!AMR\n\x3c\x01\x02").unwrap();
    let reserved = dir.join("reserved.amr");
    std::fs::write(&reserved, b"#!AMR\n\x54\x00").unwrap();
    let cases: [(&[&str], &std::path::Path, &str); 5] = [
        (&["info"], &empty, "no frames"),
        (&["info"], &truncated, "truncated AMR frame 0"),
        (&["decode"], &reserved, "reserved frame type 10"),
        (&["info"], &speech().wav_8k, "magic"),
        (&["info"], &dir.join("missing.amr"), "No such file"),
    ];
    for (args, file, reason) in cases {
        let mut command = cli();
        command.args(args).arg(file);
        if args == ["decode"] {
            command.arg(dir.join("out.wav"));
        }
        let out = run(&mut command, LIMIT);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "{args:?} {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    }
    let out = run(cli().arg("fly"), LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("rongchat-voice: unknown command fly")
    );
}
