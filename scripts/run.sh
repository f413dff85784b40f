#!/usr/bin/env bash
# Builds Retort (the web UI, then the desktop app and the CLI) and opens the desktop app on the
# demo project in migrations/ (SQLite nexus.db next to it, unless DATABASE_URL says otherwise).
# Set up on a fresh Debian 12 machine: installs the Debian and npm packages it needs.
# Without a display (no DISPLAY/WAYLAND_DISPLAY) it runs the same demo through the CLI instead.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_system_packages
ensure_rust_components
ensure_ui_built

step "building retort-desktop and retort"
cargo build --locked -p retort-app -p retort-cli

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "No display found (DISPLAY is unset): showing the demo project with the CLI instead." >&2
    echo "For the app, run this from a desktop session, or under Xvfb: xvfb-run scripts/run.sh" >&2
    step "retort -c migrations upgrade head"
    target/debug/retort -c migrations upgrade head
    step "retort -c migrations history --indicate-current"
    exec target/debug/retort -c migrations history --indicate-current
fi

step "opening Retort on migrations/"
exec target/debug/retort-desktop "$PWD/migrations"
