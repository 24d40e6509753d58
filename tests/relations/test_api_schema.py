"""The API is a contract: the generated OpenAPI schema is valid, and real requests and
responses of the API conform to it. The interactive docs work offline."""

import datetime
import json
import re

import pytest
from django.core.management import call_command
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_spec_validator import validate as validate_spec
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from relations import selectors, services

HOST = "http://testserver"


@pytest.fixture
def spec(db) -> dict:
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def openapi(spec) -> OpenAPI:
    return OpenAPI.from_dict(spec)


class Contract:
    """Calls the API with a token and checks request and response against the schema."""

    def __init__(self, openapi: OpenAPI, user) -> None:
        self.openapi = openapi
        self.token = Token.objects.create(user=user).key
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {self.token}")

    def call(self, method: str, path: str, data: dict | None = None, query: dict | None = None):
        body = json.dumps(data).encode() if data is not None else None
        response = getattr(self.client, method)(
            path, data=body, content_type="application/json", QUERY_STRING=_qs(query)
        )
        request = MockRequest(
            HOST,
            method,
            path,
            args=query,
            headers={"Authorization": f"Token {self.token}"},
            data=body,
        )
        if data is not None:
            self.openapi.validate_request(request)
        self.openapi.validate_response(
            request,
            MockResponse(
                response.content,
                status_code=response.status_code,
                content_type=response.get("Content-Type", "application/json"),
            ),
        )
        return response


def _qs(query: dict | None) -> str:
    return "&".join(f"{key}={value}" for key, value in (query or {}).items())


@pytest.fixture
def world(networker, colleague, contact, teams):
    """A logged meeting with a next step, an extra follow-up, a relationship."""
    today = selectors.today()
    interaction = services.interaction_log(
        author=networker,
        kind="coffee",
        occurred_on=today - datetime.timedelta(days=3),
        contacts=[contact],
        our_participants=[networker, colleague],
        summary="Coffee at the station",
        given="An introduction",
        next_step=services.NextStep(
            text="Send the slides", due_on=today - datetime.timedelta(days=1), assignee=networker
        ),
    )
    services.followup_create(
        actor=networker, contact=contact, text="Invite to the event", due_on=today
    )
    return interaction


def test_schema_generates_without_warnings_and_validates(db, tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_schema_endpoint_is_a_valid_openapi_3_document(spec):
    validate_spec(spec)
    assert spec["openapi"].startswith("3.")
    paths = set(spec["paths"])
    for expected in [
        "/api/v1/contacts/",
        "/api/v1/contacts/{id}/",
        "/api/v1/organisations/",
        "/api/v1/relationships/{id}/",
        "/api/v1/interactions/",
        "/api/v1/followups/{id}/complete/",
        "/api/v1/followups/{id}/reopen/",
        "/api/v1/teams/",
        "/api/v1/me/",
    ]:
        assert expected in paths
    schemes = spec["components"]["securitySchemes"]
    assert {"cookieAuth", "tokenAuth"} <= set(schemes)


def test_schema_documents_filters_and_archiving(spec):
    def params(path: str) -> set[str]:
        return {p["name"] for p in spec["paths"][path]["get"].get("parameters", [])}

    assert {"q", "owner", "warmth", "tag", "organisation", "archived", "page"} <= params(
        "/api/v1/contacts/"
    )
    assert {"contact", "kind", "date_from", "date_to", "participant"} <= params(
        "/api/v1/interactions/"
    )
    assert {"assignee", "open", "due_before"} <= params("/api/v1/followups/")
    assert {"user", "contact"} <= params("/api/v1/relationships/")
    assert "archives" in spec["paths"]["/api/v1/contacts/{id}/"]["delete"]["description"]


def test_contact_responses_match_schema(openapi, networker, world, contact):
    api = Contract(openapi, networker)

    listed = api.call("get", "/api/v1/contacts/", query={"warmth": "warm", "page_size": 10})
    assert [c["id"] for c in listed.json()["results"]] == [contact.pk]
    api.call("get", f"/api/v1/contacts/{contact.pk}/")
    created = api.call(
        "post",
        "/api/v1/contacts/",
        {"first_name": "Bram", "email": "bram@example.nl", "tags": ["mobility"]},
    )
    assert created.status_code == 201
    api.call("patch", f"/api/v1/contacts/{created.json()['id']}/", {"organisation": None})
    api.call("get", "/api/v1/organisations/")


def test_interaction_responses_match_schema(openapi, networker, world, contact):
    api = Contract(openapi, networker)

    listed = api.call("get", "/api/v1/interactions/", query={"contact": contact.pk})
    assert listed.json()["count"] == 1
    api.call("get", f"/api/v1/interactions/{world.pk}/")
    created = api.call(
        "post",
        "/api/v1/interactions/",
        {
            "kind": "lunch",
            "contacts": [contact.pk],
            "next_step": {"text": "Call", "due_on": selectors.today().isoformat()},
        },
    )
    assert created.status_code == 201
    api.call("patch", f"/api/v1/interactions/{world.pk}/", {"summary": "Updated"})


def test_followup_responses_match_schema(openapi, networker, world):
    api = Contract(openapi, networker)

    listed = api.call("get", "/api/v1/followups/", query={"open": "true"})
    rows = listed.json()["results"]
    assert len(rows) == 2
    assert rows[0]["overdue"] is True
    followup_id = rows[0]["id"]
    api.call("get", f"/api/v1/followups/{followup_id}/")
    api.call("post", f"/api/v1/followups/{followup_id}/complete/")
    api.call("post", f"/api/v1/followups/{followup_id}/reopen/")
    api.call("patch", f"/api/v1/followups/{followup_id}/", {"text": "Send all slides"})


def test_relationship_and_team_responses_match_schema(openapi, manager, world, contact):
    api = Contract(openapi, manager)

    api.call("get", "/api/v1/relationships/", query={"contact": contact.pk})
    api.call("post", "/api/v1/relationships/", {"contact": contact.pk, "strength": 4})
    api.call("get", "/api/v1/teams/")


def test_me_responses_match_schema(openapi, lead, team_alpha):
    api = Contract(openapi, lead)

    assert api.call("get", "/api/v1/me/").json()["teams"][0]["is_lead"] is True
    assert api.call("patch", "/api/v1/me/", {"language": "nl"}).json()["language"] == "nl"


def test_error_responses_match_schema(openapi, outsider, networker, world, contact):
    api = Contract(openapi, outsider)

    assert api.call("get", f"/api/v1/interactions/{world.pk}/").status_code == 404
    forbidden = api.call("patch", f"/api/v1/contacts/{contact.pk}/", {"first_name": "X"})
    assert forbidden.status_code == 403


# Interactive docs


def test_docs_page_is_served_without_external_resources(db):
    response = APIClient().get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert urls, "the page should load Swagger UI from static files"
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert not re.search(r"https?://", html)


def test_docs_page_runs_under_the_content_security_policy(db):
    client = APIClient()
    response = client.get("/api/docs/")

    assert "script-src 'self'" in response["Content-Security-Policy"]
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())
    assert inline_scripts == []
