import datetime
from collections import defaultdict
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max, Q
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from events.models import Encounter, Event
from relations.management.commands.seed_demo import copy_value, planned_interactions
from relations.models import (
    Affiliation,
    Contact,
    FollowUp,
    Interaction,
    Organisation,
    Relationship,
    Role,
    Tag,
    Team,
    User,
    warmth_thresholds,
)
from relations.selectors import Warmth, today, warmth_of
from stakeholders.models import ContactMembership, Network, StakeholderGroup, Topic

pytestmark = pytest.mark.django_db

DEMO_USERS = [
    "manager",
    "planner",
    "sanne",
    "nina",
    "carl",
    "daan",
    "joost",
    "fleur",
    "lotte",
    "bram",
]


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def wipe() -> None:
    # seed_demo also seeds the stakeholder map, whose names are unique, and the event year.
    Event.objects.all().delete()
    for model in (StakeholderGroup, Topic, Network):
        model.objects.all().delete()
    for model in (FollowUp, Interaction, Relationship, Affiliation, Contact, Tag, Organisation):
        model.objects.all().delete()
    Team.objects.all().delete()
    User.objects.all().delete()
    Group.objects.all().delete()


def table_sizes() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Team, Organisation, Contact, Interaction, Relationship, FollowUp)
    }


@pytest.fixture
def demo() -> str:
    """The default demo, seeded; its value is what the command printed."""
    return seed()


def test_demo_has_a_manager_a_planner_and_eight_networkers_in_two_teams(demo):
    users = {user.username: user for user in User.objects.prefetch_related("groups")}
    roles = {name: {g.name for g in user.groups.all()} for name, user in users.items()}
    assert len(users) == 10
    assert set(DEMO_USERS) <= set(users)
    assert all(Role.NETWORKER in groups for groups in roles.values())
    assert [n for n, g in roles.items() if Role.NETWORK_MANAGER in g] == ["manager"]
    assert [n for n, g in roles.items() if Role.EVENT_PLANNER in g] == ["planner"]
    assert all(user.check_password("demo1234") for user in users.values())
    assert all(user.email.startswith(f"{user.first_name.lower()}.") for user in users.values())

    teams = list(Team.objects.prefetch_related("members"))
    assert len(teams) == 2
    for team in teams:
        members = set(team.members.all())
        assert len(members) == 4
        assert team.lead in members
    members = {m.username for t in teams for m in t.members.all()}
    assert len(members) == 8
    assert {"manager", "planner"}.isdisjoint(members)


def test_demo_prints_the_logins(demo):
    assert "demo1234" in demo
    for username in DEMO_USERS:
        assert f"  {username} " in demo
    assert "network manager" in demo
    assert "event planner" in demo


def test_demo_network_has_the_promised_shape(demo):
    assert Organisation.objects.count() == 20
    assert Contact.objects.count() == 60
    # Besides the outcomes of event encounters, logged by the event seed (tests/events).
    assert Interaction.objects.filter(encounter__isnull=True).count() == 200
    assert Organisation.objects.filter(contacts__isnull=True).count() == 0
    assert len(set(Organisation.objects.values_list("sector", flat=True))) >= 6
    assert set(Contact.objects.values_list("cadence_days", flat=True)) == {30, 60, 90, 180}
    assert Contact.objects.filter(owner__isnull=True).count() == 0
    assert Affiliation.objects.exists()
    assert Contact.tags.through.objects.count() >= 60

    interactions = Interaction.objects.all()
    oldest = today() - datetime.timedelta(days=549)
    assert not interactions.filter(occurred_on__lt=oldest).exists()
    assert not interactions.filter(occurred_on__gt=today()).exists()
    assert not interactions.filter(our_participants__isnull=True).exists()
    assert not interactions.filter(contacts__isnull=True).exists()
    kinds = list(interactions.values_list("kind", flat=True))
    assert max(set(kinds), key=kinds.count) == "coffee"
    assert 8 <= interactions.filter(confidential=True).count() <= 40
    assert interactions.filter(given="").exclude(asked="").exists()  # asks without giving


def test_demo_warmth_is_varied_and_cached_dates_match_interactions(demo):
    contacts = list(Contact.objects.annotate(latest=Max("interactions__occurred_on")))
    assert {warmth_of(c.last_interaction_on, c.cadence_days) for c in contacts} == set(Warmth)
    for contact in contacts:
        assert contact.last_interaction_on == contact.latest
        assert (contact.cooling_on, contact.cold_on) == warmth_thresholds(
            contact.last_interaction_on, contact.cadence_days
        )

    latest: dict[tuple[int, int], datetime.date] = defaultdict(lambda: datetime.date.min)
    for interaction in Interaction.objects.prefetch_related("our_participants", "contacts"):
        for user in interaction.our_participants.all():
            for contact in interaction.contacts.all():
                key = (user.pk, contact.pk)
                latest[key] = max(latest[key], interaction.occurred_on)
    relationships = {
        (r.user_id, r.contact_id): r.last_interaction_on for r in Relationship.objects.all()
    }
    assert set(latest) <= set(relationships)  # whoever met a contact has a relationship
    for key, last_on in relationships.items():
        assert last_on == latest.get(key)


