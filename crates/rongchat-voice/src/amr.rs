//! The AMR-NB file format (3GPP storage format, RFC 4867 section 5): a 6-byte magic, then
//! one record per 20 ms frame whose length is implied by its header byte.
//!
//! The reader splits and checks every record before any codec sees it, because C decoders
//! trust the header byte and read past the end of a truncated file.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Result, VoiceError};

/// The single-channel AMR-NB magic.
pub const MAGIC: &[u8; 6] = b"#!AMR\n";
/// AMR-NB sample rate.
pub const SAMPLE_RATE: u32 = 8000;
/// Samples in one 20 ms frame.
pub const FRAME_SAMPLES: usize = 160;
/// Length of one frame.
pub const FRAME_DURATION: Duration = Duration::from_millis(20);
/// Frames per second of audio.
pub const FRAMES_PER_SECOND: usize = 50;
/// Longest clip this crate decodes: far beyond the 60 s a client records, short enough
/// that a hostile or corrupt file cannot make us allocate without bound.
pub const MAX_DECODE_SECS: u64 = 600;
/// Bytes of an MR122 record, header byte included.
pub const MR122_RECORD_BYTES: usize = 32;

/// The eight AMR-NB speech modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// 4.75 kbit/s
    Mr475 = 0,
    /// 5.15 kbit/s
    Mr515 = 1,
    /// 5.9 kbit/s
    Mr59 = 2,
    /// 6.7 kbit/s
    Mr67 = 3,
    /// 7.4 kbit/s
    Mr74 = 4,
    /// 7.95 kbit/s
    Mr795 = 5,
    /// 10.2 kbit/s
    Mr102 = 6,
    /// 12.2 kbit/s, what this crate encodes
    Mr122 = 7,
}

impl Mode {
    const ALL: [Mode; 8] = [
        Mode::Mr475,
        Mode::Mr515,
        Mode::Mr59,
        Mode::Mr67,
        Mode::Mr74,
        Mode::Mr795,
        Mode::Mr102,
        Mode::Mr122,
    ];

    /// The mode with this frame-type index (0-7).
    pub fn from_index(index: u8) -> Option<Self> {
        Self::ALL.get(usize::from(index)).copied()
    }

    /// The frame-type index (0-7).
    pub fn index(self) -> u8 {
        self as u8
    }

    /// Bit rate in bits per second.
    pub fn bitrate(self) -> u32 {
        [4750, 5150, 5900, 6700, 7400, 7950, 10200, 12200][self as usize]
    }

    /// Payload bytes of one frame, header byte excluded.
    pub fn payload_bytes(self) -> usize {
        [12, 13, 15, 17, 19, 20, 26, 31][self as usize]
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kbps = f64::from(self.bitrate()) / 1000.0;
        write!(
            f,
            "MR{} ({kbps} kbit/s)",
            ["475", "515", "59", "67", "74", "795", "102", "122"][*self as usize]
        )
    }
}

/// What one record holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FrameType {
    /// Speech coded in a mode.
    Speech(Mode),
    /// Comfort-noise parameters (DTX), 5 payload bytes.
    Sid,
    /// Nothing transmitted (DTX), no payload.
    NoData,
}

impl FrameType {
    /// Reads the 4-bit frame type of a header byte; `Err` carries a reserved type (9-14).
    pub fn from_header(header: u8) -> std::result::Result<Self, u8> {
        let ft = (header >> 3) & 0x0f;
        match ft {
            0..=7 => Mode::from_index(ft).map(Self::Speech).ok_or(ft),
            8 => Ok(Self::Sid),
            15 => Ok(Self::NoData),
            reserved => Err(reserved),
        }
    }

    /// The header byte for this frame type with the quality bit set.
    pub fn header_byte(self) -> u8 {
        let ft = match self {
            Self::Speech(mode) => mode.index(),
            Self::Sid => 8,
            Self::NoData => 15,
        };
        (ft << 3) | 0x04
    }

    /// Payload bytes after the header byte.
    pub fn payload_bytes(self) -> usize {
        match self {
            Self::Speech(mode) => mode.payload_bytes(),
            Self::Sid => 5,
            Self::NoData => 0,
        }
    }
}

