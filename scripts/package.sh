#!/usr/bin/env bash
# Builds the Debian package a new team member installs: target/release/bundle/deb/Retort_<version>_amd64.deb
# with the desktop app (/usr/bin/retort-desktop, a menu entry "Retort", icons) and the CLI
# (/usr/bin/retort). Release builds take about 15 minutes on two cores the first time.
# Install with `sudo apt install ./target/release/bundle/deb/Retort_*.deb`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

check_disk_space
ensure_system_packages
ensure_rust_components
ensure_ui_built

# Stripped, without the line tables the workspace's release profile keeps for benchmarks and
# profiling: 25 MB instead of 170 MB for the app.
export CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=symbols

# The .deb carries the CLI next to the app (tauri.conf.json bundle.linux.deb.files).
step "building retort (release)"
cargo build --release --locked -p retort-cli

# The Tauri CLI (ui's devDependency) builds retort-desktop in release with the UI embedded and
# bundles it; its beforeBuildCommand rebuilds ui/dist.
step "building and bundling retort-desktop (release, .deb)"
ui/node_modules/.bin/tauri build --bundles deb --ci

deb=$(ls -t target/release/bundle/deb/*.deb | head -1)
step "built $deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p' >&2
dpkg-deb --contents "$deb" | awk '{ print $6 }' | grep -E '^(\./)?usr/(bin|share/applications)/.' >&2
