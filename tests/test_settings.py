"""Settings come from the environment: embedded defaults, production passes check --deploy."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from celery.schedules import crontab
from django.conf import settings

from crm import celery as crm_celery

BASE_DIR = Path(__file__).resolve().parent.parent
# Variables the settings read; each subprocess starts from a clean slate of them.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "TIME_ZONE",
    "FOLLOWUP_REMINDER_HOUR",
    "EVENT_REMINDER_HOUR",
    "IMPORT_MAX_BYTES",
}

PRINT_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": db["ENGINE"],
    "db_name": str(db["NAME"]),
    "db_host": db.get("HOST", ""),
    "db_port": db.get("PORT", ""),
    "broker": settings.CELERY_BROKER_URL,
    "transport_options": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "mail_backend": settings.MAILERS["default"]["BACKEND"],
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "crm.settings"
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def resolved_settings(**env: str) -> dict:
    result = run(["-c", PRINT_SETTINGS], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def production_env(**extra: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "crm.example.org",
        **extra,
    }


def test_check_deploy_passes_without_warnings_in_production():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_production_is_strict():
    resolved = resolved_settings(**production_env())

    assert resolved["debug"] is False
    assert resolved["ssl_redirect"] is True
    assert resolved["session_cookie_secure"] is True
    assert resolved["allowed_hosts"] == ["crm.example.org"]
    assert resolved["mail_backend"] == "django.core.mail.backends.smtp.EmailBackend"


def test_embedded_defaults_need_no_server():
    resolved = resolved_settings()

    assert resolved["debug"] is True
    assert resolved["engine"] == "django.db.backends.sqlite3"
    assert resolved["broker"] == "filesystem://"
    assert resolved["transport_options"]["data_folder_in"].endswith("var/broker/queue")
    assert resolved["mail_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert resolved["ssl_redirect"] is False  # plain http on 127.0.0.1 works
    assert "127.0.0.1" in resolved["allowed_hosts"]


def test_database_and_broker_come_from_the_environment():
    resolved = resolved_settings(
        DATABASE_URL="postgres://crm:secret@db.example.org:5433/crm",
        REDIS_URL="redis://cache.example.org:6380/2",
    )

    assert resolved["engine"] == "django.db.backends.postgresql"
    assert resolved["db_name"] == "crm"
    assert resolved["db_host"] == "db.example.org"
    assert resolved["db_port"] == 5433
    assert resolved["broker"] == "redis://cache.example.org:6380/2"
    # Bounded connection attempts: a Redis outage must not hang a request.
    assert resolved["transport_options"]["socket_connect_timeout"] <= 5
    assert resolved["transport_options"]["max_retries"] <= 1


def test_beat_sends_reminders_daily_at_eight_amsterdam_time():
    entry = settings.CELERY_BEAT_SCHEDULE["followup-reminders-daily"]

    assert entry["task"] == "relations.tasks.sweep_followup_reminders"
    crm_celery.app.loader.import_default_modules()  # what a worker does: autodiscover tasks
    assert entry["task"] in crm_celery.app.tasks
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.hour == {8}
    assert schedule.minute == {0}
    assert schedule.day_of_week == set(range(7))
    assert crm_celery.app.conf.timezone == "Europe/Amsterdam"
    assert crm_celery.app.conf.beat_schedule["followup-reminders-daily"] is entry
    assert settings.FOLLOWUP_REMINDER_HOUR == 8


def test_beat_catches_up_later_the_same_day():
    entry = settings.CELERY_BEAT_SCHEDULE["followup-reminders-catch-up"]

    assert entry["task"] == "relations.tasks.sweep_followup_reminders"
    assert min(entry["schedule"].hour) == 8
    assert entry["schedule"].minute == {0, 15, 30, 45}
