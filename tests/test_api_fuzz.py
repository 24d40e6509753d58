"""The API survives what clients send it: schemathesis fuzzes every operation of the schema.

For each operation of /api/schema/ schemathesis generates requests, valid ones and broken
ones (wrong types, oversized and missing fields, odd query parameters), sends them to the
WSGI application with a network manager's token, and checks each answer: never a server
error, a status code the schema documents, the documented content type and a body that
matches the documented schema. The world is a small seeded demo (seed_demo) and half of
the generated ids are swapped for ids that exist, so that the operations get past their
404. The run is bounded and reproducible: few examples per operation, a fixed seed.

First, explicit cases of the same promise (malformed JSON, wrong types, a huge page_size)
and of the defects the fuzz found; the fuzz comes last, as its seeded world stays until the
module ends.
"""

import datetime
import io
import os

import hypothesis
import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.views import APIView
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from crm.wsgi import application
from events.models import Encounter, Event, Invitation
from network_manager.models import KeyContact, RoadmapStep, StrategyGoal
from relations.models import Contact, FollowUp, Interaction, Organisation, Relationship, Team, User
from stakeholders.models import (
    ContactMembership,
    Goal,
    Network,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)
from transfer import services as transfer_services
from transfer.models import ImportJob

# Explicit cases: one list and one write endpoint of each app


@pytest.fixture
def manager_api(manager):
    client = APIClient()
    client.force_authenticate(manager)
    return client


LIST_ENDPOINTS = [
    "/api/v1/contacts/",
    "/api/v1/stakeholder-groups/",
    "/api/v1/events/",
    "/api/v1/imports/",
]
WRITE_ENDPOINTS = LIST_ENDPOINTS


@pytest.mark.parametrize("path", WRITE_ENDPOINTS)
@pytest.mark.parametrize("body", ['{"first_name": ', "[1, 2", "\x00\xff", "{'name': 1}", ""])
def test_malformed_json_is_a_400_with_a_message(manager_api, path, body):
    response = manager_api.post(path, data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()  # says what is wrong, e.g. "JSON parse error - …"


@pytest.mark.parametrize("path", WRITE_ENDPOINTS)
@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null"])
def test_json_that_is_not_an_object_is_a_400(manager_api, path, body):
    response = manager_api.post(path, data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()


@pytest.mark.parametrize(
    "data",
    [
        {"first_name": "x" * 100_000},
        {"first_name": ["a", "list"]},
        {"first_name": {"an": "object"}},
        {"first_name": "Eva", "cadence_days": "ninety"},
        {"first_name": "Eva", "cadence_days": 10**30},
        {"first_name": "Eva", "organisation": 10**30},
        {"first_name": "Eva", "tags": "not-a-list"},
        {"first_name": "Eva", "tags": ["x" * 10_000]},
    ],
)
def test_oversized_fields_and_wrong_types_are_field_errors(manager_api, data):
    response = manager_api.post("/api/v1/contacts/", data, format="json")

    assert response.status_code == 400
    assert set(response.json()) & set(data)
    assert not Contact.objects.exists()


@pytest.mark.parametrize("path", LIST_ENDPOINTS)
@pytest.mark.parametrize("size", [10**9, 10**30, -1, 0, "lots"])
def test_a_huge_or_odd_page_size_is_capped(manager_api, path, size):
    response = manager_api.get(path, {"page_size": size})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_huge_page_size_returns_at_most_200(manager_api, manager):
    Contact.objects.bulk_create(
        Contact(first_name=f"Person {number}", owner=manager) for number in range(201)
    )

    page = manager_api.get("/api/v1/contacts/", {"page_size": 10**9}).json()

    assert page["count"] == 201
    assert len(page["results"]) == 200
    assert page["next"]


# What the fuzz found


def test_an_unknown_api_url_is_a_json_404(manager_api):
    for path in ["/api/v1/contacts/abc.d/", "/api/v1/contacts/1e-77/x/", "/api/v1/nothing/"]:
        response = manager_api.get(path)

        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_url_stays_the_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_form_with_too_many_fields_is_a_json_400(manager_api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = "&".join(f"invitations={number}" for number in range(20))

    response = manager_api.post(
        "/api/v1/contacts/", fields, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "too many fields" in response.json()["detail"]


def test_a_relationship_without_strength_gets_the_default(manager_api, manager, contact):
    # Was a 500: the service requires a strength the serializer lets out.
    response = manager_api.post(
        "/api/v1/relationships/",
        f"contact={contact.pk}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 201
    assert response.json()["strength"] == 2


def test_an_upsert_keeps_what_it_leaves_out(manager_api, manager, contact):
    first = {"contact": contact.pk, "strength": 4, "context": "Board", "since": "2024-01-02"}
    manager_api.post("/api/v1/relationships/", first, format="json")

    response = manager_api.post("/api/v1/relationships/", {"contact": contact.pk}, format="json")

    assert response.status_code == 200
    assert {key: response.json()[key] for key in first} == first


# The fuzz. Last in the module: its world stays until the module ends.

# A deeper run: FUZZ_EXAMPLES=200 FUZZ_SEED=1 pytest tests/test_api_fuzz.py
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "20"))
SEED = int(os.environ.get("FUZZ_SEED", "20261127"))

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "mode": "all",  # valid and invalid requests
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
        },
        "phases": {
            "examples": {"enabled": False},  # the schema has none
            "stateful": {"enabled": False},
        },
    }
)
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# The seeded object each operation's `{id}` may point at, by the path's first segment.
MODELS = {
    "contacts": Contact,
    "organisations": Organisation,
    "relationships": Relationship,
    "interactions": Interaction,
    "followups": FollowUp,
    "teams": Team,
    "stakeholder-groups": StakeholderGroup,
    "group-memberships": ContactMembership,
    "group-organisation-memberships": OrganisationMembership,
    "goals": Goal,
    "topics": Topic,
    "networks": Network,
    "events": Event,
    "invitations": Invitation,
    "encounters": Encounter,
    "imports": ImportJob,
    "exports": Contact,
    "privacy": Contact,
    "strategy-goals": StrategyGoal,
    "roadmap-steps": RoadmapStep,
    "key-contacts": KeyContact,
    "group-assignments": StakeholderGroup,
}


