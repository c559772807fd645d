"""The error envelope for failures outside any one endpoint's own checks."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from phonegen.api.errors import exception_handler
from phonegen.errors import NotEnoughNumbers


@pytest.mark.django_db
class ErrorEnvelopeTests:
    def test_it_answers_json_404_for_an_unknown_api_url(self, alice_client):
        r = alice_client.get("/api/phone-generator/nothing-here/")

        assert r.status_code == 404
        assert r.json() == {
            "message": "No endpoint at /api/phone-generator/nothing-here/.",
            "code": "not_found",
            "errors": {},
        }

    def test_it_redirects_a_get_missing_its_slash(self, alice_client):
        r = alice_client.get("/api/phone-generator/tasks?status=pending")

        assert r.status_code == 301
        assert r["Location"] == "/api/phone-generator/tasks/?status=pending"

    def test_it_points_a_post_missing_its_slash_to_the_right_url(self, alice_client):
        r = alice_client.post("/api/projects", {"name": "A"}, format="json")

        assert r.status_code == 404
        assert "/api/projects/" in r.json()["message"]

    def test_it_answers_405_in_the_envelope(self, alice_client):
        r = alice_client.delete("/api/projects/")

        assert r.status_code == 405
        assert r.json() == {
            "message": 'Method "DELETE" not allowed.',
            "code": "method_not_allowed",
            "errors": {},
        }

    @pytest.mark.parametrize(
        ("url", "wanted"),
        [
            ("/api/phone-generator/numbers/?format=xml", "xml"),
            ("/api/phone-generator/tasks/?format=csv", "csv"),
        ],
    )
    def test_it_names_a_format_it_cannot_answer(self, alice_client, url, wanted):
        r = alice_client.get(url)

        assert r.status_code == 400
        assert r.json()["errors"] == {
            "format": [f"Unknown format '{wanted}'; this answers json."]
        }

    def test_it_refuses_a_change_asked_in_a_format_it_cannot_answer(self, alice_client):
        r = alice_client.post("/api/projects/?format=xml", {"name": "A"}, format="json")

        assert r.status_code == 400
        assert list(r.json()["errors"]) == ["format"]
        assert alice_client.get("/api/projects/").json()["data"]["count"] == 0

    def test_it_answers_the_formats_a_view_has(self, alice_client):
        tasks = alice_client.get("/api/phone-generator/tasks/?format=json")
        schema = alice_client.get("/api/schema/?format=json")

        assert (tasks.status_code, schema.status_code) == (200, 200)
        assert "openapi" in schema.json()

    def test_it_maps_django_404_and_permission_denied(self):
        not_found = exception_handler(Http404("x"), {})
        denied = exception_handler(PermissionDenied(), {})

        assert not_found.status_code == 404
        assert not_found.data["code"] == "not_found"
        assert denied.status_code == 403
        assert denied.data["code"] == "permission_denied"

    def test_it_merges_the_extra_help_of_phonegen_errors(self):
        error = NotEnoughNumbers(
            "Only 3 numbers are available.",
            errors={"quantity": ["Ensure this value is at most 3."]},
            extra={"available": 3, "area_code": "212", "carriers": [], "message": "x"},
        )

        r = exception_handler(error, {})

        assert r.status_code == 422
        assert r.data == {
            "message": "Only 3 numbers are available.",
            "code": "not_enough_numbers",
            "errors": {"quantity": ["Ensure this value is at most 3."]},
            "available": 3,
            "area_code": "212",
            "carriers": [],
        }

    def test_it_answers_an_unexpected_error_with_a_json_500(self, settings):
        settings.DEBUG = False

        r = exception_handler(RuntimeError("secret detail"), {})

        assert r.status_code == 500
        assert r.data["code"] == "server_error"
        assert "secret" not in r.data["message"]

    def test_it_lets_django_show_unexpected_errors_in_debug(self, settings):
        settings.DEBUG = True

        assert exception_handler(RuntimeError("boom"), {}) is None
