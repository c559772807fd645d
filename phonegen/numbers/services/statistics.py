"""Keep PostgreSQL's planner statistics current while tasks write in bulk.

A task may write a million rows in minutes. Until a table is analyzed again,
the planner believes it still holds the handful of rows it had, and picks
plans that read a whole project for every batch (a batch of 1,000 numbers
then costs a second instead of a millisecond). Autovacuum catches up only
later, or never where it is turned off; the tasks that wrote the rows know
best when to analyze.
"""

import json
import logging
import time

from django.db import connection
from django.db.models import Model, QuerySet

logger = logging.getLogger(__name__)

# Stale as autovacuum judges it: 10% of the rows changed, plus a floor.
STALE_FRACTION = 0.1
STALE_ROWS = 10_000
# Rows a query is known to match that the planner may underestimate tenfold
# before the statistics are refreshed for it.
UNSEEN_RATIO = 10


def statistics_refresh(*models: type[Model]) -> list[str]:
    """ANALYZE the tables of ``models`` whose statistics are stale; return them.

    Nothing happens on databases other than PostgreSQL. Analyzing samples a
    fixed number of rows, so it takes a fraction of a second at any size.
    """
    if connection.vendor != "postgresql":
        return []
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        if connection.pg_version >= 150000 and not connection.in_atomic_block:
            # This connection's own latest changes reach the counters when it
            # is next idle, at most once a second unless asked: ask, so that
            # the query below (after that idle moment) counts them.
            cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            "SELECT s.relname, s.n_mod_since_analyze, c.reltuples "
            "FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
            "WHERE s.schemaname = current_schema() AND s.relname = ANY(%s)",
            [tables],
        )
        stale = [
            (table, modified)
            for table, modified, rows in cursor.fetchall()
            if modified > STALE_FRACTION * max(rows, 0) + STALE_ROWS
        ]
        for table, modified in stale:
            started = time.monotonic()
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            logger.info(
                "statistics of %s refreshed (%d rows changed) in %.2fs",
                table, modified, time.monotonic() - started,
            )  # fmt: skip
    return [table for table, _ in stale]


def statistics_cover(rows: QuerySet, count: int) -> bool:
    """ANALYZE the table of ``rows`` when the planner expects far fewer rows
    from it than the ``count`` it is known to match; return whether it did.

    A project of a million numbers in a table of fifty million is too small a
    change for :func:`statistics_refresh`, yet until the statistics have seen
    it the planner takes it for a handful of rows and may read all of it where
    one batch was asked for.
    """
    if connection.vendor != "postgresql" or count < STALE_ROWS:
        return False
    (plan,) = json.loads(rows.order_by().explain(format="json"))
    expected = plan["Plan"]["Plan Rows"]
    if expected * UNSEEN_RATIO >= count:
        return False
    table = rows.model._meta.db_table
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    logger.info(
        "statistics of %s refreshed (%d rows expected, %d known) in %.2fs",
        table, expected, count, time.monotonic() - started,
    )  # fmt: skip
    return True
