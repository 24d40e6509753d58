"""Erasing a contact: personal data gone everywhere, meetings and counts kept, logged,
irreversible, all or nothing."""

import json

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from rest_framework.test import APIClient

from events.models import Encounter, Invitation
from privacy import audit, services
from privacy.models import Erasure
from relations import selectors as relation_selectors
from relations import services as relation_services
from relations.models import Affiliation, Contact, FollowUp, Interaction, Relationship
from relations.permissions import NotAllowed
from relations.services import ServiceError
from stakeholders.models import ContactMembership, Topic
from transfer.models import ImportRow

pytestmark = pytest.mark.django_db

# What identified Anna, including the first name she had for a moment ("Anne").
PERSONAL = [
    "Anna",
    "Anne",
    "de Vries",
    "anna@utrecht.nl",
    "1234 5678",
    "Alderman",
    "Zwolle",
    "Consent by e-mail",
    "Studied together",
    "backs us",
    "worries",
    "brings her deputy",
    "open the pilot",
    "said yes",
    "Introduced her",
    "Board member",
]


def erase(person, actor):
    return services.contact_erase(
        actor=actor, contact=person.contact, confirm_name=" anna  DE vries "
    )


def audit_text() -> str:
    """Everything the audit trail holds, as one text."""
    return "\n".join(
        json.dumps([entry.object_repr, entry.changes, entry.changes_text, entry.serialized_data])
        for entry in LogEntry.objects.all()
    )


def test_contact_is_anonymised_and_archived(person, manager):
    erase(person, manager)

    contact = Contact.objects.get(pk=person.contact.pk)
    assert (contact.first_name, contact.last_name) == ("Erased", f"contact #{contact.pk}")
    assert contact.email == contact.phone == contact.job_title == contact.notes == ""
    assert contact.legal_basis_note == ""
    assert contact.archived
    assert not contact.tags.exists()
    assert not Affiliation.objects.filter(contact=contact).exists()
    assert not contact.topics.exists()
    assert not contact.networks.exists()
    # Kept, without notes: the group's attitude counts and who of us knew them.
    membership = ContactMembership.objects.get(pk=person.membership.pk)
    assert (membership.attitude, membership.note) == ("supporter", "")
    tie = Relationship.objects.get(contact=contact, user=person.contact.owner)
    assert (tie.strength, tie.context) == (4, "")


def test_free_texts_about_them_are_erased(person, manager):
    erase(person, manager)

    alone = Interaction.objects.get(pk=person.alone.pk)
    assert (alone.summary, alone.given, alone.asked) == ("[erased]", "[erased]", "")
    shared = Interaction.objects.get(pk=person.shared.pk)
    assert "Bram" in shared.summary
    for value in ("Anna", "anna@utrecht.nl", "de Vries"):
        assert value not in shared.summary
    assert shared.asked == "Bram asked for the data"
    assert FollowUp.objects.get(pk=person.own_followup.pk).text == "[erased]"
    assert FollowUp.objects.get(pk=person.shared_followup.pk).text == (
        "Ask Bram whether [erased] agrees"
    )
    assert Invitation.objects.get(pk=person.invitation.pk).note == ""
    encounter = Encounter.objects.get(pk=person.encounter.pk)
    assert (encounter.goal, encounter.outcome) == ("[erased]", "[erased]")
    row = ImportRow.objects.get(pk=person.import_row.pk)
    assert (row.values, row.data, row.previous) == ([], None, None)


def test_meetings_their_dates_kinds_and_counts_stay(person, manager):
    interactions = relation_selectors.interaction_list_for(user=manager, contact=person.contact)
    before = sorted(interactions.values_list("pk", "occurred_on", "kind"))
    balance = relation_selectors.give_ask_balance(interactions)
    total = Interaction.objects.count()

    erase(person, manager)

    assert sorted(interactions.values_list("pk", "occurred_on", "kind")) == before
    assert relation_selectors.give_ask_balance(interactions) == balance
    assert Interaction.objects.count() == total
    assert FollowUp.objects.filter(contact=person.contact).count() == 1
    assert Invitation.objects.filter(contact=person.contact).count() == 1
    assert Encounter.objects.filter(contact=person.contact).count() == 1


def test_audit_history_no_longer_holds_their_personal_data(person, manager):
    text = audit_text()
    assert all(value in text for value in ("Anna de Vries", "Anne", "anna@utrecht.nl"))

    erase(person, manager)

    text = audit_text()
    leaked = [value for value in PERSONAL if value.lower() in text.lower()]
    assert leaked == []
    assert "Bram Bakker" in text  # other people's history is left alone


