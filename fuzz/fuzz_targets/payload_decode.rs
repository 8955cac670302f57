//! Any bytes as each protobuf payload type (checked decode), and any text as each message
//! content type: no panics, typed errors only.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rongchat_proto::content::{Content, object_name};
use rongchat_proto::pb::{self, decode_checked};

fuzz_target!(|data: &[u8]| {
    let _ = decode_checked::<pb::UpStreamMessage>(data);
    let _ = decode_checked::<pb::DownStreamMessage>(data);
    let _ = decode_checked::<pb::DownStreamMessages>(data);
    let _ = decode_checked::<pb::SyncRequestMsg>(data);
    let _ = decode_checked::<pb::NotifyMsg>(data);
    let _ = decode_checked::<pb::HistoryMsgInput>(data);
    let _ = decode_checked::<pb::HistoryMsgOuput>(data);
    let _ = decode_checked::<pb::RelationQryInput>(data);
    let _ = decode_checked::<pb::RelationsOutput>(data);
    let _ = decode_checked::<pb::SessionMsgReadInput>(data);
    let _ = decode_checked::<pb::DeleteSessionsInput>(data);
    let _ = decode_checked::<pb::SessionReq>(data);
    let _ = decode_checked::<pb::SessionStates>(data);
    let _ = decode_checked::<pb::GetQNupTokenInput>(data);
    let _ = decode_checked::<pb::GetQNupTokenOutput>(data);
    let _ = decode_checked::<pb::GetDownloadUrlInput>(data);
    let _ = decode_checked::<pb::GetDownloadUrlOutput>(data);
    let _ = decode_checked::<pb::PullUserSettingInput>(data);
    let _ = decode_checked::<pb::PullUserSettingOutput>(data);
    let _ = decode_checked::<pb::QueryMsgChange>(data);
    let _ = decode_checked::<pb::EventChangeList>(data);
    let _ = decode_checked::<pb::PullModifyMsgReq>(data);
    let _ = decode_checked::<pb::PullModifyMsgResp>(data);
    let _ = decode_checked::<pb::BotInput>(data);
    let _ = decode_checked::<pb::BotOutput>(data);
    let _ = decode_checked::<pb::ReportSdkInput>(data);
    let _ = decode_checked::<pb::DeleteMsgInput>(data);
    let _ = decode_checked::<pb::CleanHisMsgInput>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        for name in [
            object_name::TEXT,
            object_name::IMAGE,
            object_name::VOICE,
            object_name::HQ_VOICE,
            object_name::FILE,
            object_name::MUSIC,
            object_name::SYNC_READ_STATUS,
            object_name::READ_RECEIPT,
            object_name::RECALL,
            object_name::REFERENCE,
            "app:unknown",
        ] {
            let content = Content::parse_lenient(name, text);
            let _ = content.to_json();
            if let Content::Reference(reply) = &content {
                let _ = reply.quoted_text();
            }
        }
    }
});
