"""seed_demo also plans an event year: guest lists in every status, plans in every shape."""

import datetime
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch
from django.utils import timezone

from events import demo as event_demo
from events import selectors
from events.models import Encounter, Event, EventKind, Invitation, InvitationStatus
from relations.management.commands.seed_demo import demo_usernames
from relations.models import Contact, Interaction, InteractionKind, Role, User

pytestmark = pytest.mark.django_db

S = InvitationStatus
WARNINGS = {"double_booked", "no_goal", "key_contact_unmet"}


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    """The default demo, seeded; its value is what the command printed."""
    return seed()


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def details() -> list[selectors.EventDetail]:
    viewer = User.objects.get(username="nina")
    return [
        selectors.event_detail_for(user=viewer, event=event)
        for event in selectors.event_list_for(user=viewer)
    ]


def test_demo_plans_about_25_events_around_today(demo):
    events = list(Event.objects.select_related("organiser", "network"))
    now, today = timezone.now(), timezone.localdate()
    past = [event for event in events if event.starts_at <= now]

    assert "25 events" in demo
    assert 20 <= len(events) <= 30
    assert len(past) >= 8 and len(events) - len(past) >= 8
    assert all(abs((local_day(e.starts_at) - today).days) <= 190 for e in events)
    assert {event.kind for event in events} == set(EventKind.values)
    for event in events:
        assert (event.network is not None) == (event.kind == EventKind.NETWORK_MEETING)
        assert event.organiser is not None and event.location and event.description
    assert sum(event.capacity is not None for event in events) > len(events) / 2

    planner = User.objects.get(username="planner")
    assert planner.groups.filter(name=Role.EVENT_PLANNER).exists()
    own = [event for event in events if event.kind == EventKind.OWN]
    assert sum(event.organiser == planner for event in own) > len(own) / 2
    assert "event planner" in demo

    # The reminders have work today: yesterday's event lacks outcomes, and an event
    # two days ahead has colleagues to brief.
    yesterday = selectors.events_ended_on(today - datetime.timedelta(days=1))
    assert any(selectors.colleagues_without_outcomes(event=event) for event in yesterday)
    coming = selectors.events_starting_on(today + datetime.timedelta(days=2))
    assert any(selectors.colleagues_to_brief(event=event) for event in coming)


