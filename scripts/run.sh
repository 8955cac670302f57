#!/usr/bin/env bash
# The main command: builds and starts RongChat on the embedded local server.
# Until the app lands this starts the local RongCloud-compatible server by itself.
# Usage: bash scripts/run.sh [extra server flags]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_rust
ensure_packages build
say "building"
cargo build --quiet --release -p rongchat-server
exec "$ROOT/target/release/rongchat-server" serve "$@"
