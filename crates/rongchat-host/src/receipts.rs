//! Read receipts for the page (`commands/receipts.rs`, the forwarder's `read-receipt` and
//! `group-receipt` events): how far the peer of a private chat read our messages, and who
//! read our group messages that asked. Names come from the directory; the page shows them
//! as text only.

use crate::convert::View;
use crate::models::ConvRef;
use rongchat_client::{GroupReceipt, ReceiptState};
use serde::Serialize;

/// One reader of one of our group messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReaderDto {
    /// Their user id.
    pub user_id: String,
    /// Their display name.
    pub name: String,
}

/// Who read one of our group messages that asked for receipts (`group-receipt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupReceiptDto {
    /// The group.
    pub conv: ConvRef,
    /// Our message's messageUId.
    pub message_uid: String,
    /// Everyone who answered, in order.
    pub readers: Vec<ReaderDto>,
}

/// The peer of a private chat read our messages sent up to `read_time` (`read-receipt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadReceiptDto {
    /// The private chat.
    pub conv: ConvRef,
    /// ms.
    pub read_time: i64,
}

/// A conversation's receipts when it opens (`receipt_state`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptStateDto {
    /// Our messages sent up to this time are read by the peer (0: none known).
    pub peer_read_time: i64,
    /// Our group messages that asked, with their readers.
    pub asked: Vec<GroupReceiptDto>,
}

/// A group receipt for the page.
pub fn group(view: &View, receipt: &GroupReceipt) -> GroupReceiptDto {
    GroupReceiptDto {
        conv: ConvRef::from(receipt.conversation.clone()),
        message_uid: receipt.message_uid.clone(),
        readers: receipt
            .readers
            .iter()
            .map(|id| ReaderDto {
                user_id: id.clone(),
                name: view.name(id),
            })
            .collect(),
    }
}

/// A conversation's receipt state for the page.
pub fn state(view: &View, state: &ReceiptState) -> ReceiptStateDto {
    ReceiptStateDto {
        peer_read_time: state.peer_read_time,
        asked: state.asked.iter().map(|r| group(view, r)).collect(),
    }
}
