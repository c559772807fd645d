from rest_framework import serializers

from phonegen.numbers.services.validation import MAX_PHONE_IDS

from .fields import UserIdField, WholeNumberField

# Ids are 64-bit: a larger one is nobody's number, and PostgreSQL would refuse
# to store it as a validation target.
MAX_ID = 2**63 - 1


class ValidationInputSerializer(serializers.Serializer):
    user_id = UserIdField()
    project_id = WholeNumberField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Validate this project's numbers (all of yours without it).",
    )
    phone_ids = serializers.ListField(
        child=WholeNumberField(min_value=1, max_value=MAX_ID),
        required=False,
        allow_null=True,
        allow_empty=False,
        max_length=MAX_PHONE_IDS,
        help_text=(
            f"Ids of your numbers to validate, at most {MAX_PHONE_IDS:,}; leave "
            "out to validate the whole selection."
        ),
    )
    batch_size = WholeNumberField(
        required=False, min_value=100, max_value=10_000, default=1000
    )


class ValidationStartedSerializer(serializers.Serializer):
    task_id = serializers.UUIDField()
    total = serializers.IntegerField(help_text="Numbers selected for validation.")
    estimated_time = serializers.CharField()
    status = serializers.CharField()


class ValidatedNumberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    e164 = serializers.CharField()
    validation_status = serializers.CharField()
    valid_number = serializers.BooleanField(allow_null=True)
    carrier = serializers.CharField()
    brand = serializers.CharField()
    line_type = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()


class ValidationResultSerializer(ValidationStartedSerializer):
    """What the legacy endpoint answers when it validated within the request."""

    validated = serializers.IntegerField()
    valid = serializers.IntegerField()
    invalid = serializers.IntegerField()
    failed = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    numbers = ValidatedNumberSerializer(
        many=True, help_text="The validated numbers by id, at most 1,000."
    )
    numbers_truncated = serializers.BooleanField(
        help_text="True when more numbers were validated than are listed."
    )
