"""Recurring actors and service checks for the whole suite.

Actors: `networker` and `colleague` share team Alpha (led by `lead`), `outsider`
is in team Beta, `manager` is a network manager, `planner` an event planner.
"""

import os
import socket
from collections.abc import Callable, Iterator
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group

from relations.models import Contact, Organisation, Role, Team, User

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# Shared fixtures: a real Celery worker (brokers, finished tasks) and headless Chromium.
pytest_plugins = ["tests.celery_worker", "tests.browser"]


def service_missing(reason: str) -> None:
    """Skip with a clear reason, or fail when REQUIRE_SERVICES=1 (as in CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1 makes this a failure)")
    pytest.skip(reason)


def tcp_reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 1
        ):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The default hasher makes each actor fixture cost a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """The API's throttling counts requests in the cache: no test inherits another's count."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        service_missing("REDIS_URL is not set: no Redis to test against")
    if not tcp_reachable(url, 6379):
        service_missing(f"Redis at {url} is not reachable")
    return url


@pytest.fixture
def require_postgresql(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        service_missing("DATABASE_URL does not point at PostgreSQL")


@pytest.fixture
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(path):
        service_missing(f"Chromium not found at {path} (apt-get install chromium)")
    return path


@pytest.fixture
def use_broker(settings) -> Iterator[Callable[..., None]]:
    """Point the Celery app at a broker for this test; the previous one comes back after."""
    from crm import celery as crm_celery

    def use(url: str, create_folders: bool = True, **transport_options) -> None:
        settings.CELERY_BROKER_URL = url
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = transport_options
        assert crm_celery.app.conf.broker_url == url
        crm_celery.app._after_fork()  # drop connection pools made for the previous broker
        if create_folders:
            crm_celery.ensure_broker_folders()

    yield use
    crm_celery.app._after_fork()


def filesystem_broker_options(root, **extra) -> dict:
    """Transport options of a file-system broker whose folders live under `root`."""
    return {
        "data_folder_in": str(root / "queue"),
        "data_folder_out": str(root / "queue"),
        "control_folder": str(root / "control"),
        "processed_folder": str(root / "processed"),
        **extra,
    }


def make_user(username: str, *roles: str, first_name: str = "", email: str | None = None) -> User:
    user = User.objects.create_user(
        username=username,
        password="pass-for-tests-123",
        first_name=first_name or username.capitalize(),
        email=email if email is not None else f"{username}@example.org",
    )
    for role in (Role.NETWORKER, *roles):
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    return user


@pytest.fixture
def lead(db) -> User:
    return make_user("lead")


@pytest.fixture
def networker(db) -> User:
    return make_user("nina")


@pytest.fixture
def colleague(db) -> User:
    return make_user("carl")


@pytest.fixture
def outsider(db) -> User:
    return make_user("otto")


@pytest.fixture
def manager(db) -> User:
    return make_user("manon", Role.NETWORK_MANAGER)


@pytest.fixture
def planner(db) -> User:
    return make_user("pieter", Role.EVENT_PLANNER)


@pytest.fixture
def team_alpha(lead, networker, colleague) -> Team:
    team = Team.objects.create(name="Alpha", lead=lead)
    team.members.set([lead, networker, colleague])
    return team


@pytest.fixture
def team_beta(outsider) -> Team:
    team = Team.objects.create(name="Beta")
    team.members.set([outsider])
    return team


@pytest.fixture
def teams(team_alpha, team_beta):
    return team_alpha, team_beta


@pytest.fixture
def organisation(db) -> Organisation:
    return Organisation.objects.create(name="Gemeente Utrecht", sector="Government", city="Utrecht")


@pytest.fixture
def contact(networker, organisation) -> Contact:
    return Contact.objects.create(
        first_name="Anna",
        last_name="de Vries",
        email="anna@utrecht.nl",
        organisation=organisation,
        owner=networker,
    )


@pytest.fixture
def client_for(client):
    """`client_for(user)` returns the test client logged in as that user."""

    def login(user: User):
        client.force_login(user)
        return client

    return login
