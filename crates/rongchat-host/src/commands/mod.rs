//! The page's commands, one module per domain, run by name: [`dispatch`] takes a command's
//! name and its arguments as the page sent them (a JSON object, camelCase keys) and
//! answers JSON, so any shell can carry them, Tauri's invoke in the same process or a
//! socket from another. Each command is a thin call into the session's client, view or
//! media; names are `<noun>_<verb>`; errors reach the page as `{kind, message}`.
//! The commands that need the window (pickers, the opener, the tray's badge) are the
//! shell's own; `commands.list` in src-tauri names both kinds.

pub mod actions;
pub mod conversations;
pub mod files;
pub mod internal;
pub mod messages;
pub mod profiles;
pub mod receipts;
pub mod search;
pub mod session;
pub mod settings;
pub mod typing;
pub mod voice;

use crate::error::{Error, Result};
use crate::events::json;
use crate::state::AppState;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use std::sync::Arc;

/// Where a per-call stream (upload progress, recording levels) goes: a JSON value at a
/// time to the page's channel.
pub type Sink = Arc<dyn Fn(serde_json::Value) + Send + Sync>;

/// The page that called, as far as commands need it: its per-call channels.
pub trait Page: Send + Sync {
    /// The sink of the channel the page named `id` (as it passed it), if it is one.
    fn channel(&self, id: &str) -> Option<Sink>;
}

/// What a command runs with: the app's state (commands read it as `state.…`) and the
/// page that called.
#[derive(Clone)]
pub struct Cx {
    state: Arc<AppState>,
    page: Arc<dyn Page>,
    caller: crate::shells::ShellId,
}

impl std::fmt::Debug for Cx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cx").finish_non_exhaustive()
    }
}

impl std::ops::Deref for Cx {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.state
    }
}

impl Cx {
    /// A call from `page` on `state`.
    pub fn new(state: Arc<AppState>, page: Arc<dyn Page>) -> Self {
        Self {
            state,
            page,
            caller: 0,
        }
    }

    /// The same, from the shell connected as `caller`.
    pub fn from_shell(mut self, caller: crate::shells::ShellId) -> Self {
        self.caller = caller;
        self
    }

    /// The shell that called.
    pub fn caller(&self) -> crate::shells::ShellId {
        self.caller
    }

    /// The state, to keep beyond the call (a clip that ends plays the next one).
    pub fn shared(&self) -> Arc<AppState> {
        self.state.clone()
    }

    /// The page's channel `id`, to send `T`s on.
    pub fn channel<T: serde::Serialize>(&self, id: &ChannelId) -> Result<Channel<T>> {
        let sink = self
            .page
            .channel(&id.0)
            .ok_or_else(|| Error::Invalid("not a channel".into()))?;
        Ok(Channel {
            sink,
            kind: PhantomData,
        })
    }
}

/// A channel as the page names it in a command's arguments.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct ChannelId(String);

/// A per-call stream of `T`s to the page. A page that went away just misses what follows.
pub struct Channel<T> {
    sink: Sink,
    kind: PhantomData<fn(T)>,
}

impl<T> std::fmt::Debug for Channel<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel").finish_non_exhaustive()
    }
}

impl<T: serde::Serialize> Channel<T> {
    /// Sends one value.
    pub fn send(&self, value: T) {
        (self.sink)(json(value))
    }
}

/// A command's arguments from the page's JSON object (missing optional ones are `None`;
/// anything but an object is refused, as Tauri's own commands do).
fn arguments<A: DeserializeOwned>(command: &str, args: serde_json::Value) -> Result<A> {
    if !args.is_object() {
        return Err(Error::Invalid(format!(
            "{command}'s arguments are not an object"
        )));
    }
    serde_json::from_value(args).map_err(|e| Error::Invalid(format!("{command}'s arguments: {e}")))
}

/// A command's answer as JSON.
fn answer<T: serde::Serialize>(result: Result<T>) -> Result<serde_json::Value> {
    result.map(json)
}

