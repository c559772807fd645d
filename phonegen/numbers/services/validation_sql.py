"""The statement that validates one batch of stored numbers.

It applies the rules of :mod:`phonegen.numbering.nanp` to the digits and the
longest-prefix choice of :mod:`phonegen.numbering.blocks` to the prefix table,
in one ``UPDATE ... FROM``. On PostgreSQL:

1. ``batch``: the ids and numbers of the batch.
2. ``owner``: each thousands block (``NPA-NXX-X``) the batch touches, with the
   prefix that owns it and what the rules say of its digits (area code and
   exchange shapes, N11, the fictional 555). A batch of 10,000 numbers spans
   a few hundred blocks at most, so the prefix table is searched, and most
   rules applied, per block rather than per number.
3. The update joins each number to its block and decides its status from the
   block and the digits of its own (length, the country code, the line
   number's last three digits, which of 555's line numbers it is).

SQLite plans a join to a table it has just built by scanning that table once
per number, so there each number looks its block's prefixes up in the prefix
table's index instead; the rules and the outcomes are the same.

The test ``test_validation_rules`` holds the outcomes to the Python rules.
"""

import functools

from phonegen.numbering.nanp import is_geographic_npa
from phonegen.prefixes.models import PhonePrefix

from ..models import PhoneNumber

TABLE = PhoneNumber._meta.db_table
PREFIXES = PhonePrefix._meta.db_table
# What the owner of a block hands down to its numbers.
_OWNER_FIELDS = ("prefix", "carrier", "brand", "line_type", "city", "state", "country")
# What a number of a block no prefix owns gets instead (else an empty string).
_UNASSIGNED = {"line_type": "unknown"}


# The next numbers of one project, in number order, along its (project, number)
# key. Parameters: the project's id, the number to start after, (when bounded)
# the last number the walk may reach, how many.
def _project_window(bounded: bool) -> str:
    until = "AND number <= %s " if bounded else ""
    return (
        f"SELECT id, number FROM {TABLE} WHERE project_id = %s AND number > %s "
        f"{until}ORDER BY number LIMIT %s"
    )


def batch_update_sql(vendor: str, batch_sql: str, bounds: str) -> str:
    """The statement for the numbers ``batch_sql`` (a SELECT of ``id, number``)
    picks.

    ``bounds``, a condition on the table that every number of the batch meets,
    keeps the update's read of the table to the batch's part of it. The
    parameters: those of ``batch_sql``, the validation instant, then those of
    ``bounds``. See :func:`_counted` for what the statement answers.
    """
    if vendor != "postgresql":
        return _per_number_sql(vendor, batch_sql, bounds)
    fields = ", ".join(f"o.{name}" for name in _OWNER_FIELDS)
    ctes = f"""
        WITH batch (id, number) AS MATERIALIZED ({batch_sql}),
        owner AS MATERIALIZED ({_owner_sql(vendor)}),
        checked AS (
            SELECT batch.id, {_status(vendor, "batch.number")} AS status, {fields}
            FROM batch JOIN owner AS o ON o.block = substr(batch.number, 2, 7)
        )
    """
    update = f"""
        UPDATE {TABLE} SET {_assignments("c", "c.status")}
        FROM checked AS c
        WHERE {TABLE}.id = c.id AND {bounds}
    """
    return _counted(vendor, ctes, update)


def project_update_sql(vendor: str, *, bounded: bool = False) -> str:
    """The statement for the next numbers of one project in number order.

    The parameters: the project's id, the number the batch starts after, (when
    ``bounded``) the last number it may reach, the batch size, the validation
    instant, then the project's id and the number it starts after again. See
    :func:`_counted` for what the statement answers.
    """
    window = _project_window(bounded)
    bounds = f"{TABLE}.project_id = %s AND {TABLE}.number > %s"
    if vendor != "postgresql":
        return _per_number_sql(vendor, window, bounds)
    # The numbers are updated where the (project, number) key finds them, with
    # no second lookup by id. Their status is worked out twice, once for
    # valid_number: still cheaper than joining every number to a row holding it.
    number = f"{TABLE}.number"
    ctes = f"""
        WITH batch (id, number) AS MATERIALIZED ({window}),
        owner AS MATERIALIZED ({_owner_sql(vendor)})
    """
    update = f"""
        UPDATE {TABLE} SET {_assignments("o", _status(vendor, number))}
        FROM owner AS o
        WHERE {bounds} AND {number} <= (SELECT max(number) FROM batch)
            AND o.block = substr({number}, 2, 7)
    """
    return _counted(vendor, ctes, update)


def _per_number_sql(vendor: str, batch_sql: str, bounds: str) -> str:
    block = "substr(batch.number, 2, 7)"
    fields = ", ".join(f"o.{name}" for name in _OWNER_FIELDS)
    ctes = f"""
        WITH batch (id, number) AS MATERIALIZED ({batch_sql}),
        owner AS (
            SELECT batch.id, batch.number, {_owner_columns(vendor, block)}
            FROM batch
            {_prefix_join(vendor, "p7", block)}
            {_prefix_join(vendor, "p6", f"substr({block}, 1, 6)")}
        ),
        checked AS (
            SELECT o.id, {_status(vendor, "o.number")} AS status, {fields}
            FROM owner AS o
        )
    """
    update = f"""
        UPDATE {TABLE} SET {_assignments("c", "c.status")}
        FROM checked AS c
        WHERE {TABLE}.id = c.id AND {bounds}
    """
    return _counted(vendor, ctes, update)


