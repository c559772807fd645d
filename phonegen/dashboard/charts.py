"""A project's numbers by carrier and line type as stacked bars, laid out here
so that the template only draws what it is given."""

from dataclasses import dataclass, field

from phonegen.prefixes.models import LineTypeChoices

# Bars drawn; smaller carriers share one "Other carriers" bar.
MAX_BARS = 8
OTHER = "Other carriers"
BAR_HEIGHT = 22
BAR_GAP = 10
LABEL_WIDTH = 180
PLOT_WIDTH = 315
COUNT_WIDTH = 70
WIDTH = LABEL_WIDTH + PLOT_WIDTH + COUNT_WIDTH
LABEL_CHARS = 18

# One colour per line type, told apart also without colour vision (legend and
# table beside the chart give the same figures).
COLOURS = {
    "mobile": "#1f6fb2",
    "landline": "#e08a1e",
    "voip": "#2e9e5b",
    "toll_free": "#8a5ac2",
    "premium": "#c2415a",
    "personal": "#5a8a8a",
    "pager": "#7a6a3a",
    "unknown": "#8c8c8c",
}
LABELS = dict(LineTypeChoices.choices)


@dataclass
class Segment:
    line_type: str
    label: str
    count: int
    x: float
    width: float
    colour: str


@dataclass
class Bar:
    brand: str
    total: int
    y: int
    segments: list[Segment] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The brand cut to fit beside the bar; the full name is its tooltip."""
        if len(self.brand) <= LABEL_CHARS:
            return self.brand
        return self.brand[: LABEL_CHARS - 1].rstrip() + "\u2026"


@dataclass
class Chart:
    bars: list[Bar]
    legend: list[tuple[str, str, int]]  # label, colour, count
    total: int
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    count_x: int = LABEL_WIDTH + PLOT_WIDTH + 6


def carrier_chart(rows: list[dict]) -> Chart:
    """Stacked bars of ``number_breakdown`` rows: one per brand, largest first."""
    per_brand: dict[str, dict[str, int]] = {}
    for row in rows:
        brand = row["brand"] or "(no carrier)"
        counts = per_brand.setdefault(brand, {})
        counts[row["line_type"]] = counts.get(row["line_type"], 0) + row["count"]

    ranked = sorted(
        per_brand.items(), key=lambda item: (-sum(item[1].values()), item[0])
    )
    if len(ranked) > MAX_BARS:
        other: dict[str, int] = {}
        for _, counts in ranked[MAX_BARS - 1 :]:
            for line_type, count in counts.items():
                other[line_type] = other.get(line_type, 0) + count
        ranked = [*ranked[: MAX_BARS - 1], (OTHER, other)]

    largest = max((sum(counts.values()) for _, counts in ranked), default=0)
    bars = [
        _bar(brand, counts, index, largest)
        for index, (brand, counts) in enumerate(ranked)
    ]
    types: dict[str, int] = {}
    for _, counts in ranked:
        for line_type, count in counts.items():
            types[line_type] = types.get(line_type, 0) + count
    legend = [
        (LABELS.get(line_type, line_type), _colour(line_type), count)
        for line_type, count in sorted(types.items(), key=lambda item: -item[1])
    ]
    height = len(bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    return Chart(bars=bars, legend=legend, total=sum(types.values()), height=height)


def _bar(brand: str, counts: dict[str, int], index: int, largest: int) -> Bar:
    y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
    bar = Bar(brand=brand, total=sum(counts.values()), y=y)
    x = float(LABEL_WIDTH)
    for line_type, count in sorted(counts.items(), key=lambda item: -item[1]):
        width = PLOT_WIDTH * count / largest if largest else 0.0
        bar.segments.append(
            Segment(
                line_type=line_type,
                label=LABELS.get(line_type, line_type),
                count=count,
                x=round(x, 2),
                width=round(width, 2),
                colour=_colour(line_type),
            )
        )
        x += width
    return bar


def _colour(line_type: str) -> str:
    return COLOURS.get(line_type, COLOURS["unknown"])
