//! The shell's own commands, those that need the window or the desktop (the file picker,
//! the opener, a dropped file's raw bytes, the tray's badge). Every other command is the
//! host's (`rongchat_host::commands`), carried there by [`crate::bridge`].
//! The list of both is `commands.list`: build.rs turns it into [`COMMANDS`],
//! [`HOST_COMMANDS`], `handler!()` (for `invoke_handler`) and the capability's grants.

pub mod files;
pub mod links;
pub mod shell;

include!(concat!(env!("OUT_DIR"), "/commands.rs"));
pub(crate) use handler;
