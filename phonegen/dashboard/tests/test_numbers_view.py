import pytest

from phonegen.numbers.tests.factories import make_number


@pytest.fixture
def numbers(project):
    make_number(project, "9172310001")
    make_number(project, "9172310002", brand="AT&T", carrier="AT&T MOBILITY")
    make_number(project, "2125460001", line_type="landline")
    make_number(project, "9172310003", validation_status="unassigned_prefix")


FILTERS = {
    "area_code": "917",
    "carrier": "Verizon",
    "line_type": "mobile",
    "validation_status": "valid",
}


@pytest.mark.django_db
class NumberTableTests:
    def test_it_lists_the_projects_numbers(self, alice_client, project, numbers):
        r = alice_client.get(f"/projects/{project.pk}/numbers/")

        page = r.content.decode()
        assert r.status_code == 200
        assert 'id="match-count">4<' in page
        assert "(917) 231-0001" in page

    def test_it_filters(self, alice_client, project, numbers):
        r = alice_client.get(f"/projects/{project.pk}/numbers/", FILTERS)

        page = r.content.decode()
        assert 'id="match-count">1<' in page
        assert "(917) 231-0001" in page
        assert "(917) 231-0002" not in page

    def test_its_export_button_sends_the_form_filters_to_the_export(
        self, alice_client, project, numbers
    ):
        r = alice_client.get(
            f"/projects/{project.pk}/numbers/", {**FILTERS, "export": "csv"}
        )

        assert r.status_code == 302
        assert r["Location"] == (
            f"/api/phone-generator/numbers/export/?project_id={project.pk}"
            "&format=csv&area_code=917&carrier=Verizon"
            "&line_type=mobile&validation_status=valid"
        )
        export = alice_client.get(r["Location"])
        exported = b"".join(export.streaming_content).decode().splitlines()
        assert len(exported) == 2
        assert "+19172310001" in exported[1]

    @pytest.mark.parametrize("area_code", ["911", "2125", "2\u0661\u0662", "abc"])
    def test_it_says_once_what_is_wrong_with_an_area_code(
        self, alice_client, project, numbers, area_code
    ):
        r = alice_client.get(
            f"/projects/{project.pk}/numbers/", {"area_code": area_code}
        )

        message = (
            "Enter a valid area code: three digits, the first 2-9, "
            "not an N11 service code such as 911."
        )
        assert r.status_code == 400
        assert r.context["form"].errors == {"area_code": [message]}

    def test_its_export_button_exports_nothing_for_a_bad_filter(
        self, alice_client, project, numbers
    ):
        r = alice_client.get(
            f"/projects/{project.pk}/numbers/", {"area_code": "911", "export": "csv"}
        )

        assert r.status_code == 400
        assert "Enter a valid area code" in r.content.decode()

    def test_it_offers_the_projects_carriers_only(
        self, alice_client, project, numbers, bob_project
    ):
        make_number(bob_project, "9172310009", brand="Secret Telecom")

        page = alice_client.get(f"/projects/{project.pk}/numbers/").content.decode()

        assert '<option value="AT&amp;T">' in page
        assert "Secret Telecom" not in page

    def test_it_refuses_a_bad_area_code_and_filters_nothing(
        self, alice_client, project, numbers
    ):
        r = alice_client.get(f"/projects/{project.pk}/numbers/", {"area_code": "911"})

        assert r.status_code == 400
        assert "Enter a valid area code" in r.content.decode()

    def test_it_pages(self, alice_client, project):
        for index in range(60):
            make_number(project, f"91723{index:05d}")

        second = alice_client.get(f"/projects/{project.pk}/numbers/", {"page": 2})

        page = second.content.decode()
        assert "Page 2 of 2" in page
        assert "(917) 230-0059" in page
        assert "(917) 230-0000" not in page

    def test_it_never_shows_another_users_numbers(self, alice_client, bob_project):
        make_number(bob_project, "9172310001")

        r = alice_client.get(f"/projects/{bob_project.pk}/numbers/")

        assert r.status_code == 404
        assert "231-0001" not in r.content.decode()
