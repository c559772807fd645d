import json
import re
from datetime import UTC, datetime

import pytest
from rest_framework.authtoken.models import Token

from phonegen.numbers.tests.factories import make_number

from .conftest import make_task


def _config(page: str) -> dict:
    match = re.search(
        r'<script id="dashboard-config" type="application/json">(.*?)</script>', page
    )
    return json.loads(match.group(1))


@pytest.mark.django_db
class ProjectPageTests:
    def test_it_shows_the_project_its_tasks_and_its_chart(self, alice_client, project):
        make_number(project, "9172310001")
        make_number(project, "9172310002", brand="AT&T", line_type="landline")
        task = make_task(project)

        r = alice_client.get(f"/projects/{project.pk}/")

        page = r.content.decode()
        assert r.status_code == 200
        assert f'id="task-{task.task_id}"' in page
        assert "Generate 20,000 numbers in 917, Mobile" in page
        assert 'value="40"' in page
        assert "Numbers by carrier and line type" in page
        assert "AT&amp;T, Landline: 1" in page

    def test_it_names_the_generate_fields_as_the_api_does(self, alice_client, project):
        page = alice_client.get(f"/projects/{project.pk}/").content.decode()

        for name in ("area_code", "quantity", "carrier_filter", "type_filter"):
            assert f'name="{name}"' in page
        assert 'name="batch_size"' in page

    def test_it_hands_the_script_its_urls_but_no_token(
        self, alice_client, alice, project
    ):
        token = Token.objects.create(user=alice)

        page = alice_client.get(f"/projects/{project.pk}/").content.decode()

        config = _config(page)
        assert config["username"] == "alice"
        assert config["projectId"] == project.pk
        assert config["urls"]["socket"] == "/ws/tasks/alice/"
        assert config["urls"]["generate"] == (
            "/api/phone-generator/generate-numbers-enhanced/"
        )
        assert config["urls"]["summary"] == f"/projects/{project.pk}/summary/"
        assert token.key not in page

    def test_carrier_and_line_type_have_a_note_read_with_them(
        self, alice_client, project
    ):
        page = alice_client.get(f"/projects/{project.pk}/").content.decode()

        for name in ("carrier_filter", "type_filter"):
            note = f'id="generate-{name}_note" data-role="note" aria-live="polite"'
            assert note in page
            assert re.search(rf'aria-describedby="[^"]*generate-{name}_note"', page)
        assert "generate-quantity_note" not in page

    def test_it_never_shows_another_users_project(self, alice_client, bob_project):
        make_task(bob_project)

        r = alice_client.get(f"/projects/{bob_project.pk}/")

        assert r.status_code == 404
        assert r["Content-Type"].startswith("text/html")
        assert "Bob" not in r.content.decode()

    def test_it_lists_only_this_projects_tasks(self, alice_client, alice, project):
        other = project.__class__.objects.create(owner=alice, name="Other")
        mine = make_task(project)
        elsewhere = make_task(other)

        page = alice_client.get(f"/projects/{project.pk}/").content.decode()

        assert str(mine.task_id) in page
        assert str(elsewhere.task_id) not in page

    def test_it_shows_a_finished_task_with_duration_and_counts(
        self, alice_client, project
    ):
        make_task(
            project,
            status="completed",
            progress=100,
            successful_items=20000,
            result_data={"generated": 20000},
        )

        page = alice_client.get(f"/projects/{project.pk}/").content.decode()

        assert "20,000 stored · 0 failed" in page
        assert 'data-action="cancel"' not in page

    def test_it_writes_every_time_in_24_hour_utc(self, alice_client, project):
        moment = datetime(2025, 3, 1, 18, 25, 22, tzinfo=UTC)
        make_task(project, estimated_completion=moment)
        make_task(project, status="completed", progress=100, completed_at=moment)

        page = alice_client.get(f"/projects/{project.pk}/").content.decode()

        assert page.count(">18:25:22 UTC<") == 2
        assert " PM" not in page


@pytest.mark.django_db
class ProjectSummaryTests:
    def test_it_draws_the_counts_and_chart_as_they_are_now(self, alice_client, project):
        page = alice_client.get(f"/projects/{project.pk}/").content.decode()
        assert "0 numbers · 0 tasks" in page
        make_number(project, "9172310001")
        make_number(project, "9172310002", brand="AT&T", line_type="landline")
        make_task(project)

        r = alice_client.get(f"/projects/{project.pk}/summary/")

        fragment = r.content.decode()
        assert r.status_code == 200
        assert '<p class="counts" id="project-counts">2 numbers · 1 task ·' in fragment
        assert '<div id="project-chart">' in fragment
        assert "AT&amp;T, Landline: 1" in fragment
        assert "<html" not in fragment

    def test_the_page_draws_them_with_the_same_templates(self, alice_client, project):
        make_number(project, "9172310001")

        page = alice_client.get(f"/projects/{project.pk}/").content.decode()
        fragment = alice_client.get(f"/projects/{project.pk}/summary/")

        for part in fragment.content.decode().split("\n"):
            assert part.strip() in page

    def test_it_never_draws_another_users_project(self, alice_client, bob_project):
        make_number(bob_project, "9172310001")

        r = alice_client.get(f"/projects/{bob_project.pk}/summary/")

        assert r.status_code == 404
        assert "1 number" not in r.content.decode()


@pytest.mark.django_db
class TaskRowTests:
    def test_it_draws_one_row_of_the_users_task(self, alice_client, project):
        task = make_task(project)

        r = alice_client.get(f"/tasks/{task.task_id}/row/")

        assert r.status_code == 200
        assert r.content.decode().lstrip().startswith('<li class="task"')
        assert 'data-action="cancel"' in r.content.decode()

    def test_it_never_draws_another_users_task(self, alice_client, bob_project):
        task = make_task(bob_project)

        assert alice_client.get(f"/tasks/{task.task_id}/row/").status_code == 404
