//! Tauri commands, one module per domain, each a thin call into the session's client,
//! view or media (held in [`crate::state::AppState`]). Names are `<noun>_<verb>`;
//! arguments and results are camelCase DTOs; errors arrive in the page as `{kind, message}`.
//! The list of commands is `commands.list`: build.rs turns it into [`COMMANDS`],
//! `handler!()` (for `invoke_handler`) and the capability's grants.

pub mod actions;
pub mod conversations;
pub mod files;
pub mod links;
pub mod messages;
pub mod profiles;
pub mod receipts;
pub mod search;
pub mod session;
pub mod settings;
pub mod shell;
pub mod typing;
pub mod voice;

include!(concat!(env!("OUT_DIR"), "/commands.rs"));
pub(crate) use handler;
