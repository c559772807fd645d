import io

import pytest
from django.core.management import call_command

from phonegen.errors import InvalidInput, NotFound
from phonegen.numbers.models import PhoneNumber, Project, ValidationTarget
from phonegen.numbers.services.validation import (
    MAX_PHONE_IDS,
    validation_run,
    validation_start,
)
from phonegen.tasks.models import Task, TaskStatus
from phonegen.tasks.runner import task_run
from phonegen.tasks.services import ProgressReporter, TaskCancelled, task_start

from . import triggers
from .conftest import ATT, VERIZON


@pytest.fixture
def plan_prefixes(db) -> None:
    """What libphonenumber knows of toll-free 800, premium 900 and Jamaica's 876."""
    call_command(
        "load_prefixes",
        source="libphonenumber",
        npas=["800", "900", "876"],
        stdout=io.StringIO(),
    )


def store(project: Project, *numbers: str) -> list[PhoneNumber]:
    """Numbers as an import leaves them before validation (11 stored digits)."""
    return [
        PhoneNumber.objects.create(project=project, number=number) for number in numbers
    ]


def validate(owner, **options) -> Task:
    task = validation_start(user=owner, enqueue=False, **options)
    task_run(task.task_id)
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED, task.error_message
    return task


def fields(number: str, *names: str) -> tuple:
    row = PhoneNumber.objects.get(number=number)
    return tuple(getattr(row, name) for name in names)


@pytest.mark.django_db
class ValidationLookupTests:
    def test_it_takes_the_fields_of_the_six_digit_prefix(
        self, owner, project, small_npa
    ):
        store(project, "12122001234")

        validate(owner)

        number = PhoneNumber.objects.get()
        assert number.validation_status == "valid"
        assert number.valid_number is True
        assert number.prefix == "212200"
        assert (number.carrier, number.brand) == (VERIZON, "Verizon")
        assert number.line_type == "mobile"
        assert (number.city, number.state, number.country) == ("New York", "NY", "US")
        assert number.validation_attempted is True
        assert number.validation_date is not None
        assert number.validation_source == "internal"

    def test_it_lets_a_thousands_block_win_over_its_exchange(
        self, owner, project, small_npa
    ):
        store(project, "12122005123", "12122004999", "12122006000")

        validate(owner)

        assert fields("12122005123", "prefix", "carrier", "brand", "line_type") == (
            "2122005",
            ATT,
            "AT&T",
            "landline",
        )
        assert fields("12122004999", "prefix", "brand") == ("212200", "Verizon")
        assert fields("12122006000", "prefix", "brand") == ("212200", "Verizon")

    def test_it_marks_a_number_of_an_unassigned_exchange(
        self, owner, project, small_npa
    ):
        store(project, "12122021234")

        validate(owner)

        assert fields(
            "12122021234", "validation_status", "valid_number", "carrier", "line_type"
        ) == ("unassigned_prefix", False, "", "unknown")

    def test_it_types_toll_free_and_premium_numbers(
        self, owner, project, plan_prefixes
    ):
        store(project, "18008111234", "18882001234", "19002001234")

        validate(owner)

        assert fields("18008111234", "validation_status", "line_type") == (
            "valid",
            "toll_free",
        )
        assert fields("18882001234", "validation_status") == ("unassigned_prefix",)
        assert fields("19002001234", "validation_status", "line_type") == (
            "valid",
            "premium",
        )

    def test_it_places_a_caribbean_number_in_its_country(
        self, owner, project, plan_prefixes
    ):
        store(project, "18762011234")

        validate(owner)

        number = PhoneNumber.objects.get()
        assert number.validation_status == "valid"
        assert number.country == "JM"
        assert number.line_type == "mobile"
        assert number.brand == "Cable & Wireless"

    @pytest.mark.parametrize(
        "number",
        [
            "11122001234",  # area code starting with 1
            "19112001234",  # N11 area code
            "12121001234",  # exchange starting with 1
            "12129111234",  # N11 exchange, even though the table holds 212911
            "2122001234",  # 10 digits
            "22122001234",  # not starting with the country code
            "1212200A234",  # not all digits
        ],
    )
    def test_it_marks_malformed_numbers(self, owner, project, small_npa, number):
        store(project, number)

        result = validate(owner).result_data

        assert fields(number, "validation_status", "valid_number") == (
            "invalid_format",
            False,
        )
        assert result["by_status"] == {"invalid_format": 1}

    def test_it_marks_fictional_numbers(self, owner, project, small_npa):
        store(project, "12125550142", "12125551212", "12125550200")

        result = validate(owner).result_data

        assert fields("12125550142", "validation_status") == ("fictional",)
        assert fields("12125551212", "validation_status") == ("fictional",)
        assert fields("12125550200", "validation_status") == ("valid",)
        assert result["by_status"] == {"fictional": 2, "valid": 1}

    def test_it_shows_the_new_carrier_after_a_prefix_changes_hands(
        self, owner, project, small_npa, tmp_path
    ):
        store(project, "12122001234", "12122005123")
        validate(owner)
        table = tmp_path / "prefixes.csv"
        table.write_text(
            "prefix,carrier,city,state,line_type\n"
            "212200,T-MOBILE USA INC,New York,NY,landline\n"
        )
        call_command(
            "load_prefixes", "--source", "csv", str(table), stdout=io.StringIO()
        )

        validate(owner)

        assert fields("12122001234", "carrier", "brand", "line_type") == (
            "T-MOBILE USA INC",
            "T-Mobile",
            "landline",
        )
        # Its thousands block is still AT&T's: the longer prefix still wins.
        assert fields("12122005123", "brand") == ("AT&T",)


