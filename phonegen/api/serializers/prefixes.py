from rest_framework import serializers

from phonegen.prefixes.models import PhonePrefix

from .fields import AreaCodeField, LineTypeField, WholeNumberField


class PrefixFilterSerializer(serializers.Serializer):
    npa = AreaCodeField(required=False, allow_blank=True)
    carrier = serializers.CharField(required=False, allow_blank=True, max_length=200)
    line_type = LineTypeField(required=False, allow_blank=True)
    state = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": "Enter a two-letter state or province code."},
    )


class PrefixSerializer(serializers.ModelSerializer):
    class Meta:
        model = PhonePrefix
        fields = (
            "prefix",
            "npa",
            "nxx",
            "block",
            "carrier",
            "brand",
            "ocn",
            "ocn_category",
            "line_type",
            "city",
            "rate_center",
            "state",
            "country",
            "source",
            "loaded_at",
        )
        read_only_fields = fields


class CarrierQuerySerializer(serializers.Serializer):
    area_code = AreaCodeField()
    project_id = WholeNumberField(
        required=False,
        min_value=1,
        help_text=(
            "Count only what this project of yours can still be given, and how "
            "many it already holds."
        ),
    )


class CarrierSummarySerializer(serializers.Serializer):
    brand = serializers.CharField()
    line_type = serializers.CharField()
    prefixes = serializers.IntegerField()
    available_numbers = serializers.IntegerField()
    in_project = serializers.IntegerField(
        required=False, help_text="Numbers the project holds (with project_id)."
    )


class CarrierTotalsSerializer(serializers.Serializer):
    carriers = serializers.IntegerField()
    prefixes = serializers.IntegerField()
    available_numbers = serializers.IntegerField()


class CarrierListSerializer(serializers.Serializer):
    area_code = serializers.CharField()
    carriers = CarrierSummarySerializer(many=True)
    totals = CarrierTotalsSerializer()
