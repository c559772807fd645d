"""Bodies and URLs meant to break the API get a clean error, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from phonegen.numbers.models import PhoneNumber
from phonegen.tasks.models import Task, TaskType

GENERATE = "/api/phone-generator/generate-numbers-enhanced/"
IMPORT = "/api/phone-generator/numbers/import/"


@pytest.mark.django_db
class HostileInputTests:
    def test_it_refuses_json_nested_too_deeply(self, alice_client):
        body = "[" * 100_000 + "]" * 100_000

        r = alice_client.post(GENERATE, body, content_type="application/json")

        assert r.status_code == 400
        assert r.json()["code"] == "parse_error"
        assert "nested too deeply" in r.json()["message"]
        assert Task.objects.count() == 0

    def test_it_refuses_json_nested_too_deeply_without_a_token(self, anon_client):
        body = '{"a":' * 5000 + "1" + "}" * 5000

        r = anon_client.post("/api/auth/token/", body, content_type="application/json")

        assert r.status_code == 400

    def test_it_refuses_a_body_over_the_limit_with_413(self, alice_client, settings):
        padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

        r = alice_client.post(
            GENERATE, {"area_code": "212", "pad": padding}, format="json"
        )

        assert r.status_code == 413
        assert r.json()["errors"] == {
            "body": [f"At most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."]
        }
        assert Task.objects.count() == 0

    @pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
    def test_any_method_on_an_unknown_url_gets_the_json_404(self, method):
        client = Client(enforce_csrf_checks=True)

        r = getattr(client, method)("/api/phone-generator/no-such-endpoint/")

        assert r.status_code == 404
        assert r.json()["code"] == "not_found"

    def test_another_users_task_id_as_a_filter_answers_404(
        self, alice_client, project, bob, bob_project
    ):
        task = Task.objects.create(
            user=bob, project=bob_project, task_type=TaskType.GENERATION
        )
        PhoneNumber.objects.create(project=bob_project, task=task, number="12122001234")
        query = {"task_id": str(task.task_id), "project_id": project.pk}

        listed = alice_client.get("/api/phone-generator/numbers/", query)
        exported = alice_client.get(
            "/api/phone-generator/numbers/export/", query | {"format": "csv"}
        )

        assert listed.status_code == exported.status_code == 404
        assert listed.json()["errors"] == {"task_id": ["No such task."]}

    def test_it_refuses_too_many_query_parameters_with_400(
        self, alice_client, settings
    ):
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
        query = {f"p{i}": "x" for i in range(11)}

        r = alice_client.get("/api/projects/", query)

        assert r.status_code == 400
        assert r.json() == {
            "message": "The request has more than 10 parameters.",
            "code": "too_many_fields",
            "errors": {"request": ["The request has more than 10 parameters."]},
        }

    def test_it_refuses_too_many_form_fields_with_400(self, alice_client, settings):
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
        form = {f"p{i}": "x" for i in range(11)}

        r = alice_client.post("/api/projects/", form, format="multipart")

        assert r.status_code == 400
        assert r.json()["code"] == "too_many_fields"

    def test_it_refuses_too_many_files_with_400(self, alice_client, project, settings):
        settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
        files = [SimpleUploadedFile(f"list{i}.csv", b"2123502484\n") for i in range(3)]

        r = alice_client.post(
            IMPORT, {"project_id": project.pk, "file": files}, format="multipart"
        )

        assert r.status_code == 400
        assert r.json()["code"] == "too_many_files"
        assert r.json()["errors"] == {"request": ["The request has more than 2 files."]}
        assert Task.objects.count() == 0

    def test_it_refuses_a_phone_id_beyond_64_bits_with_400(self, alice_client):
        r = alice_client.post(
            "/api/phone-generator/validate-numbers-enhanced/",
            {"phone_ids": [1, 2**63]},
            format="json",
        )

        assert r.status_code == 400
        assert list(r.json()["errors"]) == ["phone_ids.1"]
        assert Task.objects.count() == 0
