"""The set-based validation gives what the Python numbering rules give.

The statement in ``services/validation_sql.py`` restates the rules of
``phonegen.numbering`` in SQL; these tests run both on the same numbers, on
whichever database the run uses, and compare every outcome.
"""

import io
import random

import pytest
from django.core.management import call_command

from phonegen.numbering.blocks import resolve_blocks
from phonegen.numbering.nanp import Reason, check_national
from phonegen.numbers.models import PhoneNumber, Project
from phonegen.numbers.services.validation import validation_start
from phonegen.prefixes.models import PhonePrefix
from phonegen.tasks.models import Task, TaskStatus
from phonegen.tasks.runner import task_run

from .test_validation_service import store, validate

# Shapes that break one rule each, or none; ``N`` is any digit.
SHAPES = [
    "1212200NNNN", "1212201NNNN", "12122005NNN", "12122017NNN", "1212202NNNN",
    "1212555NNNN", "12125550NNN", "12125551212", "1212911NNNN", "1212100NNNN",
    "1212000NNNN", "1112200NNNN", "1911200NNNN", "2212200NNNN", "1212200NNN",
    "1212200NN#N", "1800811NNNN", "1800200NNNN", "1888200NNNN",
    "1900200NNNN", "1876201NNNN", "1876911NNNN", "1917555NNNN",
]  # fmt: skip


def expected(number: str, prefixes: dict[str, PhonePrefix]) -> tuple:
    """Status, validity and owning prefix fields under the Python rules."""
    national = number[1:]
    reason = (
        Reason.WRONG_LENGTH
        if len(number) != 11 or not number.startswith("1")
        else check_national(national)
    )
    if reason is not None and reason != Reason.FICTIONAL:
        return ("invalid_format", False)

    owner_key = resolve_blocks(prefixes).get(national[:7])
    if owner_key is None:
        status = "fictional" if reason == Reason.FICTIONAL else "unassigned_prefix"
        return (status, False, "", "", "", "unknown", "", "", "")

    owner, exchange = prefixes[owner_key], prefixes.get(national[:6])
    # A block without a location of its own sits where its NPA-NXX does.
    place = [
        getattr(owner, name) or (getattr(exchange, name) if exchange else "")
        for name in ("city", "state", "country")
    ]
    status = "fictional" if reason == Reason.FICTIONAL else "valid"
    return (
        status, status == "valid", owner.prefix, owner.carrier, owner.brand,
        owner.line_type, *place,
    )  # fmt: skip


def stored_outcome(number: PhoneNumber) -> tuple:
    if number.validation_status == "invalid_format":
        return (number.validation_status, number.valid_number)
    return (
        number.validation_status, number.valid_number, number.prefix,
        number.carrier, number.brand, number.line_type, number.city,
        number.state, number.country,
    )  # fmt: skip


def fill(shape: str, rng: random.Random) -> str:
    return "".join(str(rng.randrange(10)) if c == "N" else c for c in shape)


@pytest.fixture
def mixed_prefixes(small_npa) -> None:
    """The small area code, a block without a location of its own, and what
    libphonenumber knows of 800, 888, 900 and Jamaica's 876."""
    PhonePrefix.objects.create(
        prefix="2122017", npa="212", nxx="201", block="7",
        carrier="T-MOBILE USA, INC.", brand="T-Mobile", line_type="mobile",
    )  # fmt: skip
    call_command(
        "load_prefixes",
        source="libphonenumber",
        npas=["800", "888", "900", "876"],
        stdout=io.StringIO(),
    )


@pytest.mark.django_db
class ValidationRulesTests:
    def test_it_agrees_with_the_python_rules(self, owner, project, mixed_prefixes):
        rng = random.Random(5)
        numbers = sorted({fill(rng.choice(SHAPES), rng) for _ in range(600)})
        # Stored in random order, so that a batch holds unrelated numbers.
        store(project, *rng.sample(numbers, len(numbers)))
        prefixes = {p.prefix: p for p in PhonePrefix.objects.all()}

        result = validate(owner, batch_size=100).result_data

        outcomes = {n.number: stored_outcome(n) for n in PhoneNumber.objects.all()}
        mismatches = {
            number: (outcomes[number], expected(number, prefixes))
            for number in numbers
            if outcomes[number] != expected(number, prefixes)
        }
        assert mismatches == {}
        statuses = {outcome[0] for outcome in outcomes.values()}
        assert statuses == {"valid", "invalid_format", "fictional", "unassigned_prefix"}
        assert result["validated"] == len(numbers)

    def test_it_validates_a_project_whose_ids_interleave_with_another(
        self, owner, project, small_npa
    ):
        other = Project.objects.create(owner=owner, name="second")
        for n in range(250):
            store(project, f"1212200{n:04d}")
            store(other, f"1212201{n:04d}")

        task = validate(owner, project=other, batch_size=100)

        assert task.result_data["by_status"] == {"valid": 250}
        assert task.result_data["batches"] == 3
        assert not PhoneNumber.objects.filter(
            project=project, validation_attempted=True
        ).exists()
        assert set(
            PhoneNumber.objects.filter(project=other).values_list("brand", flat=True)
        ) == {"Lumen"}

    def test_it_counts_a_last_batch_that_is_exactly_full_once(
        self, owner, project, small_npa
    ):
        store(project, *(f"1212200{n:04d}" for n in range(200)))

        task = validate(owner, batch_size=100)

        assert task.result_data["batches"] == 2
        assert (task.processed_items, task.total_items) == (200, 200)


@pytest.mark.django_db
class ValidationResumeTests:
    def test_it_goes_on_from_the_checkpoint_of_a_lost_run(
        self, owner, project, small_npa
    ):
        store(project, *(f"1212200{n:04d}" for n in range(250)))
        task = validation_start(user=owner, batch_size=100, enqueue=False)
        # What a run that died after its first batch left behind.
        Task.objects.filter(pk=task.pk).update(
            checkpoint={
                "project_id": project.pk,
                "after": "12122000099",
                "counts": {"valid": 100},
                "batches": 1,
            }
        )

        task_run(task.task_id)

        task.refresh_from_db()
        assert task.status == TaskStatus.COMPLETED, task.error_message
        assert task.result_data["validated"] == 250
        assert task.result_data["batches"] == 3
        assert task.processed_items == 250
        validated = PhoneNumber.objects.filter(validation_attempted=True)
        assert validated.count() == 150
        assert min(validated.values_list("number", flat=True)) == "12122000100"
        assert task.checkpoint["after"] == "12122000249"
