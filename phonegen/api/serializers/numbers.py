from rest_framework import serializers

from phonegen.numbers.export import FORMATS
from phonegen.numbers.models import PhoneNumber, ValidationStatus

from .fields import AreaCodeField, LineTypeField, UserIdField, WholeNumberField


class NumberFilterSerializer(serializers.Serializer):
    user_id = UserIdField()
    project_id = WholeNumberField(required=False, min_value=1)
    area_code = AreaCodeField(required=False, allow_blank=True)
    carrier = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Brand (any case) or part of the raw carrier name.",
    )
    line_type = LineTypeField(required=False, allow_blank=True)
    valid = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true or false."
    )
    task_id = serializers.UUIDField(required=False)
    validation_status = serializers.ChoiceField(
        choices=ValidationStatus.values, required=False, allow_blank=True
    )

    def filters(self) -> dict:
        """The validated filters as keyword arguments of ``number_list``."""
        data = dict(self.validated_data)
        data.pop("user_id", None)
        return {name: value for name, value in data.items() if value not in ("", None)}


class NumberExportQuerySerializer(NumberFilterSerializer):
    project_id = WholeNumberField(min_value=1)
    format = serializers.ChoiceField(choices=FORMATS, default="csv")

    def filters(self) -> dict:
        data = super().filters()
        data.pop("format", None)
        return data


class NumberSerializer(serializers.ModelSerializer):
    e164 = serializers.CharField(read_only=True)
    national = serializers.CharField(read_only=True)
    task_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = PhoneNumber
        fields = (
            "id",
            "e164",
            "national",
            "number",
            "project_id",
            "prefix",
            "carrier",
            "brand",
            "line_type",
            "city",
            "state",
            "country",
            "valid_number",
            "validation_status",
            "validation_date",
            "validation_source",
            "task_id",
            "created_at",
        )
        read_only_fields = fields
