"""Read projects and stored numbers, always within one user's own."""

import uuid
from collections.abc import Iterator

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr

from phonegen.errors import NotFound
from phonegen.numbering.formats import e164
from phonegen.tasks.models import Task

from .models import PhoneNumber, Project, ValidationTarget

# Rows read per query when walking a large result in number order.
CHUNK_SIZE = 2000


def project_get(*, user: AbstractBaseUser, project_id: int) -> Project:
    """``user``'s project ``project_id``; :class:`NotFound` for anyone else's."""
    project = Project.objects.filter(pk=project_id, owner=user).first()
    if project is None:
        raise NotFound(
            "Project not found.", errors={"project_id": ["No such project."]}
        )
    return project


def project_list(*, user: AbstractBaseUser) -> QuerySet[Project]:
    """``user``'s projects, newest first, with ``number_count`` and ``task_count``."""
    # Subqueries, not two joined Counts, which would multiply each other.
    numbers = _count_per_project(PhoneNumber.objects.all())
    tasks = _count_per_project(Task.objects.all())
    return Project.objects.filter(owner=user).annotate(
        number_count=Coalesce(Subquery(numbers, output_field=IntegerField()), 0),
        task_count=Coalesce(Subquery(tasks, output_field=IntegerField()), 0),
    )


def _count_per_project(rows: QuerySet) -> QuerySet:
    return (
        rows.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )


def number_list(
    *,
    user: AbstractBaseUser,
    project_id: int | None = None,
    area_code: str = "",
    carrier: str = "",
    line_type: str = "",
    valid: bool | None = None,
    task_id: uuid.UUID | None = None,
    validation_status: str = "",
) -> QuerySet[PhoneNumber]:
    """``user``'s numbers matching the filters, in project and number order.

    ``line_type`` is a canonical line type; ``carrier`` matches a brand (any
    case) or part of the raw carrier name. A ``project_id`` that is not one of
    ``user``'s projects, or the ``task_id`` of another user's task, raises
    NotFound; the id of a task since cleaned up only filters, since numbers
    outlive the task records that produced them.
    """
    if task_id is not None and (
        Task.objects.filter(task_id=task_id).exclude(user=user).exists()
    ):
        raise NotFound("Task not found.", errors={"task_id": ["No such task."]})

    if project_id is not None:
        numbers = PhoneNumber.objects.filter(
            project=project_get(user=user, project_id=project_id)
        )
    else:
        numbers = PhoneNumber.objects.filter(project__owner=user)

    if area_code:
        # A range on the stored digits, so the (project, number) index serves it.
        numbers = numbers.filter(
            number__gte=f"1{area_code}0000000", number__lte=f"1{area_code}9999999"
        )
    if carrier:
        numbers = numbers.filter(
            Q(brand__iexact=carrier) | Q(carrier__icontains=carrier)
        )
    if line_type:
        numbers = numbers.filter(line_type=line_type)
    if valid is not None:
        numbers = numbers.filter(valid_number=valid)
    if task_id is not None:
        numbers = numbers.filter(task_id=task_id)
    if validation_status:
        numbers = numbers.filter(validation_status=validation_status)
    return numbers.order_by("project_id", "number")


def number_chunks(
    numbers: QuerySet[PhoneNumber],
    *,
    fields: tuple[str, ...],
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[list[tuple]]:
    """``(number, *fields)`` of every row of ``numbers`` (one project's), in
    number order, ``chunk_size`` rows at a time.

    Each chunk is its own query starting after the last number seen (keyset
    pagination): memory stays bounded, no cursor or transaction is held open
    between chunks, and every query is an index range scan.
    """
    columns = ("number", *fields)
    last = ""
    while True:
        rows = list(
            numbers.filter(number__gt=last)
            .order_by("number")
            .values_list(*columns)[:chunk_size]
        )
        if not rows:
            return
        last = rows[-1][0]
        yield rows
        if len(rows) < chunk_size:
            return


def number_e164_list(*, task: Task) -> list[str]:
    """The E.164 forms of the numbers ``task`` stored, in number order."""
    numbers = PhoneNumber.objects.filter(
        project_id=task.project_id, task_id=task.task_id
    )
    return [
        e164(n) for n in numbers.order_by("number").values_list("number", flat=True)
    ]


def validation_selection(
    *, user: AbstractBaseUser, project_id: int | None = None, task: Task | None = None
) -> QuerySet[PhoneNumber]:
    """The user's numbers a validation names: the ids ``task`` was given if
    any, within ``project_id`` if set, else all of the user's numbers."""
    numbers = PhoneNumber.objects.filter(project__owner=user)
    if project_id is not None:
        numbers = numbers.filter(project_id=project_id)
    if task is not None and task.params.get("phone_id_count"):
        targets = ValidationTarget.objects.filter(task=task).values("phone_id")
        numbers = numbers.filter(id__in=targets)
    return numbers


def number_validation_list(*, task: Task, limit: int) -> list[PhoneNumber]:
    """The first ``limit`` numbers, by id, of the validation ``task``."""
    numbers = validation_selection(
        user=task.user, project_id=task.params.get("project_id"), task=task
    )
    return list(numbers.order_by("id")[:limit])


def number_breakdown(*, project: Project) -> list[dict]:
    """How many of ``project``'s numbers each brand holds per line type, as
    ``{"brand", "line_type", "count"}`` rows, largest first."""
    rows = (
        PhoneNumber.objects.filter(project=project)
        .order_by()
        .values("brand", "line_type")
        .annotate(count=Count("pk"))
    )
    return sorted(rows, key=lambda row: (-row["count"], row["brand"], row["line_type"]))


def numbers_per_block(*, project: Project, npa: str) -> dict[str, int]:
    """How many numbers ``project`` holds in each thousands block (NPA-NXX-X) of
    ``npa``: what generation can no longer draw there."""
    rows = (
        PhoneNumber.objects.filter(
            project=project, number__gte=f"1{npa}0000000", number__lte=f"1{npa}9999999"
        )
        .annotate(block=Substr("number", 2, 7))
        .values("block")
        .annotate(n=Count("id"))
        .values_list("block", "n")
    )
    return dict(rows)
