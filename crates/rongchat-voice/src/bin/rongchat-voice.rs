//! `rongchat-voice`: record, play, convert and inspect AMR-NB voice clips; play and decode
//! AAC and MP3 too.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use rongchat_voice::capture::{RecordOptions, start_recording_with};
use rongchat_voice::devices::{self, Direction};
use rongchat_voice::resample::to_i16;
use rongchat_voice::{
    Limits, Player, PlayerEvent, RecordingEvent, VoiceError, amr, encode_interleaved, wav,
};

const USAGE: &str = "usage: rongchat-voice <command>
  devices                                     list input and output devices
  record OUT.amr [--seconds N] [--device D] [--levels]
                                              record until N s, 60 s or Ctrl-C
  play IN [--device D] [--events] [--speed S] play a clip (AMR, AAC, M4A, MP3) at 1, 1.5 or 2x
  encode IN.wav OUT.amr                       any rate and channel count -> AMR-NB 12.2k
  decode IN OUT.wav                           AMR/AAC/M4A/MP3 -> 16-bit mono WAV at its own rate
  info IN.amr                                 frames, duration, mode
  recover IN.amr                              repair a clip left by a crash";

/// A failure: the one-line reason and the exit status.
struct Failure(String, u8);

impl From<VoiceError> for Failure {
    fn from(e: VoiceError) -> Self {
        Failure(e.to_string(), 1)
    }
}

fn usage(reason: &str) -> Failure {
    Failure(format!("{reason} (see `rongchat-voice help`)"), 2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(reason, code)) => {
            eprintln!("rongchat-voice: {reason}");
            ExitCode::from(code)
        }
    }
}

/// Splits arguments into positionals and `--flag [value]` options.
struct Args<'a> {
    positional: Vec<&'a str>,
    options: Vec<(&'a str, Option<&'a str>)>,
}

fn parse<'a>(
    args: &'a [String],
    with_value: &[&str],
    switches: &[&str],
) -> Result<Args<'a>, Failure> {
    let mut parsed = Args {
        positional: Vec::new(),
        options: Vec::new(),
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if with_value.contains(&arg.as_str()) {
            let value = iter
                .next()
                .ok_or_else(|| usage(&format!("{arg} needs a value")))?;
            parsed.options.push((arg, Some(value)));
        } else if switches.contains(&arg.as_str()) {
            parsed.options.push((arg, None));
        } else if arg.starts_with("--") {
            return Err(usage(&format!("unknown option {arg}")));
        } else {
            parsed.positional.push(arg);
        }
    }
    Ok(parsed)
}

impl<'a> Args<'a> {
    fn value(&self, name: &str) -> Option<&'a str> {
        self.options
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| *v)
    }

    fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| *n == name)
    }

    fn exactly<const N: usize>(&self) -> Result<[&'a str; N], Failure> {
        <[&str; N]>::try_from(self.positional.as_slice())
            .map_err(|_| usage(&format!("expected {N} file argument(s)")))
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(usage("no command given"));
    };
    match command.as_str() {
        "devices" => list_devices(),
        "record" => record(&parse(rest, &["--seconds", "--device"], &["--levels"])?),
        "play" => play(&parse(rest, &["--device", "--speed"], &["--events"])?),
        "encode" => {
            let [input, output] = parse(rest, &[], &[])?.exactly()?;
            let audio = wav::read_wav(input)?;
            let amr = encode_interleaved(&audio.samples, audio.rate, audio.channels)?;
            write(output, &amr)?;
            print_info(output, &amr)
        }
        "decode" => {
            let [input, output] = parse(rest, &[], &[])?.exactly()?;
            let pcm = rongchat_voice::decode(&read(input)?)?;
            let samples: Vec<i16> = pcm.samples.iter().map(|&s| to_i16(s)).collect();
            write(output, &wav::pcm_to_wav(&samples, pcm.rate)?)?;
            println!("{output}: {} samples at {} Hz", samples.len(), pcm.rate);
            Ok(())
        }
        "info" => {
            let [input] = parse(rest, &[], &[])?.exactly()?;
            print_info(input, &read(input)?)
        }
        "recover" => {
            let [input] = parse(rest, &[], &[])?.exactly()?;
            let recovered = amr::recover(input)?;
            println!(
                "{input}: kept {} frames, cut {} bytes",
                recovered.frames, recovered.trimmed_bytes
            );
            print_info(input, &read(input)?)
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(usage(&format!("unknown command {other}"))),
    }
}

fn read(path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure(format!("read {path}: {e}"), 1))
}

fn write(path: &str, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| Failure(format!("write {path}: {e}"), 1))
}

