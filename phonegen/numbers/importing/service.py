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
from django.db.models import Count, Max
from django.utils import timezone

from phonegen.errors import InvalidInput, PayloadTooLarge
from phonegen.numbering.parsing import Parsed, parse
from phonegen.tasks.models import Task, TaskType
from phonegen.tasks.services import (
    ProgressReporter,
    TaskCancelled,
    task_create,
    task_enqueue,
)

from ..models import ImportOutcome, ImportRow, PhoneNumber, Project
from ..services.statistics import statistics_refresh
from ..services.validation_batches import numbers_validate_isolated
from .reader import Layout, count_lines, detect_layout, read_lines, split_line
from .storage import ReportRow, import_numbers_insert, import_rows_insert

logger = logging.getLogger(__name__)

RAW_LIMIT = 200
LINE_TOO_LONG = "line_too_long"


def upload_dir() -> Path:
    path = Path(settings.PHONEGEN_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(task: Task) -> Path:
    """Where the file of the import ``task`` waits for its worker."""
    if "upload" in task.params:
        return upload_dir() / task.params["upload"]
    return Path(task.params["path"])  # tasks queued before uploads were named


def import_size_check(size: int | None) -> None:
    """Refuse a file of ``size`` bytes above ``PHONEGEN_IMPORT_MAX_BYTES`` (413)."""
    if size is not None and size > settings.PHONEGEN_IMPORT_MAX_BYTES:
        raise _too_large()


def import_save_upload(upload: UploadedFile) -> Path:
    """Copy an uploaded file where workers can read it; refuse one too large."""
    import_size_check(upload.size)

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
    import_size_check(source.stat().st_size)
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
            # The name only: the folder is the deployment's, and clients who
            # read a task's parameters need not learn server paths.
            "upload": path.name,
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
        task.task_id,
        filename,
        lines,
        layout.column_name or layout.column + 1,
    )
    return task


def import_run(task: Task, reporter: ProgressReporter) -> dict:
    """Read the task's file batch by batch; return counts of every outcome."""
    layout = Layout.from_params(task.params)
    batch_size = task.params.get("batch_size", 1000)
    path = upload_path(task)
    tally = _tally_so_far(task)
    started = time.monotonic()
    if not path.exists():
        if task.total_items and task.processed_items >= task.total_items:
            # An earlier attempt read it all and removed it; only the end was lost.
            return _result(task, tally, started, lines=task.processed_items)
        raise InvalidInput("The uploaded file is no longer there.")

    # Lines up to the last reported one were committed by an earlier attempt.
    resume_after = _last_reported_line(task)
    if reporter.resumed_cancelled():
        path.unlink(missing_ok=True)
        raise TaskCancelled(_result(task, tally, started, lines=task.processed_items))
    batch: list[tuple[int, str, Parsed]] = []
    lines = 0  # lines read, the header apart
    try:
        for line_no, text in read_lines(path):
            if line_no == layout.header_line:
                continue
            lines += 1
            if line_no <= resume_after or (text is not None and not text.strip()):
                continue  # committed already, or a blank line: no entry to report
            batch.append(_read_cell(line_no, text, layout))
            if len(batch) >= batch_size:
                _store_batch(task, batch, tally, reporter, lines=lines)
                batch = []
                reporter.check_cancelled()
    except TaskCancelled:
        path.unlink(missing_ok=True)
        raise TaskCancelled(_result(task, tally, started, lines=lines)) from None

    if batch or lines > task.processed_items:
        _store_batch(task, batch, tally, reporter, lines=lines)

    path.unlink(missing_ok=True)
    result = _result(task, tally, started, lines=lines)
    logger.info(
        "task %s: import of %s done: %d stored, %d duplicates, %d refused",
        task.task_id, result["file"], result["stored"],
        result["duplicates_in_file"] + result["duplicates_in_project"],
        result["refused"],
    )  # fmt: skip
    return result


def _last_reported_line(task: Task) -> int:
    last = ImportRow.objects.filter(task=task).aggregate(last=Max("line"))["last"]
    return last or 0


def _read_cell(
    line_no: int, text: str | None, layout: Layout
) -> tuple[int, str, Parsed]:
    if text is None:
        return line_no, "", Parsed(None, reason=LINE_TOO_LONG)
    cells = split_line(text, layout.delimiter)
    raw = cells[layout.column] if layout.column < len(cells) else ""
    # PostgreSQL text cannot hold NUL; the report shows where one was.
    raw = raw.replace("\x00", "\ufffd")
    return line_no, raw, parse(raw)


