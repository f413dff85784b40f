#!/usr/bin/env python3
"""Writes the DDL of a large schema for the schema-introspection benchmark (bench/schema.sh).

    gen_schema.py DIALECT TABLES > schema.sql      (DIALECT: sqlite, postgresql, mysql)

Each table has 10 columns (an integer primary key, two foreign keys, a UNIQUE and a CHECK
constraint, defaults) and two indexes; table i references table i-1 and table i//2, so the
foreign keys form a dense graph.
"""
import sys


def table(dialect: str, i: int) -> str:
    name = f"t{i:04d}"
    parent = f"t{max(i - 1, 0):04d}"
    other = f"t{i // 2:04d}"
    flag = "BOOLEAN DEFAULT FALSE"
    return "\n".join([
        f"CREATE TABLE {name} (",
        "    id INTEGER NOT NULL,",
        "    parent_id INTEGER,",
        "    other_id INTEGER,",
        "    name VARCHAR(100) NOT NULL,",
        "    code VARCHAR(20) NOT NULL,",
        "    amount NUMERIC(12, 2) DEFAULT 0,",
        "    created_on DATE,",
        f"    flag {flag},",
        "    note TEXT,",
        "    qty INTEGER,",
        f"    CONSTRAINT pk_{name} PRIMARY KEY (id),",
        f"    CONSTRAINT uq_{name}_code UNIQUE (code),",
        f"    CONSTRAINT ck_{name}_qty CHECK (qty >= 0),",
        f"    CONSTRAINT fk_{name}_parent FOREIGN KEY (parent_id) REFERENCES {parent} (id) ON DELETE CASCADE,",
        f"    CONSTRAINT fk_{name}_other FOREIGN KEY (other_id) REFERENCES {other} (id)",
        ");",
        f"CREATE INDEX ix_{name}_name ON {name} (name);",
        f"CREATE INDEX ix_{name}_created ON {name} (created_on, qty);",
    ])


def main() -> None:
    dialect, count = sys.argv[1], int(sys.argv[2])
    print("BEGIN;" if dialect != "mysql" else "SET autocommit = 0;")
    for i in range(count):
        print(table(dialect, i))
    print("COMMIT;")


if __name__ == "__main__":
    main()
