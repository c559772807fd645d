from django.conf import settings
from django.db import models

from phonegen.numbering.formats import e164, national_format
from phonegen.prefixes.models import LineTypeChoices


class Project(models.Model):
    """A user's named collection of numbers; numbers are unique within a project."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects"
    )
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], name="project_owner_name_uniq"
            )
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ValidationStatus(models.TextChoices):
    NOT_VALIDATED = "not_validated", "Not validated"
    VALID = "valid", "Valid"
    INVALID_FORMAT = "invalid_format", "Malformed"
    UNASSIGNED_PREFIX = "unassigned_prefix", "Prefix not assigned"
    FICTIONAL = "fictional", "Reserved for fiction"
    NOT_NANP = "not_nanp", "Not a NANP number"
    ERROR = "error", "Could not be validated"


class PhoneNumber(models.Model):
    """A stored number (11 digits, ``1NPANXXXXXX``) with what its prefix says of it."""

    # Neither key is a database constraint: checking one per row at commit
    # doubled the cost of a million-row COPY. Deleting a project deletes its
    # numbers through the ORM; numbers outlive the task records that the
    # periodic clean-up removes. Their lookups use the indexes in Meta.
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
        related_name="numbers",
    )
    task = models.ForeignKey(
        "tasks.Task",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    number = models.CharField(max_length=11)
    extension = models.CharField(max_length=10, blank=True, default="")
    prefix = models.CharField(max_length=7, blank=True, default="")
    carrier = models.CharField(max_length=200, blank=True, default="")
    brand = models.CharField(max_length=100, blank=True, default="")
    line_type = models.CharField(
        max_length=16, choices=LineTypeChoices.choices, default=LineTypeChoices.UNKNOWN
    )
    city = models.CharField(max_length=100, blank=True, default="")
    state = models.CharField(max_length=2, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    valid_number = models.BooleanField(null=True)
    validation_status = models.CharField(
        max_length=20,
        choices=ValidationStatus.choices,
        default=ValidationStatus.NOT_VALIDATED,
    )
    validation_attempted = models.BooleanField(default=False)
    validation_date = models.DateTimeField(null=True, blank=True)
    validation_source = models.CharField(max_length=20, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="number_project_uniq"
            )
        ]
        # Every index costs each stored row a write: only those a query needs.
        # (project, number) serves the list's order and area code ranges, the
        # export and the walk of a validation; task the task filter and a
        # resumed task's count. The other filters (carrier, line type,
        # validity) are applied along (project, number): an index on one of
        # them would also tempt the planner to read a whole project where the
        # key would read one batch.
        indexes = [models.Index(fields=["task"], name="number_task_idx")]
        ordering = ["number"]

    def __str__(self) -> str:
        return self.e164

    @property
    def e164(self) -> str:
        return e164(self.number)

    @property
    def national(self) -> str:
        return national_format(self.number)

    @property
    def area_code(self) -> str:
        return self.number[1:4]


class ImportOutcome(models.TextChoices):
    STORED = "stored", "Stored"
    DUPLICATE_IN_FILE = "duplicate_in_file", "Duplicate of an earlier line"
    DUPLICATE_IN_PROJECT = "duplicate_in_project", "Already in the project"
    REFUSED = "refused", "Refused"


class ImportRow(models.Model):
    """One line of an imported file and what became of it."""

    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, related_name="import_rows"
    )
    line = models.PositiveIntegerField()
    raw = models.CharField(max_length=200, blank=True, default="")
    outcome = models.CharField(max_length=24, choices=ImportOutcome.choices)
    reason = models.CharField(max_length=32, blank=True, default="")
    message = models.CharField(max_length=200, blank=True, default="")
    number = models.CharField(max_length=11, blank=True, default="")
    extension = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "line"], name="import_row_line_uniq"
            )
        ]
        # The report is read a page at a time, often of one outcome only.
        indexes = [
            models.Index(
                fields=["task", "outcome", "line"], name="import_row_outcome_idx"
            )
        ]
        ordering = ["task", "line"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.outcome}"


class ValidationTarget(models.Model):
    """A number a validation task was asked for by id.

    Kept in a table rather than in the task's parameters, which every progress
    message carries: a request may name up to 100,000 ids.
    """

    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, related_name="validation_targets"
    )
    phone_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "phone_id"], name="validation_target_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.phone_id}"