def test_history_still_says_who_did_what_when(person, manager, networker):
    created = LogEntry.objects.get_for_object(person.contact).get(action=LogEntry.Action.CREATE)

    erase(person, manager)

    created.refresh_from_db()
    assert created.actor == networker
    assert created.changes["first_name"] == ["None", "[erased]"]
    assert created.changes["cadence_days"] == ["None", "90"]
    assert created.object_repr == f"Erased contact #{person.contact.pk}"
    shared_contacts = LogEntry.objects.get_for_object(person.shared).filter(
        changes__has_key="contacts"
    )
    assert sorted(shared_contacts.get().changes["contacts"]["objects"]) == [
        "Bram Bakker",
        f"Erased contact #{person.contact.pk}",
    ]


def test_erasure_is_recorded_and_logged(person, manager):
    erasure = erase(person, manager)

    assert erasure.erased_by == manager
    assert Erasure.objects.get(contact=person.contact) == erasure
    entry = (
        LogEntry.objects.get_for_object(person.contact)
        .filter(additional_data__privacy="erasure")
        .get()
    )
    assert entry.actor == manager
    assert entry.changes["first_name"] == ["[erased]", "Erased"]
    assert entry.changes["archived"] == ["False", "True"]
    assert entry.changes["tags"]["operation"] == "delete"
    # The other objects it changed record it too, without the old values.
    encounter_entry = LogEntry.objects.get_for_object(person.encounter).latest("timestamp")
    assert encounter_entry.additional_data["privacy"] == "erasure"
    assert encounter_entry.changes["goal"] == ["[erased]", "[erased]"]


def test_a_second_erasure_is_refused_clearly(person, manager):
    erase(person, manager)

    with pytest.raises(services.AlreadyErased, match="already erased"):
        services.contact_erase(
            actor=manager,
            contact=person.contact,
            confirm_name=f"Erased contact #{person.contact.pk}",
        )
    assert Erasure.objects.count() == 1


def test_the_name_must_be_confirmed(person, manager):
    with pytest.raises(ServiceError) as refused:
        services.contact_erase(actor=manager, contact=person.contact, confirm_name="Anna")

    assert refused.value.field == "confirm_name"
    assert Contact.objects.get(pk=person.contact.pk).email == "anna@utrecht.nl"


def test_nothing_is_half_written_when_it_fails(person, manager, monkeypatch):
    history = audit_text()
    entries = LogEntry.objects.count()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_erasure_entries", fail)
    with pytest.raises(RuntimeError):
        erase(person, manager)

    contact = Contact.objects.get(pk=person.contact.pk)
    assert (contact.first_name, contact.email, contact.archived) == (
        "Anna",
        "anna@utrecht.nl",
        False,
    )
    assert contact.tags.count() == 2
    assert Interaction.objects.get(pk=person.alone.pk).summary.startswith("Coffee: Anna")
    assert ImportRow.objects.get(pk=person.import_row.pk).values
    assert not Erasure.objects.exists()
    assert LogEntry.objects.count() == entries
    assert audit_text() == history


@pytest.mark.parametrize("who", ["networker", "lead", "planner"])
def test_non_managers_may_not_erase(who, person, request, team_alpha):
    with pytest.raises(NotAllowed):
        services.contact_erase(
            actor=request.getfixturevalue(who),
            contact=person.contact,
            confirm_name="Anna de Vries",
        )
    assert Contact.objects.get(pk=person.contact.pk).first_name == "Anna"


# The page


def test_page_confirms_then_erases(person, manager, client_for):
    client = client_for(manager)
    url = f"/privacy/contacts/{person.contact.pk}/erase/"

    page = client.get(url)
    assert page.status_code == 200
    assert "Anna de Vries" in page.content.decode()

    wrong = client.post(url, {"confirm_name": "Anna"})
    assert wrong.status_code == 200
    assert not Erasure.objects.exists()

    done = client.post(url, {"confirm_name": "Anna de Vries"}, follow=True)
    assert done.redirect_chain[-1][0] == person.contact.get_absolute_url()
    assert f"Erased contact #{person.contact.pk}" in done.content.decode()

    again = client.get(url)
    assert "already" in again.content.decode() or "was erased" in again.content.decode()
    assert b'name="confirm_name"' not in again.content