def test_demo_has_open_overdue_and_done_followups_with_some_for_nina(demo):
    on = today()
    followups = FollowUp.objects.all()
    assert followups.filter(done_at__isnull=False).exists()
    assert followups.filter(done_at__isnull=True, due_on__lt=on).exists()
    assert followups.filter(done_at__isnull=True, due_on__gt=on).exists()
    ninas = followups.filter(assignee__username="nina", done_at__isnull=True)
    assert ninas.filter(due_on=on).count() >= 2
    assert ninas.filter(due_on__lt=on).count() >= 3


def test_if_empty_twice_creates_nothing_the_second_time():
    seed("--if-empty")
    sizes = table_sizes()
    assert sizes["Contact"] == 60

    output = seed("--if-empty")

    assert table_sizes() == sizes
    assert "no demo data loaded" in output
    assert "demo1234" in output and "  nina " in output


def test_seeding_a_filled_database_without_if_empty_is_refused(demo):
    with pytest.raises(CommandError, match="already holds"):
        seed()


def test_same_seed_gives_the_same_data():
    def fingerprint():
        return list(
            Contact.objects.order_by("pk").values_list(
                "first_name", "last_name", "email", "organisation__name", "last_interaction_on"
            )
        ) + list(
            ContactMembership.objects.order_by("group__name", "contact__email").values_list(
                "group__name", "contact__email", "attitude", "note"
            )
        )

    seed("--contacts", "20", "--seed", "7")
    first = fingerprint()
    wipe()
    seed("--contacts", "20", "--seed", "7")
    assert fingerprint() == first


def test_scaling_up_uses_bulk_inserts_not_a_query_per_row():
    with CaptureQueriesContext(connection) as small:
        seed("--contacts", "100")
    small_outcomes = Encounter.objects.filter(interaction__isnull=False).count()
    wipe()
    with CaptureQueriesContext(connection) as large:
        seed("--contacts", "500")

    assert Contact.objects.count() == 500
    assert Organisation.objects.count() == 20  # max(20, 500 / 30)
    assert Interaction.objects.filter(encounter__isnull=True).count() == planned_interactions(500)
    assert FollowUp.objects.count() >= 500 // 2
    # Event outcomes go through their service, a few queries each (about ten of them the
    # audit trail's, privacy.audit), and their number does not grow with the contacts but
    # varies with the draw; everything else is written in bulk (COPY on PostgreSQL, batches
    # of bulk_create elsewhere), so 7x the interactions cost a handful of queries more.
    outcomes = Encounter.objects.filter(interaction__isnull=False).count()
    assert len(large) <= len(small) + 15 + 26 * max(0, outcomes - small_outcomes)
    # A fixed budget besides: about 40 queries for our people, the bulk steps and the
    # stakeholder map, about 40 for the network manager's strategic layer (network_manager.demo).
    assert len(large) < 120 + 26 * outcomes


def test_interactions_grow_from_a_light_default_demo_to_ten_per_contact_at_benchmark_scale():
    assert planned_interactions(60) == 200  # the default demo stays easy to click through
    assert planned_interactions(15) == 50
    ratios = [planned_interactions(n) / n for n in (60, 500, 5_000, 50_000, 100_000)]
    assert ratios == sorted(ratios)
    # Issue 5: the benchmark scale holds at least 500,000 interactions.
    assert planned_interactions(50_000) >= 500_000
    assert planned_interactions(100_000) == 100_000 * 10.5


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "\\N"),
        (True, "t"),
        (False, "f"),
        (42, "42"),
        (datetime.date(2026, 3, 1), "2026-03-01"),
        ("Koffie\tin\nUtrecht\r\\", "Koffie\\tin\\nUtrecht\\r\\\\"),
        ("", ""),
    ],
)
def test_copy_value_writes_postgresql_copy_text(value, text):
    # On PostgreSQL the seed writes its largest tables with COPY; the suite run on
    # PostgreSQL (CI) seeds through it, SQLite through bulk_create.
    assert copy_value(value) == text


