#!/usr/bin/env bash
# Builds Retort and runs it on the demo project in migrations/ (SQLite nexus.db by default;
# DATABASE_URL picks another database): upgrade to head, then show the history with the
# database's position marked.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_system_packages
ensure_rust_components

step "building retort"
cargo build --locked -p retort-cli
retort=target/debug/retort

step "retort -c migrations upgrade head"
"$retort" -c migrations upgrade head
step "retort -c migrations history --indicate-current"
"$retort" -c migrations history --indicate-current
