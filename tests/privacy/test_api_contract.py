"""The privacy endpoints answer as the OpenAPI schema says, errors included."""

import pytest
from auditlog.models import LogEntry

from tests.relations.test_api_schema import Contract, openapi, spec  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_privacy_responses_match_schema(openapi, person, manager):  # noqa: F811
    api = Contract(openapi, manager)
    pk = person.contact.pk

    exported = api.call("get", f"/api/v1/privacy/contacts/{pk}/export/")
    assert exported.status_code == 200
    # With a token, too, the export names who made it.
    access = LogEntry.objects.get_for_object(person.contact).get(action=LogEntry.Action.ACCESS)
    assert access.actor == manager
    retention = api.call("get", "/api/v1/privacy/retention/", query={"page_size": 5})
    assert retention.status_code == 200
    history = api.call("get", f"/api/v1/privacy/history/relations/contact/{pk}/")
    assert history.json()["count"] >= 3
    refused = api.call("post", f"/api/v1/privacy/contacts/{pk}/erase/", {"confirm_name": "Bo"})
    assert refused.status_code == 400
    erased = api.call(
        "post", f"/api/v1/privacy/contacts/{pk}/erase/", {"confirm_name": "Anna de Vries"}
    )
    assert erased.status_code == 200
    assert api.call("get", "/api/v1/privacy/history/relations/tag/1/").status_code == 404


def test_privacy_errors_match_schema(openapi, person, networker):  # noqa: F811
    api = Contract(openapi, networker)
    pk = person.contact.pk

    assert api.call("get", f"/api/v1/privacy/contacts/{pk}/export/").status_code == 403
    assert api.call("get", "/api/v1/privacy/retention/").status_code == 403
    history = api.call("get", f"/api/v1/privacy/history/relations/contact/{pk}/")
    assert history.status_code == 404
