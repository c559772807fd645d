import pytest

from phonegen.numbers.models import Project

URL = "/api/projects/"


@pytest.mark.django_db
class ProjectCreateTests:
    def test_it_creates_a_project_of_the_caller(self, alice_client, alice):
        r = alice_client.post(URL, {"name": "Campaign"}, format="json")

        assert r.status_code == 201
        body = r.json()
        assert body["message"] == "Project created"
        project = Project.objects.get()
        assert project.owner == alice
        assert body["data"]["id"] == project.id
        assert body["data"]["name"] == "Campaign"
        assert body["data"]["created_at"]

    def test_it_trims_the_name(self, alice_client):
        r = alice_client.post(URL, {"name": "  Campaign  "}, format="json")

        assert r.json()["data"]["name"] == "Campaign"

    def test_it_refuses_a_name_the_user_already_has(self, alice_client, project):
        r = alice_client.post(URL, {"name": project.name}, format="json")

        assert r.status_code == 409
        body = r.json()
        assert body["code"] == "conflict"
        assert body["errors"]["name"] == ["A project with this name already exists."]
        assert Project.objects.count() == 1

    def test_it_allows_a_name_another_user_has(self, alice_client, bob_project):
        r = alice_client.post(URL, {"name": bob_project.name}, format="json")

        assert r.status_code == 201
        assert Project.objects.count() == 2

    @pytest.mark.parametrize(
        "body, message",
        [
            ({}, "This field is required."),
            ({"name": ""}, "This field may not be blank."),
            ({"name": "   "}, "This field may not be blank."),
            ({"name": None}, "This field may not be null."),
            ({"name": "x" * 201}, "Ensure this field has no more than 200 characters."),
        ],
    )
    def test_it_refuses_a_bad_name(self, alice_client, body, message):
        r = alice_client.post(URL, body, format="json")

        assert r.status_code == 400
        assert r.json()["errors"] == {"name": [message]}
        assert not Project.objects.exists()

    def test_it_accepts_the_callers_own_user_id(self, alice_client):
        r = alice_client.post(URL, {"name": "A", "user_id": "alice"}, format="json")

        assert r.status_code == 201

    @pytest.mark.parametrize(
        "body", ["user_id=bob&user_id=alice&name=A", "user_id=alice&user_id=bob&name=A"]
    )
    def test_it_refuses_another_users_user_id_among_several_in_a_form(
        self, alice_client, bob, body
    ):
        r = alice_client.post(
            URL, body, content_type="application/x-www-form-urlencoded"
        )

        assert r.status_code == 403
        assert r.json()["errors"]["user_id"] == ["'bob' is not the authenticated user."]
        assert not Project.objects.exists()

    def test_it_refuses_another_users_user_id(self, alice_client, bob):
        r = alice_client.post(URL, {"name": "A", "user_id": "bob"}, format="json")

        assert r.status_code == 403
        assert r.json()["errors"]["user_id"] == ["'bob' is not the authenticated user."]
        assert not Project.objects.exists()

    def test_it_needs_a_token(self, anon_client):
        r = anon_client.post(URL, {"name": "A"}, format="json")

        assert r.status_code == 401
        assert r.json()["message"] == "Authentication credentials were not provided."
        assert r["WWW-Authenticate"] == "Token"
        assert not Project.objects.exists()

    def test_it_refuses_an_invalid_token(self, anon_client):
        anon_client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")

        r = anon_client.post(URL, {"name": "A"}, format="json")

        assert r.status_code == 401
        assert r.json()["message"] == "Invalid token."
