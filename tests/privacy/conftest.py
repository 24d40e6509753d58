"""Privacy fixtures: one person the system knows a lot about, logged the way users do it.

`anna` (Anna de Vries) has tags, an affiliation, a stakeholder membership with a note,
a topic, a network, a relationship with context, a meeting alone with us and one shared
with `bram`, follow-ups, an invitation with a note, an encounter with goal and outcome,
and an import row that updated her. Everything goes through the services inside
auditlog's actor context, as a request would, so the audit trail holds it all.
"""

import datetime
from dataclasses import dataclass

import pytest
from auditlog.context import set_actor
from django.utils import timezone

from events.models import Encounter, Event, EventKind, Invitation
from relations import services as relation_services
from relations.models import Contact, FollowUp, Interaction, Organisation
from stakeholders.models import ContactMembership, Network, StakeholderGroup, Topic
from transfer.models import ImportJob, ImportRow, RowOutcome


@dataclass
class Person:
    contact: Contact
    other: Contact
    alone: Interaction
    shared: Interaction
    own_followup: FollowUp
    shared_followup: FollowUp
    invitation: Invitation
    encounter: Encounter
    membership: ContactMembership
    group: StakeholderGroup
    topic: Topic
    network: Network
    event: Event
    import_row: ImportRow


def _at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def person(networker, colleague, manager, organisation) -> Person:
    today = timezone.localdate()
    with set_actor(networker):
        anna = relation_services.contact_create(
            actor=networker,
            tags=["board", "energy"],
            first_name="Anna",
            last_name="de Vries",
            email="anna@utrecht.nl",
            phone="+31 6 1234 5678",
            job_title="Alderman",
            notes="Prefers mornings; Anna de Vries grew up in Zwolle.",
            organisation=organisation,
            legal_basis="consent",
            legal_basis_note="Consent by e-mail, 3 March",
        )
        anna.first_name = "Anne"  # a typo, corrected: the old name is in the history too
        anna.save()
        anna = relation_services.contact_update(actor=networker, contact=anna, first_name="Anna")
        bram = relation_services.contact_create(
            actor=networker, first_name="Bram", last_name="Bakker", email="bram@provincie.nl"
        )
        board = Organisation.objects.create(name="Utrecht Science Park")
        relation_services.affiliation_add(
            actor=networker, contact=anna, organisation=board, role="Board member"
        )
        alone = relation_services.interaction_log(
            author=networker,
            contacts=[anna],
            occurred_on=today - datetime.timedelta(days=20),
            summary="Coffee: Anna worries about the energy transition.",
            given="Introduced her to our energy team",
            asked="",
            next_step=relation_services.NextStep(
                text="Send Anna the report", due_on=today + datetime.timedelta(days=3)
            ),
        )
        shared = relation_services.interaction_log(
            author=networker,
            contacts=[anna, bram],
            our_participants=[networker, colleague],
            occurred_on=today - datetime.timedelta(days=10),
            summary="Lunch with Anna de Vries and Bram: Anna (anna@utrecht.nl) leads the pilot.",
            given="",
            asked="Bram asked for the data",
            next_step=relation_services.NextStep(
                text="Ask Bram whether Anna agrees",
                due_on=today + datetime.timedelta(days=5),
            ),
        )
        shared_followup = FollowUp.objects.get(interaction=shared)
        shared_followup.contact = bram
        shared_followup.save()
        relation_services.relationship_upsert(
            actor=networker, user=networker, contact=anna, strength=4, context="Studied together"
        )
        group = StakeholderGroup.objects.create(name="Gemeenten", influence=4, interest=4)
        membership = ContactMembership.objects.create(
            group=group, contact=anna, attitude="supporter", note="Anna backs us in council"
        )
        topic = Topic.objects.create(name="Energy transition")
        topic.contacts.add(anna, bram)
        network = Network.objects.create(name="Rotary Utrecht")
        network.contact_members.add(anna)
        event = Event.objects.create(
            name="Nieuwjaarsreceptie",
            starts_at=_at(10, 15),
            ends_at=_at(10, 18),
            kind=EventKind.OWN,
            organiser=manager,
        )
        invitation = Invitation.objects.create(
            event=event, contact=anna, proposed_by=networker, note="Anna brings her deputy"
        )
        encounter = Encounter.objects.create(
            event=event,
            colleague=colleague,
            contact=anna,
            starts_at=_at(10, 16),
            goal="Ask Anna to open the pilot",
            outcome="Anna said yes",
        )
    job = ImportJob.objects.create(
        created_by=manager,
        file_name="council.csv",
        format="csv",
        headers=["First name", "Last name", "E-mail"],
        status="done",
    )
    import_row = ImportRow.objects.create(
        job=job,
        number=2,
        values=["Anna", "de Vries", "anna@utrecht.nl"],
        data={"first_name": "Anna", "last_name": "de Vries", "email": "anna@utrecht.nl"},
        outcome=RowOutcome.UPDATE,
        contact=anna,
        previous={"fields": {"job_title": "Councillor"}},
    )
    anna.refresh_from_db()
    return Person(
        contact=anna,
        other=bram,
        alone=alone,
        shared=shared,
        own_followup=FollowUp.objects.get(interaction=alone),
        shared_followup=shared_followup,
        invitation=invitation,
        encounter=encounter,
        membership=membership,
        group=group,
        topic=topic,
        network=network,
        event=event,
        import_row=import_row,
    )
