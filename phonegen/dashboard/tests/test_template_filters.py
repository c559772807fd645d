from datetime import datetime, timedelta, timezone

import pytest

from phonegen.numbering.nanp import Reason
from phonegen.numbering.parsing import ParseReason
from phonegen.numbers.importing.service import LINE_TOO_LONG
from phonegen.tasks.models import Task, TaskType

from ..templatetags.dashboard import REASON_LABELS, reason_label, task_summary, utc_time


class ReasonLabelTests:
    def test_every_refusal_reason_has_plain_words(self):
        codes = {*ParseReason, *Reason, LINE_TOO_LONG}

        assert set(REASON_LABELS) == codes
        for code in codes:
            assert "_" not in reason_label(code), code

    @pytest.mark.parametrize(
        ("code", "label"),
        [
            ("npa_format", "area code not valid"),
            ("nxx_n11", "exchange is an N11 code"),
            ("too_few_digits", "too few digits"),
            ("some_new_reason", "some new reason"),
            ("", ""),
        ],
    )
    def test_it_words_a_reason_code(self, code, label):
        assert reason_label(code) == label


class UtcTimeTests:
    def test_it_writes_24_hour_utc_whatever_the_zone(self):
        new_york = timezone(timedelta(hours=-5))
        moment = datetime(2025, 3, 1, 13, 25, 22, tzinfo=new_york)

        assert utc_time(moment) == "18:25:22 UTC"
        assert utc_time(None) == ""


@pytest.mark.django_db
def test_a_task_of_one_number_is_titled_in_the_singular(alice):
    task = Task.objects.create(
        user=alice,
        task_type=TaskType.GENERATION,
        params={"quantity": 1, "area_code": "917"},
        total_items=1,
    )

    assert task_summary(task) == "Generate 1 number in 917"
