# Shared helpers for scripts/run.sh and scripts/test.sh. Source it; do not run it.
#
# Every install step is idempotent and quiet when its work is already done, and fails with
# a one-line reason when it cannot be done.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RONGCHAT_ROOT="$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The shared folder (oracle, protocol captures, design notes) sits beside the checkout.
find_shared() {
  local c
  for c in "${RONGCHAT_SHARED:-}" "$ROOT/../shared" "$ROOT/../../shared" /work/shared; do
    if [ -n "$c" ] && [ -d "$c/protocol" ] && [ -d "$c/oracle" ]; then
      RONGCHAT_SHARED="$(cd "$c" && pwd)"
      export RONGCHAT_SHARED
      return 0
    fi
  done
  die "cannot find the shared folder (protocol/, oracle/); set RONGCHAT_SHARED"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@";
  else die "need root (or sudo) to run: $*"; fi
}

# ensure_packages LIST...: installs the Debian packages named in scripts/packages/LIST.txt
# that are not installed yet. One list per concern, so a new need is one more list.
ensure_packages() {
  local list pkgs=() missing=() p
  for list in "$@"; do
    [ -f "$ROOT/scripts/packages/$list.txt" ] || die "no package list scripts/packages/$list.txt"
    while read -r p; do
      p="${p%%#*}"; p="${p//[[:space:]]/}"
      [ -n "$p" ] && pkgs+=("$p")
    done < "$ROOT/scripts/packages/$list.txt"
  done
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "apt-get not found; install by hand: ${missing[*]}"
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >/dev/null || die "apt-get update failed"
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
}

ensure_rust() {
  command -v cargo >/dev/null || die "cargo not found: install Rust (rustup) first"
}

# The official SDK oracle, copied to a scratch folder with its npm packages installed.
# Exports RONGCHAT_ORACLE_DIR.
ensure_oracle() {
  find_shared
  command -v node >/dev/null || die "node not found (Node.js >= 20 is needed for the oracle)"
  local dest="${RONGCHAT_ORACLE_DIR:-$ROOT/target/oracle}"
  mkdir -p "$dest"
  if ! cmp -s "$RONGCHAT_SHARED/oracle/package-lock.json" "$dest/package-lock.json" \
     || [ ! -d "$dest/node_modules/@rongcloud/imlib-next" ]; then
    say "installing the oracle's npm packages in $dest"
    rm -rf "$dest/node_modules"
    cp -r "$RONGCHAT_SHARED/oracle/." "$dest/"
    (cd "$dest" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
      || die "npm ci failed for the oracle in $dest"
  else
    # Refresh the scripts in case shared/ changed; node_modules stays.
    cp "$RONGCHAT_SHARED/oracle/"*.mjs "$RONGCHAT_SHARED/oracle/"*.json "$dest/"
    cp -r "$RONGCHAT_SHARED/oracle/page" "$dest/"
  fi
  export RONGCHAT_ORACLE_DIR="$dest"
  export RONGCHAT_CHROMIUM="${RONGCHAT_CHROMIUM:-/usr/bin/chromium}"
}

# ensure_cargo_tool BIN CRATE VERSION: installs a cargo tool into .tools/ (kept out of git).
ensure_cargo_tool() {
  local bin=$1 crate=$2 version=$3
  export PATH="$ROOT/.tools/bin:$PATH"
  command -v "$bin" >/dev/null && return 0
  say "installing $crate $version"
  cargo install --quiet --locked --root "$ROOT/.tools" "$crate" --version "$version" \
    || die "cargo install $crate failed"
}

# ensure_python_sdk: RongCloud's official Python Server SDK (rc-server-sdk, pinned) in a venv
# under .tools/py-sdk; tests/server/sdk.rs runs tests/sdk/drive.py with it.
ensure_python_sdk() {
  local venv="$ROOT/.tools/py-sdk"
  export RONGCHAT_PY_SDK="$venv/bin/python"
  "$RONGCHAT_PY_SDK" -c 'import rongcloud, jinja2' 2>/dev/null && return 0
  say "installing rc-server-sdk in $venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (install python3-venv)"
  # The SDK imports jinja2 without declaring it.
  "$venv/bin/pip" install --quiet rc-server-sdk==3.2.0 jinja2==3.1.4 || die "pip install rc-server-sdk failed"
}

# ensure_tauri_cli: the Tauri CLI (npm @tauri-apps/cli, a prebuilt binary) from
# tools/tauri's lockfile, on PATH. `npm ci` again only when the lockfile changed.
ensure_tauri_cli() {
  local dir="$ROOT/tools/tauri"
  command -v npm >/dev/null || die "npm not found (Node.js is needed for the Tauri CLI)"
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.rongchat-lock" \
     || [ ! -x "$dir/node_modules/.bin/tauri" ]; then
    say "installing the Tauri CLI in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed in $dir"
    cp "$dir/package-lock.json" "$dir/node_modules/.rongchat-lock"
  fi
  export PATH="$dir/node_modules/.bin:$PATH"
}

# Prints how long a phase took.
timed() {
  local name=$1; shift
  local start=$SECONDS
  "$@"
  say "$name: $((SECONDS - start)) s"
}
