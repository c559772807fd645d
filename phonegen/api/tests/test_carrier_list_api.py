import pytest

from phonegen.prefixes.selectors import carrier_summary

URL = "/api/phone-generator/carriers/"


@pytest.mark.django_db
class CarrierListTests:
    def test_it_summarises_an_area_code(self, alice_client, prefixes):
        r = alice_client.get(URL, {"area_code": "212"})

        assert r.status_code == 200
        payload = r.json()
        assert payload["message"] == "Carriers in area code 212"
        data = payload["data"]
        summary = carrier_summary("212")
        assert data["area_code"] == "212"
        assert data["carriers"] == summary
        assert data["totals"] == {
            "carriers": len({row["brand"] for row in summary}),
            "prefixes": sum(row["prefixes"] for row in summary),
            "available_numbers": sum(row["available_numbers"] for row in summary),
        }
        mobile = [row for row in data["carriers"] if row["line_type"] == "mobile"]
        assert {row["brand"] for row in mobile} >= {"AT&T", "T-Mobile"}

    def test_it_answers_an_empty_summary_for_an_area_code_without_prefixes(
        self, alice_client, prefixes
    ):
        r = alice_client.get(URL, {"area_code": "646"})

        assert r.status_code == 200
        data = r.json()["data"]
        assert data["carriers"] == []
        assert data["totals"] == {"carriers": 0, "prefixes": 0, "available_numbers": 0}

    def test_it_needs_an_area_code(self, alice_client):
        r = alice_client.get(URL)

        assert r.status_code == 400
        assert r.json()["errors"] == {"area_code": ["This field is required."]}

    @pytest.mark.parametrize(
        "area_code", ["abc", "012", "911", "2121", "2\uff11\uff12"]
    )
    def test_it_refuses_a_malformed_area_code(self, alice_client, area_code):
        r = alice_client.get(URL, {"area_code": area_code})

        assert r.status_code == 400
        assert list(r.json()["errors"]) == ["area_code"]

    def test_it_is_the_same_for_every_user(self, alice_client, bob_client, prefixes):
        query = {"area_code": "917"}

        assert alice_client.get(URL, query).json() == bob_client.get(URL, query).json()

    def test_it_needs_a_token(self, anon_client):
        assert anon_client.get(URL, {"area_code": "212"}).status_code == 401

    def test_it_refuses_a_user_id_that_is_not_the_caller(self, alice_client, prefixes):
        r = alice_client.get(URL, {"area_code": "917", "user_id": "bob"})

        assert r.status_code == 403
        assert r.json()["errors"] == {
            "user_id": ["'bob' is not the authenticated user."]
        }


@pytest.mark.django_db
class CarrierListForProjectTests:
    def test_it_counts_what_the_project_can_still_be_given(
        self, alice_client, prefixes, project
    ):
        whole = {
            (row["brand"], row["line_type"]): row["available_numbers"]
            for row in carrier_summary("212")
        }
        verizon = next(b for b, t in whole if b == "Verizon")
        line_type = next(t for b, t in whole if b == verizon)
        r = alice_client.post(
            "/api/phone-generator/generate-numbers/",
            {"project_id": project.id, "area_code": "212", "quantity": 300,
             "carrier_filter": verizon, "type_filter": line_type},
            format="json",
        )  # fmt: skip
        assert r.status_code in (200, 201), r.content

        r = alice_client.get(URL, {"area_code": "212", "project_id": project.id})

        assert r.status_code == 200, r.content
        rows = {
            (row["brand"], row["line_type"]): row
            for row in r.json()["data"]["carriers"]
        }
        row = rows[(verizon, line_type)]
        assert row["in_project"] == 300
        assert row["available_numbers"] == whole[(verizon, line_type)] - 300
        others = [r for key, r in rows.items() if key != (verizon, line_type)]
        assert all(r["in_project"] == 0 for r in others)

    def test_another_users_project_answers_404(self, bob_client, prefixes, project):
        r = bob_client.get(URL, {"area_code": "212", "project_id": project.id})

        assert r.status_code == 404
        assert r.json()["errors"]["project_id"]
