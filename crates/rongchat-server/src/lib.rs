//! The local RongCloud-compatible server (being built: issue 3).
