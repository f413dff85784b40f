#!/usr/bin/env bash
# Engine benchmarks (issue 2). Not a test: prints timings; docs/benchmarks.md records them.
#   1. apply 1,000 generated revisions to SQLite with `retort upgrade head`, next to the sqlite3
#      shell executing the same statements in one transaction;
#   2. `retort heads` and `retort history` on a 10,000-revision graph.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
SYSTEM_PACKAGES+=(hyperfine python3 valgrind)
ensure_system_packages

cargo build --release --locked -p retort-cli
retort="$PWD/target/release/retort"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 bench/gen_project.py apply 1000 "$work/apply"
python3 bench/gen_project.py graph 10000 "$work/graph"

step "apply 1,000 revisions (SQLite, one transaction)"
hyperfine --warmup 1 --runs 10 --export-markdown "$work/apply.md" \
    --prepare "rm -f $work/apply/bench.db $work/apply/shell.db" \
    -n "retort upgrade head" "$retort -q -c $work/apply upgrade head" \
    -n "sqlite3 shell, same SQL" "sqlite3 $work/apply/shell.db < $work/apply/all_up.sql"

step "apply 1,000 revisions: instructions executed (callgrind; independent of machine load)"
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | sed -n 's/.*I *refs: *//p'
}
rm -f "$work/apply/bench.db" "$work/apply/shell.db"
echo "retort upgrade head:     $(instructions "$retort" -q -c "$work/apply" upgrade head)"
echo "sqlite3 shell, same SQL: $(instructions sqlite3 "$work/apply/shell.db" < "$work/apply/all_up.sql")"

step "10,000-revision graph"
hyperfine --warmup 2 --runs 20 --export-markdown "$work/graph.md" \
    -n "retort heads" "$retort -c $work/graph heads" \
    -n "retort history" "$retort -c $work/graph history > /dev/null"

cat "$work/apply.md" "$work/graph.md"