/// The commands that never wait: they answer from memory or a small settings file. A
/// shell may run them where the call arrives instead of queueing them behind the
/// runtime's work (a first sync of 1,000 conversations keeps its workers busy, and the
/// page's first `session_get` waited behind it). They ran on the UI thread when they were
/// plain Tauri commands.
pub const ANSWERED_AT_ONCE: &[&str] = &[
    "session_get",
    "settings_get",
    "voice_speed_get",
    "voice_speed_set",
];

/// A table: every command by name (`$names`), and a dispatch (`$dispatch`) over them.
macro_rules! command_table {
    ($names:ident, $dispatch:ident; $($module:ident::$name:ident),* $(,)?) => {
        /// Every command the dispatch next to it runs.
        pub const $names: &[&str] = &[$(stringify!($name)),*];

        /// Runs the command `command` with its `args`.
        pub async fn $dispatch(
            cx: &Cx,
            command: &str,
            args: serde_json::Value,
        ) -> Result<serde_json::Value> {
            match command {
                $(stringify!($name) => answer($module::$name(cx, arguments(command, args)?).await),)*
                _ => Err(Error::NotFound(format!("command {command:?}"))),
            }
        }
    };
}

command_table!(
    NAMES, dispatch;
    session::session_get,
    session::session_reconnect,
    session::session_logout,
    conversations::conversation_list,
    conversations::conversation_open,
    conversations::conversation_mark_read,
    conversations::conversation_set_pinned,
    conversations::conversation_set_muted,
    conversations::conversation_remove,
    conversations::conversation_set_draft,
    conversations::conversation_start,
    typing::conversation_typing,
    receipts::receipt_state,
    receipts::message_request_receipt,
    profiles::group_members,
    messages::message_history,
    messages::message_send_text,
    messages::message_send_music,
    messages::message_resend,
    messages::message_cancel_upload,
    messages::message_recall,
    actions::message_reply,
    actions::message_forward,
    actions::message_delete,
    actions::conversation_clear_history,
    search::message_search,
    search::message_around,
    files::file_send_staged,
    files::file_image_full,
    files::file_music_poster,
    voice::voice_record_start,
    voice::voice_record_stop,
    voice::voice_play,
    voice::voice_stop,
    voice::music_list,
    voice::music_play,
    voice::voice_speed_get,
    voice::voice_speed_set,
    settings::settings_get,
    settings::settings_save,
    settings::settings_use_demo,
);

pub(crate) use command_table;

