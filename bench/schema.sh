#!/usr/bin/env bash
# Schema-introspection benchmark (issue 5): builds TABLES (default 1,000) tables × 10 columns
# with indexes, UNIQUE/CHECK constraints and foreign keys on SQLite, PostgreSQL and MariaDB, then
# times a full introspection by `retort schema --json` next to SQLAlchemy's
# `MetaData().reflect()` on the same database in the same run. Not a test: prints a table;
# docs/benchmarks.md records it.
#
#   bench/schema.sh [TABLES]
#
# Servers: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) and
# BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/mysql), admin URLs; a database
# `retort_bench_schema` is created there and dropped afterwards. Python: the repository's
# .venv-interop when it has SQLAlchemy and the drivers, else a venv under /tmp made once.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tables=${1:-1000}
runs=${BENCH_RUNS:-5}
pg_admin=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
my_admin=${BENCH_MYSQL_URL:-mysql://root@127.0.0.1:3306/mysql}
db_name=retort_bench_schema
step() { printf '\n==> %s\n' "$*" >&2; }

python=$root/.venv-interop/bin/python
if ! [ -x "$python" ] || ! "$python" -c "import sqlalchemy, psycopg2, pymysql" 2>/dev/null; then
    python=/tmp/retort-bench-venv/bin/python
    if ! [ -x "$python" ] || ! "$python" -c "import sqlalchemy, psycopg2, pymysql" 2>/dev/null; then
        step "creating /tmp/retort-bench-venv (SQLAlchemy, psycopg2-binary, PyMySQL)"
        python3 -m venv /tmp/retort-bench-venv
        /tmp/retort-bench-venv/bin/pip install -q --disable-pip-version-check sqlalchemy psycopg2-binary pymysql
    fi
fi
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }

step "building retort (release)"
cargo build --release -p retort-cli
retort=$root/target/release/retort

work=$(mktemp -d)
pg_url=${pg_admin%/*}/$db_name
my_url=${my_admin%/*}/$db_name
cleanup() {
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db_name" >/dev/null 2>&1 || true
    "$python" - "$my_admin" <<'PY' >/dev/null 2>&1 || true
import sys, sqlalchemy
url = sys.argv[1].replace("mysql://", "mysql+pymysql://", 1)
with sqlalchemy.create_engine(url).connect() as c:
    c.exec_driver_sql("DROP DATABASE IF EXISTS retort_bench_schema")
PY
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/project/versions"
printf 'script_location = "."\n' > "$work/project/retort.toml"

step "generating $tables tables on each database"
python3 bench/gen_schema.py sqlite "$tables" | sqlite3 "$work/bench.db"
psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db_name" -c "CREATE DATABASE $db_name" >/dev/null
python3 bench/gen_schema.py postgresql "$tables" | psql -q "$pg_url" >/dev/null
"$python" - "$my_admin" "$tables" <<'PY'
import subprocess, sys, sqlalchemy
admin, count = sys.argv[1], sys.argv[2]
engine = sqlalchemy.create_engine(admin.replace("mysql://", "mysql+pymysql://", 1))
with engine.connect() as c:
    c.exec_driver_sql("DROP DATABASE IF EXISTS retort_bench_schema")
    c.exec_driver_sql("CREATE DATABASE retort_bench_schema")
    c.exec_driver_sql("USE retort_bench_schema")
    sql = subprocess.run([sys.executable, "bench/gen_schema.py", "mysql", count],
                         capture_output=True, text=True, check=True).stdout
    for statement in sql.split(";"):
        if statement.strip():
            c.exec_driver_sql(statement)
PY

results=$work/results.txt
: > "$results"
measure() {
    local label=$1 retort_url=$2 sa_url=$3
    step "$label: retort schema --json"
    local found
    found=$("$retort" -c "$work/project" --url "$retort_url" --json schema \
        | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["schema"]["tables"]))')
    hyperfine --warmup 1 --runs "$runs" --export-json "$work/$label.json" \
        "$retort -c $work/project --url '$retort_url' --json schema > /dev/null" >&2
    local retort_s
    retort_s=$(python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/$label.json")
    step "$label: SQLAlchemy MetaData().reflect()"
    local sa sa_s sa_tables
    sa=$("$python" bench/reflect_sqlalchemy.py "$sa_url" "$runs")
    sa_s=${sa% *}
    sa_tables=${sa#* }
    echo "$label $retort_s $found $sa_s $sa_tables" >> "$results"
}
measure sqlite "sqlite:///$work/bench.db" "sqlite:///$work/bench.db"
measure postgresql "$pg_url" "${pg_url/postgres:\/\//postgresql+psycopg2://}"
measure mariadb "$my_url" "${my_url/mysql:\/\//mysql+pymysql://}"

sa_version=$("$python" -c 'import sqlalchemy; print(sqlalchemy.__version__)')
echo
echo "Full introspection of $tables tables × 10 columns (median of $runs runs; SQLAlchemy $sa_version):"
echo
echo "| Database | Retort \`schema --json\` | SQLAlchemy \`MetaData().reflect()\` | Speed-up |"
echo "|---|---|---|---|"
while read -r label retort_s found sa_s sa_tables; do
    python3 - "$label" "$retort_s" "$found" "$sa_s" "$sa_tables" <<'PY'
import sys
label, r, rn, s, sn = sys.argv[1:]
r, s = float(r), float(s)
print(f"| {label} | {r * 1000:.0f} ms ({rn} tables) | {s * 1000:.0f} ms ({sn} tables) | {s / r:.1f}x |")
PY
done < "$results"
