import threading

import phonenumbers
import pytest
from django.db import connections

from phonegen.errors import NotEnoughNumbers, Unprocessable
from phonegen.numbers.models import PhoneNumber
from phonegen.numbers.services.generation import GenerationRequest, generation_start
from phonegen.tasks.models import Task, TaskStatus
from phonegen.tasks.runner import task_run
from phonegen.tasks.services import task_cancel


def _start(owner, project, **fields):
    request = GenerationRequest(**({"area_code": "212"} | fields))
    # Not queued: each test runs the task itself, in the thread it chooses.
    return generation_start(user=owner, project=project, request=request, enqueue=False)


def _run(task):
    task_run(task.task_id)
    task.refresh_from_db()
    return task


@pytest.mark.usefixtures("small_npa")
class GenerationServiceTests:
    def test_it_stores_exactly_the_quantity_inside_the_filters(self, owner, project):
        task = _run(
            _start(
                owner,
                project,
                quantity=5000,
                type_filter="Mobile",
                carrier_filter="verizon",
                batch_size=700,
            )
        )

        numbers = list(PhoneNumber.objects.filter(task=task))
        assert task.status == TaskStatus.COMPLETED
        assert task.successful_items == task.processed_items == 5000
        assert task.progress == 100
        assert len(numbers) == 5000
        assert len({n.number for n in numbers}) == 5000
        for n in numbers:
            assert n.number.startswith("1212200")
            assert n.number[7] != "5"  # block 2122005 belongs to AT&T
            assert (n.prefix, n.brand, n.line_type) == ("212200", "Verizon", "mobile")
            assert (n.city, n.state, n.country) == ("New York", "NY", "US")
            assert n.validation_source == "internal"
            assert n.valid_number is True

    def test_every_generated_number_is_valid_for_libphonenumber(self, owner, project):
        task = _run(_start(owner, project, quantity=3000))

        for number in PhoneNumber.objects.filter(task=task).values_list(
            "number", flat=True
        ):
            assert phonenumbers.is_valid_number(phonenumbers.parse("+" + number))
            assert number[4:7] != "911"

    def test_it_never_hands_out_fictional_numbers(self, owner, project):
        task = _run(_start(owner, project, quantity=9899, carrier_filter="T-Mobile"))

        numbers = set(
            PhoneNumber.objects.filter(task=task).values_list("number", flat=True)
        )
        assert len(numbers) == 9899
        assert not any("12125550100" <= n <= "12125550199" for n in numbers)
        assert "12125551212" not in numbers

    def test_longest_prefix_decides_the_carrier(self, owner, project):
        task = _run(
            _start(
                owner,
                project,
                quantity=1000,
                type_filter="landline",
                carrier_filter="AT&T",
            )
        )

        rows = PhoneNumber.objects.filter(task=task)
        assert rows.count() == 1000
        assert set(rows.values_list("prefix", flat=True)) == {"2122005"}

    def test_it_refuses_more_than_qualifies_with_what_is_there(self, owner, project):
        with pytest.raises(NotEnoughNumbers) as caught:
            _start(owner, project, quantity=18900, type_filter="mobile")

        assert caught.value.extra["available"] == 18899
        brands = {(c["brand"], c["line_type"]) for c in caught.value.extra["carriers"]}
        assert brands == {
            ("Verizon", "mobile"),
            ("T-Mobile", "mobile"),
            ("AT&T", "landline"),
            ("Lumen", "landline"),
        }
        assert Task.objects.count() == 0

    def test_it_refuses_an_area_code_without_prefixes(self, owner, project):
        with pytest.raises(Unprocessable) as caught:
            _start(owner, project, area_code="907", quantity=10)

        assert "area_code" in caught.value.errors
        assert Task.objects.count() == 0

    def test_it_refuses_a_carrier_the_area_code_lacks(self, owner, project):
        with pytest.raises(Unprocessable) as caught:
            _start(owner, project, quantity=10, carrier_filter="Nonexistent Tel")

        assert "carrier_filter" in caught.value.errors
        assert caught.value.extra["available"] == 0

    def test_it_counts_numbers_the_project_already_holds(self, owner, project):
        _run(_start(owner, project, quantity=9000, carrier_filter="Verizon"))

        with pytest.raises(NotEnoughNumbers) as caught:
            _start(owner, project, quantity=1, carrier_filter="Verizon")
        assert caught.value.extra["available"] == 0
        assert caught.value.message == (
            "Only 0 numbers are available for this request (the project already "
            "holds 9,000 of the numbers that match); 1 was asked for."
        )

    def test_a_second_task_avoids_numbers_already_stored(self, owner, project):
        first = _run(_start(owner, project, quantity=8000, carrier_filter="Verizon"))
        second = _run(_start(owner, project, quantity=1000, carrier_filter="Verizon"))

        assert second.status == TaskStatus.COMPLETED
        assert PhoneNumber.objects.filter(task=first).count() == 8000
        assert PhoneNumber.objects.filter(task=second).count() == 1000
        assert PhoneNumber.objects.filter(project=project).count() == 9000

    def test_pending_tasks_reserve_their_quantity(self, owner, project):
        _start(owner, project, quantity=6000, carrier_filter="Verizon")

        with pytest.raises(NotEnoughNumbers) as caught:
            _start(owner, project, quantity=3001, carrier_filter="Verizon")
        assert caught.value.extra["available"] == 3000

    def test_a_rerun_after_a_crash_completes_the_quantity(self, owner, project):
        """A task delivered again stores only what it had not stored yet."""
        task = _run(_start(owner, project, quantity=4000, carrier_filter="Verizon"))
        kept = set(PhoneNumber.objects.filter(task=task).values_list("id", flat=True))
        PhoneNumber.objects.filter(id__in=sorted(kept)[:1500]).delete()
        # Its heartbeat stopped when it died: the lease has run out.
        Task.objects.filter(pk=task.pk).update(
            status=TaskStatus.IN_PROGRESS, heartbeat_at=None
        )

        task = _run(task)

        assert task.status == TaskStatus.COMPLETED
        assert PhoneNumber.objects.filter(task=task).count() == 4000
        assert task.attempts == 2

    def test_a_task_cancelled_while_its_runner_was_lost_reports_what_it_stored(
        self, owner, project
    ):
        task = _run(_start(owner, project, quantity=3000, batch_size=1000))
        kept = sorted(
            PhoneNumber.objects.filter(task=task).values_list("id", flat=True)
        )
        PhoneNumber.objects.filter(id__in=kept[2000:]).delete()
        # It died after two batches, its cancel was asked, then its lease ran out.
        Task.objects.filter(pk=task.pk).update(
            status=TaskStatus.IN_PROGRESS,
            heartbeat_at=None,
            processed_items=2000,
            cancel_requested=True,
        )

        task = _run(task)

        assert task.status == TaskStatus.CANCELLED
        assert task.result_data["generated"] == 2000
        assert task.result_data["requested"] == 3000
        assert PhoneNumber.objects.filter(task=task).count() == 2000

    def test_a_cancelled_pending_task_stores_nothing(self, owner, project):
        task = _start(owner, project, quantity=1000)
        task_cancel(task=task)

        task = _run(task)

        assert task.status == TaskStatus.CANCELLED
        assert PhoneNumber.objects.filter(task=task).count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("small_npa")
class ConcurrentGenerationTests:
    def test_two_tasks_in_one_project_never_share_a_number(self, owner, project):
        first = _start(owner, project, quantity=9000, type_filter="landline")
        second = _start(owner, project, quantity=2000, type_filter="landline")
        threads = [
            threading.Thread(target=_run_and_close, args=(t.task_id,))
            for t in (first, second)
        ]

        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, second.status) == ("completed", "completed")
        assert PhoneNumber.objects.filter(task=first).count() == 9000
        assert PhoneNumber.objects.filter(task=second).count() == 2000
        numbers = PhoneNumber.objects.filter(project=project)
        assert numbers.count() == 11000
        assert numbers.values("number").distinct().count() == 11000


def _run_and_close(task_id):
    try:
        task_run(task_id)
    finally:
        connections.close_all()
