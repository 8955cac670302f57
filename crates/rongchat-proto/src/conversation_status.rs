//! Conversation status: pin and do-not-disturb, one per user and conversation, shared by
//! all the user's devices through the server (`setSeAtt`, `pullSeAtts`, `s_cmd` type 3;
//! facts in `PROTOCOL-NOTES.md`, "Conversation status: pin and do-not-disturb").
//!
//! The wire carries a conversation's state as `SessionState` with one `SessionStateItem`
//! per attribute, each value a string (`"1"`/`"0"` for the pin, the level's number for
//! do-not-disturb). This module turns that into [`StatusUpdate`] and back, so the server
//! and the client read it one way.

use crate::pb;
use crate::vocab::ConversationType;

/// `NotifyMsg.type` of the `s_cmd` that says "this user's conversation status changed up
/// to `time`: pull it" (the SDK then sends `pullSeAtts`).
pub const STATUS_CHANGED_COMMAND: i32 = 3;

/// `SessionStateItem.sessionStateType` of the do-not-disturb level (`IsSilent`).
pub const ITEM_NOTIFICATION_LEVEL: i32 = 1;
/// `SessionStateItem.sessionStateType` of the pin (`IsTop`).
pub const ITEM_PINNED: i32 = 2;

/// The SDK's `NotificationLevel` values.
pub mod level {
    /// Notify every message (do-not-disturb explicitly off).
    pub const ALL: i32 = -1;
    /// Not set: the group's or app's default applies (notify).
    pub const NOT_SET: i32 = 0;
    /// Only @mentions notify: what "muted" means (the SDK's `NotificationStatus.OPEN`).
    pub const MENTIONS: i32 = 1;
    /// Only @mentions of this user notify.
    pub const MENTIONS_OF_ME: i32 = 2;
    /// Only @all notifies.
    pub const MENTIONS_OF_ALL: i32 = 4;
    /// Nothing notifies.
    pub const NONE: i32 = 5;
}

/// Whether `value` is one of the SDK's notification levels.
pub fn is_level(value: i32) -> bool {
    matches!(value, -1 | 0 | 1 | 2 | 4 | 5)
}

/// Whether a level means do-not-disturb (anything but "all" and "not set").
pub fn is_muted(level: i32) -> bool {
    !matches!(level, level::ALL | level::NOT_SET)
}

/// Whether a message notifies under `level`, given whether it @-mentions this user by id
/// (`of_me`) and whether it @-mentions everyone (`of_all`), as the SDK's levels say.
pub fn notifies(level: i32, of_me: bool, of_all: bool) -> bool {
    match level {
        level::ALL | level::NOT_SET => true,
        level::MENTIONS_OF_ME => of_me,
        level::MENTIONS_OF_ALL => of_all,
        level::NONE => false,
        // MENTIONS, and any level a newer SDK adds: what "muted" has always meant.
        _ => of_me || of_all,
    }
}

/// The level a plain mute or unmute sets (the SDK's deprecated
/// `setConversationNotificationStatus` and the Server API's `isMuted`).
pub fn level_of_muted(muted: bool) -> i32 {
    if muted {
        level::MENTIONS
    } else {
        level::NOT_SET
    }
}

/// One conversation's status as the wire says it; `None` = not part of this change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    /// Private, group, ...
    pub conversation_type: ConversationType,
    /// The peer or group.
    pub target_id: String,
    /// When the server recorded it (ms; the status version); 0 in a request.
    pub time: i64,
    /// Pinned to the top of the list.
    pub pinned: Option<bool>,
    /// The notification level ([`level`]).
    pub level: Option<i32>,
}

/// Why a `SessionState` is not a status we take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatusError {
    /// No conversation named.
    #[error("no conversation id")]
    NoTarget,
    /// An item of a kind we do not keep (tags, auto-translation) or an unknown one.
    #[error("unsupported conversation state item {0}")]
    UnsupportedItem(i32),
    /// A pin that is not "0" or "1", or a level that is not one of the SDK's.
    #[error("bad value {value:?} for conversation state item {item}")]
    BadValue {
        /// The item's type.
        item: i32,
        /// Its value as sent.
        value: String,
    },
    /// Neither a pin nor a level.
    #[error("a conversation state with no item")]
    Empty,
}

