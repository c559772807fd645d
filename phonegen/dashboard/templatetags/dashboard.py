"""How the dashboard words tasks, counts and durations."""

from datetime import UTC, datetime

from django import template

from phonegen.numbering.nanp import Reason
from phonegen.numbering.parsing import ParseReason
from phonegen.numbers.importing.service import LINE_TOO_LONG
from phonegen.numbers.models import ImportOutcome
from phonegen.prefixes.models import LineTypeChoices
from phonegen.tasks.models import Task, TaskType

register = template.Library()

LINE_TYPES = dict(LineTypeChoices.choices)
OUTCOMES = dict(ImportOutcome.choices)

# Why an import refused a line, in a few plain words for tags and table cells;
# the numbering package's messages are whole sentences, shown beside them.
REASON_LABELS = {
    ParseReason.EMPTY: "empty cell",
    ParseReason.SCIENTIFIC_NOTATION: "scientific notation",
    ParseReason.LETTERS: "contains letters",
    ParseReason.BAD_CHARACTERS: "characters not in phone numbers",
    ParseReason.TOO_FEW_DIGITS: "too few digits",
    ParseReason.TOO_MANY_DIGITS: "too many digits",
    ParseReason.NOT_NANP: "country code not +1",
    Reason.WRONG_LENGTH: "not 10 digits",
    Reason.NOT_DIGITS: "not all digits",
    Reason.NPA_FORMAT: "area code not valid",
    Reason.NPA_N11: "area code is an N11 code",
    Reason.NXX_FORMAT: "exchange not valid",
    Reason.NXX_N11: "exchange is an N11 code",
    Reason.FICTIONAL: "reserved for fiction (555)",
    LINE_TOO_LONG: "line too long",
}


@register.filter
def thousands(value) -> str:
    """``20000`` -> ``20,000``; anything not a number as it is."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "" if value is None else str(value)


@register.filter
def duration(seconds: float | None) -> str:
    """``0.42`` -> ``0.4 s``, ``75`` -> ``1 min 15 s``."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


@register.filter
def line_type_label(value: str) -> str:
    return LINE_TYPES.get(value, value)


@register.filter
def outcome_label(value: str) -> str:
    return OUTCOMES.get(value, value)


@register.filter
def reason_label(reason: str) -> str:
    """``nxx_n11`` -> ``exchange is an N11 code``; a code not known yet is
    shown with spaces rather than hidden."""
    if not reason:
        return ""
    return REASON_LABELS.get(reason, str(reason).replace("_", " "))


@register.filter
def utc_time(moment: datetime | None) -> str:
    """``18:25:22 UTC``: every time on the dashboard, server- or script-drawn,
    is written so, whatever the server's or the browser's time zone."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%H:%M:%S UTC")


@register.filter
def task_summary(task: Task) -> str:
    """What the task does, in a few words: ``20,000 numbers in 917, mobile``."""
    params = task.params or {}
    if task.task_type == TaskType.GENERATION:
        filters = [
            params.get("carrier_filter") or "",
            LINE_TYPES.get(params.get("line_type") or "", ""),
        ]
        quantity = params.get("quantity")
        noun = "number" if quantity == 1 else "numbers"
        text = f"Generate {thousands(quantity)} {noun} in "
        text += str(params.get("area_code", ""))
        return ", ".join([text, *[f for f in filters if f]])
    if task.task_type == TaskType.VALIDATION:
        noun = "number" if task.total_items == 1 else "numbers"
        return f"Validate {thousands(task.total_items)} {noun}"
    if task.task_type == TaskType.IMPORT:
        return f"Import {params.get('filename') or 'a list'}"
    return task.get_task_type_display()


@register.filter
def task_counts(task: Task) -> list[tuple[str, str]]:
    """The figures of a finished task worth showing, as (label, value) pairs."""
    result = task.result_data or {}
    if task.task_type == TaskType.VALIDATION:
        pairs = [("valid", result.get("valid")), ("invalid", result.get("invalid"))]
        pairs.append(("failed", result.get("failed", task.failed_items)))
    elif task.task_type == TaskType.IMPORT:
        pairs = [
            ("stored", result.get("stored")),
            ("duplicates", _sum(result, "duplicates_in_file", "duplicates_in_project")),
            ("refused", result.get("refused")),
        ]
    else:
        pairs = [("stored", task.successful_items), ("failed", task.failed_items)]
    return [(label, thousands(value)) for label, value in pairs if value is not None]


def _sum(result: dict, *keys: str) -> int | None:
    values = [result[key] for key in keys if key in result]
    return sum(values) if values else None
