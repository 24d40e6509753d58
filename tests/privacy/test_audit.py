"""Every create, change and delete of the audited models is recorded, with actor and
before → after; computed fields are left out."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Encounter, Event, Invitation
from network_manager.models import KeyContact, RoadmapStep, Strategy, StrategyGoal
from privacy import audit
from relations.models import (
    Contact,
    FollowUp,
    Interaction,
    Organisation,
    Relationship,
    Team,
)
from stakeholders.models import (
    ContactMembership,
    Goal,
    Network,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)

pytestmark = pytest.mark.django_db


def _at(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


@dataclass
class World:
    user: object
    contact: Contact
    organisation: Organisation
    group: StakeholderGroup
    event: Event


@dataclass
class Case:
    create: Callable[[World], object]
    field: str
    before: str
    after: object


CASES = {
    Contact: Case(
        lambda w: Contact.objects.create(first_name="Eva", last_name="Smit"),
        "job_title",
        "",
        "Mayor",
    ),
    Organisation: Case(
        lambda w: Organisation.objects.create(name="Provincie Utrecht"), "city", "", "Utrecht"
    ),
    Interaction: Case(
        lambda w: Interaction.objects.create(
            occurred_on=timezone.localdate(), author=w.user, summary="Coffee"
        ),
        "summary",
        "Coffee",
        "Coffee at the station",
    ),
    FollowUp: Case(
        lambda w: FollowUp.objects.create(
            text="Call back", due_on=timezone.localdate(), assignee=w.user, contact=w.contact
        ),
        "text",
        "Call back",
        "Call back on Monday",
    ),
    Relationship: Case(
        lambda w: Relationship.objects.create(user=w.user, contact=w.contact, strength=2),
        "strength",
        "2",
        4,
    ),
    Team: Case(lambda w: Team.objects.create(name="Gamma"), "name", "Gamma", "Delta"),
    StakeholderGroup: Case(
        lambda w: StakeholderGroup.objects.create(name="Universities", influence=2, interest=2),
        "influence",
        "2",
        5,
    ),
    ContactMembership: Case(
        lambda w: ContactMembership.objects.create(group=w.group, contact=w.contact),
        "attitude",
        "neutral",
        "critic",
    ),
    OrganisationMembership: Case(
        lambda w: OrganisationMembership.objects.create(group=w.group, organisation=w.organisation),
        "note",
        "",
        "Funds the pilot",
    ),
    Goal: Case(
        lambda w: Goal.objects.create(group=w.group, kind="our_goal", text="A pilot"),
        "status",
        "active",
        "achieved",
    ),
    Topic: Case(lambda w: Topic.objects.create(name="Mobility"), "description", "", "Trains"),
    Network: Case(lambda w: Network.objects.create(name="Lions"), "closed", "True", False),
    Event: Case(
        lambda w: Event.objects.create(name="Congress", starts_at=_at(5), ends_at=_at(6)),
        "location",
        "",
        "Jaarbeurs",
    ),
    Invitation: Case(
        lambda w: Invitation.objects.create(event=w.event, contact=w.contact),
        "status",
        "proposed",
        "invited",
    ),
    Encounter: Case(
        lambda w: Encounter.objects.create(
            event=w.event, colleague=w.user, contact=w.contact, starts_at=_at(5)
        ),
        "goal",
        "",
        "Ask about the pilot",
    ),
    Strategy: Case(
        lambda w: Strategy.objects.create(), "definition", "", "Relationships on purpose"
    ),
    StrategyGoal: Case(
        lambda w: StrategyGoal.objects.create(
            strategy=Strategy.objects.get_or_create(pk=1)[0], title="Energy"
        ),
        "title",
        "Energy",
        "Energy transition",
    ),
    RoadmapStep: Case(
        lambda w: RoadmapStep.objects.create(title="Train", target_on=timezone.localdate()),
        "status",
        "planned",
        "done",
    ),
    KeyContact: Case(
        lambda w: KeyContact.objects.create(contact=w.contact), "reason", "", "Opens doors"
    ),
}


@pytest.fixture
def world(manager) -> World:
    with set_actor(manager):
        return World(
            user=manager,
            contact=Contact.objects.create(first_name="Daan", last_name="Dekker"),
            organisation=Organisation.objects.create(name="Hogeschool Utrecht"),
            group=StakeholderGroup.objects.create(name="Schools", influence=3, interest=3),
            event=Event.objects.create(name="Reception", starts_at=_at(3), ends_at=_at(4)),
        )


def test_every_audited_model_has_a_case():
    assert set(audit.audited_models()) == set(CASES)


@pytest.mark.parametrize("model", list(CASES), ids=lambda model: model.__name__)
def test_create_change_and_delete_are_recorded_with_actor(model, world, manager):
    case = CASES[model]
    with set_actor(manager):
        obj = case.create(world)
        setattr(obj, case.field, case.after)
        obj.save()
        pk = obj.pk
        obj.delete()

    entries = list(audit.entries_for(model, pk).order_by("timestamp", "pk"))
    assert [entry.action for entry in entries] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert {entry.actor for entry in entries} == {manager}
    created, changed, deleted = entries
    assert created.changes[case.field] == ["None", case.before]
    assert changed.changes == {case.field: [case.before, str(case.after)]}
    assert deleted.changes[case.field] == [str(case.after), "None"]
    for entry in (created, deleted):
        assert not {"updated_at", "cooling_on", "cold_on"} & set(entry.changes)


def test_warmth_caches_and_save_times_make_no_entries(world, manager):
    contact = world.contact
    before = audit.entries_for(Contact, contact.pk).count()
    with set_actor(manager), CaptureQueriesContext(connection) as queries:
        contact.last_interaction_on = timezone.localdate()
        contact.save(update_fields=["last_interaction_on", "updated_at"])

    assert len(queries) == 1  # the UPDATE: no read of the row as it was
    assert audit.entries_for(Contact, contact.pk).count() == before


def test_participants_of_a_meeting_are_recorded(world, manager, networker):
    with set_actor(manager):
        interaction = Interaction.objects.create(occurred_on=timezone.localdate(), author=manager)
        interaction.contacts.add(world.contact)
        interaction.our_participants.add(networker)

    changes = [entry.changes for entry in audit.entries_for(Interaction, interaction.pk)]
    assert {"contacts": {"type": "m2m", "operation": "add", "objects": ["Daan Dekker"]}} in changes
    assert {"our_participants": {"type": "m2m", "operation": "add", "objects": ["Nina"]}} in (
        changes
    )


def test_a_page_request_records_the_signed_in_user(contact, networker, client_for):
    response = client_for(networker).patch(
        f"/api/v1/contacts/{contact.pk}/",
        data={"job_title": "Alderman"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    entry = audit.entries_for(Contact, contact.pk).latest("timestamp")
    assert entry.actor == networker
    assert entry.changes == {"job_title": ["", "Alderman"]}


def test_a_token_clients_change_names_its_user_in_the_audit_trail(contact, networker):
    from auditlog.models import LogEntry
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=networker).key}")
    response = api.patch(f"/api/v1/contacts/{contact.pk}/", {"job_title": "Mayor"}, format="json")
    assert response.status_code == 200
    entry = LogEntry.objects.get_for_object(contact).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == networker
    assert entry.changes_dict["job_title"] == ["", "Mayor"]
