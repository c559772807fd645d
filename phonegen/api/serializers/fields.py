"""Fields shared by the API's input serializers."""

import re

from rest_framework import serializers

from phonegen.numbering.line_types import LineType, parse_line_type
from phonegen.numbering.nanp import is_area_code

LINE_TYPE_HELP = (
    f"Accepted values: {', '.join(t.value for t in LineType)} "
    "(any case; synonyms such as wireless, cell, fixed, fixed_line)."
)


class WholeNumberField(serializers.IntegerField):
    """An integer as clients write one: ASCII digits, maybe a sign and a ``.0``.

    DRF hands text to ``int()``, which also reads ``"25_0"`` as 250 and other
    scripts' digits (``"\u0661\u0665"`` as 15): no client means those.
    """

    _WRITTEN = re.compile(r"\s*[+-]?[0-9]+(\.0*)?\s*")

    def to_internal_value(self, data) -> int:
        if isinstance(data, str) and not self._WRITTEN.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class AreaCodeField(serializers.CharField):
    """An NPA: three digits, the first 2-9, not an N11 service code."""

    default_error_messages = {
        "area_code": (
            "Enter a valid area code: three digits, the first 2-9, "
            "not an N11 service code such as 911."
        ),
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("help_text", "Area code (NPA), e.g. 212.")
        super().__init__(**kwargs)
        # The one message says everything a wrong length would.
        self.validators = []

    def to_internal_value(self, data) -> str:
        value = super().to_internal_value(data)
        if value and not is_area_code(value):
            self.fail("area_code")
        return value


class LineTypeField(serializers.CharField):
    """A line type or one of its synonyms, returned as the canonical value."""

    default_error_messages = {
        "line_type": "Unknown line type '{value}'. " + LINE_TYPE_HELP,
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", "Line type. " + LINE_TYPE_HELP)
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        value = super().to_internal_value(data)
        if not value:
            return value
        line_type = parse_line_type(value)
        if line_type is None:
            self.fail("line_type", value=value)
        return line_type.value


class UserIdField(serializers.CharField):
    """The original API's ``user_id``: when given, the caller's own username."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("max_length", 150)
        kwargs.setdefault(
            "help_text",
            "Username of the authenticated user (optional; another answers 403).",
        )
        super().__init__(**kwargs)
