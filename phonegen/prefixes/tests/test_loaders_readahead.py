import threading
from collections.abc import Iterator

import pytest

from phonegen.prefixes.loaders.readahead import read_ahead


class ReadAheadTests:
    def test_it_yields_every_item_in_order(self):
        assert list(read_ahead(iter(range(100)), depth=3)) == list(range(100))

    def test_it_raises_the_error_of_the_source_after_what_came_before(self):
        def source() -> Iterator[int]:
            yield 1
            yield 2
            raise ValueError("line 3: bad")

        items = read_ahead(source())

        assert [next(items), next(items)] == [1, 2]
        with pytest.raises(ValueError, match="line 3: bad"):
            next(items)

    def test_it_stops_and_closes_the_source_when_the_reader_stops(self):
        closed = threading.Event()

        def source() -> Iterator[int]:
            try:
                yield from range(1_000_000)
            finally:
                closed.set()

        items = read_ahead(source(), depth=2)
        assert next(items) == 0
        items.close()

        assert closed.is_set()
        assert not any(t.name == "prefix-reader" for t in threading.enumerate())
