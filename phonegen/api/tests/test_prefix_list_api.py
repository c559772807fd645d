import pytest

from phonegen.prefixes.models import PhonePrefix

URL = "/api/phone-generator/prefixes/"


def prefixes_of(response) -> list[str]:
    return [row["prefix"] for row in response.json()["data"]["results"]]


@pytest.mark.django_db
class PrefixListTests:
    def test_it_lists_the_prefix_database(self, alice_client, prefixes):
        r = alice_client.get(URL, {"page_size": 3})

        assert r.status_code == 200
        data = r.json()["data"]
        assert data["count"] == PhonePrefix.objects.count()
        first = PhonePrefix.objects.order_by("prefix").first()
        row = data["results"][0]
        assert row["prefix"] == first.prefix
        assert row["carrier"] == first.carrier
        assert row["brand"] == first.brand
        assert row["line_type"] == first.line_type
        assert set(row) >= {"npa", "nxx", "block", "ocn", "city", "state", "country"}

    def test_it_filters_by_npa(self, alice_client, prefixes):
        r = alice_client.get(URL, {"npa": "917", "page_size": 1000})

        assert (
            r.json()["data"]["count"] == PhonePrefix.objects.filter(npa="917").count()
        )
        assert all(p.startswith("917") for p in prefixes_of(r))

    def test_it_filters_by_brand_or_part_of_the_carrier(self, alice_client, prefixes):
        by_brand = alice_client.get(URL, {"npa": "917", "carrier": "VERIZON"})
        by_name = alice_client.get(URL, {"npa": "917", "carrier": "cellco"})

        expected = PhonePrefix.objects.filter(npa="917", brand="Verizon").count()
        assert by_brand.json()["data"]["count"] == expected
        cellco = PhonePrefix.objects.filter(
            npa="917", carrier__icontains="cellco"
        ).count()
        assert by_name.json()["data"]["count"] == cellco > 0

    def test_it_filters_by_line_type_and_state(self, alice_client, prefixes):
        r = alice_client.get(
            URL, {"npa": "212", "line_type": "Wireless", "state": "ny"}
        )

        expected = PhonePrefix.objects.filter(npa="212", line_type="mobile", state="NY")
        assert r.json()["data"]["count"] == expected.count()
        rows = r.json()["data"]["results"]
        assert rows
        assert all(row["line_type"] == "mobile" for row in rows)

    @pytest.mark.parametrize(
        "query, field",
        [
            ({"npa": "911"}, "npa"),
            ({"npa": "2"}, "npa"),
            ({"line_type": "satellite"}, "line_type"),
            ({"state": "New York"}, "state"),
            ({"page_size": -1}, "page_size"),
        ],
    )
    def test_it_refuses_bad_filters(self, alice_client, query, field):
        r = alice_client.get(URL, query)

        assert r.status_code == 400
        assert list(r.json()["errors"]) == [field]

    def test_it_is_the_same_database_for_every_user(
        self, alice_client, bob_client, prefixes
    ):
        query = {"npa": "212", "page_size": 5}

        assert alice_client.get(URL, query).json() == bob_client.get(URL, query).json()

    def test_it_needs_a_token(self, anon_client):
        assert anon_client.get(URL).status_code == 401

    def test_it_refuses_a_user_id_that_is_not_the_caller(self, alice_client, prefixes):
        r = alice_client.get(URL, {"npa": "917", "user_id": "bob"})

        assert r.status_code == 403
        assert r.json()["errors"] == {
            "user_id": ["'bob' is not the authenticated user."]
        }
