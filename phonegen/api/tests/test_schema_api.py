import re

import pytest

ENDPOINTS = (
    "/api/auth/token/",
    "/api/projects/",
    "/api/health/",
    "/api/phone-generator/generate-numbers-enhanced/",
    "/api/phone-generator/generate-numbers/",
    "/api/phone-generator/validate-numbers-enhanced/",
    "/api/phone-generator/validate-numbers/",
    "/api/phone-generator/tasks/",
    "/api/phone-generator/tasks/{task_id}/progress/",
    "/api/phone-generator/tasks/{task_id}/cancel/",
    "/api/phone-generator/numbers/",
    "/api/phone-generator/numbers/export/",
    "/api/phone-generator/numbers/import/",
    "/api/phone-generator/numbers/import/{task_id}/rows/",
    "/api/phone-generator/prefixes/",
    "/api/phone-generator/carriers/",
)


@pytest.mark.django_db
class SchemaTests:
    def test_it_documents_every_endpoint(self, anon_client):
        r = anon_client.get("/api/schema/", {"format": "json"})

        assert r.status_code == 200
        schema = r.json()
        assert schema["openapi"].startswith("3.")
        assert set(ENDPOINTS) <= set(schema["paths"])

    def test_it_documents_the_generation_body_and_answers(self, anon_client):
        schema = anon_client.get("/api/schema/", {"format": "json"}).json()

        operation = schema["paths"]["/api/phone-generator/generate-numbers-enhanced/"][
            "post"
        ]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert set(body["required"]) == {"project_id", "area_code", "quantity"}
        assert body["properties"]["quantity"]["maximum"] == 1_000_000
        assert body["properties"]["batch_size"]["minimum"] == 100
        assert {"201", "400", "401", "403", "404", "422"} <= set(operation["responses"])

    def test_it_names_the_token_scheme(self, anon_client):
        schema = anon_client.get("/api/schema/", {"format": "json"}).json()

        assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"


@pytest.mark.django_db
class DocsTests:
    def test_it_serves_the_page_and_its_assets_locally(self, anon_client):
        r = anon_client.get("/api/docs/")

        assert r.status_code == 200
        html = r.content.decode()
        assert "/api/schema/" in html
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources
        for source in sources:
            assert source.startswith("/api/docs/assets/"), source
            asset = anon_client.get(source)
            assert asset.status_code == 200, source
            assert asset.content

    def test_it_serves_nothing_outside_the_bundles(self, anon_client):
        paths = (
            "../__init__.py",
            "swagger-ui-dist/../../__init__.py",
            "swagger-ui-dist/missing.js",
            "apps.py",
            "",
        )
        for path in paths:
            r = anon_client.get(f"/api/docs/assets/{path}")
            assert r.status_code == 404
