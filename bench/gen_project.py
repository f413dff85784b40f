#!/usr/bin/env python3
"""Generates Retort projects for the benchmarks.

  gen_project.py apply N DIR   N linear revisions, each creating a table, an index and 3 rows;
                               also writes DIR/all_up.sql: the same statements in one transaction,
                               for the sqlite3 shell baseline.
  gen_project.py graph N DIR   N revisions with feature branches merged back every 50 revisions
                               and a labelled side branch (no SQL), for heads/history timing.
"""
import os
import sys


def write(dirpath, rev, parents, message, up, down, labels=""):
    body = [
        f"-- Revision ID: {rev}",
        f"-- Revises: {', '.join(parents)}",
    ]
    if labels:
        body.append(f"-- Branch labels: {labels}")
    body += [
        "-- Create Date: 2026-11-25 00:00:00",
        f"-- Message: {message}",
        "",
        "-- migrate:up",
        up,
        "",
        "-- migrate:down",
        down,
        "",
    ]
    with open(os.path.join(dirpath, f"{rev}_{message.replace(' ', '_')}.sql"), "w") as f:
        f.write("\n".join(body))


def project(root):
    versions = os.path.join(root, "versions")
    os.makedirs(versions, exist_ok=True)
    with open(os.path.join(root, "retort.toml"), "w") as f:
        f.write('script_location = "."\nurl = "sqlite:///bench.db"\n')
    return versions


def rev_id(n, prefix="a"):
    return f"{prefix}{n:011x}"


def apply(n, root):
    versions = project(root)
    statements = []
    for i in range(n):
        parent = [rev_id(i - 1)] if i else []
        up = (
            f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, v INTEGER);\n"
            f"CREATE INDEX ix_t{i}_name ON t{i} (name);\n"
            f"INSERT INTO t{i} (id, name, v) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3);"
        )
        write(versions, rev_id(i), parent, f"table {i}", up, f"DROP TABLE t{i};")
        statements.append(up)
    with open(os.path.join(root, "all_up.sql"), "w") as f:
        f.write("BEGIN;\n" + "\n".join(statements) + "\nCOMMIT;\n")


def graph(n, root):
    versions = project(root)
    prev = None
    i = 0
    while i < n:
        # Every 50 revisions: a two-revision feature branch merged back.
        if i % 50 == 10 and i + 3 < n and prev:
            a, b, m = rev_id(i), rev_id(i + 1), rev_id(i + 2)
            write(versions, a, [prev], f"main {i}", "", "")
            write(versions, b, [prev], f"feature {i}", "", "")
            write(versions, m, [a, b], f"merge {i}", "", "")
            prev = m
            i += 3
            continue
        write(versions, rev_id(i), [prev] if prev else [], f"rev {i}", "", "")
        prev = rev_id(i)
        i += 1
    # A labelled side branch from base, so there are two heads.
    write(versions, rev_id(0, "b"), [], "side base", "", "", labels="side")
    write(versions, rev_id(1, "b"), [rev_id(0, "b")], "side head", "", "")


if __name__ == "__main__":
    kind, n, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    {"apply": apply, "graph": graph}[kind](n, root)
