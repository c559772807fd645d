"""The ``python -m phonegen`` command line.

It runs the product's own task code in this process, against the configured
database (the embedded SQLite file under ``var/`` by default, PostgreSQL with
``DATABASE_URL``), and draws a progress bar from the task's row as the API
would report it::

    python -m phonegen validate numbers.csv --out enriched.csv
    python -m phonegen generate --area-code 212 --quantity 50000 --type mobile \\
        --out numbers.csv
"""

import argparse
import sys

from phonegen.numbering.line_types import LineType, parse_line_type
from phonegen.numbering.nanp import is_area_code, is_digits

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130

MAX_QUANTITY = 1_000_000

EPILOG = """\
Each run works in a new project of the user 'cli', which keeps the numbers
and the report afterwards. Settings come from the environment as for the
server: DATABASE_URL, PHONEGEN_VAR_DIR, SQLITE_PATH, PHONEGEN_IMPORT_MAX_BYTES.
Exit status: 0 done, 1 refused or failed, 2 bad arguments, 130 interrupted.
"""


class CliError(Exception):
    """A problem to report on stderr before exiting with status 1."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)

    # Imported only now: --help and argument errors need no Django.
    from .output import error_report

    try:
        return args.command(args)
    except KeyboardInterrupt:
        sys.stderr.write("phonegen: interrupted\n")
        return EXIT_INTERRUPTED
    except Exception as error:
        handled = error_report(error)
        if handled is None:
            raise
        sys.stderr.write(handled)
        return EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m phonegen",
        description="Generate and validate North American phone numbers.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    validate = commands.add_parser(
        "validate",
        help="import a phone list, validate it and write the enriched rows",
        description=(
            "Read FILE (CSV or one number a line; UTF-8 with or without BOM, or "
            "Latin-1), store each valid number once, validate it against the "
            "prefix database, print a summary and optionally write every line "
            "with its outcome as CSV."
        ),
    )
    validate.add_argument("file", metavar="FILE", help="the phone list to read")
    validate.add_argument("--out", metavar="CSV", help="write the enriched rows here")
    validate.add_argument(
        "--column", help="phone column: header name or 1-based position"
    )
    _common_arguments(validate)
    validate.set_defaults(command=_validate)

    generate = commands.add_parser(
        "generate",
        help="generate numbers of one area code and write them as CSV",
        description=(
            "Draw QUANTITY distinct numbers at random from the prefixes of an "
            "area code that match the filters, and write them as the export CSV."
        ),
    )
    generate.add_argument("--area-code", required=True, type=_area_code, metavar="NPA")
    generate.add_argument(
        "--quantity", required=True, type=_quantity, metavar="N", help="1 to 1,000,000"
    )
    generate.add_argument(
        "--type",
        type=_line_type,
        metavar="TYPE",
        help=f"line type: {', '.join(t.value for t in LineType)} (or cell, fixed...)",
    )
    generate.add_argument("--carrier", help="brand or part of the carrier name")
    generate.add_argument("--out", metavar="CSV", help="write the numbers here")
    _common_arguments(generate)
    generate.set_defaults(command=_generate)
    return parser


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--batch-size",
        type=_batch_size,
        default=1000,
        metavar="N",
        help="100 to 10,000",
    )
    parser.add_argument(
        "--no-progress",
        dest="progress",
        action="store_false",
        default=None,
        help="draw no progress bar (none is drawn when stderr is not a terminal)",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="log what the task does on stderr"
    )


def _validate(args: argparse.Namespace) -> int:
    from .validate import validate_command

    return validate_command(args)


def _generate(args: argparse.Namespace) -> int:
    from .generate import generate_command

    return generate_command(args)


def _area_code(raw: str) -> str:
    if not is_area_code(raw):
        raise argparse.ArgumentTypeError(
            f"'{raw}' is not an area code: three digits, the first 2-9, not N11"
        )
    return raw


def _line_type(raw: str) -> str:
    line_type = parse_line_type(raw)
    if line_type is None:
        raise argparse.ArgumentTypeError(f"unknown line type '{raw}'")
    return line_type.value


def _bounded(raw: str, low: int, high: int) -> int:
    # Thousands separators are welcome; other scripts' digits, which int()
    # would read too, are not.
    digits = raw.replace(",", "").replace("_", "")
    if not is_digits(digits):
        raise argparse.ArgumentTypeError(f"'{raw}' is not a whole number")
    value = int(digits)
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{value:,} is not within {low:,}..{high:,}")
    return value


def _quantity(raw: str) -> int:
    return _bounded(raw, 1, MAX_QUANTITY)


def _batch_size(raw: str) -> int:
    return _bounded(raw, 100, 10_000)
