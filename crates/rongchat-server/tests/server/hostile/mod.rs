//! The hostile-peer suite: each attack of issue 14 against the real server, with the figure
//! it asks for printed, and a well-behaved client served throughout.

mod files;
mod limits;
mod power_cut;
pub(crate) mod process;
mod replies;
mod slowloris;
mod stalled;
