import socket

import pytest
from django.test import override_settings

from phonegen.api.views import health

URL = "/api/health/"
REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


needs_redis = pytest.mark.skipif(
    not redis_reachable(), reason="no Redis on 127.0.0.1:6379"
)

REDIS_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    }
}


@pytest.mark.django_db
class HealthTests:
    def test_it_reports_the_embedded_components(self, anon_client):
        r = anon_client.get(URL)

        assert r.status_code == 200
        payload = r.json()
        assert payload["message"] == "All components are working"
        data = payload["data"]
        assert data["database"]["status"] == "ok"
        assert data["database"]["vendor"] in ("sqlite", "postgresql")
        assert data["broker"] == {"status": "ok", "kind": "in-process"}
        assert data["channel_layer"] == {
            "status": "ok",
            "backend": "InMemoryChannelLayer",
        }
        assert data["worker"] == {"status": "ok", "kind": "in-process threads"}

    def test_it_ignores_a_bad_token(self, anon_client):
        anon_client.credentials(HTTP_AUTHORIZATION="Token nonsense")

        assert anon_client.get(URL).status_code == 200

    @needs_redis
    def test_it_pings_redis_and_round_trips_the_redis_channel_layer(
        self, anon_client, monkeypatch
    ):
        # What is tested is the wiring, not how fast a Redis shared with the
        # other test runs answers.
        monkeypatch.setattr(health, "CHECK_TIMEOUT", 30.0)
        with override_settings(REDIS_URL=REDIS_URL, CHANNEL_LAYERS=REDIS_LAYERS):
            r = anon_client.get(URL)

        assert r.status_code == 200
        data = r.json()["data"]
        assert data["broker"] == {"status": "ok", "kind": "redis"}
        assert data["channel_layer"] == {"status": "ok", "backend": "RedisChannelLayer"}

    def test_it_answers_503_when_the_broker_is_unreachable(self, anon_client):
        # Port 9 (discard) has no Redis on this machine.
        with override_settings(REDIS_URL="redis://127.0.0.1:9/0"):
            r = anon_client.get(URL)

        assert r.status_code == 503
        payload = r.json()
        assert payload["message"] == "Not working: broker"
        assert payload["data"]["broker"]["status"] == "error"
        assert list(payload["errors"]) == ["broker"]
        assert "127.0.0.1" not in r.content.decode()

    def test_it_answers_503_when_no_celery_worker_answers(self, anon_client):
        with override_settings(PHONEGEN_TASK_RUNNER="celery"):
            r = anon_client.get(URL)

        assert r.status_code == 503
        payload = r.json()
        assert payload["data"]["worker"]["status"] == "error"
        assert "worker" in payload["errors"]
