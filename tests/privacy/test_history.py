"""A network manager reads an object's history; for anybody else it does not exist."""

import pytest
from auditlog.context import set_actor
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from events.models import Event
from privacy import audit
from relations import services as relation_services
from relations.models import Contact, Organisation

pytestmark = pytest.mark.django_db


def history_url(obj) -> str:
    return f"/privacy/history/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/"


def api_url(obj) -> str:
    return f"/api/v1{history_url(obj)}"


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_manager_reads_who_when_and_before_after(person, manager, client_for):
    response = client_for(manager).get(history_url(person.contact))

    assert response.status_code == 200
    page = response.content.decode()
    assert "History of Anna de Vries" in page
    assert "Nina" in page  # who
    assert "created" in page and "changed" in page
    assert "Anne" in page  # the typo, before → after
    assert "Gemeente Utrecht" in page  # a key shown by name, not by id
    assert "Consent" in page  # a choice shown by its label


def test_export_shows_in_the_history(person, manager, client_for):
    client = client_for(manager)
    client.get(f"/privacy/contacts/{person.contact.pk}/export/")

    assert "exported" in client.get(history_url(person.contact)).content.decode()


def test_deleted_object_keeps_its_history(manager, client_for):
    with set_actor(manager):
        organisation = Organisation.objects.create(name="Old Org")
        url = history_url(organisation)
        organisation.delete()

    response = client_for(manager).get(url)

    assert response.status_code == 200
    assert "deleted" in response.content.decode()


@pytest.mark.parametrize("who", ["networker", "lead", "planner", "outsider"])
def test_others_get_404_on_page_and_api(who, person, request, client_for, team_alpha):
    user = request.getfixturevalue(who)

    assert client_for(user).get(history_url(person.contact)).status_code == 404
    assert api_for(user).get(api_url(person.contact)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "relations/tag/1/",  # not audited
        "relations/user/1/",  # not audited
        "nosuchapp/contact/1/",
        "relations/nosuchmodel/1/",
        "relations/contact/999999/",  # never existed
        "auditlog/logentry/1/",
    ],
)
def test_unknown_model_or_id_is_404(path, person, manager, client_for):
    assert client_for(manager).get(f"/privacy/history/{path}").status_code == 404
    assert api_for(manager).get(f"/api/v1/privacy/history/{path}").status_code == 404


def test_api_lists_entries_with_changes(person, manager):
    response = api_for(manager).get(api_url(person.contact))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 3
    newest = body["results"][0]
    assert set(newest) == {
        "id",
        "timestamp",
        "action",
        "actor",
        "actor_name",
        "erasure",
        "changes",
    }
    created = body["results"][-1]
    assert created["action"] == "create"
    assert created["actor_name"] == "Nina"
    changes = {change["field"]: change for change in created["changes"]}
    assert changes["last_name"]["after"] == "de Vries"
    assert changes["last_name"]["before"] is None
    assert changes["organisation"]["after"] == "Gemeente Utrecht"


def test_erasure_shows_as_such(person, manager):
    from privacy import services

    services.contact_erase(actor=manager, contact=person.contact, confirm_name="Anna de Vries")
    newest = api_for(manager).get(api_url(person.contact)).json()["results"][0]

    assert newest["erasure"] is True
    assert newest["actor"] == manager.pk


@pytest.mark.parametrize(
    "template_object",
    ["contact", "organisation", "interaction", "group", "event"],
)
def test_detail_pages_link_the_history_for_managers_only(
    template_object, person, manager, networker, client_for
):
    obj = {
        "contact": person.contact,
        "organisation": person.contact.organisation,
        "interaction": person.alone,
        "group": person.group,
        "event": person.event,
    }[template_object]
    page = obj.get_absolute_url()

    assert history_url(obj) in client_for(manager).get(page).content.decode()
    assert history_url(obj) not in client_for(networker).get(page).content.decode()


def _grow_history(contact: Contact, actor, changes: int) -> None:
    with set_actor(actor):
        for number in range(changes):
            relation_services.contact_update(
                actor=actor, contact=contact, job_title=f"Title {number}", notes=f"Note {number}"
            )
            if number % 3 == 0:
                organisation = Organisation.objects.create(name=f"Org {contact.pk}-{number}")
                contact.owner = actor if number % 2 else None
                contact.organisation = organisation
                contact.save()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_history_page_query_count_is_fixed(manager, networker, client_for):
    small = Contact.objects.create(first_name="Small", owner=networker)
    large = Contact.objects.create(first_name="Large", owner=networker)
    _grow_history(small, manager, 3)
    _grow_history(large, manager, 20)
    client = client_for(manager)
    client.get(history_url(small))  # warm the content-type cache

    assert audit.entries_for(Contact, large.pk).count() > 25  # more than a page
    assert _queries(client, history_url(small)) == _queries(client, history_url(large))
    api = api_for(manager)
    api.get(api_url(small))  # the forced user keeps its roles after the first request
    with CaptureQueriesContext(connection) as few:
        api.get(api_url(small))
    with CaptureQueriesContext(connection) as many:
        api.get(api_url(large))
    assert len(few) == len(many)


def test_event_history_is_readable(person, manager):
    with set_actor(manager):
        person.event.location = "Stadhuis"
        person.event.save()

    body = api_for(manager).get(api_url(person.event)).json()

    change = body["results"][0]["changes"][0]
    assert (change["field"], change["before"], change["after"]) == ("location", "", "Stadhuis")
    assert Event.objects.filter(pk=person.event.pk).exists()
