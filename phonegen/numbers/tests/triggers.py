"""Make the database itself refuse chosen writes, as a bad record would.

A trigger raises inside the real statement, on SQLite and PostgreSQL alike,
so the code under test meets a genuine database error, not a stand-in.
"""

from django.db import connection

_NAME = "phonegen_test_refusal"


def refuse(*, table: str, event: str, when: str) -> None:
    """Make ``event`` (``INSERT`` or ``UPDATE``) on ``table`` fail for rows
    matching ``when``, an SQL condition on ``NEW``."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {_NAME}() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'refused by a test trigger'; END; "
                "$$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER {_NAME} BEFORE {event} ON {table} FOR EACH ROW "
                f"WHEN ({when}) EXECUTE FUNCTION {_NAME}()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER {_NAME} BEFORE {event} ON {table} "
                f"WHEN {when} BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); "
                "END"
            )


def allow(*, table: str) -> None:
    """Remove the trigger :func:`refuse` put on ``table``."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TRIGGER IF EXISTS {_NAME}"
            + (f" ON {table}" if connection.vendor == "postgresql" else "")
        )
