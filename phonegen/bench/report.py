"""The figures of one bench run, the targets they are held to, and the table."""

from dataclasses import dataclass, field

# Targets of issue 5 (PostgreSQL with a real worker).
FLOOR_RATIO = 1.5
FLOOR_RATIO_FILTERED = 2.0
GENERATION_RATE = 100_000
VALIDATION_RATE = 100_000
SPEED_UP = 10.0
PEAK_MB = 500.0
# Peak memory of a task ten times bigger may exceed the smaller one's by this
# factor at most: allocator noise, not a cost per number.
GROWTH = 1.10
LATENCY_MS = 100.0

PG = "PostgreSQL"
LITE = "SQLite"
LOCAL = "in-process"


@dataclass
class Step:
    key: str
    backend: str
    label: str
    items: int
    seconds: float
    task_seconds: float | None = None
    peak_mb: float | None = None
    idle_mb: float | None = None
    latency_ms: tuple[float, float] | None = None  # median, p95

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Check:
    label: str
    shown: str
    goal: str
    passed: bool | None  # None: the figures it needs are missing


@dataclass
class Report:
    quantity: int
    context: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, step: Step) -> Step:
        self.steps.append(step)
        return step

    def get(self, backend: str, key: str) -> Step | None:
        return next(
            (s for s in self.steps if s.backend == backend and s.key == key), None
        )

    def ratio(self, backend: str, key: str, base: str) -> float | None:
        step, floor = self.get(backend, key), self.get(backend, base)
        if step is None or floor is None or floor.seconds <= 0:
            return None
        return step.seconds / floor.seconds

    def checks(self) -> list[Check]:
        checks = [
            _at_most(
                "PostgreSQL generation / floor, no filter",
                self.ratio(PG, "gen", "floor"), FLOOR_RATIO, "x",
            ),
            _at_most(
                "PostgreSQL generation / floor, filtered",
                self.ratio(PG, "gen_filtered", "floor_filtered"),
                FLOOR_RATIO_FILTERED, "x",
            ),
            _at_least(
                "PostgreSQL generation rate, no filter",
                _rate(self.get(PG, "gen")), GENERATION_RATE, "/s",
            ),
            _at_least(
                "PostgreSQL validation rate",
                _rate(self.get(PG, "validate")), VALIDATION_RATE, "/s",
            ),
            _at_least(
                "validation speed-up over phonenumbers",
                _speed_up(self.get(PG, "validate"), self.get(LOCAL, "phonenumbers")),
                SPEED_UP, "x",
            ),
            _at_most(
                "worker peak memory, largest task",
                self._largest_peak(), PEAK_MB, " MB",
            ),
            _at_most(
                "worker peak memory, 10x the quantity",
                self._growth(), GROWTH, "x",
            ),
            _at_most(
                "progress request median while generating",
                self._latency(), LATENCY_MS, " ms",
            ),
        ]  # fmt: skip
        return checks

    def _largest_peak(self) -> float | None:
        peaks = [s.peak_mb for s in self.steps if s.backend == PG and s.peak_mb]
        return max(peaks) if peaks else None

    def _growth(self) -> float | None:
        big, small = self.get(PG, "gen"), self.get(PG, "gen_small")
        if big is None or small is None or not big.peak_mb or not small.peak_mb:
            return None
        return big.peak_mb / small.peak_mb

    def _latency(self) -> float | None:
        medians = [
            s.latency_ms[0]
            for s in self.steps
            if s.backend == PG and s.key.startswith("gen") and s.latency_ms
        ]
        return max(medians) if medians else None


def _rate(step: Step | None) -> float | None:
    return step.rate if step else None


def _speed_up(ours: Step | None, theirs: Step | None) -> float | None:
    if ours is None or theirs is None or theirs.rate <= 0:
        return None
    return ours.rate / theirs.rate


def _fmt(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "/s":
        return f"{value:,.0f}/s"
    return f"{value:,.0f}{unit}"


def _at_most(label: str, value: float | None, goal: float, unit: str) -> Check:
    if value is None:
        return Check(label, "-", f"<= {_fmt(goal, unit)}", None)
    return Check(label, _fmt(value, unit), f"<= {_fmt(goal, unit)}", value <= goal)


def _at_least(label: str, value: float | None, goal: float, unit: str) -> Check:
    if value is None:
        return Check(label, "-", f">= {_fmt(goal, unit)}", None)
    return Check(label, _fmt(value, unit), f">= {_fmt(goal, unit)}", value >= goal)