fn print_info(path: &str, bytes: &[u8]) -> Result<(), Failure> {
    let info = amr::info(bytes)?;
    let modes: Vec<String> = info
        .speech_modes
        .iter()
        .map(|(mode, n)| format!("{mode} x{n}"))
        .collect();
    println!("file: {path}");
    println!("bytes: {}", bytes.len());
    println!("frames: {}", info.frames);
    println!(
        "duration: {:.2} s (message duration {} s)",
        info.duration.as_secs_f64(),
        info.duration_secs()
    );
    println!(
        "mode: {}{}",
        if modes.is_empty() {
            "none".to_string()
        } else {
            modes.join(", ")
        },
        if info.sid_frames + info.no_data_frames > 0 {
            format!(
                " (+{} SID, {} NO_DATA)",
                info.sid_frames, info.no_data_frames
            )
        } else {
            String::new()
        }
    );
    Ok(())
}

fn list_devices() -> Result<(), Failure> {
    for (direction, label) in [(Direction::Input, "input"), (Direction::Output, "output")] {
        let list = devices::list(direction)?;
        if list.is_empty() {
            println!("{label}: (none)");
        }
        for device in list {
            println!(
                "{label}{} {}  \"{}\"  {}",
                if device.is_default { "*" } else { " " },
                device.id,
                device.name,
                device
                    .default_format
                    .unwrap_or_else(|| "format unknown".into())
            );
        }
    }
    Ok(())
}

fn interrupted() -> Result<Arc<AtomicBool>, Failure> {
    let flag = Arc::new(AtomicBool::new(false));
    let setter = flag.clone();
    ctrlc::set_handler(move || setter.store(true, Ordering::SeqCst))
        .map_err(|e| Failure(format!("cannot catch Ctrl-C: {e}"), 1))?;
    Ok(flag)
}

fn record(args: &Args<'_>) -> Result<(), Failure> {
    let [output] = args.exactly()?;
    let mut limits = Limits::default();
    if let Some(seconds) = args.value("--seconds") {
        let seconds: f64 = seconds
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s > 0.0)
            .ok_or_else(|| usage("--seconds takes a positive number"))?;
        limits.max = limits.max.min(Duration::from_secs_f64(seconds));
    }
    let show_levels = args.has("--levels");
    let stop = interrupted()?;
    let options = RecordOptions {
        device: args.value("--device").map(str::to_string),
        limits,
    };
    let handle = start_recording_with(options, output, move |event| match event {
        RecordingEvent::Level(level) if show_levels => println!(
            "level t={:.2} rms={:.4} peak={:.4}",
            level.elapsed.as_secs_f64(),
            level.rms,
            level.peak
        ),
        RecordingEvent::Level(_) => {}
        RecordingEvent::LimitReached => eprintln!("limit reached"),
        RecordingEvent::DeviceLost(e) => eprintln!("device lost: {e}"),
    })?;
    eprintln!("recording to {output} (Ctrl-C to stop)");
    while !stop.load(Ordering::SeqCst) && !handle.wait_finished(Duration::from_millis(50)) {}
    let clip = handle.stop()?;
    println!(
        "recorded {}: {} s ({} frames, {} bytes)",
        clip.path.display(),
        clip.duration_secs,
        clip.frames,
        clip.bytes.len()
    );
    Ok(())
}

fn play(args: &Args<'_>) -> Result<(), Failure> {
    let [input] = args.exactly()?;
    let bytes = read(input)?;
    let show_events = args.has("--events");
    let stop = interrupted()?;
    let (done_tx, done_rx) = mpsc::channel();
    let mut player = Player::new(args.value("--device"));
    if let Some(speed) = args.value("--speed") {
        player.set_speed(speed.parse().map_err(|_| usage("--speed is 1, 1.5 or 2"))?);
    }
    let duration = player.play(&bytes, move |event| {
        if show_events {
            match &event {
                PlayerEvent::Position(at) => println!("position {:.3}", at.as_secs_f64()),
                other => println!("{other:?}"),
            }
        }
        if matches!(
            event,
            PlayerEvent::Ended | PlayerEvent::Stopped | PlayerEvent::DeviceLost(_)
        ) {
            let _ = done_tx.send(event);
        }
    })?;
    eprintln!(
        "playing {} ({:.2} s)",
        Path::new(input).display(),
        duration.as_secs_f64()
    );
    let end = loop {
        if stop.load(Ordering::SeqCst) {
            player.stop();
        }
        match done_rx.recv_timeout(Duration::from_millis(50)) {
            Ok(end) => break end,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Failure("playback ended without a final event".into(), 1));
            }
        }
    };
    match end {
        PlayerEvent::DeviceLost(e) => Err(Failure(format!("device lost: {e}"), 1)),
        _ => Ok(()),
    }
}