def _assignments(source: str, status: str) -> str:
    fields = ", ".join(f"{name} = {source}.{name}" for name in _OWNER_FIELDS)
    return f"""{fields}, validation_status = {status},
        valid_number = ({status}) = 'valid', validation_attempted = TRUE,
        validation_date = %s, validation_source = 'internal'"""


def _counted(vendor: str, ctes: str, update: str) -> str:
    """The update with what it did: on PostgreSQL, ``(NULL, size, last id,
    last number)`` for the batch and ``(status, count, NULL, NULL)`` per status
    given; elsewhere ``(status, id, number)`` per number updated."""
    if vendor == "postgresql":
        # Counted where the rows are: a few rows cross the wire, not a batch.
        return f"""
            {ctes}, updated AS ({update} RETURNING {TABLE}.validation_status)
            SELECT NULL, count(*), max(id), max(number) FROM batch
            UNION ALL
            SELECT validation_status, count(*), NULL, NULL FROM updated
            GROUP BY validation_status
        """
    # SQLite has no UPDATE inside WITH; it runs in-process, so the statuses
    # come back one per row.
    returned = ", ".join(
        f"{TABLE}.{name}" for name in ("validation_status", "id", "number")
    )
    return f"{ctes} {update} RETURNING {returned}"


def _owner_sql(vendor: str) -> str:
    return f"""
        SELECT b.block, {_owner_columns(vendor, "b.block")}
        FROM (SELECT DISTINCT substr(number, 2, 7) AS block FROM batch) AS b
        {_prefix_join(vendor, "p7", "b.block")}
        {_prefix_join(vendor, "p6", "substr(b.block, 1, 6)")}
    """


def _owner_columns(vendor: str, block: str) -> str:
    """What a block's digits and its prefixes (``p7``, ``p6``) say of it."""
    # The longest prefix decides carrier and type; a block without a location
    # of its own sits where its NPA-NXX does.
    picked = [
        f"CASE WHEN p7.id IS NOT NULL THEN p7.{name} "
        f"ELSE coalesce(p6.{name}, '{_UNASSIGNED.get(name, '')}') END AS {name}"
        for name in ("prefix", "carrier", "brand", "line_type")
    ] + [
        f"coalesce(nullif(p7.{name}, ''), p6.{name}, '') AS {name}"
        for name in ("city", "state", "country")
    ]
    # Positions in a block (NPANXXX): NPA at 1, NXX at 4, the thousands at 7.
    return f"""(p7.id IS NOT NULL OR p6.id IS NOT NULL) AS assigned,
        ({_not_digits(vendor, block)}
         OR substr({block}, 1, 1) IN ('0', '1') OR substr({block}, 2, 2) = '11'
         OR substr({block}, 4, 1) IN ('0', '1')
         OR (substr({block}, 5, 2) = '11'
             AND substr({block}, 1, 3) NOT IN ({_non_geographic_npas()}))
        ) AS malformed,
        substr({block}, 4, 3) = '555' AS fiction_exchange,
        {", ".join(picked)}"""


def _prefix_join(vendor: str, alias: str, key: str) -> str:
    if vendor != "postgresql":
        # SQLite looks each key up in the prefix index.
        return f"LEFT JOIN {PREFIXES} AS {alias} ON {alias}.prefix = {key}"
    # PostgreSQL would rather hash the whole prefix table than look up a few
    # hundred keys in it; LIMIT (the prefix is unique) keeps it to the index.
    columns = ", ".join(("id", *_OWNER_FIELDS))
    return (
        f"LEFT JOIN LATERAL (SELECT {columns} FROM {PREFIXES} "
        f"WHERE prefix = {key} LIMIT 1) AS {alias} ON TRUE"
    )


def _status(vendor: str, number: str) -> str:
    # Positions in the stored form 1NPANXXXXXX: the block (NPANXXX) at 2, the
    # line number at 8. A number of 11 characters starting with 1, whose block
    # and last three are digits, is all digits.
    return f"""CASE
        WHEN length({number}) <> 11 OR substr({number}, 1, 1) <> '1'
            OR {_not_digits(vendor, f"substr({number}, 9, 3)")} OR o.malformed
            THEN 'invalid_format'
        WHEN o.fiction_exchange AND (substr({number}, 8, 2) = '01'
            OR substr({number}, 8, 4) = '1212') THEN 'fictional'
        WHEN NOT o.assigned THEN 'unassigned_prefix'
        ELSE 'valid'
    END"""


def _not_digits(vendor: str, text: str) -> str:
    if vendor == "postgresql":
        return f"{text} !~ '^[0-9]*$'"
    # SQLite's GLOB: a character that is not a digit, anywhere.
    return f"{text} GLOB '*[^0-9]*'"


@functools.cache
def _non_geographic_npas() -> str:
    npas = [str(n) for n in range(200, 1000) if not is_geographic_npa(str(n))]
    return ", ".join(f"'{npa}'" for npa in npas)
