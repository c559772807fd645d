import phonenumbers
import pytest

from phonegen.numbers.models import PhoneNumber
from phonegen.prefixes.models import PhonePrefix
from phonegen.prefixes.selectors import carrier_summary
from phonegen.tasks.dispatch import wait_for_threads
from phonegen.tasks.models import Task

from .factories import nothing_created

URL = "/api/phone-generator/generate-numbers-enhanced/"


def body(project, **fields) -> dict:
    base = {
        "user_id": "alice",
        "project_id": project.id,
        "area_code": "917",
        "quantity": 10,
    }
    return base | fields


def owning_prefix(number: str) -> PhonePrefix:
    """The longest prefix of the database that holds ``number`` (11 digits)."""
    national = number[1:]
    return (
        PhonePrefix.objects.filter(prefix__in=[national[:7], national[:6]])
        .order_by("-prefix")
        .first()
    )


def assert_stored(task: Task, quantity: int, *, line_type=None, brand=None) -> None:
    numbers = list(PhoneNumber.objects.filter(task_id=task.task_id))
    assert len(numbers) == quantity
    assert len({n.number for n in numbers}) == quantity
    for number in numbers:
        prefix = owning_prefix(number.number)
        assert prefix is not None, number.number
        assert number.prefix == prefix.prefix
        assert number.carrier == prefix.carrier
        assert number.brand == prefix.brand
        assert number.line_type == prefix.line_type
        assert number.city == prefix.city
        assert number.state == prefix.state
        assert number.country == prefix.country == "US"
        assert number.validation_source == "internal"
        assert number.project_id == task.project_id
        assert phonenumbers.is_valid_number(phonenumbers.parse(number.e164))
        if line_type:
            assert number.line_type == line_type
        if brand:
            assert number.brand == brand


@pytest.mark.django_db(transaction=True)
class GenerateNumbersTests:
    def test_it_answers_the_seed_form(self, alice_client, project, prefixes):
        r = alice_client.post(URL, body(project, quantity=2500), format="json")

        assert r.status_code == 201
        payload = r.json()
        assert payload["message"] == "Phone number generation started"
        data = payload["data"]
        assert set(data) == {
            "task_id",
            "area_code",
            "quantity",
            "estimated_time",
            "status",
        }
        assert data["area_code"] == "917"
        assert data["quantity"] == 2500
        assert data["status"] in ("pending", "in_progress", "completed")
        assert data["estimated_time"]
        assert str(Task.objects.get().task_id) == data["task_id"]

    def test_it_stores_exactly_the_quantity(self, alice_client, project, prefixes):
        r = alice_client.post(URL, body(project, quantity=2500), format="json")
        wait_for_threads()

        task = Task.objects.get(pk=r.json()["data"]["task_id"])
        assert task.status == "completed"
        assert task.successful_items == 2500
        assert_stored(task, 2500)

    def test_it_honours_carrier_and_type_filters(self, alice_client, project, prefixes):
        fields = {
            "carrier_filter": "verizon",
            "type_filter": "Wireless",
            "batch_size": 500,
        }
        r = alice_client.post(
            URL, body(project, quantity=1200, **fields), format="json"
        )
        wait_for_threads()

        task = Task.objects.get(pk=r.json()["data"]["task_id"])
        assert task.status == "completed"
        assert task.params["line_type"] == "mobile"
        assert task.result_data["batches"] >= 3
        assert_stored(task, 1200, line_type="mobile", brand="Verizon")

    def test_it_matches_part_of_the_raw_carrier_name(
        self, alice_client, project, prefixes
    ):
        fields = {"carrier_filter": "cellco", "type_filter": "mobile"}
        r = alice_client.post(URL, body(project, quantity=300, **fields), format="json")
        wait_for_threads()

        task = Task.objects.get(pk=r.json()["data"]["task_id"])
        assert task.status == "completed"
        assert_stored(task, 300, line_type="mobile")
        numbers = PhoneNumber.objects.filter(task_id=task.task_id)
        assert all("CELLCO" in n.carrier.upper() for n in numbers)

    def test_it_never_repeats_a_number_of_the_project(
        self, alice_client, project, prefixes
    ):
        # 212's Lumen VoIP prefix holds exactly one block: two tasks take all of it.
        available = _available("212", "Lumen", "voip")
        fields = {"area_code": "212", "carrier_filter": "Lumen", "type_filter": "voip"}
        half = available // 2

        alice_client.post(URL, body(project, quantity=half, **fields), format="json")
        wait_for_threads()
        alice_client.post(
            URL, body(project, quantity=available - half, **fields), format="json"
        )
        wait_for_threads()

        numbers = PhoneNumber.objects.filter(project=project)
        assert numbers.count() == available
        assert numbers.values("number").distinct().count() == available
        r = alice_client.post(URL, body(project, quantity=1, **fields), format="json")
        assert r.status_code == 422
        assert r.json()["available"] == 0


