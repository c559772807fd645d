"""What a user would write instead: ``phonenumbers``, one number at a time."""

import logging
import time
import uuid

import phonenumbers
import psycopg
from phonenumbers import carrier, geocoder

logger = logging.getLogger(__name__)


def sample_numbers(url: str, task_id: str, count: int) -> list[str]:
    """``count`` stored numbers (``1NPANXXXXXX``) of the task ``task_id``, drawn
    at random so that they spread over the area code as the task's do."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT number FROM numbers_phonenumber WHERE task_id = %s "
            "ORDER BY random() LIMIT %s",
            (uuid.UUID(task_id), count),
        ).fetchall()
    return [number for (number,) in rows]


def phonenumbers_validate(numbers: list[str]) -> tuple[float, int]:
    """Seconds to parse, check, locate and name the carrier of each of ``numbers``,
    and how many were valid."""
    # The first lookups load metadata modules; a long-running user program pays
    # that once, so it stays out of the timing.
    _check(f"+{numbers[0]}")

    valid = 0
    started = time.perf_counter()
    for number in numbers:
        valid += _check(f"+{number}")
    seconds = time.perf_counter() - started
    logger.info("phonenumbers: %d numbers in %.2fs", len(numbers), seconds)
    return seconds, valid


def _check(raw: str) -> bool:
    numobj = phonenumbers.parse(raw, None)
    ok = phonenumbers.is_valid_number(numobj)
    geocoder.description_for_number(numobj, "en")
    carrier.name_for_number(numobj, "en")
    return ok
