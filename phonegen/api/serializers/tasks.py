from rest_framework import serializers

from phonegen.tasks.events import task_payload
from phonegen.tasks.models import TaskStatus, TaskType

from .fields import UserIdField


class TaskListQuerySerializer(serializers.Serializer):
    user_id = UserIdField()
    project_id = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(
        choices=TaskStatus.values, required=False, allow_blank=True
    )
    task_type = serializers.ChoiceField(
        choices=TaskType.values, required=False, allow_blank=True
    )


class UserIdQuerySerializer(serializers.Serializer):
    user_id = UserIdField()


class TaskSerializer(serializers.Serializer):
    """A task's public fields; the values come from ``task_payload`` so that
    polling and WebSocket messages cannot drift apart."""

    task_id = serializers.UUIDField()
    task_type = serializers.ChoiceField(choices=TaskType.values)
    status = serializers.ChoiceField(choices=TaskStatus.values)
    project_id = serializers.IntegerField(allow_null=True)
    progress = serializers.IntegerField(help_text="0-100.")
    current_step = serializers.CharField()
    processed_items = serializers.IntegerField()
    total_items = serializers.IntegerField()
    successful_items = serializers.IntegerField()
    failed_items = serializers.IntegerField()
    estimated_completion = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    duration = serializers.FloatField(allow_null=True, help_text="Seconds.")
    parameters = serializers.DictField()
    result_data = serializers.DictField()
    error_message = serializers.CharField()

    def to_representation(self, instance) -> dict:
        return task_payload(instance)
