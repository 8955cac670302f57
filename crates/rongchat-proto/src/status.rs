//! Status codes on the wire and the error codes the official SDK reports for them
//! (fact sheet §4). Unknown values are kept, so every byte round-trips.

macro_rules! status_enum {
    (
        $(#[$meta:meta])*
        $name:ident($repr:ty) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal => ($sdk:literal, $sdk_name:literal), )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value with no name here; kept as received.
            Other($repr),
        }

        impl $name {
            /// The status for a wire value.
            pub fn from_code(code: $repr) -> Self {
                match code {
                    $( $code => Self::$variant, )*
                    other => Self::Other(other),
                }
            }

            /// The wire value.
            pub fn code(self) -> $repr {
                match self {
                    $( Self::$variant => $code, )*
                    Self::Other(other) => other,
                }
            }

            /// The official SDK's `ErrorCode` for this status.
            pub fn sdk_code(self) -> u32 {
                match self {
                    $( Self::$variant => $sdk, )*
                    Self::Other(other) => u32::from(other),
                }
            }

            /// The official SDK's name for that error code.
            pub fn sdk_name(self) -> &'static str {
                match self {
                    $( Self::$variant => $sdk_name, )*
                    Self::Other(_) => "UNKNOWN",
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{} ({})", self.sdk_name(), self.sdk_code())
            }
        }
    };
}

status_enum! {
    /// CONNACK status: the connect result.
    ConnAckStatus(u8) {
        /// Connected.
        Accepted = 0 => (0, "SUCCESS"),
        /// Unsupported protocol version.
        ProtocolVersion = 1 => (31001, "RC_CONN_PROTO_VERSION_ERROR"),
        /// Identifier rejected.
        IdentifierRejected = 2 => (31002, "RC_CONN_IDENTIFIER_REJECTED"),
        /// Server unavailable (retryable).
        ServerUnavailable = 3 => (31003, "RC_CONN_SERVER_UNAVAILABLE"),
        /// Unknown or invalid token (final).
        TokenIncorrect = 4 => (31004, "RC_CONN_TOKEN_INCORRECT"),
        /// Not authorized.
        NotAuthorized = 5 => (31005, "RC_CONN_NOT_AUTHRORIZED"),
        /// Redirected.
        Redirected = 6 => (31006, "RC_CONN_REDIRECTED"),
        /// Package name invalid.
        PackageNameInvalid = 7 => (31007, "RC_CONN_PACKAGE_NAME_INVALID"),
        /// App blocked or deleted.
        AppBlocked = 8 => (31008, "RC_CONN_APP_BLOCKED_OR_DELETED"),
        /// User blocked (final).
        UserBlocked = 9 => (31009, "RC_CONN_USER_BLOCKED"),
        /// Token expired (final).
        TokenExpired = 10 => (31020, "RC_CONN_TOKEN_EXPIRED"),
        /// Device error.
        DeviceError = 11 => (31021, "RC_CONN_DEVICE_ERROR"),
        /// Hostname error.
        HostnameError = 12 => (31022, "RC_CONN_HOSTNAME_ERROR"),
        /// The same client is already online.
        SameClientOnline = 13 => (31023, "RC_DISCONN_SAME_CLIENT_ON_LINE"),
        /// Licence count exceeded.
        LicenceCountExceeded = 14 => (31024, "RC_LISCENSE_COUNT_OUT_OF_LIMIT"),
        /// Wrong cluster.
        WrongCluster = 15 => (31025, "RC_CONN_WRONG_CLUSTER"),
        /// App authentication failed.
        AppAuthFailed = 16 => (31026, "RC_APP_AUTH_NOT_PASS"),
        /// One-time password already used.
        OtpUsed = 17 => (31027, "RC_OTP_USED"),
        /// Platform error.
        PlatformError = 18 => (31028, "RC_PLATFORM_ERROR"),
        /// Account cancelled.
        AccountCancelled = 19 => (31029, "RC_ACCOUNT_CANCELLATION"),
        /// Licence expired.
        LicenceExpired = 20 => (31030, "RC_LICENSE_EXPIRED"),
    }
}

impl ConnAckStatus {
    /// Whether the SDK would retry after this status (network-type errors only).
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::ServerUnavailable)
    }
}

