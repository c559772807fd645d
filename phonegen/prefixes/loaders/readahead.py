"""Reading the next batches of a source while the database writes this one."""

import threading
from collections.abc import Iterator
from queue import Full, Queue
from typing import TypeVar

T = TypeVar("T")

_DONE = object()
_POLL_SECONDS = 0.1


def read_ahead(items: Iterator[T], *, depth: int = 2) -> Iterator[T]:
    """Yield ``items`` while a thread produces up to ``depth`` more.

    Parsing a source is Python work and an upsert is database work; database
    drivers release the GIL while they wait, so the two overlap. The thread
    must not use Django's connection (it would be another one, outside the
    load's transaction). Its errors are raised here; stopping early stops it.
    """
    queue: Queue[object] = Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: object) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=_POLL_SECONDS)
                return True
            except Full:
                pass
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
            offer(_DONE)
        except Exception as exc:  # noqa: BLE001 - raised again by the consumer
            offer(exc)
        finally:
            # Close the source in the thread that ran it (sqlite3 insists).
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="prefix-reader", daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()
