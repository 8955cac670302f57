//! Topic names used on the wire (fact sheet §6), as one enum.
//!
//! Every topic either side knows is a variant; any other name is kept as [`Topic::Other`],
//! so an unknown topic still decodes, routes to "unsupported" and encodes back unchanged.

use std::fmt;

/// A PUBLISH or QUERY topic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Topic {
    /// `ppMsgP`: private message (client PUBLISH, QoS 1; targetId = peer).
    PrivateMessage,
    /// `pgMsgP`: group message (targetId = group id).
    GroupMessage,
    /// `ppMsgS`: private status message, relayed, not stored (typing ...).
    PrivateStatus,
    /// `pgMsgS`: group status message.
    GroupStatus,
    /// `chatMsg`: chatroom message.
    ChatroomMessage,
    /// `pcMsgP`: customer-service message.
    CustomerServiceMessage,
    /// `recallMsg`: recall a sent message.
    Recall,
    /// `s_ntf`: server push, new messages: pull them (NotifyMsg).
    Notify,
    /// `s_msg`: server push of one message (DownStreamMessage).
    PushMessage,
    /// `s_cmd`: server push, a command (NotifyMsg).
    Command,
    /// `pullMsg`: inbox sync (SyncRequestMsg -> DownStreamMessages).
    PullMessages,
    /// `qryPMsg`: private history (HistoryMsgInput -> HistoryMsgOuput).
    PrivateHistory,
    /// `qryGMsg`: group history.
    GroupHistory,
    /// `qryRelationR`: conversation list (RelationQryInput -> RelationsOutput).
    Conversations,
    /// `qryRelation`: conversation list, older name.
    ConversationsOld,
    /// `updRRTime`: mark a conversation read up to a time (SessionMsgReadInput).
    ReadTime,
    /// `delSessions`: remove conversations (DeleteSessionsInput).
    DeleteConversations,
    /// `qnTkn`: upload token (GetQNupTokenInput -> GetQNupTokenOutput).
    UploadToken,
    /// `qnUrl`: download URL after a Qiniu upload (GetDownloadUrlInput -> GetDownloadUrlOutput).
    DownloadUrl,
    /// `aliUrl`, `s3Url`, `stcUrl`, `minioUrl`: the same question for other storage
    /// back ends; the name is kept so the reply can be matched.
    OtherDownloadUrl(StorageUrl),
    /// `pullSeAtts`: conversation states (SessionReq -> SessionStates).
    ConversationStates,
    /// `setSeAtt`: set conversation states (SessionStateModifyReq -> SessionStateModifyResp).
    SetConversationStates,
    /// `pullUS`: user settings (PullUserSettingInput -> PullUserSettingOutput).
    UserSettings,
    /// `pullEventChange`: event changes (QueryMsgChange -> EventChangeList).
    EventChanges,
    /// `pullModifyMsg`: edited messages (PullModifyMsgReq -> PullModifyMsgResp).
    ModifiedMessages,
    /// `qAppBot`: bots (BotInput -> BotOutput).
    Bots,
    /// `reportsdk`: SDK report (ReportSDKInput -> empty).
    ReportSdk,
    /// `delMsg`: delete messages from this user's history (DeleteMsgInput -> empty).
    DeleteMessages,
    /// `cleanPMsg`: clear a private conversation's history up to a time (CleanHisMsgInput).
    ClearPrivateHistory,
    /// `cleanGMsg`: the same for a group.
    ClearGroupHistory,
    /// `pullUserProfile`: users' profiles (PullUserProfileReq -> UserProfiles).
    UserProfiles,
    /// `pullOwnProfile`: this user's profile (UserProfileInput -> UserProfile).
    OwnProfile,
    /// `qChannelInfo`: groups' info (MultiChannels -> ChannelsListResult of ChannelsJoinedInfos);
    /// targetId = the first group asked about.
    GroupsInfo,
    /// `qChannelMem`: a group's members by role, paged (ChannelsQueryInput -> ChannelsListResult
    /// of ChannelsUserInfos); targetId = the group.
    GroupMembersPage,
    /// `qChannelSpeMem`: named members of a group (ChannelsQueryInput -> ChannelsUserInfos).
    GroupMembers,
    /// `qChannelMemSpeJoin`: which of the named groups this user joined (ChannelsQueryInput ->
    /// ChannelsJoinedInfos).
    JoinedGroups,
    /// Any other name, kept as sent.
    Other(String),
}

/// The storage back ends whose download-URL topics share `qnUrl`'s payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StorageUrl {
    /// `aliUrl`.
    Ali,
    /// `s3Url`.
    S3,
    /// `stcUrl`.
    Stc,
    /// `minioUrl`.
    Minio,
}