status_enum! {
    /// DISCONNECT status: why the server ends a connection.
    DisconnectStatus(u8) {
        /// Another login of the same user from the same platform.
        Kicked = 1 => (31010, "RC_DISCONN_KICK"),
        /// Server exception.
        Exception = 2 => (31011, "RC_DISCONN_EXCEPTION"),
        /// Server exception (second code).
        ExceptionAlt = 5 => (31011, "RC_DISCONN_EXCEPTION"),
        /// Redirected.
        Redirected = 6 => (31006, "RC_CONN_REDIRECTED"),
        /// Token expired.
        TokenExpired = 7 => (31020, "RC_CONN_TOKEN_EXPIRED"),
        /// Protocol version error.
        ProtocolVersion = 8 => (31001, "RC_CONN_PROTO_VERSION_ERROR"),
        /// Account cancelled.
        AccountCancelled = 9 => (31029, "RC_ACCOUNT_CANCELLATION"),
    }
}

status_enum! {
    /// PUBACK / QUERYACK status. The SDK hands any non-zero value to the application
    /// unchanged as its error code.
    AckStatus(u16) {
        /// Success.
        Success = 0 => (0, "SUCCESS"),
        /// The receiver blacklisted the sender.
        RejectedByBlacklist = 405 => (405, "REJECTED_BY_BLACKLIST"),
        /// The sender is not in the receiver's whitelist.
        NotInWhitelist = 407 => (407, "NOT_IN_WHITELIST"),
        /// A system conversation cannot be sent to.
        SystemConversation = 20109 => (20109, "SYSTEM_CONVERSATION"),
        /// Sending too fast.
        SendTooFast = 20604 => (20604, "SEND_FREQUENCY_TOO_FAST"),
        /// The sender is blocked.
        Blocked = 20605 => (20605, "RC_USER_BLOCKED"),
        /// A sensitive word blocked the message.
        SensitiveWordBlocked = 21501 => (21501, "SENSITIVE_WORDS_BLOCKED"),
        /// A sensitive word was replaced.
        SensitiveWordReplaced = 21502 => (21502, "SENSITIVE_WORDS_REPLACED"),
        /// Not a member of the group.
        NotInGroup = 22406 => (22406, "NOT_IN_GROUP"),
        /// Muted in the group.
        MutedInGroup = 22408 => (22408, "FORBIDDEN_IN_GROUP"),
        /// Not in the chatroom.
        NotInChatroom = 23406 => (23406, "NOT_IN_CHATROOM"),
        /// Muted in the chatroom.
        MutedInChatroom = 23408 => (23408, "FORBIDDEN_IN_CHATROOM"),
        /// The chatroom does not exist.
        ChatroomNotExist = 23410 => (23410, "CHATROOM_NOT_EXIST"),
        /// Recall failed.
        RecallFailed = 25101 => (25101, "RECALL_MESSAGE_FAIL"),
        /// Push parameter invalid.
        PushParameterInvalid = 26001 => (26001, "PUSH_SETTING_PARAMETER_INVALID"),
        /// Parameter invalid.
        ParameterInvalid = 26010 => (26010, "RC_PARAMETER_INVALID"),
        /// Upload token error.
        UploadTokenError = 41002 => (41002, "UPLOAD_TOKEN_ERROR"),
    }
}

impl AckStatus {
    /// Whether the request succeeded.
    pub fn is_success(self) -> bool {
        self == Self::Success
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_map_to_sdk_codes() {
        for code in 0..=u8::MAX {
            assert_eq!(ConnAckStatus::from_code(code).code(), code);
            assert_eq!(DisconnectStatus::from_code(code).code(), code);
        }
        for code in [0u16, 405, 26010, 41002, 12345] {
            assert_eq!(AckStatus::from_code(code).code(), code);
            assert_eq!(AckStatus::from_code(code).sdk_code(), u32::from(code));
        }
        assert_eq!(ConnAckStatus::TokenIncorrect.sdk_code(), 31004);
        assert_eq!(ConnAckStatus::from_code(10).sdk_code(), 31020);
        assert_eq!(DisconnectStatus::from_code(1).sdk_code(), 31010);
        assert_eq!(DisconnectStatus::from_code(1).sdk_name(), "RC_DISCONN_KICK");
    }
}
