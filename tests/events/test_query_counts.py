"""The calendar pages, an event page and a briefing run a fixed number of queries.

Each page is measured with a little data and with ten times as much; the counts must be
equal, and are pinned so that a new query per page shows up here too.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Encounter, Event, EventKind, Invitation, InvitationStatus
from relations.models import Contact, FollowUp, Interaction, Organisation, User
from stakeholders.models import ContactMembership, OrganisationMembership, Topic

pytestmark = pytest.mark.django_db

STATUSES = itertools.cycle(InvitationStatus.values)


def grow(*, event: Event, planner: User, networker: User, group, start: int, count: int) -> None:
    """`count` more guests, encounters (a third without a goal, some of them networker's),
    meetings and follow-ups for the briefing, and `count` more events in the same month."""
    colleagues = User.objects.bulk_create(
        [
            User(username=f"colleague{start + i}", first_name=f"Colleague {start + i}")
            for i in range(max(1, count // 3))
        ]
    )
    organisation = Organisation.objects.create(name=f"Organisation {start}")
    OrganisationMembership.objects.create(group=group, organisation=organisation)
    topic = Topic.objects.create(name=f"Topic {start}")
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                first_name=f"Guest{start + i:03}",
                last_name="Test",
                job_title="Director",
                organisation=organisation if i % 2 else None,
                last_interaction_on=None if i % 3 else timezone.localdate(),
            )
            for i in range(count)
        ]
    )
    ContactMembership.objects.bulk_create(
        [ContactMembership(group=group, contact=contact) for contact in contacts[::2]]
    )
    topic.contacts.set(contacts)
    Invitation.objects.bulk_create(
        [
            Invitation(
                event=event,
                contact=contact,
                status=next(STATUSES),
                proposed_by=planner if i % 2 else networker,
                host=colleagues[i % len(colleagues)] if i % 3 else None,
                note=f"Note {i}",
            )
            for i, contact in enumerate(contacts)
        ]
    )
    Encounter.objects.bulk_create(
        [
            Encounter(
                event=event,
                colleague=networker if i % 2 else colleagues[i % len(colleagues)],
                contact=contact,
                starts_at=event.starts_at + datetime.timedelta(minutes=15 * (i % 10)),
                goal="" if i % 3 == 0 else f"Goal {i}",
                outcome="Went well" if i % 4 == 0 else "",
                outcome_recorded_at=timezone.now() if i % 4 == 0 else None,
            )
            for i, contact in enumerate(contacts)
        ]
    )
    meetings = Interaction.objects.bulk_create(
        [
            Interaction(
                kind="coffee",
                occurred_on=timezone.localdate() - datetime.timedelta(days=i + 1),
                author=networker,
                summary=f"Coffee {start + i}",
            )
            for i in range(count)
        ]
    )
    Interaction.contacts.through.objects.bulk_create(
        [
            Interaction.contacts.through(interaction=meeting, contact=contact)
            for meeting, contact in zip(meetings, contacts, strict=True)
        ]
    )
    Interaction.our_participants.through.objects.bulk_create(
        [Interaction.our_participants.through(interaction=m, user=networker) for m in meetings]
    )
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                text=f"Call back {i}",
                due_on=timezone.localdate(),
                assignee=networker,
                created_by=networker,
                contact=contact,
            )
            for i, contact in enumerate(contacts)
        ]
    )
    others = Event.objects.bulk_create(
        [
            Event(
                name=f"Event {start + i}",
                kind=EventKind.values[i % 3],
                starts_at=event.starts_at + datetime.timedelta(hours=i + 1),
                ends_at=event.starts_at + datetime.timedelta(hours=i + 2),
                organiser=planner,
            )
            for i in range(count)
        ]
    )
    Invitation.objects.bulk_create(
        [Invitation(event=other, contact=contacts[0]) for other in others]
    )
    Encounter.objects.bulk_create(
        [
            Encounter(
                event=other, colleague=networker, contact=contacts[0], starts_at=other.starts_at
            )
            for other in others
        ]
    )


def unmet_key_guest(event: Event, group) -> None:
    """A "manage closely" guest nobody of us meets: the plan always has that warning to look up."""
    person = Contact.objects.create(first_name="Key", last_name="Guest")
    ContactMembership.objects.create(group=group, contact=person)
    Invitation.objects.create(event=event, contact=person, status=InvitationStatus.INVITED)


def count_queries(client, url: str) -> int:
    client.get(url)  # warm-up: per-process caches stay out
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def page_url(name: str, event: Event, networker: User) -> str:
    start = timezone.localtime(event.starts_at)
    return {
        "year": reverse("events:year", args=[start.year]),
        "year_mine": reverse("events:year", args=[start.year]) + "?mine=1&kind=own",
        "month": reverse("events:month", args=[start.year, start.month]),
        "list": reverse("events:event_list"),
        "list_search": reverse("events:event_list") + "?q=event&mine=1",
        "event": event.get_absolute_url(),
        "briefing": reverse("events:briefing", args=[event.pk, networker.pk]),
    }[name]


# Pinned per page and viewer. Every page: session, user, and the viewer's roles (3).
# The calendar pages add the events (one query with their counts) and the team filter's
# options; the list its count. An event page: the event, guests, encounters, key guests
# nobody meets, suggestions, the host options; a non-planner asks whether they lead the
# organiser's team; a planner gets the plan's add row (guests, colleagues) and the groups.
# A briefing: the colleague, encounters, their groups (two ways) and topics, the viewer's
# teams, the last meetings (and who of us was there) and open follow-ups.
PINNED = {
    ("year", "networker"): 5,
    ("year_mine", "networker"): 5,
    ("month", "networker"): 5,
    ("list", "networker"): 6,
    ("list_search", "networker"): 6,
    ("event", "networker"): 10,
    ("event", "planner"): 12,
    ("event", "colleague"): 10,
    ("briefing", "networker"): 13,
    ("briefing", "manager"): 12,
}


@pytest.mark.parametrize(("page", "actor"), list(PINNED))
def test_page_runs_the_same_number_of_queries_with_3_and_with_30_rows(
    client_for, request, event, planner, networker, colleague, team_alpha, key_group, page, actor
):
    url = page_url(page, event, networker)
    client = client_for(request.getfixturevalue(actor))
    unmet_key_guest(event, key_group)

    grow(event=event, planner=planner, networker=networker, group=key_group, start=0, count=3)
    with_3 = count_queries(client, url)
    grow(event=event, planner=planner, networker=networker, group=key_group, start=3, count=27)
    with_30 = count_queries(client, url)

    assert Invitation.objects.filter(event=event).count() == 31
    assert with_3 == with_30
    assert with_30 == PINNED[page, actor]


def test_an_event_page_with_300_guests_and_100_encounters_costs_the_same(
    client_for, event, planner, networker, key_group
):
    client = client_for(planner)
    unmet_key_guest(event, key_group)
    grow(event=event, planner=planner, networker=networker, group=key_group, start=0, count=3)
    few = count_queries(client, event.get_absolute_url())
    grow(event=event, planner=planner, networker=networker, group=key_group, start=3, count=97)
    Invitation.objects.bulk_create(
        [
            Invitation(event=event, contact=contact)
            for contact in Contact.objects.bulk_create(
                [Contact(first_name=f"Extra{i:03}") for i in range(200)]
            )
        ]
    )
    assert Invitation.objects.filter(event=event).count() == 301
    assert Encounter.objects.filter(event=event).count() == 100
    assert count_queries(client, event.get_absolute_url()) == few == PINNED["event", "planner"]
