#!/usr/bin/env bash
# The test command: installs what the tests need, then runs formatting, lint and every test.
# Usage: bash scripts/test.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_rust
timed "packages" ensure_packages build oracle audio
timed "oracle" ensure_oracle
export CARGO_TERM_COLOR=never

timed "fmt" cargo fmt --all -- --check
timed "clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
timed "tests" cargo test --workspace --quiet
say "all tests passed"
