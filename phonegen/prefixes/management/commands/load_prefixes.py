from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from phonegen.prefixes.loaders import SOURCES, LoadError, LoadResult, prefixes_load


class Command(BaseCommand):
    help = (
        "Load the prefix database from one source. Re-running updates rows and "
        "never duplicates them; a later source fills fields an earlier one left "
        "empty and never erases a known one."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--source", required=True, choices=list(SOURCES))
        parser.add_argument(
            "file",
            nargs="?",
            help="file to read (nanpa, csv, json; optional for nanpa-blocks)",
        )
        parser.add_argument(
            "--npa",
            action="append",
            dest="npas",
            metavar="NPA",
            help="load only this area code (repeat, or separate with commas)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        npas = [npa for raw in options["npas"] or [] for npa in raw.split(",") if npa]
        try:
            result = prefixes_load(
                source=options["source"], path=options["file"], npas=npas or None
            )
        except LoadError as exc:
            raise CommandError(str(exc)) from exc

        self.stdout.write(self._summary(result, options["file"]))

    def _summary(self, result: LoadResult, file: str | None) -> str:
        origin = f" from {file}" if file else ""
        lines = [
            f"Loaded {result.source}{origin} in {result.seconds:.1f}s:",
            f"  rows read  {result.rows_read:>9,}",
            f"  created    {result.created:>9,}",
            f"  updated    {result.updated:>9,}",
            f"  unchanged  {result.unchanged:>9,}",
            f"  skipped    {result.skipped_total:>9,}",
        ]
        lines += [
            f"    {count:>9,}  {reason}" for reason, count in result.skipped.items()
        ]
        if result.blocks_placed:
            lines.append(
                f"  {result.blocks_placed:,} stored thousands blocks took the city "
                "and state of their NPA-NXX"
            )
        return "\n".join(lines)
