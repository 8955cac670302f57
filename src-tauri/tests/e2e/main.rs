//! End-to-end tests in the real app window: tauri-driver + WebKitWebDriver under Xvfb,
//! driven with fantoccini. One test binary; the flows share app launches where they can.
//!
//! The app runs its embedded default (local server + demo world) in a temp data dir
//! (`RONGCHAT_DATA_DIR`) and writes `embedded.json` there (server URL, app key, its user),
//! so a second client in the test can reach the same server as another user.

mod accounts;
mod actions;
mod appearance;
mod attach;
mod background;
mod bench;
mod big_chat;
mod big_list;
mod chat_extras;
mod conversation_status;
mod dbus;
mod drafts;
mod file_open;
mod flow;
mod harness;
mod history;
mod installed;
mod keyring;
mod links;
mod mentions;
mod peer;
mod profiles;
mod receipts;
mod resend;
mod search;
mod server_api;
mod split;
mod tray;
mod tray_host;
mod typing;
mod voice;
mod window_state;
