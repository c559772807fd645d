import uuid

from django.conf import settings
from django.db import models


class TaskType(models.TextChoices):
    GENERATION = "generation", "Generation"
    VALIDATION = "validation", "Validation"
    IMPORT = "import", "Import"
    EXPORT = "export", "Export"


class TaskStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (TaskStatus.PENDING, TaskStatus.IN_PROGRESS)
FINISHED_STATUSES = (TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED)


class Task(models.Model):
    """A background job and its progress, as the API and WebSockets report it."""

    task_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="phonegen_tasks",
    )
    project = models.ForeignKey(
        "numbers.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    task_type = models.CharField(max_length=16, choices=TaskType.choices)
    status = models.CharField(
        max_length=16, choices=TaskStatus.choices, default=TaskStatus.PENDING
    )
    params = models.JSONField(default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    current_step = models.CharField(max_length=200, blank=True, default="")
    processed_items = models.PositiveIntegerField(default=0)
    total_items = models.PositiveIntegerField(default=0)
    successful_items = models.PositiveIntegerField(default=0)
    failed_items = models.PositiveIntegerField(default=0)
    estimated_completion = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set by the running worker at every batch: a task in progress whose
    # heartbeat is old has lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Where a resumable task got to, saved with each batch: a run that takes
    # over after a lost worker carries on from here instead of starting over.
    checkpoint = models.JSONField(default=dict, blank=True)
    cancel_requested = models.BooleanField(default=False)
    result_data = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["user", "-created_at"], name="task_user_created_idx"),
            models.Index(
                fields=["status", "completed_at"], name="task_status_done_idx"
            ),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.task_type} {self.task_id} ({self.status})"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        from django.utils import timezone

        end = self.completed_at or timezone.now()
        return round((end - self.started_at).total_seconds(), 3)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES
