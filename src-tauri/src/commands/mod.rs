//! Tauri commands, one module per domain, each a thin call into [`crate::state`] and
//! [`crate::session::Session`]. Names are `<noun>_<verb>`; arguments and results are
//! camelCase DTOs; errors arrive in the page as `{kind, message}`.

pub mod conversations;
pub mod files;
pub mod messages;
pub mod session;
pub mod settings;
pub mod voice;
