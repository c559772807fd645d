"""Number generation: check a request against the prefix database, then draw.

Numbers are drawn uniformly without replacement from every number that
qualifies: in a usable thousands block of the area code whose owning prefix
matches the filters, not reserved, and not yet in the project.
"""

import bisect
import logging
import time
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from phonegen.errors import NotEnoughNumbers, Unprocessable
from phonegen.numbering.blocks import excluded_offsets
from phonegen.numbering.line_types import LineType, parse_line_type
from phonegen.numbering.sampling import sample_batches
from phonegen.prefixes.selectors import Block, carrier_summary, qualifying_blocks
from phonegen.tasks.models import ACTIVE_STATUSES, Task, TaskType
from phonegen.tasks.services import (
    ProgressReporter,
    TaskCancelled,
    estimate_text,
    task_create,
    task_enqueue,
)

from ..models import PhoneNumber, Project
from ..selectors import numbers_per_block
from .statistics import statistics_refresh
from .storage import numbers_insert

logger = logging.getLogger(__name__)

# Numbers a second the estimate assumes; deliberately modest.
ESTIMATE_RATE = 50_000


@dataclass(frozen=True)
class GenerationRequest:
    area_code: str
    quantity: int
    carrier_filter: str = ""
    type_filter: str = ""
    batch_size: int = 1000

    @property
    def line_type(self) -> LineType | None:
        return parse_line_type(self.type_filter) if self.type_filter else None

    def as_params(self) -> dict:
        return {
            "area_code": self.area_code,
            "quantity": self.quantity,
            "carrier_filter": self.carrier_filter,
            "type_filter": self.type_filter,
            "line_type": self.line_type.value if self.line_type else "",
            "batch_size": self.batch_size,
        }


@dataclass
class Pool:
    """The qualifying blocks of a request and how many numbers each still has."""

    blocks: list[Block]
    bases: np.ndarray
    available: np.ndarray
    taken: dict[int, int]  # block index -> numbers the project already holds

    @property
    def total(self) -> int:
        return int(self.available.sum())


def generation_start(
    *,
    user: AbstractBaseUser,
    project: Project,
    request: GenerationRequest,
    enqueue: bool = True,
) -> Task:
    """Check that ``request`` can be met in full, then create and queue its task.

    With ``enqueue=False`` the task is only created, for a caller that runs it
    itself (the legacy synchronous endpoint, the CLI).

    Raises :class:`Unprocessable` (422) for an area code or filter the prefix
    database has nothing for, and :class:`NotEnoughNumbers` when fewer numbers
    qualify than asked, in both cases with what the area code does have.
    """
    with transaction.atomic():
        # One generation check at a time per project, so that two requests
        # cannot both count the same free numbers.
        Project.objects.select_for_update().get(pk=project.pk)

        pool = generation_pool(project=project, request=request)
        reserved = _reserved_by_active_tasks(project, request.area_code)
        available = max(0, pool.total - reserved)
        if request.quantity > available:
            held = sum(pool.taken.values())
            raise _not_enough(request, available, reserved, held)

        task = task_create(
            user=user,
            project=project,
            task_type=TaskType.GENERATION,
            params=request.as_params(),
            total_items=request.quantity,
        )
        if enqueue:
            task_enqueue(task)

    logger.info(
        "task %s: generation of %d numbers in %s queued (%d available)",
        task.task_id,
        request.quantity,
        request.area_code,
        available,
    )
    return task


def estimated_time(quantity: int) -> str:
    return estimate_text(quantity, rate=ESTIMATE_RATE)


def generation_pool(*, project: Project, request: GenerationRequest) -> Pool:
    """The blocks that qualify for ``request`` and what each still has free."""
    blocks = qualifying_blocks(
        request.area_code,
        carrier_filter=request.carrier_filter,
        line_type=request.line_type,
    )
    if not blocks:
        raise _nothing_qualifies(request)

    taken_by_block = numbers_per_block(project=project, npa=request.area_code)
    available = np.empty(len(blocks), dtype=np.int64)
    taken: dict[int, int] = {}
    for index, block in enumerate(blocks):
        held = taken_by_block.get(block.block, 0)
        available[index] = block.capacity - held
        if held:
            taken[index] = held
    bases = np.array([block.base for block in blocks], dtype=np.int64)
    return Pool(blocks=blocks, bases=bases, available=available, taken=taken)


def generation_settle(task: Task) -> None:
    """Refresh the planner's statistics after a large generation.

    Until they see the new rows, PostgreSQL takes a project of a million
    numbers for a few hundred and sorts all of it for every page of the list or
    the export. Done after the task has ended, so its clients do not wait.
    """
    statistics_refresh(PhoneNumber)


def generation_run(task: Task, reporter: ProgressReporter) -> dict:
    """Draw and store the task's numbers batch by batch; return its result data.

    Safe to run again after a crash: numbers the task already stored count
    towards its quantity, and only the rest is drawn.
    """
    request = GenerationRequest(
        area_code=task.params["area_code"],
        quantity=task.params["quantity"],
        carrier_filter=task.params.get("carrier_filter", ""),
        type_filter=task.params.get("type_filter", ""),
        batch_size=task.params.get("batch_size", 1000),
    )
    project = task.project
    stored = PhoneNumber.objects.filter(task_id=task.task_id).count()
    rng = np.random.default_rng()
    started = time.monotonic()
    batches = 0
    if reporter.resumed_cancelled():
        raise TaskCancelled(_result(request, stored, batches, started))

    # Another task may take some of the numbers this one drew; each round draws
    # the shortfall again from what is still free.
    while stored < request.quantity:
        pool = generation_pool(project=project, request=request)
        wanted = request.quantity - stored
        if pool.total < wanted:
            raise NotEnoughNumbers(
                f"Only {stored} of {request.quantity} numbers could be generated: "
                "the other numbers that match were taken by another task."
            )

        for batch in sample_batches(
            pool.bases,
            pool.available,
            wanted,
            request.batch_size,
            rng,
            TakenNumbers(project, pool).excluded,
        ):
            stored += _store_batch(task, pool, batch, reporter, stored, request)
            batches += 1
            if _cancel_requested(reporter):
                raise TaskCancelled(_result(request, stored, batches, started))

    return _result(request, stored, batches, started)


