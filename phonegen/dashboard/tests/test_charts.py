from ..charts import LABEL_CHARS, MAX_BARS, OTHER, PLOT_WIDTH, carrier_chart


def _row(brand: str, line_type: str, count: int) -> dict:
    return {"brand": brand, "line_type": line_type, "count": count}


class CarrierChartTests:
    def test_it_stacks_line_types_in_one_bar_per_carrier(self):
        chart = carrier_chart(
            [
                _row("Verizon", "mobile", 300),
                _row("Verizon", "landline", 100),
                _row("AT&T", "mobile", 200),
            ]
        )

        assert [bar.brand for bar in chart.bars] == ["Verizon", "AT&T"]
        verizon, att = chart.bars
        assert [s.line_type for s in verizon.segments] == ["mobile", "landline"]
        assert verizon.segments[0].width == PLOT_WIDTH * 300 / 400
        first = verizon.segments[0]
        assert verizon.segments[1].x == first.x + first.width
        assert att.segments[0].width == PLOT_WIDTH / 2
        assert chart.total == 600
        assert chart.legend[0][0] == "Mobile"

    def test_it_groups_the_smallest_carriers(self):
        rows = [_row(f"Carrier {n:02d}", "mobile", 100 - n) for n in range(12)]

        chart = carrier_chart(rows)

        assert len(chart.bars) == MAX_BARS
        assert chart.bars[-1].brand == OTHER
        assert chart.bars[-1].total == sum(100 - n for n in range(MAX_BARS - 1, 12))

    def test_it_draws_nothing_without_numbers(self):
        chart = carrier_chart([])

        assert chart.bars == []
        assert chart.total == 0

    def test_it_shortens_long_names_in_the_label_only(self):
        chart = carrier_chart(
            [_row("USA MOBILITY WIRELESS, INC. OF NEW YORK", "pager", 1)]
        )

        bar = chart.bars[0]
        assert bar.brand == "USA MOBILITY WIRELESS, INC. OF NEW YORK"
        assert len(bar.label) <= LABEL_CHARS
        assert bar.label.endswith("\u2026")
