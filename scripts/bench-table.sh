#!/usr/bin/env bash
# Every row of the performance table from one run: the engine side by side with the
# official Web SDK (interop_bench), the SDK's idle page (sdk_idle), the server's routing
# (routing), a fresh client's first sync of 1,000 conversations (first_sync), the engine
# process alone idle (engine_idle, what the tray would hold once the window is its own), and the
# app's start, memory and idle CPU beside WebKitGTK's floor (src-tauri/bench.sh). Each bench's own output is kept in target/bench-table/; the table
# is printed last, ours beside the anchor with the ratio and the goal.
# Usage: bash scripts/bench-table.sh [--release]   (--release builds the app in release
# too; the engine benches are always release, as `cargo bench` builds them)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_rust
ensure_packages build oracle app
ensure_oracle
ensure_cargo_tool tauri-driver tauri-driver "^2"

out="$ROOT/target/bench-table"
mkdir -p "$out"
run() {
  local name=$1; shift
  say "bench: $name"
  "$@" 2>&1 | tee "$out/$name.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || die "$name failed (its output: $out/$name.txt)"
}
run interop cargo bench -p rongchat-tests --bench interop_bench
run sdk_idle cargo bench -p rongchat-tests --bench sdk_idle
run routing cargo bench -p rongchat-server --bench routing
run first_sync cargo bench -p rongchat-tests --bench first_sync
run engine_idle cargo bench -p rongchat-host --bench engine_idle
run app bash src-tauri/bench.sh "$@"
python3 "$ROOT/scripts/bench_table.py" "$out"
