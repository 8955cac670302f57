//! RongChat's backend without a window: the state a shell holds ([`state::AppState`]),
//! the signed-in session over the client engine (with the embedded server and demo world
//! when no account is set), voice, settings and the token vault, the DTOs the page sees,
//! and the forwarder that turns the client's events into page events through an
//! [`events::Emit`]. It links no webview and no GUI toolkit: the Tauri app (`src-tauri`)
//! is one shell over it.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod account;
pub mod audio;
pub mod avatars;
pub mod clock;
pub mod commands;
pub mod convert;
pub mod dataurl;
pub mod demo;
#[cfg(target_os = "linux")]
pub mod desktop;
pub mod directory;
pub mod embedded;
pub mod error;
pub mod events;
pub mod file_safety;
pub mod flags;
pub mod forwarder;
pub mod heap;
#[cfg(unix)]
pub mod ipc;
pub mod logging;
pub mod media;
pub mod media_urls;
pub mod models;
pub mod network;
pub mod notices;
pub mod orphans;
pub mod paths;
pub mod profiles;
pub mod progress;
pub mod receipts;
pub mod secret;
pub mod served;
pub mod session;
pub mod settings;
pub mod shells;
pub mod staging;
pub mod state;
pub mod status;
pub mod token_vault;
pub mod unread;
