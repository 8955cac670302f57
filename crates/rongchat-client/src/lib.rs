//! The client engine (being built: issue 4).
