from rest_framework import serializers

from .fields import AreaCodeField, LineTypeField, UserIdField, WholeNumberField

MAX_QUANTITY = 1_000_000


class GenerationInputSerializer(serializers.Serializer):
    user_id = UserIdField()
    project_id = WholeNumberField(min_value=1)
    area_code = AreaCodeField()
    quantity = WholeNumberField(min_value=1, max_value=MAX_QUANTITY)
    carrier_filter = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=200,
        help_text="Brand (Verizon) or part of the raw carrier name.",
    )
    type_filter = LineTypeField(required=False, allow_blank=True, allow_null=True)
    batch_size = WholeNumberField(
        required=False, min_value=100, max_value=10_000, default=1000
    )


class GenerationStartedSerializer(serializers.Serializer):
    task_id = serializers.UUIDField()
    area_code = serializers.CharField()
    quantity = serializers.IntegerField()
    estimated_time = serializers.CharField()
    status = serializers.CharField()


class GenerationResultSerializer(GenerationStartedSerializer):
    """What the legacy endpoint answers when it generated the numbers in-request."""

    generated = serializers.IntegerField()
    numbers = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="E.164 numbers, when at most 1,000 were asked for.",
    )
    numbers_url = serializers.CharField(
        required=False, help_text="Where to page through the numbers otherwise."
    )
