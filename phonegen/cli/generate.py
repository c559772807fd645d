"""``python -m phonegen generate``: the generation task, run here."""

import argparse
import sys
from pathlib import Path

from . import EXIT_INTERRUPTED, CliError
from .output import out_path, write_failure
from .progress import task_follow
from .setup import cli_project, django_setup, prefixes_warning


def generate_command(args: argparse.Namespace) -> int:
    out = out_path(args.out)

    django_setup(verbose=args.verbose)
    from phonegen.errors import PhonegenError
    from phonegen.numbers.services.generation import (
        GenerationRequest,
        generation_start,
    )
    from phonegen.tasks.models import TaskStatus

    prefixes_warning()
    request = GenerationRequest(
        area_code=args.area_code,
        quantity=args.quantity,
        carrier_filter=(args.carrier or "").strip(),
        type_filter=args.type or "",
        batch_size=args.batch_size,
    )
    project = cli_project("generate", _label(request))
    try:
        task = generation_start(
            user=project.owner, project=project, request=request, enqueue=False
        )
    except PhonegenError:
        project.delete()  # nothing was generated: leave no empty project behind
        raise

    task = task_follow(task, label="Generating", unit="numbers", show=args.progress)
    if task.status not in (TaskStatus.COMPLETED, TaskStatus.CANCELLED):
        raise CliError(f"the generation {task.status}: {task.error_message}")

    result = task.result_data
    rate = result.get("numbers_per_second")
    sys.stdout.write(
        f"Generated {result.get('generated', 0):,} of {request.quantity:,} numbers "
        f"({_label(request)}) in {result.get('seconds', 0):.1f}s"
        f"{f' ({rate:,}/s)' if rate else ''}\n"
        f"Project {project.pk} ({project.name!r}), task {task.task_id}\n"
    )
    if out is not None:
        try:
            rows = numbers_write(project, out)
        except OSError as error:
            raise write_failure(out, error, project) from None
        sys.stdout.write(f"Wrote {rows:,} numbers to {out}\n")
    if task.status == TaskStatus.CANCELLED:
        return EXIT_INTERRUPTED
    return 0


def numbers_write(project, out: Path) -> int:
    """Write ``project``'s numbers to ``out`` as the export CSV; return the rows."""
    from phonegen.numbers.export import SOURCE_FIELDS, export_chunks
    from phonegen.numbers.selectors import number_chunks, number_list

    numbers = number_list(user=project.owner, project_id=project.pk)
    rows = 0

    def counted():
        nonlocal rows
        for chunk in number_chunks(numbers, fields=SOURCE_FIELDS):
            rows += len(chunk)
            yield chunk

    with open(out, "wb") as f:
        f.writelines(export_chunks(counted(), "csv"))
    return rows


def _label(request) -> str:
    parts = [request.area_code, request.type_filter, request.carrier_filter]
    return " ".join(part for part in parts if part)
