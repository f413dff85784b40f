#!/usr/bin/env bash
# Runs every test of Retort. Sets up what a fresh Debian 12 machine lacks (system packages,
# Rust components), makes sure the local PostgreSQL and MariaDB servers run, points the tests at
# them, then builds once and runs all suites.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_system_packages
ensure_rust_components
ensure_database_servers

export RETORT_TEST_POSTGRES_URL="${RETORT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export RETORT_TEST_MYSQL_URL="${RETORT_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/mysql}"

step "format check"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests"
cargo test --workspace --all-targets --locked
