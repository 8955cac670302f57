//! Topic names used on the wire (fact sheet §6).

/// Private message (client PUBLISH, QoS 1; targetId = peer).
pub const PRIVATE_MESSAGE: &str = "ppMsgP";
/// Group message (targetId = group id).
pub const GROUP_MESSAGE: &str = "pgMsgP";
/// Private status message: relayed, not stored (typing ...).
pub const PRIVATE_STATUS: &str = "ppMsgS";
/// Group status message.
pub const GROUP_STATUS: &str = "pgMsgS";
/// Recall.
pub const RECALL: &str = "recallMsg";
/// Server push: new messages, pull them (NotifyMsg).
pub const NOTIFY: &str = "s_ntf";
/// Server push: one message (DownStreamMessage).
pub const PUSH_MESSAGE: &str = "s_msg";
/// Server push: command (NotifyMsg).
pub const COMMAND: &str = "s_cmd";
/// Inbox sync (SyncRequestMsg -> DownStreamMessages).
pub const PULL_MESSAGES: &str = "pullMsg";
/// Private history (HistoryMsgInput -> HistoryMsgOuput).
pub const PRIVATE_HISTORY: &str = "qryPMsg";
/// Group history.
pub const GROUP_HISTORY: &str = "qryGMsg";
/// Conversation list (RelationQryInput -> RelationsOutput).
pub const CONVERSATIONS: &str = "qryRelationR";
/// Conversation list, older name.
pub const CONVERSATIONS_OLD: &str = "qryRelation";
/// Mark a conversation read up to a time (SessionMsgReadInput).
pub const READ_TIME: &str = "updRRTime";
/// Remove conversations (DeleteSessionsInput).
pub const DELETE_CONVERSATIONS: &str = "delSessions";
/// Upload token (GetQNupTokenInput -> GetQNupTokenOutput).
pub const UPLOAD_TOKEN: &str = "qnTkn";
/// Download URL after a Qiniu upload (GetDownloadUrlInput -> GetDownloadUrlOutput).
pub const DOWNLOAD_URL: &str = "qnUrl";
/// Conversation states (SessionReq -> SessionStates).
pub const CONVERSATION_STATES: &str = "pullSeAtts";
/// User settings (PullUserSettingInput -> PullUserSettingOutput).
pub const USER_SETTINGS: &str = "pullUS";
/// Event changes (QueryMsgChange -> EventChangeList).
pub const EVENT_CHANGES: &str = "pullEventChange";
/// Edited messages (PullModifyMsgReq -> PullModifyMsgResp).
pub const MODIFIED_MESSAGES: &str = "pullModifyMsg";
/// Bots (BotInput -> BotOutput).
pub const BOTS: &str = "qAppBot";
/// SDK report (ReportSDKInput -> empty).
pub const REPORT_SDK: &str = "reportsdk";
