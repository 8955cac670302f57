//! Side-by-side delivery benchmark (being written).

fn main() {}