/// One checked record of an AMR file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    /// What the record holds.
    pub frame_type: FrameType,
    /// The Q bit: false when the sender marked the frame damaged.
    pub quality_ok: bool,
    /// Exactly `frame_type.payload_bytes()` bytes.
    pub payload: &'a [u8],
}

/// Splits an AMR-NB file into checked frames. Rejects a wrong magic, an empty file,
/// reserved frame types, a truncated last record and clips over [`MAX_DECODE_SECS`].
pub fn parse(bytes: &[u8]) -> Result<Vec<Frame<'_>>> {
    let mut frames = Vec::new();
    let mut reader = FrameReader::new(bytes)?;
    while let Some(frame) = reader.next_frame()? {
        frames.push(frame);
    }
    if frames.is_empty() {
        return Err(VoiceError::Empty);
    }
    Ok(frames)
}

/// Walks an AMR file record by record without collecting them.
#[derive(Debug)]
pub struct FrameReader<'a> {
    bytes: &'a [u8],
    offset: usize,
    index: usize,
}

impl<'a> FrameReader<'a> {
    /// Checks the magic and positions at the first record.
    pub fn new(bytes: &'a [u8]) -> Result<Self> {
        if !bytes.starts_with(MAGIC) {
            return Err(VoiceError::BadMagic);
        }
        Ok(Self {
            bytes,
            offset: MAGIC.len(),
            index: 0,
        })
    }

    /// Byte offset of the next record (the end of the valid part so far).
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The next record, `None` at the end of the file.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'a>>> {
        let Some(&header) = self.bytes.get(self.offset) else {
            return Ok(None);
        };
        if self.index as u64 >= MAX_DECODE_SECS * FRAMES_PER_SECOND as u64 {
            return Err(VoiceError::TooLong {
                secs: self.index as u64 / FRAMES_PER_SECOND as u64,
                limit_secs: MAX_DECODE_SECS,
            });
        }
        let frame_type =
            FrameType::from_header(header).map_err(|frame_type| VoiceError::ReservedFrameType {
                index: self.index,
                offset: self.offset,
                frame_type,
            })?;
        let needed = 1 + frame_type.payload_bytes();
        let available = self.bytes.len() - self.offset;
        if available < needed {
            return Err(VoiceError::TruncatedFrame {
                index: self.index,
                offset: self.offset,
                needed,
                available,
            });
        }
        let payload = &self.bytes[self.offset + 1..self.offset + needed];
        self.offset += needed;
        self.index += 1;
        Ok(Some(Frame {
            frame_type,
            quality_ok: header & 0x04 != 0,
            payload,
        }))
    }
}

/// What `info` reports about a clip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClipInfo {
    /// Number of 20 ms records.
    pub frames: usize,
    /// Exact length: frames x 20 ms.
    pub duration: Duration,
    /// Speech frames per mode, in mode order; SID and NO_DATA are counted separately.
    pub speech_modes: Vec<(Mode, usize)>,
    /// SID (comfort noise) records.
    pub sid_frames: usize,
    /// NO_DATA records.
    pub no_data_frames: usize,
}

impl ClipInfo {
    /// The duration field of an `RC:VcMsg`: whole seconds, rounded up like the official demo.
    pub fn duration_secs(&self) -> u32 {
        duration_secs_for_frames(self.frames)
    }
}

/// Whole seconds for a clip of `frames` records, rounded up (`ceil(ms / 1000)`).
pub fn duration_secs_for_frames(frames: usize) -> u32 {
    u32::try_from(frames.div_ceil(FRAMES_PER_SECOND)).unwrap_or(u32::MAX)
}

