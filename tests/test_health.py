"""GET /healthz names the failing part, and answers quickly even when the broker is down."""

import time

import pytest
from django.db import OperationalError

from crm import celery as crm_celery
from crm import health
from tests.conftest import filesystem_broker_options

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: the connection is refused at once.
CLOSED_REDIS = "redis://127.0.0.1:1/0"


def get_healthz(client):
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"/healthz took {elapsed:.1f}s"
    return response


def test_healthy_on_the_filesystem_broker(client, use_broker, tmp_path):
    use_broker("filesystem://", **filesystem_broker_options(tmp_path))
    crm_celery.ensure_broker_folders()

    response = get_healthz(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}
    assert response.json()["failing"] == []


def test_503_when_the_filesystem_broker_folders_are_missing(client, use_broker, tmp_path):
    use_broker(
        "filesystem://",
        create_folders=False,
        **filesystem_broker_options(tmp_path / "never-created"),
    )

    response = get_healthz(client)

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error")


@pytest.mark.services
def test_healthy_on_redis(client, use_broker, redis_url):
    use_broker(redis_url, socket_connect_timeout=3)

    response = get_healthz(client)

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_503_names_the_broker_when_redis_is_unreachable(client, use_broker, settings):
    # Even a transport configured to retry must not hold up the probe.
    use_broker(CLOSED_REDIS, socket_connect_timeout=2, max_retries=5, interval_start=2)

    response = get_healthz(client)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error")


def test_503_names_the_database_when_it_is_unreachable(client, use_broker, tmp_path, monkeypatch):
    use_broker("filesystem://", **filesystem_broker_options(tmp_path))
    crm_celery.ensure_broker_folders()

    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", DownConnection())

    response = get_healthz(client)

    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert response.json()["checks"]["broker"] == "ok"


def test_healthz_needs_no_login_and_is_not_cached(client, use_broker, tmp_path):
    use_broker("filesystem://", **filesystem_broker_options(tmp_path))
    crm_celery.ensure_broker_folders()

    response = get_healthz(client)

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