@pytest.mark.parametrize("method", ["get", "post"])
def test_page_is_403_for_networkers(method, person, networker, client_for):
    response = getattr(client_for(networker), method)(
        f"/privacy/contacts/{person.contact.pk}/erase/", {"confirm_name": "Anna de Vries"}
    )
    assert response.status_code == 403
    assert Contact.objects.get(pk=person.contact.pk).first_name == "Anna"


# The API


def test_api_erases_with_the_same_service(person, manager):
    api = APIClient()
    api.force_authenticate(manager)
    url = f"/api/v1/privacy/contacts/{person.contact.pk}/erase/"

    assert api.post(url, {"confirm_name": "Anna"}, format="json").status_code == 400
    response = api.post(url, {"confirm_name": "Anna de Vries"}, format="json")

    assert response.status_code == 200
    assert response.json()["contact"] == person.contact.pk
    assert response.json()["erased_by"] == manager.pk
    again = api.post(url, {"confirm_name": "Anna de Vries"}, format="json")
    assert again.status_code == 400
    assert "already erased" in again.json()["non_field_errors"][0]


def test_api_is_403_for_networkers_and_404_for_unknown_contacts(person, networker, manager):
    api = APIClient()
    api.force_authenticate(networker)
    url = f"/api/v1/privacy/contacts/{person.contact.pk}/erase/"
    assert api.post(url, {}, format="json").status_code == 403

    api.force_authenticate(manager)
    missing = api.post("/api/v1/privacy/contacts/999999/erase/", {}, format="json")
    assert missing.status_code == 404


def test_export_after_erasure_holds_nothing_personal(person, manager):
    erase(person, manager)

    document = services.contact_export(actor=manager, contact=person.contact)

    text = json.dumps(document)
    assert [value for value in PERSONAL if value.lower() in text.lower()] == []
    assert document["erasure"]["erased_by"]["name"] == "Manon"


def test_history_of_deleted_objects_about_them_is_scrubbed_too(person, manager, networker):
    with set_actor(networker):
        gone = FollowUp.objects.create(
            text="Call Anna about her holiday",
            due_on=person.own_followup.due_on,
            assignee=networker,
            contact=person.contact,
        )
        gone_pk = gone.pk
        gone.delete()
        meeting = relation_services.interaction_log(
            author=networker, contacts=[person.contact, person.other]
        )
        meeting_pk = meeting.pk
        meeting.delete()

    erase(person, manager)

    followup_history = json.dumps([e.changes for e in audit.entries_for(FollowUp, gone_pk)])
    assert "Anna" not in followup_history and "holiday" in followup_history
    meeting_history = json.dumps([e.changes for e in audit.entries_for(Interaction, meeting_pk)])
    assert "Anna" not in meeting_history
    assert f"Erased contact #{person.contact.pk}" in meeting_history


def test_names_with_accents_are_found_in_the_history(manager, networker):
    with set_actor(networker):
        zoe = relation_services.contact_create(
            actor=networker, first_name="Zoë", last_name="Çelik", email="zoe@example.org"
        )
        topic = Topic.objects.create(name="Healthcare")
        topic.contacts.add(zoe)
        Topic.objects.create(name="Zoë Çelik's pet topic")  # names her, not linked to her

    services.contact_erase(actor=manager, contact=zoe, confirm_name="zoë çelik")

    text = audit_text()
    assert "Zo" not in text.replace("zoe", "")  # neither "Zoë" nor its JSON escape "Zo\\u00eb"
    assert "elik" not in text


def test_texts_elsewhere_naming_them_are_redacted(person, manager, networker):
    with set_actor(networker):
        other_meeting = relation_services.interaction_log(
            author=networker,
            contacts=[person.other],
            summary="Bram says Anna de Vries (anna@utrecht.nl) will move to The Hague.",
        )
        organisation = person.contact.organisation
        organisation.notes = "Ask for Anna de Vries at the desk."
        organisation.save()

    erase(person, manager)

    other_meeting.refresh_from_db()
    organisation.refresh_from_db()
    assert other_meeting.summary == (
        f"Bram says Erased contact #{person.contact.pk} ([erased]) will move to The Hague."
    )
    assert organisation.notes == f"Ask for Erased contact #{person.contact.pk} at the desk."
    assert "Anna" not in audit_text()
    latest = audit.entries_for(Interaction, other_meeting.pk).latest("timestamp")
    assert latest.additional_data["privacy"] == "erasure"