/// Reads a clip's frame count, length and modes, checking every record.
pub fn info(bytes: &[u8]) -> Result<ClipInfo> {
    let frames = parse(bytes)?;
    let mut per_mode = [0usize; 8];
    let (mut sid_frames, mut no_data_frames) = (0, 0);
    for frame in &frames {
        match frame.frame_type {
            FrameType::Speech(mode) => per_mode[mode as usize] += 1,
            FrameType::Sid => sid_frames += 1,
            FrameType::NoData => no_data_frames += 1,
        }
    }
    let speech_modes = Mode::ALL
        .iter()
        .zip(per_mode)
        .filter(|(_, n)| *n > 0)
        .map(|(m, n)| (*m, n))
        .collect();
    Ok(ClipInfo {
        frames: frames.len(),
        duration: FRAME_DURATION * u32::try_from(frames.len()).unwrap_or(u32::MAX),
        speech_modes,
        sid_frames,
        no_data_frames,
    })
}

/// Appends records to an AMR file on disk as they are produced, so a crash leaves a valid
/// file of everything written so far (at worst with a partial last record, which
/// [`recover`] trims).
#[derive(Debug)]
pub struct AmrFileWriter {
    file: File,
    path: PathBuf,
    frames: usize,
    bytes: usize,
    unsynced_frames: usize,
}

/// How many frames may sit in the OS cache before they are forced to the disk: a second.
const SYNC_EVERY_FRAMES: usize = FRAMES_PER_SECOND;

impl AmrFileWriter {
    /// Creates (or truncates) `path` and writes the magic.
    pub fn create(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .map_err(|e| VoiceError::io("create", &path, e))?;
        file.write_all(MAGIC)
            .and_then(|()| file.sync_data())
            .map_err(|e| VoiceError::io("write", &path, e))?;
        Ok(Self {
            file,
            path,
            frames: 0,
            bytes: MAGIC.len(),
            unsynced_frames: 0,
        })
    }

    /// Appends one complete record (header byte and payload) with a single write.
    pub fn append(&mut self, record: &[u8]) -> Result<()> {
        self.file
            .write_all(record)
            .map_err(|e| VoiceError::io("write", &self.path, e))?;
        self.frames += 1;
        self.bytes += record.len();
        self.unsynced_frames += 1;
        if self.unsynced_frames >= SYNC_EVERY_FRAMES {
            self.sync()?;
        }
        Ok(())
    }

    /// Forces everything written so far to the disk.
    pub fn sync(&mut self) -> Result<()> {
        self.unsynced_frames = 0;
        self.file
            .sync_data()
            .map_err(|e| VoiceError::io("sync", &self.path, e))
    }

    /// Frames written so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// File size so far.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// What [`recover`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovered {
    /// Complete records kept.
    pub frames: usize,
    /// Bytes cut off the end (a partial record from the crash).
    pub trimmed_bytes: usize,
}