impl StatusUpdate {
    /// Reads one `SessionState`: every item must be a pin or a level with a valid value.
    pub fn from_wire(state: &pb::SessionState) -> Result<Self, StatusError> {
        if state.channel_id.is_empty() {
            return Err(StatusError::NoTarget);
        }
        let mut update = StatusUpdate {
            conversation_type: ConversationType::from_code(state.r#type),
            target_id: state.channel_id.clone(),
            time: state.time.unwrap_or(0),
            pinned: None,
            level: None,
        };
        for item in &state.state_item {
            let bad = || StatusError::BadValue {
                item: item.session_state_type,
                value: item.value.clone(),
            };
            match item.session_state_type {
                ITEM_PINNED => {
                    update.pinned = Some(match item.value.as_str() {
                        "1" => true,
                        "0" => false,
                        _ => return Err(bad()),
                    });
                }
                ITEM_NOTIFICATION_LEVEL => {
                    let level: i32 = item.value.trim().parse().map_err(|_| bad())?;
                    if !is_level(level) {
                        return Err(bad());
                    }
                    update.level = Some(level);
                }
                other => return Err(StatusError::UnsupportedItem(other)),
            }
        }
        if update.pinned.is_none() && update.level.is_none() {
            return Err(StatusError::Empty);
        }
        Ok(update)
    }

    /// The `SessionState` carrying this update (the items that are set).
    pub fn to_wire(&self) -> pb::SessionState {
        let mut items = Vec::new();
        if let Some(level) = self.level {
            items.push(pb::SessionStateItem {
                session_state_type: ITEM_NOTIFICATION_LEVEL,
                value: level.to_string(),
                ..Default::default()
            });
        }
        if let Some(pinned) = self.pinned {
            items.push(pb::SessionStateItem {
                session_state_type: ITEM_PINNED,
                value: if pinned { "1" } else { "0" }.to_owned(),
                ..Default::default()
            });
        }
        pb::SessionState {
            r#type: self.conversation_type.code(),
            channel_id: self.target_id.clone(),
            time: (self.time > 0).then_some(self.time),
            state_item: items,
            bus_channel: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    fn update(pinned: Option<bool>, level: Option<i32>) -> StatusUpdate {
        StatusUpdate {
            conversation_type: ConversationType::Group,
            target_id: "g1".into(),
            time: 0,
            pinned,
            level,
        }
    }

    #[test]
    fn the_sdks_pin_reads_as_a_pin() {
        // What `setConversationToTop(group g1, true)` puts in SessionStateModifyReq.state.
        let wire = pb::SessionState {
            r#type: 3,
            channel_id: "g1".into(),
            state_item: vec![pb::SessionStateItem {
                session_state_type: 2,
                value: "1".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(StatusUpdate::from_wire(&wire), Ok(update(Some(true), None)));
        let bytes = update(Some(true), None).to_wire().encode_to_vec();
        assert_eq!(bytes, wire.encode_to_vec());
    }

    #[test]
    fn levels_and_values_are_checked() {
        let mut state = update(None, Some(5)).to_wire();
        assert_eq!(
            StatusUpdate::from_wire(&state).unwrap().level,
            Some(level::NONE)
        );
        state.state_item[0].value = "3".into();
        assert!(matches!(
            StatusUpdate::from_wire(&state),
            Err(StatusError::BadValue { item: 1, .. })
        ));
        state.state_item[0].session_state_type = 3;
        assert_eq!(
            StatusUpdate::from_wire(&state),
            Err(StatusError::UnsupportedItem(3))
        );
        state.state_item.clear();
        assert_eq!(StatusUpdate::from_wire(&state), Err(StatusError::Empty));
        state.channel_id.clear();
        assert_eq!(StatusUpdate::from_wire(&state), Err(StatusError::NoTarget));
    }

    #[test]
    fn muted_means_any_level_but_all_and_unset() {
        assert!(!is_muted(level::ALL) && !is_muted(level::NOT_SET));
        assert!([1, 2, 4, 5].into_iter().all(is_muted));
        assert_eq!(level_of_muted(true), level::MENTIONS);
        assert_eq!(level_of_muted(false), level::NOT_SET);
    }
}
