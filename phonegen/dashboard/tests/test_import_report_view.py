import pytest

from phonegen.numbers.models import ImportRow
from phonegen.numbers.tests.factories import make_number

from .conftest import make_task


@pytest.fixture
def import_task(project):
    task = make_task(
        project,
        task_type="import",
        status="completed",
        progress=100,
        params={"filename": "contacts.csv"},
        result_data={
            "lines": 2,
            "stored": 1,
            "refused": 1,
            "refused_by_reason": {"letters": 1},
        },
    )
    make_number(project, "9172310001")
    ImportRow.objects.create(
        task=task, line=2, raw="917-231-0001", outcome="stored", number="19172310001"
    )
    ImportRow.objects.create(
        task=task,
        line=3,
        raw="not a number",
        outcome="refused",
        reason="letters",
        message="Contains letters.",
    )
    return task


@pytest.mark.django_db
class ImportReportTests:
    def test_it_shows_every_line_with_its_outcome(
        self, alice_client, project, import_task
    ):
        r = alice_client.get(f"/projects/{project.pk}/imports/{import_task.task_id}/")

        page = r.content.decode()
        assert r.status_code == 200
        assert "Import of contacts.csv" in page
        assert "+19172310001" in page
        assert "not a number" in page
        assert "Contains letters." in page

    def test_it_words_refusal_reasons_plainly(self, alice_client, project, import_task):
        import_task.result_data["refused_by_reason"] = {"npa_format": 2, "nxx_n11": 1}
        import_task.save(update_fields=["result_data"])

        r = alice_client.get(f"/projects/{project.pk}/imports/{import_task.task_id}/")

        page = r.content.decode()
        assert "area code not valid: 2" in page
        assert "exchange is an N11 code: 1" in page
        assert ">contains letters</span>" in page
        assert "<td>Refused</td>" in page and "<td>refused</td>" not in page
        assert "npa_format:" not in page and ">letters<" not in page

    def test_it_filters_by_outcome(self, alice_client, project, import_task):
        url = f"/projects/{project.pk}/imports/{import_task.task_id}/"

        page = alice_client.get(url, {"outcome": "refused"}).content.decode()

        assert "not a number" in page
        assert "917-231-0001" not in page

    def test_it_never_shows_another_users_import(
        self, alice_client, bob_project, project
    ):
        task = make_task(bob_project, task_type="import", params={})

        own_url = f"/projects/{project.pk}/imports/{task.task_id}/"
        their_url = f"/projects/{bob_project.pk}/imports/{task.task_id}/"
        assert alice_client.get(own_url).status_code == 404
        assert alice_client.get(their_url).status_code == 404

    def test_it_is_only_for_imports(self, alice_client, project):
        task = make_task(project)

        r = alice_client.get(f"/projects/{project.pk}/imports/{task.task_id}/")

        assert r.status_code == 404
