"""What the command line writes: errors on stderr, summaries on stdout."""

import os
from collections.abc import Iterable
from pathlib import Path

from . import CliError


def out_path(raw: str | None) -> Path | None:
    """The ``--out`` file, checked before any work: a CliError for a path no
    file can be written at, rather than a traceback once the work is done."""
    if not raw:
        return None
    out = Path(raw)
    try:
        if out.is_dir():
            raise CliError(f"--out is a folder, not a file: {out}")
        if out.is_symlink() and not out.exists():
            raise CliError(f"--out is a link to nothing: {out}")
        if not out.parent.is_dir():
            raise CliError(f"no such folder for --out: {out.parent}")
        if not os.access(out if out.exists() else out.parent, os.W_OK):
            raise CliError(f"cannot write --out here: {out}")
    except OSError as error:
        raise CliError(f"cannot use --out {out}: {error.strerror}") from None
    return out


def write_failure(out: Path, error: OSError, project) -> CliError:
    """The error for an ``--out`` that failed once written to (a full disk, a
    file the system refuses): the work itself is stored and kept."""
    return CliError(
        f"could not write {out}: {error.strerror}; the results are kept in "
        f"project {project.pk}"
    )


def error_report(error: Exception) -> str | None:
    """The stderr text for ``error``, or None for an error that is a bug."""
    from phonegen.errors import PhonegenError

    if isinstance(error, CliError):
        return f"phonegen: error: {error}\n"
    if not isinstance(error, PhonegenError):
        return None

    lines = [f"phonegen: error: {error.message}"]
    for field, messages in error.errors.items():
        lines += [f"  {field}: {message}" for message in messages]
    carriers = error.extra.get("carriers")
    if carriers:
        lines.append(f"What {error.extra.get('area_code', 'the area code')} has:")
        lines += [
            f"  {row['brand'] or '(no brand)':<32} {row['line_type']:<10}"
            f" {row['available_numbers']:>12,} numbers"
            for row in carriers
        ]
    return "\n".join(lines) + "\n"


def table(rows: Iterable[tuple[str, object]], *, indent: int = 2) -> list[str]:
    """``label  value`` lines with the values right-aligned."""
    rows = list(rows)
    width = max((len(label) for label, _ in rows), default=0)
    return [
        f"{' ' * indent}{label:<{width}}  {_number(value):>10}" for label, value in rows
    ]


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)