/// Repairs a clip left behind by a crash: keeps every complete record and truncates a
/// partial last one. Fails on a wrong magic, a reserved frame type (that is corruption,
/// not a crash) or a file without a single complete frame.
pub fn recover(path: impl AsRef<Path>) -> Result<Recovered> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| VoiceError::io("read", path, e))?;
    let mut reader = FrameReader::new(&bytes)?;
    let mut frames = 0;
    loop {
        match reader.next_frame() {
            Ok(Some(_)) => frames += 1,
            Ok(None) | Err(VoiceError::TruncatedFrame { .. }) => break,
            Err(other) => return Err(other),
        }
    }
    if frames == 0 {
        return Err(VoiceError::Empty);
    }
    let keep = reader.offset();
    let trimmed_bytes = bytes.len() - keep;
    if trimmed_bytes > 0 {
        let file = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| VoiceError::io("open", path, e))?;
        file.set_len(keep as u64)
            .and_then(|()| file.sync_data())
            .map_err(|e| VoiceError::io("truncate", path, e))?;
    }
    Ok(Recovered {
        frames,
        trimmed_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_of(records: &[&[u8]]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        for r in records {
            out.extend_from_slice(r);
        }
        out
    }

    #[test]
    fn record_sizes_match_the_format_table() {
        let with_header: Vec<usize> = Mode::ALL.iter().map(|m| 1 + m.payload_bytes()).collect();
        assert_eq!(with_header, [13, 14, 16, 18, 20, 21, 27, 32]);
        // 1600 bytes a second at MR122.
        assert_eq!(FRAMES_PER_SECOND * MR122_RECORD_BYTES, 1600);
        assert_eq!(FrameType::Speech(Mode::Mr122).header_byte(), 0x3c);
        assert_eq!(FrameType::NoData.header_byte(), 0x7c);
    }

    #[test]
    fn parses_mixed_frame_types() {
        let speech = [&[0x3cu8][..], &[0u8; 31][..]].concat();
        let sid = [0x44u8, 1, 2, 3, 4, 5];
        let bytes = file_of(&[&speech, &sid, &[0x7c], &speech]);
        let frames = parse(&bytes).unwrap();
        assert_eq!(frames.len(), 4);
        assert_eq!(frames[1].frame_type, FrameType::Sid);
        assert_eq!(frames[1].payload, &[1, 2, 3, 4, 5]);
        assert_eq!(frames[2].frame_type, FrameType::NoData);
        let info = info(&bytes).unwrap();
        assert_eq!(info.speech_modes, vec![(Mode::Mr122, 2)]);
        assert_eq!((info.sid_frames, info.no_data_frames), (1, 1));
        assert_eq!(info.duration, Duration::from_millis(80));
    }

    #[test]
    fn bad_input_gets_typed_errors() {
        assert!(matches!(parse(b""), Err(VoiceError::BadMagic)));
        assert!(matches!(parse(b"#!AMR-WB\n"), Err(VoiceError::BadMagic)));
        assert!(matches!(parse(MAGIC), Err(VoiceError::Empty)));
        let truncated = file_of(&[&[0x3c, 1, 2, 3]]);
        assert!(matches!(
            parse(&truncated),
            Err(VoiceError::TruncatedFrame {
                index: 0,
                offset: 6,
                needed: 32,
                available: 4
            })
        ));
        for reserved in 9u8..=14 {
            let bytes = file_of(&[&[(reserved << 3) | 4, 0, 0, 0, 0, 0, 0, 0]]);
            assert!(matches!(
                parse(&bytes),
                Err(VoiceError::ReservedFrameType { frame_type, .. }) if frame_type == reserved
            ));
        }
    }

    #[test]
    fn absurd_durations_are_refused_without_walking_the_whole_file() {
        let limit_frames = (MAX_DECODE_SECS as usize) * FRAMES_PER_SECOND;
        let mut bytes = MAGIC.to_vec();
        bytes.resize(MAGIC.len() + limit_frames + 1, 0x7c); // one-byte NO_DATA records
        assert!(matches!(
            parse(&bytes),
            Err(VoiceError::TooLong {
                secs: 600,
                limit_secs: 600
            })
        ));
        bytes.truncate(MAGIC.len() + limit_frames);
        assert_eq!(parse(&bytes).unwrap().len(), limit_frames);
    }

    #[test]
    fn protocol_duration_rounds_up_whole_seconds() {
        assert_eq!(duration_secs_for_frames(50), 1);
        assert_eq!(duration_secs_for_frames(51), 2);
        assert_eq!(duration_secs_for_frames(3000), 60);
    }

    #[test]
    fn recover_trims_a_partial_last_record() {
        let dir = std::env::temp_dir().join(format!("rc-voice-recover-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("partial.amr");
        let mut writer = AmrFileWriter::create(&path).unwrap();
        let record = [&[0x3cu8][..], &[7u8; 31][..]].concat();
        for _ in 0..3 {
            writer.append(&record).unwrap();
        }
        assert_eq!(writer.bytes(), 6 + 3 * 32);
        drop(writer);
        // A crash in the middle of the fourth record.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(&record[..10]);
        std::fs::write(&path, &bytes).unwrap();
        assert!(parse(&bytes).is_err());

        let recovered = recover(&path).unwrap();
        assert_eq!(
            recovered,
            Recovered {
                frames: 3,
                trimmed_bytes: 10
            }
        );
        let repaired = std::fs::read(&path).unwrap();
        assert_eq!(parse(&repaired).unwrap().len(), 3);

        std::fs::write(&path, MAGIC).unwrap();
        assert!(matches!(recover(&path), Err(VoiceError::Empty)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
