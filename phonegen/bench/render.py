"""The bench's output: a plain-text table of steps, ratios and targets."""

from .report import LITE, PG, Check, Report, Step

HEADERS = (
    "step", "database", "numbers", "seconds", "numbers/s", "in task s",
    "peak MB (idle)", "progress ms (p50/p95)",
)  # fmt: skip


def render(report: Report) -> str:
    lines = [f"phonegen bench: {report.quantity:,} numbers per task"]
    lines += [f"  {name}: {value}" for name, value in report.context.items()]
    lines += ["", *_table([_row(step) for step in report.steps]), ""]

    lines.append("Ratios")
    for backend in (PG, LITE):
        for label, key, base in (
            ("generation / floor, no filter", "gen", "floor"),
            ("generation / floor, filtered", "gen_filtered", "floor_filtered"),
        ):
            ratio = report.ratio(backend, key, base)
            if ratio is not None:
                lines.append(f"  {backend} {label}: {ratio:.2f}x")
    lines.append("")

    lines.append("Targets (PostgreSQL with a Celery worker)")
    checks = report.checks()
    width = max(len(check.label) for check in checks)
    lines += [_check_line(check, width) for check in checks]

    if report.errors:
        lines += ["", "Errors"]
        lines += [f"  {error}" for error in report.errors]
    return "\n".join(lines) + "\n"


def _row(step: Step) -> tuple[str, ...]:
    memory = "-"
    if step.peak_mb is not None:
        idle = f" ({step.idle_mb:,.0f})" if step.idle_mb is not None else ""
        memory = f"{step.peak_mb:,.0f}{idle}"
    latency = "-"
    if step.latency_ms is not None:
        latency = f"{step.latency_ms[0]:.1f} / {step.latency_ms[1]:.1f}"
    task = f"{step.task_seconds:.2f}" if step.task_seconds is not None else "-"
    return (
        step.label,
        step.backend,
        f"{step.items:,}",
        f"{step.seconds:.2f}",
        f"{step.rate:,.0f}",
        task,
        memory,
        latency,
    )


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]

    def line(row: tuple[str, ...]) -> str:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [cell.rjust(width) for cell, width in zip(row[2:], widths[2:])]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return [line(HEADERS), rule, *(line(row) for row in rows)]


def _check_line(check: Check, width: int) -> str:
    verdict = {True: "PASS", False: "FAIL", None: "n/a"}[check.passed]
    return (
        f"  {check.label.ljust(width)}  {check.shown:>12}  {check.goal:>14}  {verdict}"
    )
