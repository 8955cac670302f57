//! The embedded default: with no account configured the app starts the local server in
//! its data dir, seeds a small demo world the first time ([`seed`]), signs in as one of
//! its users, and runs a demo contact that answers ([`echo`]). Everything here is
//! generated locally; nothing is fetched.

pub mod art;
pub mod echo;
pub mod seed;
pub mod world;

pub use world::{DemoUser, ECHO, GROUP, ME, MUSIC, USERS};
