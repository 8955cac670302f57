//! Voice clips (being built: issue 6).
