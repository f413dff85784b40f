#!/usr/bin/env bash
# Runs every test of Retort. Sets up what a fresh Debian 12 machine lacks (system packages,
# Rust components, tauri-driver, the UI's npm packages and build), makes sure the local
# PostgreSQL and MariaDB servers run, points the tests at them, then builds once and runs all
# suites.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

check_disk_space
ensure_system_packages
ensure_rust_components
ensure_database_servers
ensure_e2e_tools
# Before any cargo step: the desktop app embeds ui/dist at compile time.
ensure_ui_built

export RETORT_TEST_POSTGRES_URL="${RETORT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export RETORT_TEST_MYSQL_URL="${RETORT_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/mysql}"
ensure_interop_venv
export RETORT_TEST_PYTHON="${RETORT_TEST_PYTHON:-$PWD/.venv-interop/bin/python}"

step "UI checks (svelte-check, tsc) and unit tests (vitest)"
(cd ui && npm run check && npm test)

step "format check"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

# One build of everything, with the features `cargo test` unifies, so the tests below rebuild
# nothing. It includes the desktop binary (target/debug/retort-desktop) that the end-to-end test
# (tests/e2e) launches: cargo does not build another package's binary for a test by itself.
step "build"
cargo build --workspace --all-targets --locked

step "tests"
cargo test --workspace --all-targets --locked