def _store_batch(task, pool, batch, reporter, stored, request) -> int:
    owners = _owners(pool, batch)
    with transaction.atomic():
        added = numbers_insert(
            project_id=task.project_id,
            task_id=str(task.task_id),
            numbers=batch,
            owners=owners,
            now=timezone.now(),
        )
        done = stored + added
        reporter.advance(
            processed=done,
            successful=done,
            step=f"Stored {done:,} of {request.quantity:,} numbers",
        )
    logger.debug(
        "task %s: batch of %d stored (%d new)", task.task_id, len(batch), added
    )
    return added


def _cancel_requested(reporter: ProgressReporter) -> bool:
    try:
        reporter.check_cancelled()
    except TaskCancelled:
        return True
    return False


def _owners(pool: Pool, batch: np.ndarray) -> list:
    indexes = np.searchsorted(pool.bases, batch, side="right") - 1
    return [pool.blocks[i].owner for i in indexes.tolist()]


class TakenNumbers:
    """The offsets a project already holds in the pool's blocks, read a run of
    blocks per query (the sampler asks for them in block order)."""

    RUN = 256  # blocks with taken numbers per query

    def __init__(self, project: Project, pool: Pool) -> None:
        self.project = project
        self.pool = pool
        self.order = sorted(pool.taken)
        self.cache: dict[int, np.ndarray] = {}

    def excluded(self, index: int) -> np.ndarray:
        """Offsets of block ``index`` that may not be drawn."""
        reserved = excluded_offsets(self.pool.blocks[index].block)
        if index not in self.pool.taken:
            return reserved
        if index not in self.cache:
            self._read_run(index)
        return np.union1d(reserved, self.cache.pop(index))

    def _read_run(self, index: int) -> None:
        start = bisect.bisect_left(self.order, index)
        run = self.order[start : start + self.RUN]
        blocks = self.pool.blocks
        held = PhoneNumber.objects.filter(
            project=self.project,
            number__gte=f"1{blocks[run[0]].base}",
            number__lte=f"1{blocks[run[-1]].base + 999}",
        ).values_list("number", flat=True)

        by_base: dict[int, list[int]] = {}
        for number in held:
            national = int(number[1:])
            by_base.setdefault(national - national % 1000, []).append(national % 1000)
        for i in run:
            offsets = by_base.get(blocks[i].base, [])
            self.cache[i] = np.array(offsets, dtype=np.int64)


def _reserved_by_active_tasks(project: Project, npa: str) -> int:
    # Conservative: an active task in the same area code may draw from any of
    # its blocks, so everything it still has to store counts as spoken for.
    remaining = (
        Task.objects.filter(
            project=project,
            task_type=TaskType.GENERATION,
            status__in=ACTIVE_STATUSES,
            params__area_code=npa,
        )
        .aggregate(n=Sum(F("total_items") - F("successful_items")))
        .get("n")
    )
    return int(remaining or 0)


def _result(
    request: GenerationRequest, stored: int, batches: int, started: float
) -> dict:
    elapsed = time.monotonic() - started
    return {
        "generated": stored,
        "requested": request.quantity,
        "area_code": request.area_code,
        "batches": batches,
        "seconds": round(elapsed, 3),
        "numbers_per_second": round(stored / elapsed) if elapsed > 0 else None,
    }


def _help(request: GenerationRequest) -> dict:
    return {
        "area_code": request.area_code,
        "carriers": carrier_summary(request.area_code),
    }


def _nothing_qualifies(request: GenerationRequest) -> Unprocessable:
    summary = carrier_summary(request.area_code)
    if not summary:
        return Unprocessable(
            f"Area code {request.area_code} has no prefixes in the prefix database.",
            errors={"area_code": [f"No prefixes are loaded for {request.area_code}."]},
            extra=_help(request) | {"available": 0},
        )

    both = request.carrier_filter and request.type_filter
    errors: dict[str, list[str]] = {}
    if request.carrier_filter:
        errors["carrier_filter"] = [
            f"No prefix of {request.area_code} matches carrier "
            f"'{request.carrier_filter}'" + (" with that line type." if both else ".")
        ]
    if request.type_filter:
        errors["type_filter"] = [
            f"No prefix of {request.area_code} has line type "
            f"'{request.type_filter}'" + (" with that carrier." if both else ".")
        ]
    return Unprocessable(
        f"No numbers of {request.area_code} match the filters; "
        "see 'carriers' for what the area code has.",
        errors=errors,
        extra=_help(request) | {"available": 0},
    )


def _not_enough(
    request: GenerationRequest, available: int, reserved: int, held: int = 0
) -> NotEnoughNumbers:
    details = []
    if held:
        details.append(f"the project already holds {held:,} of the numbers that match")
    if reserved:
        details.append(f"{reserved:,} more are being generated by running tasks")
    detail = f" ({'; '.join(details)})" if details else ""
    asked = f"{request.quantity:,} {'was' if request.quantity == 1 else 'were'}"
    return NotEnoughNumbers(
        f"Only {available:,} numbers are available for this request{detail}; "
        f"{asked} asked for.",
        errors={"quantity": [f"Ensure this value is at most {available}."]},
        extra=_help(request) | {"available": available},
    )
