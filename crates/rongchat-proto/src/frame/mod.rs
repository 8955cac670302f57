//! The binary frames of the Web transport: one WebSocket binary message is one frame.
//!
//! There is no remaining-length field (the WebSocket message gives the length). Byte 0 is
//! the fixed header:
//!
//! ```text
//!   7   6   5   4   3     2   1     0
//! +---------------+-----+-------+--------+
//! |    command    | dup |  QoS  | retain |
//! +---------------+-----+-------+--------+
//! ```
//!
//! PUBLISH, PUBACK and CONNACK have layouts that depend on who sent them and on the
//! protocol version the client asked for, so decoding takes a [`Side`] and a [`Layout`].

mod connack;
mod disconnect;
mod ping;
mod puback;
mod publish;
mod query;
mod queryack;
mod querycon;
pub(crate) mod wire;

/// The largest frame (one WebSocket message) either side accepts: 16 MiB. A server must
/// page its replies below it; a peer that sends more is cut off.
pub const MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;

pub use connack::{ConnAck, ConnAckInfo};
pub use disconnect::Disconnect;
pub use puback::{PubAck, PubAckResult};
pub use publish::Publish;
pub use query::Query;
pub use queryack::QueryAck;
pub use querycon::QueryCon;
pub use wire::{decode_utf, encode_utf};

use crate::error::{DecodeError, DecodeResult, EncodeError};
use wire::Reader;

/// Who sent a frame. PUBLISH and PUBACK are laid out differently in each direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Sent by the client (the SDK or our client engine).
    Client,
    /// Sent by the server.
    Server,
}

/// The CONNACK layout, chosen by the `protocolVer` query parameter of the WebSocket URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// `protocolVer=3`: userId, sessionId and timestamp follow the status.
    #[default]
    V3,
    /// `protocolVer=4` (navi `openAnti: 1`): a flag byte says which fields follow.
    V4,
}

impl Layout {
    /// The layout for a `protocolVer` value; anything but 4 is the v3 layout.
    pub fn from_protocol_version(version: u32) -> Self {
        if version == 4 { Self::V4 } else { Self::V3 }
    }
}

/// The flag bits of the header byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags {
    /// The "sync" bit; on a server PUBLISH it marks a multi-device echo.
    pub dup: bool,
    /// 0..=3. Client PUBLISH uses 1 (acknowledged), QUERY 0.
    pub qos: u8,
    /// Unused by the SDK; kept for exact round trips.
    pub retain: bool,
}

impl Flags {
    /// No flags set.
    pub const NONE: Self = Self {
        dup: false,
        qos: 0,
        retain: false,
    };
    /// QoS 1 (acknowledged).
    pub const QOS1: Self = Self {
        dup: false,
        qos: 1,
        retain: false,
    };

    fn from_header(byte: u8) -> Self {
        Self {
            dup: byte & 0x08 != 0,
            qos: (byte >> 1) & 0x03,
            retain: byte & 0x01 != 0,
        }
    }

    fn bits(self) -> u8 {
        (u8::from(self.dup) << 3) | ((self.qos & 0x03) << 1) | u8::from(self.retain)
    }
}

/// One frame: header flags plus the command-specific body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Header flags.
    pub flags: Flags,
    /// The body, by command.
    pub body: Body,
}

/// The body of a frame, one variant per command used on the Web transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// 2, server to client, first frame of a connection.
    ConnAck(ConnAck),
    /// 3, both directions (the server form carries a date).
    Publish(Publish),
    /// 4, both directions (the server form carries the result).
    PubAck(PubAck),
    /// 5, client to server.
    Query(Query),
    /// 6, server to client.
    QueryAck(QueryAck),
    /// 7, client to server.
    QueryCon(QueryCon),
    /// 12, client to server.
    PingReq,
    /// 13, server to client.
    PingResp,
    /// 14, both directions.
    Disconnect(Disconnect),
}

impl Body {
    /// The command number in the header's high nibble.
    pub fn command(&self) -> u8 {
        match self {
            Body::ConnAck(_) => 2,
            Body::Publish(_) => 3,
            Body::PubAck(_) => 4,
            Body::Query(_) => 5,
            Body::QueryAck(_) => 6,
            Body::QueryCon(_) => 7,
            Body::PingReq => 12,
            Body::PingResp => 13,
            Body::Disconnect(_) => 14,
        }
    }
}

impl Frame {
    /// A frame with the given flags.
    pub fn new(flags: Flags, body: Body) -> Self {
        Self { flags, body }
    }

    /// A frame with the flags the official SDK and server use for this body: QoS 1 on
    /// client PUBLISH, none elsewhere.
    pub fn with_default_flags(body: Body) -> Self {
        let flags = match &body {
            Body::Publish(p) if p.date.is_none() => Flags::QOS1,
            _ => Flags::NONE,
        };
        Self { flags, body }
    }

    /// Decodes one frame sent by `from`. Fails with a typed error on any malformed input.
    pub fn decode(bytes: &[u8], from: Side, layout: Layout) -> DecodeResult<Self> {
        let (&header, rest) = bytes.split_first().ok_or(DecodeError::Empty)?;
        let flags = Flags::from_header(header);
        let mut r = Reader::new(rest);
        let body = match header >> 4 {
            2 => Body::ConnAck(ConnAck::read(&mut r, layout)?),
            3 => Body::Publish(Publish::read(&mut r, from)?),
            4 => Body::PubAck(PubAck::read(&mut r, from)?),
            5 => Body::Query(Query::read(&mut r)?),
            6 => Body::QueryAck(QueryAck::read(&mut r)?),
            7 => Body::QueryCon(QueryCon::read(&mut r)?),
            12 => ping::read(r).map(|()| Body::PingReq)?,
            13 => ping::read(r).map(|()| Body::PingResp)?,
            14 => Body::Disconnect(Disconnect::read(&mut r)?),
            other => return Err(DecodeError::UnknownCommand(other)),
        };
        Ok(Self { flags, body })
    }

    /// Encodes the frame. Fails only when a string is too long for its length prefix.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(32);
        out.push((self.body.command() << 4) | self.flags.bits());
        match &self.body {
            Body::ConnAck(f) => f.write(&mut out)?,
            Body::Publish(f) => f.write(&mut out)?,
            Body::PubAck(f) => f.write(&mut out)?,
            Body::Query(f) => f.write(&mut out)?,
            Body::QueryAck(f) => f.write(&mut out),
            Body::QueryCon(f) => f.write(&mut out),
            Body::PingReq | Body::PingResp => {}
            Body::Disconnect(f) => f.write(&mut out),
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_flags_round_trip() {
        for byte in 0u8..16 {
            assert_eq!(Flags::from_header(byte).bits(), byte);
        }
    }

    #[test]
    fn unused_commands_are_rejected() {
        for cmd in [0u8, 1, 8, 9, 10, 11, 15] {
            assert_eq!(
                Frame::decode(&[cmd << 4], Side::Server, Layout::V3),
                Err(DecodeError::UnknownCommand(cmd))
            );
        }
        assert_eq!(
            Frame::decode(&[], Side::Server, Layout::V3),
            Err(DecodeError::Empty)
        );
    }
}