def test_most_contacts_have_a_few_interactions_and_some_many():
    seed("--contacts", "600")
    per_contact = sorted(
        Contact.objects.annotate(n=Count("interactions", filter=Q(interactions__encounter=None)))
        .filter(n__gt=0)
        .values_list("n", flat=True)
    )
    mean = sum(per_contact) / len(per_contact)
    median = per_contact[len(per_contact) // 2]
    assert median < mean  # a long tail: most have fewer than the mean
    assert per_contact[int(len(per_contact) * 0.95)] >= 3 * median
    assert per_contact[-1] >= 8 * mean  # a hub with a long timeline


def test_benchmark_pages_reports_time_and_queries_for_each_page():
    seed("--contacts", "30")
    out = StringIO()

    call_command("benchmark_pages", "--runs", "2", "--warmup", "1", stdout=out)

    report = out.getvalue()
    assert "30 contacts" in report
    for page in ("contact list", "search", "warmth=", "contact detail", "my network"):
        assert page in report
    rows = [line.split() for line in report.splitlines() if line.startswith(("contact", "my "))]
    assert len(rows) == 5
    assert all(int(row[-1]) > 0 for row in rows)  # the query count column


def test_benchmark_pages_needs_an_existing_networker():
    with pytest.raises(CommandError, match="No active user 'nobody'"):
        call_command("benchmark_pages", "--user", "nobody", stdout=StringIO())


def test_benchmark_pages_times_the_dashboard_once_it_exists():
    seed("--contacts", "30")
    out = StringIO()

    call_command("benchmark_pages", "--runs", "1", "--warmup", "1", stdout=out)

    report = out.getvalue()
    try:
        reverse("network_manager:dashboard")
    except NoReverseMatch:
        assert "Skipped network manager dashboard: no URL named" in report
    else:
        assert "Skipped network manager dashboard" not in report
        assert "(the dashboard as manager)" in report
        rows = [line.split() for line in report.splitlines()]
        dashboard = [row for row in rows if row[:3] == ["network", "manager", "dashboard"]]
        assert len(dashboard) == 1 and int(dashboard[0][-1]) > 0
    for page in ("contact list", "my network", "event year", "group detail ("):
        assert page in report


@pytest.fixture
def manager_only_dashboard(monkeypatch):
    """Stands in for the dashboard with a page only a network manager may open."""
    from relations.management.commands import benchmark_pages

    real_reverse = benchmark_pages.reverse

    def reverse_(name, *args, **kwargs):
        if name == "network_manager:dashboard":
            return real_reverse("privacy:retention")
        return real_reverse(name, *args, **kwargs)

    monkeypatch.setattr(benchmark_pages, "reverse", reverse_)


def test_benchmark_pages_opens_the_dashboard_as_the_network_manager(manager_only_dashboard):
    seed("--contacts", "30")
    out = StringIO()

    call_command("benchmark_pages", "--runs", "2", "--warmup", "1", stdout=out)

    report = out.getvalue()
    assert "as nina (the dashboard as manager)" in report
    first_row = report.splitlines()[2].split()
    assert first_row[:3] == ["network", "manager", "dashboard"]
    assert int(first_row[-1]) > 0


def test_benchmark_pages_fails_when_the_dashboard_does_not_answer_200(manager_only_dashboard):
    seed("--contacts", "30")

    with pytest.raises(CommandError, match="network manager dashboard: GET .* answered 403"):
        call_command("benchmark_pages", "--manager", "nina", "--runs", "1", stdout=StringIO())
    with pytest.raises(CommandError, match="No active user 'nobody' to open the dashboard"):
        call_command("benchmark_pages", "--manager", "nobody", "--runs", "1", stdout=StringIO())


@pytest.fixture
def without_dashboard(monkeypatch):
    """As before the network manager's dashboard was built: its URL does not reverse."""
    from relations.management.commands import benchmark_pages

    real_reverse = benchmark_pages.reverse

    def reverse_(name, *args, **kwargs):
        if name.startswith("network_manager:"):
            raise NoReverseMatch(f"Reverse for {name!r} not found.")
        return real_reverse(name, *args, **kwargs)

    monkeypatch.setattr(benchmark_pages, "reverse", reverse_)


def test_benchmark_pages_skips_the_dashboard_without_a_url(without_dashboard):
    seed("--contacts", "30")
    out = StringIO()

    # No dashboard, so no network manager is needed either.
    call_command("benchmark_pages", "--manager", "nobody", "--runs", "1", stdout=out)

    report = out.getvalue()
    assert "Skipped network manager dashboard: no URL named 'network_manager:dashboard' yet." in (
        report
    )
    assert "the dashboard as" not in report
    assert "my network" in report


def test_benchmark_pages_seeds_an_empty_database_once_and_never_wipes_one(
    monkeypatch, without_dashboard
):
    from relations.management.commands import benchmark_pages

    seeded = []
    real_call_command = benchmark_pages.call_command

    def call_command_(name, *args, **kwargs):
        if name == "seed_demo":
            seeded.append(kwargs["contacts"])
            kwargs["contacts"] = 20  # stands in for the large data set
        return real_call_command(name, *args, **kwargs)

    monkeypatch.setattr(benchmark_pages, "call_command", call_command_)
    out = StringIO()
    call_command("benchmark_pages", "--ensure-contacts", "20", "--runs", "1", stdout=out)
    assert seeded == [20]
    assert "is empty: migrating and seeding 20 contacts" in out.getvalue()
    assert Contact.objects.count() == 20

    out = StringIO()
    call_command("benchmark_pages", "--ensure-contacts", "20", "--runs", "1", stdout=out)
    assert seeded == [20]  # not seeded again
    assert "already holds 20 contacts" in out.getvalue()

    with pytest.raises(CommandError, match="fewer than 500.*will not wipe it"):
        call_command("benchmark_pages", "--ensure-contacts", "500", stdout=StringIO())
    assert Contact.objects.count() == 20
