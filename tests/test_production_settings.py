"""Production settings read the environment and refuse to start with an unsafe one."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_ENV = ROOT / "deploy" / "production.env.example"

pytestmark = pytest.mark.slow


def example_environment():
    """The documented example, with a real secret key as an operator would set it."""
    env = {}
    for line in EXAMPLE_ENV.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    return env


def run_manage(env, *args):
    base = {k: v for k, v in os.environ.items() if k not in example_environment()}
    base.pop("DEBUG", None)
    base.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests, never in production
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "circuitcourt.site.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_example_environment_passes_check_deploy_without_warnings():
    result = run_manage(example_environment(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_settings_come_from_the_environment():
    env = example_environment()
    probe = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, s.DATABASES['default']['ENGINE'], "
        "s.CACHES['default']['BACKEND'], s.EMAIL_HOST, s.LANGUAGE_CODE, s.TIME_ZONE, "
        "s.TASKS['default']['BACKEND'])"
    )
    result = run_manage(env, "shell", "--no-imports", "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "['circuit-court.example.org']",
        "['https://circuit-court.example.org']",
        "django.db.backends.postgresql",
        "django.core.cache.backends.redis.RedisCache",
        "smtp.example.org",
        "fr",
        "Europe/Paris",
        "django_tasks_db.DatabaseBackend",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "Set SECRET_KEY"),
        (
            {"SECRET_KEY": "django-insecure-circuitcourt-development-key-do-not-use-in-production"},
            "development or example key",
        ),
        ({"SECRET_KEY": "change-me-to-64-random-characters"}, "development or example key"),
        ({"SECRET_KEY": "short-but-secret"}, "too short"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
        ({"ALLOWED_HOSTS": ""}, "Set ALLOWED_HOSTS"),
        ({"DATABASE_URL": ""}, "Set DATABASE_URL"),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND must be one of"),
    ],
    ids=[
        "no-key",
        "dev-key",
        "example-key",
        "short-key",
        "debug-on",
        "no-hosts",
        "no-database",
        "unknown-tasks-backend",
    ],
)
def test_production_refuses_unsafe_configuration(change, message):
    env = {**example_environment(), **change}
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
