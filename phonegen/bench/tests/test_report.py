"""The bench's figures, targets and table, without running anything."""

from phonegen.bench.render import render
from phonegen.bench.report import LOCAL, PG, Report, Step


def _report() -> Report:
    report = Report(quantity=1_000_000, context={"machine": "2 CPUs"})
    report.add(Step("gen", PG, "generate", 1_000_000, 12.0, peak_mb=110.0))
    report.add(Step("floor", PG, "floor", 1_000_000, 10.0))
    report.add(Step("gen_small", PG, "generate small", 100_000, 1.5, peak_mb=105.0))
    report.add(
        Step("validate", PG, "validate", 1_000_000, 5.0, latency_ms=(20.0, 40.0))
    )
    report.add(Step("phonenumbers", LOCAL, "phonenumbers", 100_000, 5.0))
    return report


class ReportTests:
    def test_it_divides_generation_by_its_floor(self) -> None:
        assert _report().ratio(PG, "gen", "floor") == 1.2

    def test_it_marks_targets_passed_failed_or_missing(self) -> None:
        verdicts = {check.label: check.passed for check in _report().checks()}

        assert verdicts["PostgreSQL generation / floor, no filter"] is True
        assert verdicts["PostgreSQL generation rate, no filter"] is False
        assert verdicts["PostgreSQL validation rate"] is True
        assert verdicts["validation speed-up over phonenumbers"] is True
        assert verdicts["worker peak memory, 10x the quantity"] is True
        # No filtered run and no generation latencies: nothing to judge.
        assert verdicts["PostgreSQL generation / floor, filtered"] is None
        assert verdicts["progress request median while generating"] is None

    def test_it_renders_every_step_and_verdict(self) -> None:
        text = render(_report())

        assert "generate small" in text
        assert "1.20x" in text
        assert "PASS" in text and "FAIL" in text and "n/a" in text
        assert "Errors" not in text
