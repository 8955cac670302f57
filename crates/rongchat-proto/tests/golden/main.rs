//! Golden vectors: every frame the official SDK and its test server exchanged in
//! `shared/protocol/captures/*.jsonl` decodes, and encodes back to the same bytes. Payloads
//! with a known protobuf type decode with their required fields and re-encode identically.

mod captures;
mod properties;
