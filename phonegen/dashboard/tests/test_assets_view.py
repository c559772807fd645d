import pytest


class AssetTests:
    def test_it_serves_the_dashboards_own_files(self, client):
        r = client.get("/static/dashboard/dashboard.css")

        assert r.status_code == 200
        assert r["Content-Type"].startswith("text/css")
        assert r["X-Content-Type-Options"] == "nosniff"

    def test_it_serves_scripts_as_javascript(self, client):
        r = client.get("/static/dashboard/project.js")

        assert r.status_code == 200
        assert "javascript" in r["Content-Type"]

    @pytest.mark.parametrize(
        "path",
        [
            "../views/assets.py",
            "..%2F..%2Fsettings.py",
            "missing.css",
            "./dashboard.css",
            "%2Fetc%2Fpasswd",
        ],
    )
    def test_it_serves_nothing_else(self, client, path):
        assert client.get(f"/static/dashboard/{path}").status_code == 404

    def test_it_only_reads(self, client):
        assert client.post("/static/dashboard/dashboard.css").status_code == 405
