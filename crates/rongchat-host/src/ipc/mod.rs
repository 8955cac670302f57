//! The host as a process of its own: the page's commands, events and channels over a local
//! socket, so that a window (the Tauri shell, in another process) can come and go while the
//! session, the embedded server and the demo keep running.
//!
//! The wire: frames of a 4-byte big-endian length and a JSON body, at most
//! [`MAX_FRAME_BYTES`]. A shell sends [`ToHost::Call`]; the host answers each with
//! [`ToShell::Reply`] (in any order: calls run concurrently), and pushes every page event
//! ([`ToShell::Event`]) and every value a command sends on one of the call's channels
//! ([`ToShell::Channel`], the channel named as the page passed it, and
//! [`ToShell::ChannelEnd`] once the host dropped it, as a Tauri channel tells its page). A
//! frame that is not a call is answered [`ToShell::Refused`] and the connection reads on.
//!
//! Only the user's own processes reach the socket: it lives in a folder only they may
//! enter (`serve::bind`).

pub mod link;
pub mod serve;

use serde::{Deserialize, Serialize};
use tokio_util::codec::LengthDelimitedCodec;

/// The largest frame either side accepts (a history page with long texts is far below).
pub const MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;

/// What a shell sends the host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum ToHost {
    /// Runs `command` with the page's `args`; answered by a `Reply` with the same `id`.
    Call {
        /// The shell's number for the call.
        id: u64,
        /// A name of `commands::NAMES`.
        command: String,
        /// The page's arguments (an object, camelCase keys).
        args: serde_json::Value,
    },
}

/// What the host sends a shell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum ToShell {
    /// A call's answer, or its error as the page gets it (`{kind, message}`).
    Reply {
        /// The call's `id`.
        id: u64,
        /// The answer.
        result: Result<serde_json::Value, serde_json::Value>,
    },
    /// A page event (`events::*`).
    Event {
        /// The event's name.
        name: String,
        /// Its payload.
        payload: serde_json::Value,
    },
    /// A value for one of the page's channels.
    Channel {
        /// The channel, as the page named it in the call's arguments.
        channel: String,
        /// The value.
        value: serde_json::Value,
    },
    /// The host dropped one of the page's channels: nothing more comes on it.
    ChannelEnd {
        /// The channel, as the page named it.
        channel: String,
    },
    /// A frame that was not a call (why, in words).
    Refused {
        /// What was wrong with it.
        reason: String,
    },
}

/// The framing both sides use.
pub fn codec() -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder()
        .max_frame_length(MAX_FRAME_BYTES)
        .new_codec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_have_a_stable_json_shape() {
        let call = ToHost::Call {
            id: 7,
            command: "session_get".into(),
            args: json!({}),
        };
        assert_eq!(
            serde_json::to_value(&call).unwrap(),
            json!({"type": "call", "id": 7, "command": "session_get", "args": {}})
        );
        let reply = ToShell::Reply {
            id: 7,
            result: Err(json!({"kind": "notSignedIn", "message": "x"})),
        };
        let text = serde_json::to_string(&reply).unwrap();
        assert_eq!(serde_json::from_str::<ToShell>(&text).unwrap(), reply);
        assert!(text.contains(r#""type":"reply""#), "{text}");
    }
}
