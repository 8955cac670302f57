//! Read receipts: the open chat's state (how far the peer read; our group messages that
//! asked and their readers) and asking the group who read one of our messages. Changes
//! reach the page as the `read-receipt` and `group-receipt` events, from the forwarder.

use super::Cx;
use crate::error::Result;
use crate::models::ConvRef;
use crate::receipts::{self, GroupReceiptDto, ReceiptStateDto};
use serde::Deserialize;

/// [`receipt_state`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptStateArgs {
    conv: ConvRef,
}

/// The receipts of one conversation, for its view.
pub async fn receipt_state(
    state: &Cx,
    ReceiptStateArgs { conv }: ReceiptStateArgs,
) -> Result<ReceiptStateDto> {
    let session = state.session().await?;
    let id = conv.validated()?;
    let found = session.client().receipts(&id)?;
    Ok(receipts::state(session.view(), &found))
}

/// [`message_request_receipt`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageRequestReceiptArgs {
    id: String,
}

/// Asks the group who read our sent message `id` (its local id); answers arrive as
/// `group-receipt` events.
pub async fn message_request_receipt(
    state: &Cx,
    MessageRequestReceiptArgs { id }: MessageRequestReceiptArgs,
) -> Result<GroupReceiptDto> {
    let session = state.session().await?;
    let m = session.message(&id)?;
    let asked = session.client().request_receipt(&m).await?;
    Ok(receipts::group(session.view(), &asked))
}
