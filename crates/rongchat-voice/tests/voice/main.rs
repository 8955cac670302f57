//! Integration tests of rongchat-voice: real speech, real codecs, real sound server.

mod api_child;
mod cli;
mod codec_quality;
mod decode_quality;
mod devices;
mod independent;
mod quality;
mod recorder;
mod support;
