import pytest
from django.test import Client

from ..forms import SIGN_IN_FAILURES
from .conftest import PASSWORD

PAGES = [
    "/",
    "/projects/1/",
    "/projects/1/numbers/",
    "/projects/1/imports/00000000-0000-0000-0000-000000000000/",
    "/tasks/00000000-0000-0000-0000-000000000000/row/",
]


@pytest.mark.django_db
class SignInTests:
    @pytest.mark.parametrize("url", PAGES)
    def test_it_sends_a_stranger_to_the_sign_in_page(self, client, url):
        r = client.get(url)

        assert r.status_code == 302
        assert r["Location"].startswith("/sign-in/?next=")

    def test_it_signs_in_and_the_session_opens_the_api(self, client, alice):
        r = client.post("/sign-in/", {"username": "alice", "password": PASSWORD})

        assert r.status_code == 302
        assert r["Location"] == "/"
        assert client.get("/").status_code == 200
        assert client.get("/api/projects/").status_code == 200

    def test_it_refuses_a_wrong_password_with_a_message(self, client, alice):
        r = client.post("/sign-in/", {"username": "alice", "password": "nope"})

        assert r.status_code == 200
        assert "correct username and password" in r.content.decode()
        assert client.get("/").status_code == 302

    def test_it_stops_guessing_after_repeated_failures(self, client, alice):
        for _ in range(SIGN_IN_FAILURES):
            client.post("/sign-in/", {"username": "alice", "password": "nope"})

        r = client.post("/sign-in/", {"username": "Alice", "password": PASSWORD})

        assert r.status_code == 200
        assert "Too many failed sign-ins" in r.content.decode()
        assert client.get("/").status_code == 302

    def test_failures_from_one_address_do_not_lock_out_another(self, alice):
        stranger = Client(REMOTE_ADDR="198.51.100.7")
        for _ in range(SIGN_IN_FAILURES + 1):
            stranger.post("/sign-in/", {"username": "alice", "password": "nope"})
        owner = Client(REMOTE_ADDR="203.0.113.5")

        refused = stranger.post(
            "/sign-in/", {"username": "alice", "password": PASSWORD}
        )
        r = owner.post("/sign-in/", {"username": "alice", "password": PASSWORD})

        assert "Too many failed sign-ins" in refused.content.decode()
        assert r.status_code == 302
        assert owner.get("/").status_code == 200

    def test_it_signs_out_on_post_only(self, alice_client):
        assert alice_client.get("/sign-out/").status_code == 405

        r = alice_client.post("/sign-out/")

        assert r.status_code == 302
        assert r["Location"] == "/sign-in/"
        assert alice_client.get("/").status_code == 302

    def test_it_needs_the_csrf_token_to_sign_out(self, alice):
        client = Client(enforce_csrf_checks=True)
        client.force_login(alice)

        assert client.post("/sign-out/").status_code == 403
