//! QUERY (command 5), client to server: topic UTF, targetId UTF, msgId u16, protobuf (rest).
//! Answered by a QUERYACK with the same msgId. The SDK puts its own user id in targetId.

use super::wire::{AddressNames, Addressed, Reader, put_addressed};
use crate::error::{DecodeResult, EncodeError};

/// A QUERY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// e.g. `pullMsg`, `qryPMsg`.
    pub topic: String,
    /// Usually the current user id; the parameters travel in the payload.
    pub target_id: String,
    /// Correlates the QUERYACK.
    pub msg_id: u16,
    /// The protobuf payload.
    pub payload: Vec<u8>,
}

const NAMES: AddressNames = ["query topic", "query targetId", "query msgId"];

impl Query {
    pub(super) fn read(r: &mut Reader<'_>) -> DecodeResult<Self> {
        let Addressed {
            topic,
            target_id,
            msg_id,
            payload,
        } = Addressed::read(r, NAMES)?;
        Ok(Self {
            topic,
            target_id,
            msg_id,
            payload,
        })
    }

    pub(super) fn write(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let Self {
            topic,
            target_id,
            msg_id,
            payload,
        } = self;
        put_addressed(out, NAMES, topic, target_id, *msg_id, payload)
    }
}

#[cfg(test)]
mod tests {
    use crate::frame::{Body, Frame, Layout, Side};

    #[test]
    fn pull_msg_query_from_the_fact_sheet() {
        let bytes =
            hex::decode("50000770756c6c4d7367000575736572310005080010002001300038014801").unwrap();
        let frame = Frame::decode(&bytes, Side::Client, Layout::V3).unwrap();
        let Body::Query(q) = &frame.body else {
            panic!("not a query")
        };
        assert_eq!(
            (q.topic.as_str(), q.target_id.as_str(), q.msg_id),
            ("pullMsg", "user1", 5)
        );
        assert_eq!(frame.encode().unwrap(), bytes);
    }
}
