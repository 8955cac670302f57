//! CONNACK (command 2), server to client, the first frame of every connection.
//!
//! `00 status` then, when the frame is longer than 3 bytes:
//! - v3: userId UTF, sessionId UTF, timestamp u64 (ms);
//! - v4: flags u8, then userId UTF if flag 1, sessionId UTF if 2, timestamp u64 if 4,
//!   messageId u16 if 8 (the client counts its message ids up from it).

use super::Layout;
use super::wire::{Reader, put_string, put_u16, put_u64};
use crate::error::{DecodeResult, EncodeError};
use crate::status::ConnAckStatus;

/// A decoded CONNACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnAck {
    /// The connect result.
    pub status: ConnAckStatus,
    /// What follows the status, if anything.
    pub info: ConnAckInfo,
}

/// The optional tail of a CONNACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnAckInfo {
    /// Status only (typical for a refusal).
    None,
    /// The protocolVer 3 layout.
    V3 {
        /// The authenticated user.
        user_id: String,
        /// The server's id for this session.
        session_id: String,
        /// Server time, ms.
        timestamp: u64,
    },
    /// The protocolVer 4 layout; the flag byte is derived from which fields are present.
    V4 {
        /// Flag 1.
        user_id: Option<String>,
        /// Flag 2.
        session_id: Option<String>,
        /// Flag 4, server time in ms.
        timestamp: Option<u64>,
        /// Flag 8, the first message id the client should use.
        message_id: Option<u16>,
    },
}

impl ConnAck {
    /// A successful CONNACK in the given layout.
    pub fn accepted(layout: Layout, user_id: &str, session_id: &str, timestamp: u64) -> Self {
        let info = match layout {
            Layout::V3 => ConnAckInfo::V3 {
                user_id: user_id.to_owned(),
                session_id: session_id.to_owned(),
                timestamp,
            },
            Layout::V4 => ConnAckInfo::V4 {
                user_id: Some(user_id.to_owned()),
                session_id: Some(session_id.to_owned()),
                timestamp: Some(timestamp),
                message_id: None,
            },
        };
        Self {
            status: ConnAckStatus::Accepted,
            info,
        }
    }

    /// A refusal: status only.
    pub fn refused(status: ConnAckStatus) -> Self {
        Self {
            status,
            info: ConnAckInfo::None,
        }
    }

    /// The user id, in either layout.
    pub fn user_id(&self) -> Option<&str> {
        match &self.info {
            ConnAckInfo::None => None,
            ConnAckInfo::V3 { user_id, .. } => Some(user_id),
            ConnAckInfo::V4 { user_id, .. } => user_id.as_deref(),
        }
    }

    /// The server timestamp (ms), in either layout.
    pub fn timestamp(&self) -> Option<u64> {
        match &self.info {
            ConnAckInfo::None => None,
            ConnAckInfo::V3 { timestamp, .. } => Some(*timestamp),
            ConnAckInfo::V4 { timestamp, .. } => *timestamp,
        }
    }

    pub(super) fn read(r: &mut Reader<'_>, layout: Layout) -> DecodeResult<Self> {
        let _reserved = r.u8("connack reserved byte")?;
        let status = ConnAckStatus::from_code(r.u8("connack status")?);
        if r.remaining() == 0 {
            return Ok(Self {
                status,
                info: ConnAckInfo::None,
            });
        }
        let info = match layout {
            Layout::V3 => ConnAckInfo::V3 {
                user_id: r.string("connack userId")?,
                session_id: r.string("connack sessionId")?,
                timestamp: r.u64("connack timestamp")?,
            },
            Layout::V4 => {
                let flags = r.u8("connack flags")?;
                let user_id = (flags & 1 != 0)
                    .then(|| r.string("connack userId"))
                    .transpose()?;
                let session_id = (flags & 2 != 0)
                    .then(|| r.string("connack sessionId"))
                    .transpose()?;
                let timestamp = (flags & 4 != 0)
                    .then(|| r.u64("connack timestamp"))
                    .transpose()?;
                let message_id = (flags & 8 != 0)
                    .then(|| r.u16("connack messageId"))
                    .transpose()?;
                ConnAckInfo::V4 {
                    user_id,
                    session_id,
                    timestamp,
                    message_id,
                }
            }
        };
        Ok(Self { status, info })
    }

    pub(super) fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.push(0);
        out.push(self.status.code());
        match &self.info {
            ConnAckInfo::None => {}
            ConnAckInfo::V3 {
                user_id,
                session_id,
                timestamp,
            } => {
                put_string(out, user_id, "connack userId")?;
                put_string(out, session_id, "connack sessionId")?;
                put_u64(out, *timestamp);
            }
            ConnAckInfo::V4 {
                user_id,
                session_id,
                timestamp,
                message_id,
            } => {
                let flags = u8::from(user_id.is_some())
                    | u8::from(session_id.is_some()) << 1
                    | u8::from(timestamp.is_some()) << 2
                    | u8::from(message_id.is_some()) << 3;
                out.push(flags);
                if let Some(v) = user_id {
                    put_string(out, v, "connack userId")?;
                }
                if let Some(v) = session_id {
                    put_string(out, v, "connack sessionId")?;
                }
                if let Some(v) = timestamp {
                    put_u64(out, *v);
                }
                if let Some(v) = message_id {
                    put_u16(out, *v);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Body, Frame, Side};

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    #[test]
    fn v3_layout_from_the_fact_sheet() {
        let bytes =
            hex("20 00 00 0005 7573657231 000e 737475622d73657373696f6e2d31 000001a213cef243");
        let frame = Frame::decode(&bytes, Side::Server, Layout::V3).unwrap();
        let Body::ConnAck(ack) = &frame.body else {
            panic!("not a connack")
        };
        assert_eq!(ack.status, ConnAckStatus::Accepted);
        assert_eq!(ack.user_id(), Some("user1"));
        assert_eq!(ack.timestamp(), Some(0x1a213cef243));
        assert_eq!(frame.encode().unwrap(), bytes);
    }

    #[test]
    fn v4_layout_with_flags() {
        let bytes =
            hex("20 00 00 07 0005 7573657231 000e 737475622d73657373696f6e2d31 000001a213d153d7");
        let frame = Frame::decode(&bytes, Side::Server, Layout::V4).unwrap();
        let Body::ConnAck(ack) = &frame.body else {
            panic!("not a connack")
        };
        assert_eq!(ack.user_id(), Some("user1"));
        assert!(matches!(
            ack.info,
            ConnAckInfo::V4 {
                message_id: None,
                ..
            }
        ));
        assert_eq!(frame.encode().unwrap(), bytes);
    }

    #[test]
    fn refusal_is_three_bytes() {
        let frame = Frame::new(
            crate::Flags::NONE,
            Body::ConnAck(ConnAck::refused(ConnAckStatus::TokenIncorrect)),
        );
        assert_eq!(frame.encode().unwrap(), [0x20, 0x00, 0x04]);
    }

    #[test]
    fn truncated_tail_is_an_error() {
        assert!(Frame::decode(&hex("20 00 00 0005 7573"), Side::Server, Layout::V3).is_err());
        assert!(Frame::decode(&hex("20 00 00 0f"), Side::Server, Layout::V4).is_err());
    }
}