@pytest.mark.django_db
class ValidationRunTests:
    def test_it_counts_every_status_over_many_batches(self, owner, project, small_npa):
        store(project, *(f"1212200{n:04d}" for n in range(250)))
        store(project, *(f"1212202{n:04d}" for n in range(30)))
        store(project, "12125550150", "12120001234")

        task = validate(owner, batch_size=100)

        result = task.result_data
        assert result["validated"] == 282
        assert result["valid"] == 250
        assert result["invalid"] == 32
        assert result["failed"] == 0
        assert result["by_status"] == {
            "valid": 250,
            "unassigned_prefix": 30,
            "fictional": 1,
            "invalid_format": 1,
        }
        assert result["batches"] == 3
        assert result["numbers_per_second"] > 0
        assert (task.processed_items, task.total_items) == (282, 282)
        assert task.successful_items == 250

    def test_it_validates_only_the_project_or_ids_asked_for(
        self, owner, project, small_npa
    ):
        other = Project.objects.create(owner=owner, name="second")
        first, second = store(project, "12122001234", "12122001235")
        (elsewhere,) = store(other, "12122001236")

        validate(owner, phone_ids=[second.id, second.id])
        assert fields(second.number, "validation_status") == ("valid",)
        assert fields(first.number, "validation_status") == ("not_validated",)

        task = validate(owner, project=other)
        assert task.result_data["validated"] == 1
        assert fields(first.number, "validation_status") == ("not_validated",)
        assert PhoneNumber.objects.get(pk=elsewhere.pk).validation_status == "valid"

    def test_it_refuses_ids_that_are_not_the_users_and_creates_nothing(
        self, owner, project, small_npa, django_user_model
    ):
        bob = django_user_model.objects.create_user("bob")
        (mine,) = store(project, "12122001234")
        (theirs,) = store(Project.objects.create(owner=bob, name="b"), "12122001235")

        with pytest.raises(NotFound) as error:
            validation_start(user=owner, phone_ids=[mine.id, theirs.id])

        assert error.value.errors == {"phone_ids": ["1 ids were not found."]}
        assert not Task.objects.exists()
        assert not ValidationTarget.objects.exists()

    def test_it_refuses_ids_outside_the_project(self, owner, project, small_npa):
        other = Project.objects.create(owner=owner, name="second")
        (number,) = store(other, "12122001234")

        with pytest.raises(NotFound):
            validation_start(user=owner, project=project, phone_ids=[number.id])

        assert not Task.objects.exists()

    def test_it_refuses_too_many_ids(self, owner):
        with pytest.raises(InvalidInput) as error:
            validation_start(user=owner, phone_ids=range(1, MAX_PHONE_IDS + 2))

        assert list(error.value.errors) == ["phone_ids"]
        assert not Task.objects.exists()

    def test_it_keeps_no_ids_in_the_task_parameters(self, owner, project, small_npa):
        numbers = store(project, *(f"1212200{n:04d}" for n in range(20)))

        task = validation_start(
            user=owner, phone_ids=[n.id for n in numbers], enqueue=False
        )

        assert task.params == {
            "project_id": None,
            "phone_id_count": 20,
            "batch_size": 1000,
        }
        assert task.total_items == 20

    def test_it_marks_a_row_the_database_refuses_and_validates_the_rest(
        self, owner, project, small_npa
    ):
        store(project, *(f"1212200{n:04d}" for n in range(10)))
        # The database refuses to store this one number as valid.
        triggers.refuse(
            table=PhoneNumber._meta.db_table,
            event="UPDATE",
            when="NEW.number = '12122000007' AND NEW.validation_status = 'valid'",
        )

        result = validate(owner).result_data

        assert result["by_status"] == {"valid": 9, "error": 1}
        assert result["failed"] == 1
        assert fields("12122000007", "validation_status", "valid_number") == (
            "error",
            None,
        )
        assert PhoneNumber.objects.filter(validation_status="valid").count() == 9

    def test_it_fails_when_the_database_refuses_every_row(
        self, owner, project, small_npa
    ):
        store(project, *(f"1212200{n:04d}" for n in range(4)))
        triggers.refuse(table=PhoneNumber._meta.db_table, event="UPDATE", when="1 = 1")
        task = validation_start(user=owner, enqueue=False)

        assert task_run(task.task_id) == "failed"

        task.refresh_from_db()
        assert task.error_message == "A database error stopped the task."

    def test_it_reports_what_it_validated_when_cancelled(
        self, owner, project, small_npa
    ):
        store(project, *(f"1212200{n:04d}" for n in range(250)))
        task = task_start(validation_start(user=owner, batch_size=100, enqueue=False))
        Task.objects.filter(pk=task.pk).update(cancel_requested=True)

        with pytest.raises(TaskCancelled) as cancelled:
            validation_run(task, ProgressReporter(task))

        assert cancelled.value.args[0]["validated"] == 100
        assert PhoneNumber.objects.filter(validation_status="valid").count() == 100
