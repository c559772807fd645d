import pytest
from rest_framework.authtoken.models import Token

from .conftest import PASSWORD

URL = "/api/auth/token/"


@pytest.mark.django_db
class AuthTokenTests:
    def test_it_issues_the_token_of_the_user(self, anon_client, alice):
        r = anon_client.post(
            URL, {"username": "alice", "password": PASSWORD}, format="json"
        )

        assert r.status_code == 200
        body = r.json()
        assert body["message"] == "Token issued"
        assert body["data"] == {
            "token": Token.objects.get(user=alice).key,
            "user_id": "alice",
        }

    def test_it_answers_the_same_token_every_time(self, anon_client, alice):
        credentials = {"username": "alice", "password": PASSWORD}
        first = anon_client.post(URL, credentials, format="json").json()["data"][
            "token"
        ]
        second = anon_client.post(URL, credentials, format="json").json()["data"][
            "token"
        ]

        assert first == second
        assert Token.objects.count() == 1

    def test_it_issues_a_token_that_authenticates_requests(self, anon_client, alice):
        r = anon_client.post(
            URL, {"username": "alice", "password": PASSWORD}, format="json"
        )
        anon_client.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['data']['token']}")

        assert anon_client.get("/api/projects/").status_code == 200

    def test_it_refuses_a_wrong_password_naming_the_field(self, anon_client, alice):
        r = anon_client.post(
            URL, {"username": "alice", "password": "nope"}, format="json"
        )

        assert r.status_code == 400
        body = r.json()
        assert (
            body["message"] == "Unable to log in with the given username and password."
        )
        assert list(body["errors"]) == ["password"]
        assert not Token.objects.exists()

    def test_it_answers_an_unknown_user_like_a_wrong_password(self, anon_client, alice):
        wrong = anon_client.post(
            URL, {"username": "alice", "password": "x"}, format="json"
        )
        unknown = anon_client.post(
            URL, {"username": "eve", "password": "x"}, format="json"
        )

        assert unknown.status_code == 400
        assert unknown.json() == wrong.json()

    def test_it_refuses_an_inactive_user(self, anon_client, alice):
        alice.is_active = False
        alice.save()

        r = anon_client.post(
            URL, {"username": "alice", "password": PASSWORD}, format="json"
        )

        assert r.status_code == 400
        assert "password" in r.json()["errors"]

    def test_it_names_each_missing_field(self, anon_client):
        r = anon_client.post(URL, {}, format="json")

        assert r.status_code == 400
        errors = r.json()["errors"]
        assert errors["username"] == ["This field is required."]
        assert errors["password"] == ["This field is required."]

    def test_it_ignores_a_stale_token_header(self, anon_client, alice):
        anon_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

        r = anon_client.post(
            URL, {"username": "alice", "password": PASSWORD}, format="json"
        )

        assert r.status_code == 200

    def test_it_throttles_repeated_attempts(self, anon_client, alice):
        for _ in range(20):
            anon_client.post(URL, {"username": "alice", "password": "x"}, format="json")

        r = anon_client.post(
            URL, {"username": "alice", "password": PASSWORD}, format="json"
        )

        assert r.status_code == 429
        assert r.json()["code"] == "throttled"
        assert int(r["Retry-After"]) > 0

    def test_it_refuses_get(self, anon_client):
        r = anon_client.get(URL)

        assert r.status_code == 405
        assert r.json()["message"] == 'Method "GET" not allowed.'