/// Runs a page command or one of the shells' own ([`internal`]): what a shell may ask over
/// the socket. A page's invoke never reaches the internal ones (the shell forwards only
/// [`NAMES`]).
pub async fn dispatch_any(
    cx: &Cx,
    command: &str,
    args: serde_json::Value,
) -> Result<serde_json::Value> {
    if internal::NAMES.contains(&command) {
        internal::dispatch(cx, command, args).await
    } else {
        dispatch(cx, command, args).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A page whose channels are the ids it was given, recording what each is sent.
    #[derive(Default)]
    struct RecordingPage(Arc<Mutex<Vec<(String, serde_json::Value)>>>);

    impl Page for RecordingPage {
        fn channel(&self, id: &str) -> Option<Sink> {
            let (id, seen) = (id.strip_prefix("chan:")?.to_owned(), self.0.clone());
            Some(Arc::new(move |v| {
                seen.lock().unwrap().push((id.clone(), v))
            }))
        }
    }

    fn cx(dir: &std::path::Path) -> Cx {
        let paths = crate::paths::Paths::under(dir);
        let state = Arc::new(AppState::new(paths, Arc::new(|_, _| {})));
        Cx::new(state, Arc::new(RecordingPage::default()))
    }

    #[tokio::test]
    async fn commands_run_by_name_with_the_pages_json() {
        let dir = tempfile::tempdir().unwrap();
        let cx = cx(dir.path());
        let set = dispatch(&cx, "voice_speed_set", serde_json::json!({"speed": 1.5})).await;
        assert_eq!(set.unwrap(), serde_json::json!(1.5));
        let got = dispatch(&cx, "voice_speed_get", serde_json::json!({})).await;
        assert_eq!(got.unwrap(), serde_json::json!(1.5));
        // Not signed in yet: the session's commands say so, typed.
        let list = dispatch(&cx, "conversation_list", serde_json::json!({})).await;
        assert!(matches!(list, Err(Error::NotSignedIn)), "{list:?}");
    }

    #[tokio::test]
    async fn unknown_commands_and_bad_arguments_are_typed_errors() {
        let dir = tempfile::tempdir().unwrap();
        let cx = cx(dir.path());
        let unknown = dispatch(&cx, "shell_badge", serde_json::json!({})).await;
        assert!(matches!(unknown, Err(Error::NotFound(_))), "{unknown:?}");
        for bad in [
            serde_json::json!({}),
            serde_json::json!({"speed": "fast"}),
            serde_json::json!([1]),
            serde_json::Value::Null,
        ] {
            let r = dispatch(&cx, "voice_speed_set", bad.clone()).await;
            assert!(matches!(r, Err(Error::Invalid(_))), "{bad}: {r:?}");
        }
        let r = dispatch(&cx, "voice_speed_set", serde_json::json!({"speed": 3})).await;
        assert!(matches!(r, Err(Error::Invalid(_))), "{r:?}");
    }

    #[tokio::test]
    async fn the_shells_own_commands_are_not_the_pages() {
        for name in internal::NAMES {
            assert!(!NAMES.contains(name), "{name} is in the page's table");
            assert!(name.starts_with("internal_"), "{name}");
        }
        let dir = tempfile::tempdir().unwrap();
        let cx = cx(dir.path());
        // The page's dispatch does not know them; a shell's does.
        let refused = dispatch(&cx, "internal_quit", serde_json::json!({})).await;
        assert!(matches!(refused, Err(Error::NotFound(_))), "{refused:?}");
        let asked = dispatch_any(&cx, "internal_quit", serde_json::json!({})).await;
        assert_eq!(asked.unwrap(), serde_json::Value::Null);
        tokio::time::timeout(std::time::Duration::from_secs(5), cx.quit_requested())
            .await
            .expect("the quit is kept for whoever waits");
        let got = dispatch_any(&cx, "voice_speed_get", serde_json::json!({})).await;
        assert!(got.is_ok(), "page commands too: {got:?}");
        let staged = dispatch_any(
            &cx,
            "internal_stage",
            serde_json::json!({"name": "a", "bytes": "%%"}),
        )
        .await;
        assert!(
            matches!(staged, Err(Error::Invalid(_))),
            "bad base64: {staged:?}"
        );
    }

    #[test]
    fn the_commands_answered_at_once_are_in_the_table() {
        for name in ANSWERED_AT_ONCE {
            assert!(NAMES.contains(name), "{name}");
        }
    }

    #[test]
    fn a_channel_sends_to_the_pages_sink_and_a_stranger_id_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let page = Arc::new(RecordingPage::default());
        let seen = page.0.clone();
        let state = Arc::new(AppState::new(
            crate::paths::Paths::under(dir.path()),
            Arc::new(|_, _| {}),
        ));
        let cx = Cx::new(state, page);
        let id: ChannelId = serde_json::from_value(serde_json::json!("chan:7")).unwrap();
        cx.channel::<u32>(&id).unwrap().send(42);
        assert_eq!(
            *seen.lock().unwrap(),
            vec![("7".to_owned(), serde_json::json!(42))]
        );
        let stranger: ChannelId = serde_json::from_value(serde_json::json!("x")).unwrap();
        assert!(matches!(
            cx.channel::<u32>(&stranger),
            Err(Error::Invalid(_))
        ));
    }
}
