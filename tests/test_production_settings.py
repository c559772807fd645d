"""Production settings: `check --deploy` is clean, and secrets come only from the
environment. Each case starts ``manage.py`` afresh, since settings are read once."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _production_env(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PHONEGEN_", "SECURE_")) and name not in {
            "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS",
        }
    }  # fmt: skip
    env |= {
        "DJANGO_SETTINGS_MODULE": "phonegen.config.settings",
        # Never connected to: the checks below read settings only.
        "DATABASE_URL": "postgres://phonegen@127.0.0.1:5432/phonegen",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "phonegen.example.org",
        "PHONEGEN_HTTPS": "1",
        "PHONEGEN_VAR_DIR": str(tmp_path / "var"),
    }
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


class DeployCheckTests:
    def test_production_settings_pass_check_deploy(self, tmp_path):
        result = _manage(
            _production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING"
        )

        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout

    def test_without_https_the_check_names_what_is_missing(self, tmp_path):
        env = _production_env(tmp_path, PHONEGEN_HTTPS="0")

        result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")

        assert result.returncode != 0
        for warning in ("security.W004", "security.W008", "security.W012"):
            assert warning in result.stderr


class SecretTests:
    def test_a_production_database_without_a_secret_key_refuses_to_start(
        self, tmp_path
    ):
        result = _manage(_production_env(tmp_path, SECRET_KEY=None), "check")

        assert result.returncode != 0
        assert "SECRET_KEY must be set when DATABASE_URL is set" in result.stderr
        assert not (tmp_path / "var" / "secret_key").exists()

    @pytest.mark.parametrize("name", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL"])
    def test_no_secret_is_written_in_the_settings(self, name):
        settings_py = (ROOT / "phonegen" / "config" / "settings.py").read_text()
        # Each is read from the environment and nowhere given a value in code.
        assert f'env_str("{name}")' in settings_py
        assert f'"{name}", "' not in settings_py
