#!/usr/bin/env bash
# Benchmarks the app: cold start to a populated list of 1,000 conversations, and the
# resident and proportional memory (RSS, PSS; rows in the DOM) of all the app's processes when idle, idle PSS and CPU seconds over 60 s
# (window shown, closed to the tray: no webview then) beside WebKitGTK's MiniBrowser floor, and the
# time from a reopen out of the tray (a second launch) to the list painted, cold and warm.
# Prints "bench: ..." lines.
# Usage: bash src-tauri/bench.sh   (debug build, like the tests; add --release for release)
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
ensure_rust
ensure_packages build app
ensure_cargo_tool tauri-driver tauri-driver "^2"
# The split mode's bench starts the engine beside the app's binary: the same profile.
cargo build "$@" -p rongchat-host --bin rongchat-engine
xvfb-run -a -s "-screen 0 1280x800x24" cargo test "$@" -p rongchat --test e2e bench_ -- --ignored --nocapture 2>&1 \
  | grep -E "^bench:|test result|panicked"
