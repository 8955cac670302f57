#!/usr/bin/env bash
# The main command: builds and starts RongChat. With no account configured the app starts
# the embedded local server and signs in to its demo world.
# Usage: bash scripts/run.sh            the app (needs a desktop session: DISPLAY or WAYLAND_DISPLAY)
#        bash scripts/run.sh server ... the local RongCloud-compatible server alone
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_rust
if [ "${1:-}" = "server" ]; then
  shift
  ensure_packages build
  say "building the server"
  cargo build --quiet --release -p rongchat-server
  exec "$ROOT/target/release/rongchat-server" serve "$@"
fi

ensure_packages build app
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] \
  || die "no display: run this in a desktop session (or under xvfb-run -a)"
say "building the app"
# The production build, as `tauri build` (scripts/deb.sh) makes it: not Tauri's dev mode.
cargo build --quiet --release -p rongchat --features tauri/custom-protocol
# The engine beside it: the window runs over it (see README, "Two processes").
cargo build --quiet --release -p rongchat-host --bin rongchat-engine
exec "$ROOT/target/release/rongchat" "$@"
