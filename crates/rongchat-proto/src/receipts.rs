//! Read receipts' contents (facts in `PROTOCOL-NOTES.md`, "Read receipts"). The private
//! receipt `RC:ReadNtf` is [`crate::content::ReadReceipt`]; the group ones are here: a
//! sender asks who read a message (`RC:RRReqMsg`), members who read it answer
//! (`RC:RRRspMsg`, directed at the askers). All three are neither persisted nor counted
//! (UpStreamMessage.sessionId 0) and travel on the ordinary message topics.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Group read-receipt request.
pub const REQUEST: &str = "RC:RRReqMsg";
/// Group read-receipt response.
pub const RESPONSE: &str = "RC:RRRspMsg";
/// `ReadReceipt.type` of a private receipt, as the SDK sends it.
pub const PRIVATE_RECEIPT_TYPE: i64 = 1;

/// `RC:RRReqMsg`: "who read my message `message_uid`?" (sent to the group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptRequest {
    /// The asker's own message.
    #[serde(rename = "messageUId")]
    pub message_uid: String,
}

/// `RC:RRRspMsg`: "I read these", per asker: asker id -> their message uids. Its
/// UpStreamMessage carries the askers in `toUserIds` so only they receive it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReceiptResponse {
    /// Asker id -> the asker's messages read.
    #[serde(rename = "receiptMessageDic")]
    pub receipt_message_dic: BTreeMap<String, Vec<String>>,
}

impl ReceiptRequest {
    /// Parses a request content; a missing or empty uid is an error.
    pub fn parse(json: &str) -> Option<Self> {
        serde_json::from_str::<Self>(json)
            .ok()
            .filter(|r| !r.message_uid.is_empty())
    }

    /// The content JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl ReceiptResponse {
    /// Parses a response content; anything but a map of string lists is an error.
    pub fn parse(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok()
    }

    /// The content JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_response_keep_the_sdk_field_names() {
        let request = ReceiptRequest {
            message_uid: "U1".into(),
        };
        assert_eq!(request.to_json(), r#"{"messageUId":"U1"}"#);
        assert_eq!(ReceiptRequest::parse(&request.to_json()), Some(request));
        assert_eq!(ReceiptRequest::parse(r#"{"messageUId":""}"#), None);
        assert_eq!(ReceiptRequest::parse("[]"), None);

        let mut response = ReceiptResponse::default();
        response
            .receipt_message_dic
            .insert("alice".into(), vec!["U1".into(), "U2".into()]);
        let json = response.to_json();
        assert_eq!(json, r#"{"receiptMessageDic":{"alice":["U1","U2"]}}"#);
        assert_eq!(ReceiptResponse::parse(&json), Some(response));
        assert_eq!(
            ReceiptResponse::parse(r#"{"receiptMessageDic":{"a":[1]}}"#),
            None
        );
        assert_eq!(ReceiptResponse::parse("{}"), None);
    }
}
