//! Shared helpers of the end-to-end tests (being built: issue 3).
