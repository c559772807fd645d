import pytest
from django.db import connection

from phonegen.numbers.models import ImportRow, PhoneNumber, Project
from phonegen.numbers.services.generation import GenerationRequest, generation_start
from phonegen.numbers.services.statistics import (
    STALE_ROWS,
    statistics_cover,
    statistics_refresh,
)
from phonegen.tasks.runner import task_run


def _flush_activity_counters() -> None:
    # A backend hands its row counts to the statistics system when it goes
    # idle, at most once a second unless asked to do it at once.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")


TABLES = ("numbers_phonenumber", "numbers_importrow")


@pytest.fixture
def statistics_ours_alone():
    """Only this test's changes count: statistics are fresh at its start, and
    autovacuum does not analyze the tables behind its back."""
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
            cursor.execute(f"ANALYZE {table}")
    _flush_activity_counters()

    yield

    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} RESET (autovacuum_enabled)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("statistics_ours_alone")
class StatisticsRefreshTests:
    def test_it_analyzes_a_table_that_grew_and_only_then(self, project):
        PhoneNumber.objects.bulk_create(
            PhoneNumber(project=project, number=f"1212{n:07d}")
            for n in range(STALE_ROWS + 2000)
        )
        _flush_activity_counters()

        assert statistics_refresh(PhoneNumber, ImportRow) == ["numbers_phonenumber"]
        _flush_activity_counters()
        assert statistics_refresh(PhoneNumber, ImportRow) == []

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = 'numbers_phonenumber'"
            )
            assert cursor.fetchone()[0] == STALE_ROWS + 2000


@pytest.mark.django_db
class StatisticsRefreshRepeatTests:
    def test_it_does_not_analyze_what_has_not_changed_since(self, project):
        PhoneNumber.objects.bulk_create(
            PhoneNumber(project=project, number=f"1212{n:07d}") for n in range(100)
        )
        statistics_refresh(PhoneNumber, ImportRow)

        # SQLite is never analyzed; PostgreSQL not again without new changes.
        assert statistics_refresh(PhoneNumber, ImportRow) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("statistics_ours_alone")
class StatisticsCoverTests:
    def test_it_analyzes_when_the_planner_has_not_seen_a_new_project(
        self, owner, project
    ):
        PhoneNumber.objects.bulk_create(
            PhoneNumber(project=project, number=f"1212{n:07d}")
            for n in range(STALE_ROWS + 2000)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE numbers_phonenumber")
        new = Project.objects.create(owner=owner, name="new")
        PhoneNumber.objects.bulk_create(
            PhoneNumber(project=new, number=f"1917{n:07d}") for n in range(STALE_ROWS)
        )
        numbers = PhoneNumber.objects.filter(project=new)

        assert statistics_cover(numbers, STALE_ROWS) is True
        assert statistics_cover(numbers, STALE_ROWS) is False
        assert (
            statistics_cover(PhoneNumber.objects.filter(project=project), 10) is False
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("statistics_ours_alone", "small_npa")
class GenerationSettleTests:
    def test_a_large_generation_leaves_statistics_that_have_seen_its_rows(
        self, owner, project
    ):
        quantity = STALE_ROWS + 5_000
        request = GenerationRequest(area_code="212", quantity=quantity)
        task = generation_start(
            user=owner, project=project, request=request, enqueue=False
        )

        assert task_run(task.task_id) == "completed"

        # Without the refresh the planner would still count the empty table
        # of the test's start.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = 'numbers_phonenumber'"
            )
            assert cursor.fetchone()[0] == quantity