def _available(npa: str, brand: str, line_type: str) -> int:
    rows = [
        row
        for row in carrier_summary(npa)
        if row["brand"] == brand and row["line_type"] == line_type
    ]
    return sum(row["available_numbers"] for row in rows)


@pytest.mark.django_db
class GenerateNumbersRefusalTests:
    @pytest.mark.parametrize(
        "fields, field, message",
        [
            (
                {"quantity": 0},
                "quantity",
                "Ensure this value is greater than or equal to 1.",
            ),
            (
                {"quantity": -5},
                "quantity",
                "Ensure this value is greater than or equal to 1.",
            ),
            (
                {"quantity": 1_000_001},
                "quantity",
                "Ensure this value is less than or equal to 1000000.",
            ),
            ({"quantity": "ten"}, "quantity", "A valid integer is required."),
            ({"quantity": None}, "quantity", "This field may not be null."),
            ({"quantity": 2.5}, "quantity", "A valid integer is required."),
            # int() reads both; no client means 250 or 15.
            ({"quantity": "25_0"}, "quantity", "A valid integer is required."),
            ({"quantity": "\u0661\u0665"}, "quantity", "A valid integer is required."),
            (
                {"batch_size": "\u0661\u0660\u0660"},
                "batch_size",
                "A valid integer is required.",
            ),
            (
                {"batch_size": 5},
                "batch_size",
                "Ensure this value is greater than or equal to 100.",
            ),
            (
                {"batch_size": 10_001},
                "batch_size",
                "Ensure this value is less than or equal to 10000.",
            ),
            ({"project_id": "abc"}, "project_id", "A valid integer is required."),
        ],
    )
    def test_it_refuses_a_bad_number(
        self, alice_client, project, prefixes, fields, field, message
    ):
        r = alice_client.post(URL, body(project, **fields), format="json")

        assert r.status_code == 400
        payload = r.json()
        assert payload["errors"] == {field: [message]}
        assert payload["message"] == f"Invalid input: {field}."
        assert payload["code"] == "invalid"
        assert nothing_created()

    @pytest.mark.parametrize(
        "area_code",
        ["abc", "012", "112", "911", "411", "21", "2125", "", "2\u0661\u0662"],
    )
    def test_it_refuses_a_malformed_area_code(
        self, alice_client, project, prefixes, area_code
    ):
        r = alice_client.post(URL, body(project, area_code=area_code), format="json")

        assert r.status_code == 400
        assert list(r.json()["errors"]) == ["area_code"]
        assert nothing_created()

    def test_it_explains_the_area_code_rule(self, alice_client, project):
        r = alice_client.post(URL, body(project, area_code="911"), format="json")

        message = (
            "Enter a valid area code: three digits, the first 2-9, "
            "not an N11 service code such as 911."
        )
        assert r.json()["errors"]["area_code"] == [message]

    def test_it_refuses_an_unknown_line_type_listing_the_accepted_ones(
        self, alice_client, project, prefixes
    ):
        r = alice_client.post(
            URL, body(project, type_filter="satellite"), format="json"
        )

        assert r.status_code == 400
        [message] = r.json()["errors"]["type_filter"]
        assert "satellite" in message
        for accepted in (
            "mobile",
            "landline",
            "voip",
            "toll_free",
            "wireless",
            "fixed_line",
        ):
            assert accepted in message
        assert nothing_created()

    def test_it_names_every_missing_field(self, alice_client):
        r = alice_client.post(URL, {"user_id": "alice"}, format="json")

        assert r.status_code == 400
        errors = r.json()["errors"]
        assert set(errors) == {"project_id", "area_code", "quantity"}
        assert all(
            messages == ["This field is required."] for messages in errors.values()
        )
        assert nothing_created()

    def test_it_refuses_a_body_that_is_not_an_object(self, alice_client):
        r = alice_client.post(URL, [1, 2], format="json")

        assert r.status_code == 400
        assert "non_field_errors" in r.json()["errors"]

    def test_it_refuses_malformed_json(self, alice_client, project):
        r = alice_client.post(URL, '{"quantity": 1,', content_type="application/json")

        assert r.status_code == 400
        payload = r.json()
        assert payload["code"] == "parse_error"
        assert "body" in payload["errors"]
        assert nothing_created()

    def test_it_refuses_an_unsupported_media_type(self, alice_client, project):
        r = alice_client.post(URL, "quantity=1", content_type="text/plain")

        assert r.status_code == 415
        assert r.json()["code"] == "unsupported_media_type"

    def test_it_answers_422_for_an_area_code_without_prefixes(
        self, alice_client, project, prefixes
    ):
        r = alice_client.post(URL, body(project, area_code="646"), format="json")

        assert r.status_code == 422
        payload = r.json()
        assert payload["area_code"] == "646"
        assert payload["available"] == 0
        assert payload["carriers"] == []
        assert "area_code" in payload["errors"]
        assert nothing_created()

    def test_it_answers_422_for_an_unknown_carrier(
        self, alice_client, project, prefixes
    ):
        r = alice_client.post(
            URL, body(project, carrier_filter="Acme Telco"), format="json"
        )

        assert r.status_code == 422
        payload = r.json()
        assert "carrier_filter" in payload["errors"]
        assert payload["available"] == 0
        assert payload["carriers"] == carrier_summary("917")
        assert nothing_created()

    def test_it_answers_422_for_a_carrier_without_that_type(
        self, alice_client, project, prefixes
    ):
        # Verizon holds only landline prefixes in 212.
        fields = {
            "area_code": "212",
            "carrier_filter": "Verizon",
            "type_filter": "mobile",
        }
        r = alice_client.post(URL, body(project, **fields), format="json")

        assert r.status_code == 422
        assert {"carrier_filter", "type_filter"} <= set(r.json()["errors"])
        assert nothing_created()

    def test_it_answers_422_with_the_count_available(
        self, alice_client, project, prefixes
    ):
        available = _available("212", "Lumen", "voip")
        fields = {"area_code": "212", "carrier_filter": "Lumen", "type_filter": "voip"}

        r = alice_client.post(
            URL, body(project, quantity=available + 1, **fields), format="json"
        )

        assert r.status_code == 422
        payload = r.json()
        assert payload["code"] == "not_enough_numbers"
        assert payload["available"] == available
        assert payload["area_code"] == "212"
        assert payload["carriers"] == carrier_summary("212")
        assert "quantity" in payload["errors"]
        assert nothing_created()

    def test_it_refuses_another_users_user_id(
        self, alice_client, project, bob, prefixes
    ):
        r = alice_client.post(URL, body(project, user_id="bob"), format="json")

        assert r.status_code == 403
        assert r.json()["errors"]["user_id"] == ["'bob' is not the authenticated user."]
        assert nothing_created()

    def test_it_refuses_a_user_id_in_the_query(self, alice_client, project, prefixes):
        r = alice_client.post(f"{URL}?user_id=bob", body(project), format="json")

        assert r.status_code == 403
        assert nothing_created()

    def test_it_works_without_user_id(self, alice_client, project, prefixes):
        fields = body(project)
        del fields["user_id"]

        r = alice_client.post(URL, fields, format="json")

        assert r.status_code == 201

    def test_it_answers_404_for_another_users_project(
        self, alice_client, bob_project, prefixes
    ):
        r = alice_client.post(URL, body(bob_project), format="json")

        assert r.status_code == 404
        assert r.json()["errors"] == {"project_id": ["No such project."]}
        assert nothing_created()

    def test_it_answers_404_for_a_project_that_does_not_exist(
        self, alice_client, project, prefixes
    ):
        fields = body(project) | {"project_id": project.id + 1000}

        r = alice_client.post(URL, fields, format="json")

        assert r.status_code == 404
        assert nothing_created()

    def test_it_answers_404_for_a_project_id_beyond_any_database_id(
        self, alice_client, project, prefixes
    ):
        r = alice_client.post(URL, body(project, project_id=10**30), format="json")

        assert r.status_code == 404
        assert nothing_created()

    def test_it_needs_a_token(self, anon_client, project, prefixes):
        r = anon_client.post(URL, body(project), format="json")

        assert r.status_code == 401
        assert r.json()["message"] == "Authentication credentials were not provided."
        assert nothing_created()

    @pytest.mark.parametrize(
        "raw, line_type",
        [
            ("Mobile", "mobile"),
            ("cell", "mobile"),
            ("fixed_line", "landline"),
            ("Fixed", "landline"),
            ("VOIP", "voip"),
        ],
    )
    def test_it_accepts_line_type_synonyms(
        self, alice_client, project, prefixes, raw, line_type
    ):
        r = alice_client.post(URL, body(project, type_filter=raw), format="json")

        assert r.status_code == 201
        assert Task.objects.get().params["line_type"] == line_type
