import pytest

from phonegen.numbers.models import Project
from phonegen.numbers.tests.factories import make_number

from .conftest import make_task


@pytest.mark.django_db
class HomeTests:
    def test_it_lists_only_the_users_projects_with_counts(
        self, alice_client, project, bob_project
    ):
        make_number(project, "9172310001")
        make_number(project, "9172310002")
        make_task(project)
        make_number(bob_project, "9172310003")

        r = alice_client.get("/")

        page = r.content.decode()
        assert r.status_code == 200
        assert "Alice&#x27;s numbers" in page
        assert "2 numbers · 1 task" in page
        assert "Bob" not in page

    def test_it_invites_a_new_user_to_create_a_project(self, alice_client, alice):
        r = alice_client.get("/")

        assert "No project yet" in r.content.decode()

    def test_it_creates_a_project_and_opens_it(self, alice_client, alice):
        r = alice_client.post("/", {"name": "  Campaign  "})

        project = Project.objects.get(owner=alice)
        assert project.name == "Campaign"
        assert r.status_code == 302
        assert r["Location"] == f"/projects/{project.pk}/"

    def test_it_refuses_a_name_the_user_already_has(self, alice_client, project):
        r = alice_client.post("/", {"name": project.name})

        assert r.status_code == 400
        assert "A project with this name already exists." in r.content.decode()
        assert Project.objects.count() == 1

    def test_it_allows_a_name_another_user_has(self, alice_client, bob_project):
        r = alice_client.post("/", {"name": bob_project.name})

        assert r.status_code == 302
        assert Project.objects.filter(name=bob_project.name).count() == 2

    def test_it_refuses_an_empty_name(self, alice_client, alice):
        r = alice_client.post("/", {"name": "   "})

        assert r.status_code == 400
        assert "This field is required." in r.content.decode()
        assert not Project.objects.exists()