/// Every named topic with its wire string (the one table both directions use).
const NAMES: &[(&str, Topic)] = &[
    ("ppMsgP", Topic::PrivateMessage),
    ("pgMsgP", Topic::GroupMessage),
    ("ppMsgS", Topic::PrivateStatus),
    ("pgMsgS", Topic::GroupStatus),
    ("chatMsg", Topic::ChatroomMessage),
    ("pcMsgP", Topic::CustomerServiceMessage),
    ("recallMsg", Topic::Recall),
    ("s_ntf", Topic::Notify),
    ("s_msg", Topic::PushMessage),
    ("s_cmd", Topic::Command),
    ("pullMsg", Topic::PullMessages),
    ("qryPMsg", Topic::PrivateHistory),
    ("qryGMsg", Topic::GroupHistory),
    ("qryRelationR", Topic::Conversations),
    ("qryRelation", Topic::ConversationsOld),
    ("updRRTime", Topic::ReadTime),
    ("delSessions", Topic::DeleteConversations),
    ("qnTkn", Topic::UploadToken),
    ("qnUrl", Topic::DownloadUrl),
    ("aliUrl", Topic::OtherDownloadUrl(StorageUrl::Ali)),
    ("s3Url", Topic::OtherDownloadUrl(StorageUrl::S3)),
    ("stcUrl", Topic::OtherDownloadUrl(StorageUrl::Stc)),
    ("minioUrl", Topic::OtherDownloadUrl(StorageUrl::Minio)),
    ("pullSeAtts", Topic::ConversationStates),
    ("setSeAtt", Topic::SetConversationStates),
    ("pullUS", Topic::UserSettings),
    ("pullEventChange", Topic::EventChanges),
    ("pullModifyMsg", Topic::ModifiedMessages),
    ("qAppBot", Topic::Bots),
    ("reportsdk", Topic::ReportSdk),
    ("delMsg", Topic::DeleteMessages),
    ("cleanPMsg", Topic::ClearPrivateHistory),
    ("cleanGMsg", Topic::ClearGroupHistory),
    ("pullUserProfile", Topic::UserProfiles),
    ("pullOwnProfile", Topic::OwnProfile),
    ("qChannelInfo", Topic::GroupsInfo),
    ("qChannelMem", Topic::GroupMembersPage),
    ("qChannelSpeMem", Topic::GroupMembers),
    ("qChannelMemSpeJoin", Topic::JoinedGroups),
];

impl Topic {
    /// The topic for a wire name; unknown names become [`Topic::Other`].
    pub fn parse(name: &str) -> Self {
        NAMES
            .iter()
            .find(|(wire, _)| *wire == name)
            .map(|(_, topic)| topic.clone())
            .unwrap_or_else(|| Self::Other(name.to_owned()))
    }

    /// The wire name.
    pub fn as_str(&self) -> &str {
        if let Self::Other(name) = self {
            return name;
        }
        NAMES
            .iter()
            .find(|(_, topic)| topic == self)
            .map_or("", |(wire, _)| wire)
    }

    /// Whether a dup PUBLISH on this topic is a multi-device echo of a sent message.
    pub fn is_sent_message(&self) -> bool {
        matches!(
            self,
            Self::PrivateMessage
                | Self::GroupMessage
                | Self::Recall
                | Self::ChatroomMessage
                | Self::CustomerServiceMessage
        )
    }

    /// Whether a QUERY on this topic names a group in its targetId (not this user).
    pub fn is_addressed_to_group(&self) -> bool {
        matches!(
            self,
            Self::GroupsInfo | Self::GroupMembersPage | Self::GroupMembers
        )
    }

    /// Whether this topic carries a status message (relayed, never stored).
    pub fn is_status(&self) -> bool {
        matches!(self, Self::PrivateStatus | Self::GroupStatus)
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Topic {
    fn from(name: &str) -> Self {
        Self::parse(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for (wire, topic) in NAMES {
            assert_eq!(&Topic::parse(wire), topic);
            assert_eq!(topic.as_str(), *wire);
        }
    }

    #[test]
    fn unknown_names_are_kept() {
        let topic = Topic::parse("newTopicX");
        assert_eq!(topic, Topic::Other("newTopicX".into()));
        assert_eq!(topic.to_string(), "newTopicX");
        assert_eq!(Topic::parse(""), Topic::Other(String::new()));
    }

    #[test]
    fn names_are_unique() {
        for (i, (a, ta)) in NAMES.iter().enumerate() {
            for (b, tb) in &NAMES[i + 1..] {
                assert_ne!(a, b);
                assert_ne!(ta, tb);
            }
        }
    }
}
