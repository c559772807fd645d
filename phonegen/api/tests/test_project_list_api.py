import pytest

from phonegen.numbers.models import Project
from phonegen.numbers.tests.factories import make_number
from phonegen.tasks.models import Task

URL = "/api/projects/"


@pytest.mark.django_db
class ProjectListTests:
    def test_it_lists_only_the_callers_projects_with_counts(
        self, alice_client, alice, project, bob_project
    ):
        other = Project.objects.create(owner=alice, name="Empty")
        make_number(project, "2125550200")
        make_number(project, "2125550201")
        make_number(bob_project, "2125550202")
        Task.objects.create(user=alice, project=project, task_type="generation")

        r = alice_client.get(URL)

        assert r.status_code == 200
        data = r.json()["data"]
        assert data["count"] == 2
        rows = {row["id"]: row for row in data["results"]}
        assert set(rows) == {project.id, other.id}
        assert rows[project.id]["numbers"] == 2
        assert rows[project.id]["tasks"] == 1
        assert rows[other.id]["numbers"] == 0
        assert rows[other.id]["tasks"] == 0
        assert rows[project.id]["name"] == project.name

    def test_it_pages(self, alice_client, alice):
        for index in range(3):
            Project.objects.create(owner=alice, name=f"P{index}")

        first = alice_client.get(URL, {"page_size": 2}).json()["data"]
        second = alice_client.get(URL, {"page_size": 2, "page": 2}).json()["data"]

        assert first["count"] == 3
        assert len(first["results"]) == 2
        assert "page=2" in first["next"]
        assert first["previous"] is None
        assert len(second["results"]) == 1
        assert second["next"] is None

    @pytest.mark.parametrize(
        "query, field",
        [
            ({"page": "abc"}, "page"),
            ({"page": 0}, "page"),
            ({"page_size": 0}, "page_size"),
            ({"page_size": 5000}, "page_size"),
        ],
    )
    def test_it_refuses_a_bad_page(self, alice_client, project, query, field):
        r = alice_client.get(URL, query)

        assert r.status_code == 400
        assert field in r.json()["errors"]

    def test_it_answers_404_past_the_last_page(self, alice_client, project):
        r = alice_client.get(URL, {"page": 9})

        assert r.status_code == 404
        assert "page" in r.json()["errors"]

    def test_it_refuses_another_users_user_id(self, alice_client, bob):
        r = alice_client.get(URL, {"user_id": "bob"})

        assert r.status_code == 403
        assert "user_id" in r.json()["errors"]

    def test_it_needs_a_token(self, anon_client):
        assert anon_client.get(URL).status_code == 401
