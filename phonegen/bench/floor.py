"""The floor: the same rows written with the database's own bulk path, timed.

The rows are read back from the product's table (untimed) and written into an
empty copy of it that carries the same keys and indexes, in one transaction.
Nothing any implementation does to produce the rows can make that write
cheaper, so it is what generation is measured against.
"""

import logging
import sqlite3
import time
import uuid

import psycopg

logger = logging.getLogger(__name__)

TABLE = "numbers_phonenumber"
FLOOR = "bench_floor"


def postgres_floor(url: str, task_id: str) -> float:
    """Seconds a bare COPY of ``task_id``'s rows into a copy of the table takes."""
    with psycopg.connect(url, autocommit=True) as conn:
        _postgres_prepare(conn)
        columns = ", ".join(_postgres_columns(conn))
        # Read in COPY's own text format: exactly what COPY FROM will parse.
        chunks: list[bytes] = []
        with conn.cursor().copy(
            f"COPY (SELECT {columns} FROM {TABLE} WHERE task_id = %s "
            "ORDER BY number) TO STDOUT",
            (uuid.UUID(task_id),),
        ) as copy:
            for chunk in copy:
                chunks.append(bytes(chunk))

        started = time.perf_counter()
        with (
            conn.transaction(),
            conn.cursor().copy(f"COPY {FLOOR} ({columns}) FROM STDIN") as copy,
        ):
            for chunk in chunks:
                copy.write(chunk)
        seconds = time.perf_counter() - started

        rows = conn.execute(f"SELECT count(*) FROM {FLOOR}").fetchone()[0]
        logger.info("floor: COPY of %d rows in %.2fs", rows, seconds)
        return seconds


def _postgres_prepare(conn: psycopg.Connection) -> None:
    # LIKE ... INCLUDING ALL brings the primary key, the unique (project,
    # number) index, the secondary indexes, defaults and the identity column
    # (with a sequence of its own); never foreign keys.
    conn.execute(f"DROP TABLE IF EXISTS {FLOOR}")
    # Storage parameters (a fillfactor, say) are not part of LIKE.
    options = conn.execute(
        "SELECT reloptions FROM pg_class WHERE relname = %s", (TABLE,)
    ).fetchone()[0]
    storage = f" WITH ({', '.join(options)})" if options else ""
    conn.execute(f"CREATE TABLE {FLOOR} (LIKE {TABLE} INCLUDING ALL){storage}")


def _postgres_columns(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND column_name <> 'id' ORDER BY ordinal_position",
        (TABLE,),
    ).fetchall()
    return [name for (name,) in rows]


def postgres_floor_drop(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {FLOOR}")


def sqlite_floor(path: str, task_id: str) -> float:
    """Seconds an executemany INSERT of ``task_id``'s rows into a copy of the
    table takes, in one transaction."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=60)
    try:
        # As the product's connections have it.
        conn.execute("PRAGMA synchronous=NORMAL")
        _sqlite_prepare(conn)
        columns = _sqlite_columns(conn)
        names = ", ".join(columns)
        rows = conn.execute(
            f"SELECT {names} FROM {TABLE} WHERE task_id = ? ORDER BY number",
            (uuid.UUID(task_id).hex,),
        ).fetchall()
        placeholders = ", ".join("?" * len(columns))

        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO {FLOOR} ({names}) VALUES ({placeholders})", rows)
        conn.execute("COMMIT")
        seconds = time.perf_counter() - started

        logger.info("floor: INSERT of %d rows in %.2fs", len(rows), seconds)
        return seconds
    finally:
        conn.close()


def _sqlite_prepare(conn: sqlite3.Connection) -> None:
    conn.execute(f"DROP TABLE IF EXISTS {FLOOR}")
    # The table's own DDL, renamed: same columns, constraints and indexes.
    statements = conn.execute(
        "SELECT type, name, sql FROM sqlite_master "
        "WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC",
        (TABLE,),
    ).fetchall()
    for kind, name, ddl in statements:
        ddl = ddl.replace(f'"{TABLE}"', f'"{FLOOR}"')
        if kind == "index":
            ddl = ddl.replace(f'"{name}"', f'"{FLOOR}_{name}"', 1)
        conn.execute(ddl)


def _sqlite_columns(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(f"PRAGMA table_info({TABLE})").fetchall()
    return [row[1] for row in rows if row[1] != "id"]


def sqlite_floor_drop(path: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None, timeout=60)
    try:
        conn.execute(f"DROP TABLE IF EXISTS {FLOOR}")
    finally:
        conn.close()
