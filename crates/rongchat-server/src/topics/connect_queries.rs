//! The queries the official SDK makes on every connect, answered with empty but complete
//! replies (every required field set; fact sheet §6).

use super::reply::{Reply, decode};
use prost::Message;
use rongchat_proto::pb;

/// `qAppBot`: no bots.
pub fn bots(payload: &[u8]) -> Reply {
    let _: pb::BotInput = decode(payload)?;
    Ok(pb::BotOutput::default().encode_to_vec())
}

/// `pullEventChange`: no events; `syncTime` (required) never goes backwards.
pub fn event_changes(payload: &[u8]) -> Reply {
    let req: pb::QueryMsgChange = decode(payload)?;
    Ok(pb::EventChangeList {
        sync_time: req.sync_time,
        has_next: Some(false),
        ..Default::default()
    }
    .encode_to_vec())
}

/// `pullUS`: no user settings.
pub fn user_settings(payload: &[u8]) -> Reply {
    let req: pb::PullUserSettingInput = decode(payload)?;
    Ok(pb::PullUserSettingOutput {
        items: Vec::new(),
        version: req.version,
    }
    .encode_to_vec())
}

/// `reportsdk`: accepted, empty reply.
pub fn report_sdk(payload: &[u8]) -> Reply {
    let _: pb::ReportSdkInput = decode(payload)?;
    Ok(Vec::new())
}

/// `pullModifyMsg`: no edits; `nextVersion` must be at least the asked version or the
/// SDK throws "version error".
pub fn modified_messages(payload: &[u8]) -> Reply {
    let req: pb::PullModifyMsgReq = decode(payload)?;
    Ok(pb::PullModifyMsgResp {
        msg: Vec::new(),
        next_version: Some(req.pull_version.unwrap_or(0).max(0)),
        finished: Some(true),
        ..Default::default()
    }
    .encode_to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modify_version_never_goes_back() {
        let req = pb::PullModifyMsgReq {
            pull_version: Some(1_795_628_855_457),
            ..Default::default()
        };
        let reply = modified_messages(&req.encode_to_vec()).unwrap();
        let resp = pb::PullModifyMsgResp::decode(reply.as_slice()).unwrap();
        assert_eq!(resp.next_version, Some(1_795_628_855_457));
    }

    #[test]
    fn event_change_reply_has_sync_time() {
        let reply = event_changes(&hex::decode("0800").unwrap()).unwrap();
        assert_eq!(reply, hex::decode("10001800").unwrap());
    }
}
