"""The benchmark database: dropped, recreated, migrated and filled with the district-scale demo."""

import time

import psycopg

HOST, PORT, USER, NAME = "127.0.0.1", 5432, "postgres", "fugong_bench"
URL = f"postgres://{USER}@{HOST}:{PORT}/{NAME}"


def recreate() -> None:
    with psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {NAME}")


def fill(stdout) -> float:
    """Migrate and build ``demo --scale district``; returns the seconds the demo took."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("demo", scale="district", seed=2020, stdout=stdout)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum would have done on a live system
    return seconds
