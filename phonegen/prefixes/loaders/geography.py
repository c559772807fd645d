"""Thousands blocks take the city and state of their NPA-NXX.

Numbers are pooled in thousands blocks inside one rate centre, so a block lies
where its NPA-NXX lies. Sources rarely say so: nanpa-blocks gives a block's
holder but no place, and libphonenumber places exchanges, not blocks. Since
the longest prefix describes a number, a block without a place would hide its
exchange's. Two steps keep blocks placed whatever order sources are loaded in:
a block record without a place keeps the one stored for it or takes its
exchange's before it is written, and after a load that placed exchanges,
stored blocks still without a place take theirs.
"""

from django.db import connection

from .common import PrefixRecord

_CACHED_NPAS = 16
_NOWHERE = ("", "")


class ExchangePlaces:
    """City and state of stored prefixes, fetched one NPA at a time."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.by_npa: dict[str, dict[str, tuple[str, str]]] = {}

    def place_blocks(self, batch: list[PrefixRecord]) -> None:
        """Give the blocks of ``batch`` that have no city or state those they
        have in store, else those of their exchange (as stored, or as this
        batch describes it)."""
        unplaced = [r for r in batch if len(r.prefix) == 7 and not (r.city and r.state)]
        if not unplaced:
            return

        exchanges = {r.prefix: r for r in batch if len(r.prefix) == 6}
        for record in unplaced:
            places = self._places(record.prefix[:3])
            own_city, own_state = places.get(record.prefix, _NOWHERE)
            city, state = places.get(record.prefix[:6], _NOWHERE)
            exchange = exchanges.get(record.prefix[:6])
            if exchange is not None:
                city, state = exchange.city or city, exchange.state or state
            record.city = record.city or own_city or city
            record.state = record.state or own_state or state

    def forget(self, batch: list[PrefixRecord]) -> None:
        """Drop what a written batch may have changed."""
        for record in batch:
            if len(record.prefix) == 6:
                self.by_npa.pop(record.prefix[:3], None)

    def _places(self, npa: str) -> dict[str, tuple[str, str]]:
        places = self.by_npa.get(npa)
        if places is None:
            if len(self.by_npa) >= _CACHED_NPAS:
                # Sources come roughly in NPA order: the oldest NPA is done.
                del self.by_npa[next(iter(self.by_npa))]
            places = self.by_npa[npa] = self._fetch(npa)
        return places

    def _fetch(self, npa: str) -> dict[str, tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT prefix, city, state FROM {self.table} "
                "WHERE npa = %s AND (city <> '' OR state <> '')",
                [npa],
            )
            rows = cursor.fetchall()
        return {prefix: (city, state) for prefix, city, state in rows}


def place_stored_blocks(table: str, npas: set[str]) -> int:
    """Fill the empty city and state of stored blocks of ``npas`` from their
    exchanges; returns how many blocks changed."""
    if not npas:
        return 0
    placeholders = ", ".join(["%s"] * len(npas))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The load has just written its rows: with statistics from before
            # (or from a load rolled back since) the planner may join block to
            # exchange by scanning, seconds for a few thousand blocks.
            cursor.execute(f"ANALYZE {table}")
        cursor.execute(
            f"UPDATE {table} AS b SET "
            "city = CASE WHEN b.city = '' THEN p.city ELSE b.city END, "
            "state = CASE WHEN b.state = '' THEN p.state ELSE b.state END "
            f"FROM {table} AS p "
            f"WHERE b.npa IN ({placeholders}) AND b.block IS NOT NULL "
            "AND p.prefix = substr(b.prefix, 1, 6) "
            "AND ((b.city = '' AND p.city <> '') OR (b.state = '' AND p.state <> ''))",
            sorted(npas),
        )
        return cursor.rowcount