# The seeded object a field of a request body may point at.
BODY_FIELDS = {
    "contact": "contacts",
    "contacts": "contacts",
    "contact_members": "contacts",
    "organisation": "organisations",
    "organisations": "organisations",
    "event": "events",
    "group": "stakeholder-groups",
    "network": "networks",
    "stakeholder_goal": "goals",
    "invitations": "invitations",
    "interaction": "interactions",
    "topics": "topics",
    "owning_team": "teams",
    "team": "teams",
    "groups": "stakeholder-groups",
    **dict.fromkeys(
        [
            "assignee",
            "colleague",
            "host",
            "lead",
            "members",
            "organiser",
            "our_members",
            "our_participants",
            "owner",
            "networker",
            "steward",
            "user",
        ],
        "user",
    ),
}
existing_ids: dict[str, int] = {}


def _existing(key: str, value):
    """The seeded id for an even generated id; anything else stays as generated."""
    if isinstance(value, list):
        return [_existing(key, item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0:
        return existing_ids.get(key, value)
    return value


@SCHEMA.hook
def map_path_parameters(context, path_parameters):
    """Every other generated id becomes the id of a seeded object: past the 404."""
    if not path_parameters:
        return path_parameters
    resource = context.operation.path.removeprefix("/api/v1/").split("/")[0]
    return {
        name: _existing("briefing-user" if name == "user_id" else resource, value)
        for name, value in path_parameters.items()
    }


@SCHEMA.hook
def map_body(context, body):
    """Likewise for the references in a body: past "no such contact"."""
    if not isinstance(body, dict):
        return body
    return {
        name: _existing(BODY_FIELDS[name], value) if name in BODY_FIELDS else value
        for name, value in body.items()
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo world, seeded once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        # Requests go straight to the WSGI handler, which closes "old" connections at the
        # start and end of each request; that would end the test transaction (the test
        # client unhooks the same signal handler).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", "--contacts", "25", "--seed", "7", stdout=io.StringIO())
            manager = User.objects.get(username="manager")
            existing_ids.update(
                {
                    name: model.objects.order_by("pk").values_list("pk", flat=True).first()
                    for name, model in MODELS.items()
                    if name != "imports"
                }
            )
            upload = SimpleUploadedFile(
                "people.csv", b"First name,Last name,E-mail\nEva,Jansen,eva@example.org\n"
            )
            job = transfer_services.import_upload(
                actor=manager, file_name=upload.name, upload=upload
            )
            existing_ids["imports"] = job.pk
            existing_ids["user"] = manager.pk
            encounter = Encounter.objects.order_by("pk").first()
            existing_ids["events"] = encounter.event_id
            existing_ids["briefing-user"] = encounter.colleague_id
            token = Token.objects.create(user=manager).key
            yield {"Authorization": f"Token {token}"}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            existing_ids.clear()
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@pytest.fixture
def no_throttling(monkeypatch):
    """Hundreds of requests a minute from one user: the fuzz is not a load test."""
    monkeypatch.setattr(APIView, "get_throttles", lambda self: [])


@SCHEMA.parametrize()
@hypothesis.settings(
    # Generous for one in-process request: only a pathologically slow answer fails.
    deadline=datetime.timedelta(seconds=5),
    # Function-scoped fixtures are fine here: each example sends one request.
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api_conforms_to_its_schema(case, world, db, no_throttling):
    case.call_and_validate(headers=world, checks=CHECKS)
