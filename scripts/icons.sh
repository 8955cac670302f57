#!/usr/bin/env bash
# Regenerates every icon (PNG sizes, .ico, .icns, Windows Store and mobile sets) from the one
# source, icons/source.svg, with the Tauri CLI. Run it after editing the source; commit icons/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_tauri_cli
tauri icon icons/source.svg --output icons