def _store_batch(
    task, batch, tally: Counter, reporter: ProgressReporter, *, lines: int
) -> None:
    project_id = task.project_id
    first_seen: dict[str, int] = {}
    # The stored number keeps the extension of the line it came from.
    extensions: dict[str, str] = {}
    for line_no, _, parsed in batch:
        if parsed.ok:
            number = "1" + parsed.national
            if number not in first_seen:
                first_seen[number] = line_no
                extensions[number] = parsed.extension

    # The first batches of a large file make the tables outgrow what the
    # planner knows of them.
    statistics_refresh(PhoneNumber, ImportRow)
    with transaction.atomic():
        held = dict(
            PhoneNumber.objects.filter(
                project_id=project_id, number__in=list(first_seen)
            ).values_list("number", "task_id")
        )
        new = [n for n in first_seen if n not in held]
        import_numbers_insert(
            project_id=project_id,
            task_id=task.task_id,
            numbers=[(number, extensions[number]) for number in new],
            now=timezone.now(),
        )
        # Another task may have stored some of them between the two queries.
        stored_ids = dict(
            PhoneNumber.objects.filter(
                project_id=project_id, task_id=task.task_id, number__in=new
            ).values_list("number", "id")
        )
        stored = set(stored_ids)

        rows = [
            _report_row(task, line_no, raw, parsed, first_seen, held, stored)
            for line_no, raw, parsed in batch
        ]
        import_rows_insert(task_id=task.task_id, rows=rows)
        for row in rows:
            tally[row.outcome] += 1
            if row.outcome == ImportOutcome.REFUSED:
                tally[f"refused:{row.reason}"] += 1

        if stored:
            # This batch's numbers are the task's in its range of new ids.
            checked = numbers_validate_isolated(
                PhoneNumber.objects.filter(
                    task_id=task.task_id,
                    id__gte=min(stored_ids.values()),
                    id__lte=max(stored_ids.values()),
                )
            )
            for status, n in checked.items():
                tally[f"validation:{status}"] += n

        reporter.advance(
            processed=lines,
            successful=tally[ImportOutcome.STORED],
            failed=tally[ImportOutcome.REFUSED],
            step=f"Imported {lines:,} of {task.total_items:,} lines",
        )


def _report_row(task, line_no, raw, parsed, first_seen, held, stored) -> ReportRow:
    raw = raw[:RAW_LIMIT]
    if not parsed.ok:
        number = "1" + parsed.national if parsed.national else ""
        return ReportRow(
            line_no,
            raw,
            ImportOutcome.REFUSED.value,
            str(parsed.reason),
            _message(parsed),
            number,
            parsed.extension,
        )

    number = "1" + parsed.national
    if first_seen[number] != line_no or held.get(number) == task.task_id:
        outcome = ImportOutcome.DUPLICATE_IN_FILE.value
        message = "The same number is on an earlier line."
    elif number in stored:
        outcome, message = ImportOutcome.STORED.value, ""
    else:
        outcome = ImportOutcome.DUPLICATE_IN_PROJECT.value
        message = "The project already holds this number."
    return ReportRow(line_no, raw, outcome, "", message, number, parsed.extension)


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


def _result(task: Task, tally: Counter, started: float, *, lines: int) -> dict:
    def prefixed(prefix: str) -> dict:
        return {k[len(prefix) :]: v for k, v in tally.items() if k.startswith(prefix)}

    reported = sum(tally[o] for o in ImportOutcome.values)
    return {
        "file": task.params.get("filename", ""),
        "column": task.params.get("column_name") or task.params.get("column", 0) + 1,
        "lines": reported,
        # Blank lines get no report row: they are what was read and not reported.
        "blank_lines": max(0, lines - reported),
        "stored": tally[ImportOutcome.STORED],
        "duplicates_in_file": tally[ImportOutcome.DUPLICATE_IN_FILE],
        "duplicates_in_project": tally[ImportOutcome.DUPLICATE_IN_PROJECT],
        "refused": tally[ImportOutcome.REFUSED],
        "refused_by_reason": prefixed("refused:"),
        "validation": prefixed("validation:"),
        "seconds": round(time.monotonic() - started, 3),
    }


def _too_large() -> PayloadTooLarge:
    limit = _size(settings.PHONEGEN_IMPORT_MAX_BYTES)
    return PayloadTooLarge(
        f"The file is larger than {limit}.",
        errors={"file": [f"Files up to {limit} can be imported."]},
    )


def _size(n: int) -> str:
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:,.{0 if n % scale == 0 else 1}f} {unit}"
    return f"{n:,} bytes"
