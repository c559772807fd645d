"""``python -m phonegen validate FILE``: the import task, run here."""

import argparse
import csv
import sys
from pathlib import Path

from . import EXIT_INTERRUPTED, CliError
from .output import out_path, table, write_failure
from .progress import task_follow
from .setup import cli_project, django_setup, prefixes_warning

# Columns of the enriched CSV, in this order.
COLUMNS = (
    "line",
    "input",
    "e164",
    "extension",
    "outcome",
    "reason",
    "message",
    "validation_status",
    "carrier",
    "brand",
    "line_type",
    "city",
    "state",
)


def validate_command(args: argparse.Namespace) -> int:
    source = Path(args.file)
    if not source.is_file():
        raise CliError(f"no such file: {source}")
    out = out_path(args.out)

    django_setup(verbose=args.verbose)
    from phonegen.errors import PhonegenError
    from phonegen.numbers.importing.service import import_copy_file, import_start
    from phonegen.tasks.models import TaskStatus

    prefixes_warning()
    project = cli_project("validate", source.name)
    try:
        path = import_copy_file(source)
        task = import_start(
            user=project.owner,
            project=project,
            path=path,
            filename=source.name,
            column=args.column,
            batch_size=args.batch_size,
            enqueue=False,
        )
    except PhonegenError:
        project.delete()  # nothing was imported: leave no empty project behind
        raise

    task = task_follow(task, label="Importing", unit="lines", show=args.progress)
    if task.status not in (TaskStatus.COMPLETED, TaskStatus.CANCELLED):
        raise CliError(f"the import {task.status}: {task.error_message}")

    sys.stdout.write(summary(task.result_data, project=project, task=task))
    if out is not None:
        try:
            rows = report_write(task, out)
        except OSError as error:
            raise write_failure(out, error, project) from None
        sys.stdout.write(f"Wrote {rows:,} rows to {out}\n")
    if task.status == TaskStatus.CANCELLED:
        sys.stdout.write("Cancelled: the counts cover the lines read until then.\n")
        return EXIT_INTERRUPTED
    return 0


def summary(result: dict, *, project, task) -> str:
    """The printed summary of an import's ``result`` (its task's result_data)."""
    column = result.get("column", "")
    heading = (
        f"{result.get('file', '')} (phone column {column!r}): "
        f"{result.get('lines', 0):,} lines, {result.get('blank_lines', 0):,} blank"
    )
    lines = [
        heading,
        *table(
            [
                ("stored", result.get("stored", 0)),
                ("duplicates in the file", result.get("duplicates_in_file", 0)),
                ("already in the project", result.get("duplicates_in_project", 0)),
                ("refused", result.get("refused", 0)),
            ]
        ),
    ]
    refused = result.get("refused_by_reason") or {}
    if refused:
        lines.append("Refused by reason:")
        lines += table(sorted(refused.items(), key=lambda item: (-item[1], item[0])))

    statuses = result.get("validation") or {}
    valid = statuses.get("valid", 0)
    lines.append(
        f"Validation of the stored numbers: {valid:,} valid, "
        f"{sum(statuses.values()) - valid:,} not"
    )
    lines += table(sorted(statuses.items(), key=lambda item: (-item[1], item[0])))
    lines.append(f"Project {project.pk} ({project.name!r}), task {task.task_id}")
    return "\n".join(lines) + "\n"


def report_write(task, out: Path) -> int:
    """Write every line of ``task``'s report to ``out`` as CSV; return the rows."""
    from phonegen.numbers.importing.selectors import import_report_chunks

    rows = 0
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for chunk in import_report_chunks(task=task):
            for entry in chunk:
                writer.writerow(_cell(entry[column]) for column in COLUMNS)
            rows += len(chunk)
    return rows


def _cell(value) -> object:
    return "" if value is None else value
