#!/usr/bin/env bash
# The test command: installs what the tests need, then runs formatting, lint and every test.
# Usage: bash scripts/test.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_rust
timed "packages" ensure_packages build oracle audio app desktop
timed "oracle" ensure_oracle
timed "python sdk" ensure_python_sdk
# The app's E2E tests drive its window through tauri-driver (+ WebKitWebDriver).
timed "tauri-driver" ensure_cargo_tool tauri-driver tauri-driver "^2"
export CARGO_TERM_COLOR=never
# The installed app: the .deb from `tauri build`, installed with apt; the E2E starts it from
# its desktop entry's command (tests/e2e/installed.rs). The dev profile: a cold release build
# of the whole tree takes far longer on 2 cores than the rest of CI; the bundle is the same.
deb=$(timed "deb" bash scripts/deb.sh --debug)
timed "deb install" as_root apt-get install -y -qq --reinstall "$deb" >/dev/null
export RONGCHAT_INSTALLED_DESKTOP=/usr/share/applications/RongChat.desktop

timed "fmt" cargo fmt --all -- --check
# The UI's pure functions (time formats, i18n, list order, drafts): Node's own runner.
timed "ui unit tests" node --test ui/tests
timed "clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
# Under a virtual X display: the app's E2E tests open real windows. One test at a time:
# the E2E windows share that display, and one that takes the focus from another changes
# what the other may notify (a window in front gets no notification). A true-colour screen:
# the screenshots (target/artifacts) are taken from it.
timed "tests" xvfb-run -a -s "-screen 0 1280x1024x24" cargo test --workspace --quiet -- --test-threads=1
say "all tests passed"
