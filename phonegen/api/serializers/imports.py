from rest_framework import serializers

from phonegen.numbers.models import ImportOutcome

from .fields import UserIdField, WholeNumberField

NO_FILE = "Choose a file to import: a CSV or plain-text list of phone numbers."


class UploadField(serializers.FileField):
    """The uploaded list, with messages for people rather than for encodings."""

    default_error_messages = {
        "required": NO_FILE,
        "no_name": NO_FILE,
        "invalid": (
            "The file must be sent as a file upload (multipart/form-data), "
            "not as a text value."
        ),
        "empty": "The file is empty.",
    }

    def validate_empty_values(self, data):
        # A browser form sends an empty part when no file was chosen, which
        # reaches here as "": that is a missing file, not a malformed one.
        if data == "":
            data = serializers.empty
        return super().validate_empty_values(data)


class ImportInputSerializer(serializers.Serializer):
    user_id = UserIdField()
    project_id = WholeNumberField(min_value=1)
    file = UploadField(
        help_text="A CSV or plain-text list, UTF-8 (with or without BOM) or Latin-1."
    )
    column = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=(
            "The phone column: a header name (any case) or a 1-based position. "
            "Found by itself when left out."
        ),
    )
    batch_size = WholeNumberField(
        required=False, min_value=100, max_value=10_000, default=1000
    )


class ImportStartedSerializer(serializers.Serializer):
    task_id = serializers.UUIDField()
    file = serializers.CharField()
    column = serializers.CharField(help_text="Header name or 1-based position.")
    total_lines = serializers.IntegerField(help_text="Lines after the header.")
    status = serializers.CharField()
    rows_url = serializers.CharField(help_text="Where the per-line report is read.")


class ImportRowQuerySerializer(serializers.Serializer):
    user_id = UserIdField()
    outcome = serializers.ChoiceField(
        choices=ImportOutcome.values, required=False, allow_blank=True
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="A refusal reason, e.g. too_few_digits or fictional.",
    )


class ImportRowSerializer(serializers.Serializer):
    """One line of the imported file and what became of it."""

    line = serializers.IntegerField()
    input = serializers.CharField(help_text="The cell as the file had it.")
    outcome = serializers.ChoiceField(choices=ImportOutcome.values)
    reason = serializers.CharField(help_text="Why a refused line was refused.")
    message = serializers.CharField()
    e164 = serializers.CharField(allow_null=True)
    extension = serializers.CharField()
    validation_status = serializers.CharField(
        allow_null=True, help_text="Of the number in the project; null if refused."
    )
    valid_number = serializers.BooleanField(allow_null=True)
    carrier = serializers.CharField(allow_null=True)
    brand = serializers.CharField(allow_null=True)
    line_type = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
