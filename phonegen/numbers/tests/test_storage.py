"""The bulk write of a generated batch: COPY on PostgreSQL, INSERT on SQLite."""

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone

from phonegen.numbers.models import PhoneNumber
from phonegen.numbers.services import storage
from phonegen.numbers.services.generation import GenerationRequest, generation_start
from phonegen.prefixes.selectors import PrefixInfo

OWNER = PrefixInfo(
    prefix="212200",
    carrier="CARRIER\tWITH A TAB, INC.",
    brand="Brand",
    ocn="1234",
    line_type="mobile",
    city="New York",
    state="NY",
    country="US",
)


@pytest.fixture
def task(owner, project, small_npa):
    request = GenerationRequest(area_code="212", quantity=1)
    return generation_start(user=owner, project=project, request=request, enqueue=False)


def insert(task, nationals: list[int]) -> int:
    numbers = np.array(sorted(nationals), dtype=np.int64)
    with transaction.atomic():
        return storage.numbers_insert(
            project_id=task.project_id,
            task_id=str(task.task_id),
            numbers=numbers,
            owners=[OWNER] * len(numbers),
            now=timezone.now(),
        )


@pytest.mark.django_db
class NumbersInsertTests:
    def test_it_stores_a_batch_of_several_chunks_whole(self, task):
        nationals = [2122000000 + k for k in range(2 * storage.CHUNK_ROWS + 500)]

        assert insert(task, nationals) == len(nationals)

        stored = PhoneNumber.objects.filter(task=task)
        assert stored.count() == len(nationals)
        assert sorted(int(n[1:]) for n in stored.values_list("number", flat=True)) == (
            nationals
        )
        row = stored.get(number="12122000001")
        assert (row.carrier, row.line_type, row.validation_status) == (
            OWNER.carrier,
            "mobile",
            "valid",
        )

    def test_it_stores_only_the_numbers_the_project_lacks(self, task):
        insert(task, [2122001000, 2122001001])
        nationals = [2122001001 + k for k in range(storage.CHUNK_ROWS + 1)]

        added = insert(task, nationals)

        assert added == storage.CHUNK_ROWS
        assert PhoneNumber.objects.filter(task=task).count() == (storage.CHUNK_ROWS + 2)
