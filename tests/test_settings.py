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
    "BEHIND_PROXY",
    "PROXY_COUNT",
    "SESSION_HOURS",
    "AXES_ENABLED",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "API_THROTTLE_ANON",
    "API_THROTTLE_USER",
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
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "proxy_ssl_header": settings.SECURE_PROXY_SSL_HEADER,
    "session_age": settings.SESSION_COOKIE_AGE,
    "session_save_every_request": settings.SESSION_SAVE_EVERY_REQUEST,
    "session_expire_at_browser_close": settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    "axes_enabled": settings.AXES_ENABLED,
    "axes_failure_limit": settings.AXES_FAILURE_LIMIT,
    "axes_cooloff_seconds": settings.AXES_COOLOFF_TIME.total_seconds(),
    "axes_lockout_parameters": settings.AXES_LOCKOUT_PARAMETERS,
    "axes_reset_on_success": settings.AXES_RESET_ON_SUCCESS,
    "axes_ip_headers": list(settings.AXES_IPWARE_META_PRECEDENCE_ORDER),
    "axes_proxy_count": getattr(settings, "AXES_IPWARE_PROXY_COUNT", None),
    "axes_backend_first": settings.AUTHENTICATION_BACKENDS[0],
    "axes_middleware_last": settings.MIDDLEWARE[-1],
    "drf_num_proxies": settings.REST_FRAMEWORK["NUM_PROXIES"],
    "throttle_rates": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
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


def test_check_deploy_passes_behind_a_proxy():
    env = production_env(BEHIND_PROXY="1", PROXY_COUNT="2")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output


def test_production_is_strict():
    resolved = resolved_settings(**production_env())

    assert resolved["debug"] is False
    assert resolved["ssl_redirect"] is True
    assert resolved["session_cookie_secure"] is True
    assert resolved["csrf_cookie_secure"] is True
    assert resolved["hsts_seconds"] >= 31536000
    assert resolved["hsts_subdomains"] is True
    assert resolved["allowed_hosts"] == ["crm.example.org"]
    assert resolved["mail_backend"] == "django.core.mail.backends.smtp.EmailBackend"


def test_logins_are_throttled_and_sessions_expire_in_every_mode():
    for resolved in [resolved_settings(), resolved_settings(**production_env())]:
        assert resolved["axes_enabled"] is True
        assert resolved["axes_backend_first"] == "axes.backends.AxesStandaloneBackend"
        assert resolved["axes_middleware_last"] == "axes.middleware.AxesMiddleware"
        assert resolved["axes_failure_limit"] == 5
        assert resolved["axes_cooloff_seconds"] == 15 * 60
        assert resolved["axes_lockout_parameters"] == [["username", "ip_address"]]
        assert resolved["axes_reset_on_success"] is True
        assert resolved["session_age"] == 8 * 60 * 60
        assert resolved["session_save_every_request"] is False
        assert resolved["session_expire_at_browser_close"] is False
        assert resolved["throttle_rates"] == {"anon": "60/minute", "user": "1200/minute"}


def test_session_lifetime_and_throttling_come_from_the_environment():
    resolved = resolved_settings(
        SESSION_HOURS="10", AXES_FAILURE_LIMIT="8", API_THROTTLE_USER="100/minute"
    )

    assert resolved["session_age"] == 10 * 60 * 60
    assert resolved["axes_failure_limit"] == 8
    assert resolved["throttle_rates"]["user"] == "100/minute"


def test_without_a_proxy_the_client_address_is_the_peer():
    resolved = resolved_settings(**production_env())

    # A client can send any X-Forwarded-For: without a proxy it is not read.
    assert resolved["axes_ip_headers"] == ["REMOTE_ADDR"]
    assert resolved["drf_num_proxies"] is None
    assert resolved["proxy_ssl_header"] is None


def test_behind_a_proxy_the_client_address_is_the_forwarded_one():
    resolved = resolved_settings(**production_env(BEHIND_PROXY="1"))

    assert resolved["axes_ip_headers"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    # One proxy appends the client's address last; django-ipware counts the hops after it.
    assert resolved["axes_proxy_count"] == 0
    assert resolved["drf_num_proxies"] == 1
    assert resolved["proxy_ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]

    two = resolved_settings(**production_env(BEHIND_PROXY="1", PROXY_COUNT="2"))
    assert two["axes_proxy_count"] == 1
    assert two["drf_num_proxies"] == 2


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


def test_beat_sends_reminders_daily_at_eight_amsterdam_time(db):
    # db: importing the task modules runs Celery's Django fixup, whose model checks ask the
    # database what it supports (JSONField); run alone, the test otherwise fails on that.
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
