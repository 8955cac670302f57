#!/usr/bin/env bash
# Builds the Debian package with the Tauri CLI and prints its path. `tauri build` is the
# production build: tauri's custom-protocol feature on, the UI embedded, no dev server.
# Usage: bash scripts/deb.sh            release profile (what users install)
#        bash scripts/deb.sh --debug    dev profile, most crates shared with the tests (CI)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_packages build app
ensure_tauri_cli
profile=release
[ "${1:-}" = "--debug" ] && profile=debug
# The engine (the app's host in a process of its own) goes beside the app in /usr/bin: the
# app runs over it when it is there.
cargo_profile=(--release)
[ "$profile" = debug ] && cargo_profile=()
cargo build "${cargo_profile[@]}" --quiet -p rongchat-host --bin rongchat-engine >&2 || die "engine build failed"
engine="${CARGO_TARGET_DIR:-$ROOT/target}/$profile/rongchat-engine"
files=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/rongchat-engine":"%s"}}}}}' "$engine")
(cd src-tauri && tauri build --bundles deb --ci --config "$files" "$@") >&2 || die "tauri build failed"
deb=$(ls -t "${CARGO_TARGET_DIR:-$ROOT/target}/$profile"/bundle/deb/*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || die "tauri build made no .deb"
echo "$deb"
