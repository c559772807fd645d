import pytest

from phonegen.api.serializers.generation import GenerationInputSerializer
from phonegen.api.serializers.numbers import NumberFilterSerializer

from ..forms import GenerationForm, NumberFilterForm, ProjectForm


class FormTests:
    def test_the_generate_form_uses_the_api_field_names(self):
        api_fields = set(GenerationInputSerializer().fields)

        assert set(GenerationForm().fields) <= api_fields

    def test_the_number_filters_are_the_export_filters(self):
        api_fields = set(NumberFilterSerializer().fields)

        assert set(NumberFilterForm(brands=[]).fields) <= api_fields

    def test_each_input_points_at_its_help_and_error(self):
        form = GenerationForm(auto_id="generate-%s")

        html = str(form["quantity"])

        assert (
            'aria-describedby="generate-quantity_helptext generate-quantity_error"'
        ) in html

    @pytest.mark.parametrize(
        "area_code, ok",
        [("917", True), ("", True), ("911", False), ("123", False), ("91", False)],
    )
    def test_the_number_filter_checks_the_area_code(self, area_code, ok):
        form = NumberFilterForm({"area_code": area_code}, brands=["Verizon"])

        assert form.is_valid() is ok

    def test_the_number_filter_offers_only_the_given_carriers(self):
        form = NumberFilterForm({"carrier": "Secret"}, brands=["Verizon", ""])

        assert not form.is_valid()
        assert [value for value, _ in form.fields["carrier"].choices] == [
            "",
            "Verizon",
        ]

    def test_the_number_filter_keeps_only_set_filters(self):
        form = NumberFilterForm(
            {"area_code": "917", "line_type": "mobile"}, brands=["Verizon"]
        )

        assert form.is_valid()
        assert form.filters() == {"area_code": "917", "line_type": "mobile"}

    def test_a_project_needs_a_name(self):
        assert not ProjectForm({"name": "  "}).is_valid()
        assert ProjectForm({"name": "Campaign"}).is_valid()