def test_guest_lists_hold_every_status_and_attendance_only_after_the_start(demo):
    now = timezone.now()
    invitations = list(Invitation.objects.select_related("event", "contact"))
    statuses = Counter(invitation.status for invitation in invitations)

    assert set(statuses) == set(S.values)
    assert 150 <= len(invitations) <= 600
    for invitation in invitations:
        if invitation.status in (S.ATTENDED, S.NO_SHOW):
            assert invitation.event.starts_at <= now
        if invitation.status == S.PROPOSED:
            assert invitation.event.starts_at > now
        assert not invitation.contact.archived

    # Guests come from the stakeholder map: group members, or the network that meets.
    in_a_group = set(
        Contact.objects.filter(group_memberships__isnull=False).values_list("pk", flat=True)
    ) | set(
        Contact.objects.filter(organisation__group_memberships__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert sum(inv.contact_id in in_a_group for inv in invitations) >= 0.8 * len(invitations)
    for event in Event.objects.filter(kind=EventKind.NETWORK_MEETING):
        members = set(event.network.contact_members.values_list("pk", flat=True))
        assert set(event.invitations.values_list("contact_id", flat=True)) <= members

    assert any(detail.over_capacity for detail in details())


def test_plans_come_complete_and_with_every_warning(demo):
    found = Counter()
    complete = []
    for detail in details():
        codes = {warning.code for warning in detail.warnings}
        found.update(codes)
        if detail.encounters and not codes:
            complete.append(detail)
        guests = {inv.contact_id: inv.status for inv in detail.invitations}
        for encounter in detail.encounters:
            event = detail.event
            assert event.starts_at <= encounter.starts_at < event.ends_at
            assert encounter.ends_at <= event.ends_at
            assert guests[encounter.contact_id] != S.DECLINED
            assert encounter.colleague.is_active

    assert set(found) == WARNINGS
    assert all(found[code] >= 2 for code in WARNINGS)  # more than one event each
    assert len(complete) >= 2
    assert all(encounter.has_goal for d in complete for encounter in d.encounters)
    assert Event.objects.filter(encounters__isnull=True).exists()  # no plan yet

    linked = list(
        Encounter.objects.filter(stakeholder_goal__isnull=False).select_related("contact")
    )
    assert len(linked) >= 10
    for encounter in linked:
        options = selectors.goal_options_for(contact=encounter.contact)
        assert options.filter(pk=encounter.stakeholder_goal_id).exists()
        assert encounter.goal
    assert Encounter.objects.filter(goal="").exists()


def test_outcomes_of_past_encounters_are_meetings_on_the_timeline(demo):
    now = timezone.now()
    recorded = list(
        Encounter.objects.filter(outcome_recorded_at__isnull=False).select_related(
            "event", "interaction"
        )
    )

    assert len(recorded) >= 10
    assert f"{len(recorded)} encounter outcomes" in demo
    for encounter in recorded:
        interaction = encounter.interaction
        assert encounter.event.starts_at <= now and encounter.outcome
        assert interaction.kind == InteractionKind.EVENT_ENCOUNTER
        assert interaction.occurred_on == local_day(encounter.event.starts_at)
        assert list(interaction.contacts.all()) == [encounter.contact]
        assert list(interaction.our_participants.all()) == [encounter.colleague]
        assert encounter.event.name in interaction.summary
        invitation = Invitation.objects.get(event=encounter.event, contact=encounter.contact)
        assert invitation.status == S.ATTENDED
    assert Interaction.objects.filter(encounter__isnull=False).count() == len(recorded)
    assert Interaction.objects.filter(encounter__isnull=False, followups__isnull=False).exists()

    # Others still wait for their outcome: the after-event nudge has work.
    open_past = Encounter.objects.filter(event__starts_at__lte=now, outcome_recorded_at=None)
    assert open_past.count() >= 10
    assert not Encounter.objects.filter(event__starts_at__gt=now, interaction__isnull=False)

    # Logging them kept the cached warmth dates right.
    for contact in Contact.objects.annotate(latest=Max("interactions__occurred_on")):
        assert contact.last_interaction_on == contact.latest


def test_if_empty_leaves_the_event_year_alone():
    seed("--if-empty")
    sizes = (Event.objects.count(), Invitation.objects.count(), Encounter.objects.count())
    assert sizes[0] == 25

    assert "no demo data loaded" in seed("--if-empty")
    assert (Event.objects.count(), Invitation.objects.count(), Encounter.objects.count()) == sizes


def test_the_same_seed_gives_the_same_event_year():
    def fingerprint():
        return (
            list(
                Event.objects.order_by("starts_at", "name").values_list(
                    "name", "starts_at", "kind", "capacity", "organiser__username", "network__name"
                )
            ),
            sorted(
                Invitation.objects.values_list("event__name", "contact__email", "status", "note")
            ),
            sorted(
                Encounter.objects.values_list(
                    "event__name",
                    "colleague__username",
                    "contact__email",
                    "starts_at",
                    "goal",
                    "stakeholder_goal__text",
                    "outcome",
                )
            ),
        )

    with transaction.atomic():
        seed("--contacts", "40", "--seed", "7")
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Event.objects.exists()

    seed("--contacts", "40", "--seed", "7")
    assert fingerprint() == first


def test_a_tiny_demo_still_plans_its_event_year():
    seed("--contacts", "3")

    assert Event.objects.count() == 25
    assert Event.objects.filter(invitations__isnull=False).distinct().count() >= 20
    assert not Invitation.objects.filter(contact__archived=True).exists()


def test_at_full_scale_the_first_big_coming_event_has_300_guests_and_100_encounters(
    monkeypatch,
):
    """The planning step only, on unsaved contacts: the 50,000-contact seed takes a minute,
    so full scale is lowered to 2,000 contacts here."""
    monkeypatch.setattr(event_demo, "FULL_SCALE_CONTACTS", 2000)
    users = [User(pk=i, username=name) for i, name in enumerate(demo_usernames(), 1)]
    contacts = [
        Contact(pk=i, first_name="Anna", last_name=f"Jansen {i}", owner_id=3 + i % 8)
        for i in range(1, 2001)
    ]
    seeder = event_demo.EventSeeder(
        rng=random.Random(1), today=timezone.localdate(), users=users, contacts=contacts
    )
    seeder.load_map()
    seeder.plan_events()
    flagship = [planned for planned in seeder.events if planned.flagship]
    assert len(flagship) == 1
    planned = flagship[0]
    assert not planned.past and planned.event.kind == EventKind.OWN

    seeder.plan_guests(planned)
    seeder.plan_encounters(planned)

    active = [inv for inv in planned.guests if inv.status in selectors.ACTIVE_GUEST_STATUSES]
    assert len(active) == 300
    assert len(planned.encounters) == 100
    assert len({inv.contact.pk for inv in planned.guests}) == len(planned.guests)


def test_benchmark_times_the_event_pages():
    seed("--contacts", "30")
    out = StringIO()

    call_command("benchmark_pages", "--runs", "1", "--warmup", "1", stdout=out)

    report = out.getvalue()
    for page in ("event year", "event detail (", "calendar feed ("):
        assert page in report
    assert "Skipped" not in report


def test_benchmark_skips_an_event_page_without_a_url_yet(monkeypatch):
    from relations.management.commands import benchmark_pages

    seed("--contacts", "30")
    real_reverse = benchmark_pages.reverse

    def reverse(name, *args, **kwargs):
        if name.startswith("events:"):
            raise NoReverseMatch(f"Reverse for {name!r} not found.")
        return real_reverse(name, *args, **kwargs)

    monkeypatch.setattr(benchmark_pages, "reverse", reverse)
    out = StringIO()

    call_command("benchmark_pages", "--runs", "1", "--warmup", "1", stdout=out)

    report = out.getvalue()
    assert "Skipped event year" in report and "Skipped calendar feed" in report
    assert "my network" in report


def test_every_event_of_the_word_list_has_a_known_plan_and_a_stakeholder_source():
    from stakeholders import demo_data as stakeholder_data

    groups = {spec["name"] for spec in stakeholder_data.GROUPS}
    networks = {network[0] for network in stakeholder_data.NETWORKS}
    for spec in event_demo.data.EVENTS:
        assert spec["plan"] in event_demo.PLANS
        assert set(spec.get("groups", [])) <= groups
        assert (spec["kind"] == EventKind.NETWORK_MEETING) == ("network" in spec)
        if "network" in spec:
            assert spec["network"] in networks
    # Three flagships spread over the year: one of them is always still to come.
    assert sum(spec.get("big", False) for spec in event_demo.data.EVENTS) >= 3
