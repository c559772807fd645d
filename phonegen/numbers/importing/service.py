"""Import a phone list into a project: normalise, de-duplicate, store, validate.

Each batch of lines is one transaction holding its numbers, its report rows and
the task's progress, so a task that is run again after a crash resumes at the
first line it had not committed, and no line is stored or reported twice.
"""

import logging
import shutil
import time
import uuid
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count

from phonegen.errors import InvalidInput
from phonegen.numbering.parsing import Parsed, parse
from phonegen.tasks.models import Task, TaskType
from phonegen.tasks.services import ProgressReporter, task_create, task_enqueue

from ..models import ImportOutcome, ImportRow, PhoneNumber, Project
from ..services.validation import numbers_validate
from .reader import Layout, count_lines, detect_layout, read_lines, split_line

logger = logging.getLogger(__name__)

RAW_LIMIT = 200
LINE_TOO_LONG = "line_too_long"


def upload_dir() -> Path:
    path = Path(settings.PHONEGEN_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_save_upload(upload: UploadedFile) -> Path:
    """Copy an uploaded file where workers can read it; refuse one too large."""
    if upload.size is not None and upload.size > settings.PHONEGEN_IMPORT_MAX_BYTES:
        raise _too_large()

    path = upload_dir() / f"{uuid.uuid4().hex}.upload"
    written = 0
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > settings.PHONEGEN_IMPORT_MAX_BYTES:
                out.close()
                path.unlink(missing_ok=True)
                raise _too_large()
            out.write(chunk)
    return path


def import_copy_file(source: Path) -> Path:
    """Copy a local file (the CLI's) into the upload folder."""
    if not source.is_file():
        raise InvalidInput(
            f"No such file: {source}", errors={"file": [f"No such file: {source}"]}
        )
    if source.stat().st_size > settings.PHONEGEN_IMPORT_MAX_BYTES:
        raise _too_large()
    path = upload_dir() / f"{uuid.uuid4().hex}.upload"
    shutil.copyfile(source, path)
    return path


def import_start(
    *,
    user: AbstractBaseUser,
    project: Project,
    path: Path,
    filename: str,
    column: str | None = None,
    batch_size: int = 1000,
    enqueue: bool = True,
) -> Task:
    """Check that the saved file at ``path`` can be read, then create its task.

    The layout (delimiter, header, phone column) is decided now, so that a file
    whose phone column cannot be found is refused before any task exists.
    """
    try:
        layout = detect_layout(path, column)
    except InvalidInput:
        path.unlink(missing_ok=True)
        raise

    lines = count_lines(path)
    task = task_create(
        user=user,
        project=project,
        task_type=TaskType.IMPORT,
        params={
            "path": str(path),
            "filename": filename,
            "batch_size": batch_size,
            **layout.as_params(),
        },
        total_items=max(0, lines - layout.has_header),
    )
    if enqueue:
        task_enqueue(task)

    logger.info(
        "task %s: import of %s (%d lines, column %r) queued",
        task.task_id, filename, lines, layout.column_name or layout.column + 1,
    )
    return task


def import_run(task: Task, reporter: ProgressReporter) -> dict:
    """Read the task's file batch by batch; return counts of every outcome."""
    layout = Layout.from_params(task.params)
    batch_size = task.params.get("batch_size", 1000)
    path = Path(task.params["path"])
    if not path.exists():
        raise InvalidInput("The uploaded file is no longer there.")

    done_lines = task.processed_items  # committed by an earlier attempt
    tally = _tally_so_far(task)
    started = time.monotonic()
    batch: list[tuple[int, str, Parsed]] = []

    line_no = 0
    for line_no, text in read_lines(path):
        if line_no <= done_lines + layout.has_header:
            continue  # the header, or lines an earlier attempt committed
        if text is not None and not text.strip():
            tally["blank"] += 1  # a blank line is no entry: nothing to report
            continue
        batch.append(_read_cell(line_no, text, layout))
        if len(batch) >= batch_size:
            _store_batch(task, batch, tally, reporter, lines=line_no - layout.has_header)
            batch = []
            reporter.check_cancelled()

    lines = max(line_no - layout.has_header, done_lines)
    if batch or lines > task.processed_items:
        _store_batch(task, batch, tally, reporter, lines=lines)

    path.unlink(missing_ok=True)
    return _result(task, tally, started)


def _read_cell(line_no: int, text: str | None, layout: Layout) -> tuple[int, str, Parsed]:
    if text is None:
        return line_no, "", Parsed(None, reason=LINE_TOO_LONG)
    cells = split_line(text, layout.delimiter)
    raw = cells[layout.column] if layout.column < len(cells) else ""
    return line_no, raw, parse(raw)


def _store_batch(
    task, batch, tally: Counter, reporter: ProgressReporter, *, lines: int
) -> None:
    project_id = task.project_id
    first_seen: dict[str, int] = {}
    for line_no, _, parsed in batch:
        if parsed.ok:
            first_seen.setdefault("1" + parsed.national, line_no)

    with transaction.atomic():
        held = dict(
            PhoneNumber.objects.filter(project_id=project_id, number__in=list(first_seen))
            .values_list("number", "task_id")
        )
        new = [n for n in first_seen if n not in held]
        extensions = {"1" + p.national: p.extension for _, _, p in batch if p.ok}
        PhoneNumber.objects.bulk_create(
            [
                PhoneNumber(
                    project_id=project_id, task_id=task.task_id, number=number,
                    extension=extensions.get(number, ""),
                )
                for number in new
            ],
            ignore_conflicts=True,
        )
        # Another task may have stored some of them between the two queries.
        stored = set(
            PhoneNumber.objects.filter(
                project_id=project_id, task_id=task.task_id, number__in=new
            ).values_list("number", flat=True)
        )

        rows = [
            _report_row(task, line_no, raw, parsed, first_seen, held, stored)
            for line_no, raw, parsed in batch
        ]
        ImportRow.objects.bulk_create(rows)
        for row in rows:
            tally[row.outcome] += 1
            if row.outcome == ImportOutcome.REFUSED:
                tally[f"refused:{row.reason}"] += 1

        if stored:
            checked = numbers_validate(
                PhoneNumber.objects.filter(
                    project_id=project_id, task_id=task.task_id, number__in=stored
                ),
                low=0,
                high=None,
            )
            for status, n in checked.items():
                tally[f"validation:{status}"] += n

        reporter.advance(
            processed=lines,
            successful=tally[ImportOutcome.STORED],
            failed=tally[ImportOutcome.REFUSED],
            step=f"Imported {lines:,} of {task.total_items:,} lines",
        )


def _report_row(task, line_no, raw, parsed, first_seen, held, stored) -> ImportRow:
    row = ImportRow(
        task=task, line=line_no, raw=raw[:RAW_LIMIT], extension=parsed.extension
    )
    if not parsed.ok:
        row.outcome = ImportOutcome.REFUSED
        row.reason = str(parsed.reason)
        row.message = _message(parsed)
        row.number = "1" + parsed.national if parsed.national else ""
        return row

    number = "1" + parsed.national
    row.number = number
    if first_seen[number] != line_no or held.get(number) == task.task_id:
        row.outcome = ImportOutcome.DUPLICATE_IN_FILE
        row.message = "The same number is on an earlier line."
    elif number in stored:
        row.outcome = ImportOutcome.STORED
    else:
        row.outcome = ImportOutcome.DUPLICATE_IN_PROJECT
        row.message = "The project already holds this number."
    return row


def _message(parsed: Parsed) -> str:
    if parsed.reason == LINE_TOO_LONG:
        return "The line is too long to be a phone list entry."
    return parsed.message


def _tally_so_far(task: Task) -> Counter:
    tally: Counter = Counter()
    rows = ImportRow.objects.filter(task=task).values("outcome", "reason")
    for row in rows.annotate(n=Count("id")):
        tally[row["outcome"]] += row["n"]
        if row["outcome"] == ImportOutcome.REFUSED:
            tally[f"refused:{row['reason']}"] += row["n"]

    statuses = (
        PhoneNumber.objects.filter(task_id=task.task_id)
        .values("validation_status")
        .annotate(n=Count("id"))
    )
    for row in statuses:
        tally[f"validation:{row['validation_status']}"] += row["n"]
    return tally


def _result(task: Task, tally: Counter, started: float) -> dict:
    def prefixed(prefix: str) -> dict:
        return {k[len(prefix):]: v for k, v in tally.items() if k.startswith(prefix)}

    return {
        "file": task.params.get("filename", ""),
        "column": task.params.get("column_name") or task.params.get("column", 0) + 1,
        "lines": sum(tally[o] for o in ImportOutcome.values),
        "blank_lines": tally["blank"],
        "stored": tally[ImportOutcome.STORED],
        "duplicates_in_file": tally[ImportOutcome.DUPLICATE_IN_FILE],
        "duplicates_in_project": tally[ImportOutcome.DUPLICATE_IN_PROJECT],
        "refused": tally[ImportOutcome.REFUSED],
        "refused_by_reason": prefixed("refused:"),
        "validation": prefixed("validation:"),
        "seconds": round(time.monotonic() - started, 3),
    }


def _too_large() -> InvalidInput:
    limit = settings.PHONEGEN_IMPORT_MAX_BYTES // (1024 * 1024)
    return InvalidInput(
        f"The file is larger than {limit} MB.",
        errors={"file": [f"Files up to {limit} MB can be imported."]},
    )

