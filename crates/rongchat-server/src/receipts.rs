//! Read receipts checked against the authenticated sender before they are routed (facts in
//! `PROTOCOL-NOTES.md`, "Read receipts"). They are ordinary non-persisted messages
//! (sessionId 0) on `ppMsgP` / `pgMsgP`, so the pipeline in `routing` stores them in the
//! recipients' inboxes only (pulled, never in history or a conversation list); this
//! module refuses the ones that name a message outside the sender's conversation, and
//! narrows a group response to the askers it answers.

use crate::routing::{Options, Outbound, Refused};
use crate::shared::Shared;
use crate::store::recall::{self, Recallable};
use rongchat_proto::ConversationType;
use rongchat_proto::content::{Content, object_name};
use rongchat_proto::receipts::{REQUEST, RESPONSE, ReceiptRequest, ReceiptResponse};

/// The most messages one group response may name (the SDK answers what it was asked in
/// the last day, at most 30 per conversation per asker).
const MAX_ANSWERED: usize = 500;

/// How a client's PUBLISH is routed: the defaults, but a group message with `toUserIds`
/// reaches only those members (the SDK's `directionalUserIdList`), and a receipt must
/// pass [`check`].
pub async fn options(shared: &Shared, out: &Outbound) -> Result<Options, Refused> {
    let mut opts = Options::default();
    if out.conversation == ConversationType::Group && !out.message.to_user_ids.is_empty() {
        opts.only = Some(out.message.to_user_ids.clone());
    }
    if let Some(askers) = check(shared, out).await? {
        opts.only = Some(askers);
    }
    Ok(opts)
}

/// `Ok(Some(askers))` for a group response (only they receive it), `Ok(None)` for
/// anything else that may go; a refusal otherwise.
async fn check(shared: &Shared, out: &Outbound) -> Result<Option<Vec<String>>, Refused> {
    let content = out.message.content.as_str();
    match out.message.classname.as_str() {
        object_name::READ_RECEIPT => {
            if out.conversation != ConversationType::Private {
                return Err(Refused::Invalid("a read receipt is for a private chat"));
            }
            let Ok(Content::ReadReceipt(receipt)) =
                Content::parse(object_name::READ_RECEIPT, content)
            else {
                return Err(Refused::Invalid("malformed read receipt"));
            };
            // The SDK names the conversation's last message; it must be of this chat.
            if !receipt.message_uid.is_empty() {
                let found = find(shared, &receipt.message_uid).await?;
                let between = |m: &Recallable| {
                    m.channel_type == ConversationType::Private
                        && ((m.from_user == out.from && m.target_id == out.target)
                            || (m.from_user == out.target && m.target_id == out.from))
                };
                if !found.as_ref().is_some_and(between) {
                    return Err(Refused::Invalid(
                        "the receipt names a message of another chat",
                    ));
                }
            }
            Ok(None)
        }
        REQUEST => {
            let request = group_only(out).and_then(|()| {
                ReceiptRequest::parse(content).ok_or(Refused::Invalid("malformed receipt request"))
            })?;
            // One asks only about one's own message in this group.
            let found = find(shared, &request.message_uid).await?;
            if !found.is_some_and(|m| in_group(&m, out, &out.from)) {
                return Err(Refused::Invalid(
                    "a receipt request names someone else's message",
                ));
            }
            Ok(None)
        }
        RESPONSE => {
            let response = group_only(out).and_then(|()| {
                ReceiptResponse::parse(content)
                    .ok_or(Refused::Invalid("malformed receipt response"))
            })?;
            let named: usize = response.receipt_message_dic.values().map(Vec::len).sum();
            if response.receipt_message_dic.is_empty() || named > MAX_ANSWERED {
                return Err(Refused::Invalid(
                    "a receipt response answers 1 to 500 messages",
                ));
            }
            for (asker, uids) in &response.receipt_message_dic {
                for uid in uids {
                    let found = find(shared, uid).await?;
                    if !found.is_some_and(|m| in_group(&m, out, asker)) {
                        return Err(Refused::Invalid(
                            "a receipt response names a message its asker did not send here",
                        ));
                    }
                }
            }
            // Membership of the responder is checked by routing (NotInGroup).
            Ok(Some(response.receipt_message_dic.into_keys().collect()))
        }
        _ => Ok(None),
    }
}

fn group_only(out: &Outbound) -> Result<(), Refused> {
    if out.conversation == ConversationType::Group {
        Ok(())
    } else {
        Err(Refused::Invalid("a group receipt outside a group"))
    }
}

fn in_group(m: &Recallable, out: &Outbound, sender: &str) -> bool {
    m.channel_type == ConversationType::Group && m.target_id == out.target && m.from_user == sender
}

async fn find(shared: &Shared, uid: &str) -> Result<Option<Recallable>, Refused> {
    let uid = uid.to_owned();
    Ok(shared.store.run(move |c| recall::find(c, &uid)).await?)
}
