#!/usr/bin/env python3
"""Times SQLAlchemy's full reflection of a database, for bench/schema.sh.

    reflect_sqlalchemy.py URL RUNS

Prints the median wall time of `MetaData().reflect(engine)` over RUNS runs (a fresh engine each
run, so connecting is included as it is for Retort; Python start-up and imports are not), and
the number of tables reflected.
"""
import statistics
import sys
import time

from sqlalchemy import MetaData, create_engine


def main() -> None:
    url, runs = sys.argv[1], int(sys.argv[2])
    times = []
    tables = 0
    for _ in range(runs):
        start = time.perf_counter()
        engine = create_engine(url)
        metadata = MetaData()
        metadata.reflect(engine)
        times.append(time.perf_counter() - start)
        tables = len(metadata.tables)
        engine.dispose()
    print(f"{statistics.median(times):.4f} {tables}")


if __name__ == "__main__":
    main()
