"""A network manager exports everything held about a person, as one logged JSON document."""

import json

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from privacy import services
from relations import services as relation_services
from relations.permissions import NotAllowed

pytestmark = pytest.mark.django_db

PARTS = {
    "contact",
    "legal_basis",
    "tags",
    "affiliations",
    "stakeholder_memberships",
    "topics",
    "networks",
    "relationships",
    "interactions",
    "followups",
    "event_invitations",
    "event_encounters",
    "import_rows",
}


def access_entries(contact):
    return LogEntry.objects.get_for_object(contact).filter(action=LogEntry.Action.ACCESS)


def test_export_contains_every_part(person, manager):
    document = services.contact_export(actor=manager, contact=person.contact)

    assert set(document) >= PARTS
    contact = document["contact"]
    assert contact["first_name"] == "Anna"
    assert contact["email"] == "anna@utrecht.nl"
    assert contact["phone"] == "+31 6 1234 5678"
    assert contact["organisation"]["name"] == "Gemeente Utrecht"
    assert document["legal_basis"] == {
        "code": "consent",
        "label": "Consent",
        "note": "Consent by e-mail, 3 March",
    }
    assert document["tags"] == ["board", "energy"]
    assert [(a["organisation"]["name"], a["role"]) for a in document["affiliations"]] == [
        ("Utrecht Science Park", "Board member")
    ]
    membership = document["stakeholder_memberships"][0]
    assert (membership["group"]["name"], membership["attitude"], membership["note"]) == (
        "Gemeenten",
        "supporter",
        "Anna backs us in council",
    )
    assert [topic["name"] for topic in document["topics"]] == ["Energy transition"]
    assert [network["name"] for network in document["networks"]] == ["Rotary Utrecht"]
    tie = document["relationships"][0]
    assert (tie["colleague"]["name"], tie["strength"], tie["context"]) == (
        "Nina",
        4,
        "Studied together",
    )
    by_id = {interaction["id"]: interaction for interaction in document["interactions"]}
    assert set(by_id) == {person.alone.pk, person.shared.pk}
    assert by_id[person.alone.pk]["given"] == "Introduced her to our energy team"
    assert by_id[person.shared.pk]["asked"] == "Bram asked for the data"
    assert by_id[person.shared.pk]["other_contacts"] == 1  # counted, not named
    assert "Bram Bakker" not in json.dumps(document["interactions"][0]["our_participants"])
    assert [f["text"] for f in document["followups"]] == ["Send Anna the report"]
    assert document["event_invitations"][0]["note"] == "Anna brings her deputy"
    encounter = document["event_encounters"][0]
    assert (encounter["goal"], encounter["outcome"]) == (
        "Ask Anna to open the pilot",
        "Anna said yes",
    )
    row = document["import_rows"][0]
    assert row["import"]["file_name"] == "council.csv"
    assert row["cells"] == {
        "First name": "Anna",
        "Last name": "de Vries",
        "E-mail": "anna@utrecht.nl",
    }
    assert document["erasure"] is None
    assert document["exported_by"]["name"] == "Manon"
    json.dumps(document)  # one JSON document, nothing left to convert


def test_export_is_logged_with_who_and_when(person, manager):
    services.contact_export(actor=manager, contact=person.contact)

    entry = access_entries(person.contact).get()
    assert entry.actor == manager
    assert entry.additional_data == {"access": "personal-data export"}


def test_networker_may_not_export(person, networker):
    with pytest.raises(NotAllowed):
        services.contact_export(actor=networker, contact=person.contact)
    assert not access_entries(person.contact).exists()


def test_page_downloads_the_document_and_logs_it(person, manager, client_for):
    response = client_for(manager).get(f"/privacy/contacts/{person.contact.pk}/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="contact-{person.contact.pk}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert set(document) >= PARTS
    assert access_entries(person.contact).get().actor == manager


def test_api_returns_the_same_document_and_logs_it(person, manager):
    api = APIClient()
    api.force_authenticate(manager)

    response = api.get(f"/api/v1/privacy/contacts/{person.contact.pk}/export/")

    assert response.status_code == 200
    assert set(response.json()) >= PARTS
    assert response["Content-Disposition"].endswith(f'filename="contact-{person.contact.pk}.json"')
    assert access_entries(person.contact).get().actor == manager


@pytest.mark.parametrize("who", ["networker", "lead", "planner", "outsider"])
def test_non_managers_get_403_on_page_and_api(who, person, request, client_for, team_alpha):
    user = request.getfixturevalue(who)
    page = client_for(user).get(f"/privacy/contacts/{person.contact.pk}/export/")
    api = APIClient()
    api.force_authenticate(user)
    answer = api.get(f"/api/v1/privacy/contacts/{person.contact.pk}/export/")

    assert (page.status_code, answer.status_code) == (403, 403)
    assert not access_entries(person.contact).exists()


def test_unknown_contact_is_404(manager, client_for):
    assert client_for(manager).get("/privacy/contacts/999999/export/").status_code == 404
    api = APIClient()
    api.force_authenticate(manager)
    assert api.get("/api/v1/privacy/contacts/999999/export/").status_code == 404


def test_anonymous_is_sent_to_login_or_refused(person, client):
    page = client.get(f"/privacy/contacts/{person.contact.pk}/export/")
    answer = APIClient().get(f"/api/v1/privacy/contacts/{person.contact.pk}/export/")

    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert answer.status_code in (401, 403)


def test_contact_page_shows_the_export_button_to_managers_only(
    person, manager, networker, client_for
):
    url = f"/privacy/contacts/{person.contact.pk}/export/"
    assert url in client_for(manager).get(person.contact.get_absolute_url()).content.decode()
    assert url not in client_for(networker).get(person.contact.get_absolute_url()).content.decode()


def test_export_query_count_does_not_grow_with_the_data(person, manager):
    services.contact_export(actor=manager, contact=person.contact)  # roles and content types
    with CaptureQueriesContext(connection) as few:
        services.contact_export(actor=manager, contact=person.contact)
    for _ in range(5):
        relation_services.interaction_log(
            author=manager,
            contacts=[person.contact, person.other],
            our_participants=[manager, person.contact.owner],
            next_step=relation_services.NextStep(text="Call", due_on=person.own_followup.due_on),
        )
    with CaptureQueriesContext(connection) as many:
        services.contact_export(actor=manager, contact=person.contact)

    assert len(many) == len(few)
