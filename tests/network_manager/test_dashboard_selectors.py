"""The dashboard's figures, on a small hand-built network whose every figure is known.

The world (see `world`): team Alpha (lead, Nina, Carl), team Beta (Otto), Manon the
network manager in no team. Contacts have a 30-day cadence, so a tie last met 29 days ago
is warm, 30 days ago cooling (one cadence passed), 59 days ago still cooling, 60 days ago
cold (two cadences), never met cold.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from events.models import Encounter, Event, Invitation, InvitationStatus
from network_manager import selectors, services
from network_manager.models import KeyContact, RoadmapStep, StepStatus, WarmthSnapshot
from network_manager.permissions import Scope
from relations.models import Contact, FollowUp, Interaction, Organisation, Relationship, User
from relations.selectors import today
from stakeholders.models import (
    ContactMembership,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)

DAY = datetime.timedelta(days=1)
ORGANISATION = Scope(team_ids=None)


def team_scope(*teams) -> Scope:
    return Scope(team_ids=frozenset(t.pk for t in teams), teams=tuple(teams))


def person(first: str, last: str, *, met_days_ago: int | None = None, **fields) -> Contact:
    on = today()
    return Contact.objects.create(
        first_name=first,
        last_name=last,
        cadence_days=30,
        last_interaction_on=None if met_days_ago is None else on - met_days_ago * DAY,
        **fields,
    )


def tie(user: User, contact: Contact, *, met_days_ago: int | None, strength: int = 2):
    on = today()
    return Relationship.objects.create(
        user=user,
        contact=contact,
        strength=strength,
        last_interaction_on=None if met_days_ago is None else on - met_days_ago * DAY,
    )


def meeting(on: datetime.date, ours, theirs, *, given: str = "", asked: str = ""):
    interaction = Interaction.objects.create(
        occurred_on=on, author=ours[0], summary="Coffee", given=given, asked=asked
    )
    interaction.our_participants.set(ours)
    interaction.contacts.set(theirs)
    return interaction


@pytest.fixture
def world(db, lead, networker, colleague, outsider, manager, team_alpha, team_beta):
    """The network the figures below are counted on."""
    on = today()
    gemeente = Organisation.objects.create(name="Gemeente Utrecht")
    university = Organisation.objects.create(name="Universiteit Utrecht")
    anna = person("Anna", "Aalbers", met_days_ago=29, organisation=gemeente)
    bert = person("Bert", "Bakker", met_days_ago=30, organisation=gemeente)
    cora = person("Cora", "Claes", met_days_ago=59)
    dirk = person("Dirk", "Dekker", met_days_ago=60)
    eva = person("Eva", "Evers", met_days_ago=10, organisation=university)
    finn = person("Finn", "Fokker", organisation=university)
    gus = person("Gus", "Groen")
    hana = person("Hana", "Hoek")
    gone = person("Ida", "Archief", met_days_ago=1, archived=True)

    tie(networker, anna, met_days_ago=29)  # warm (the last warm day)
    tie(networker, bert, met_days_ago=30)  # cooling (one cadence has passed)
    tie(colleague, cora, met_days_ago=59)  # cooling (the last cooling day)
    tie(colleague, dirk, met_days_ago=60)  # cold (two cadences have passed)
    tie(outsider, eva, met_days_ago=10)  # warm
    tie(outsider, finn, met_days_ago=None)  # cold: never met
    tie(networker, gone, met_days_ago=1)  # archived contact: not counted

    government = StakeholderGroup.objects.create(
        name="Regional government", influence=5, interest=5, priority=1,
        owning_team=team_alpha, steward=networker,
    )  # fmt: skip
    universities = StakeholderGroup.objects.create(
        name="Universities", influence=4, interest=2, priority=2, owning_team=team_beta
    )
    energy = StakeholderGroup.objects.create(
        name="Energy firms", influence=3, interest=4, priority=2
    )
    press = StakeholderGroup.objects.create(
        name="Press", influence=5, interest=3, priority=3, owning_team=team_alpha
    )
    neighbours = StakeholderGroup.objects.create(
        name="Neighbours", influence=2, interest=5, priority=3, owning_team=team_alpha
    )
    ContactMembership.objects.create(group=government, contact=anna)
    OrganisationMembership.objects.create(group=universities, organisation=university)
    ContactMembership.objects.create(group=universities, contact=eva)  # and via organisation
    ContactMembership.objects.create(group=energy, contact=bert)
    ContactMembership.objects.create(group=press, contact=dirk)
    ContactMembership.objects.create(group=neighbours, contact=cora)

    KeyContact.objects.create(contact=anna, team=team_alpha)
    KeyContact.objects.create(contact=bert, networker=networker)
    KeyContact.objects.create(contact=dirk, team=team_alpha)
    KeyContact.objects.create(contact=finn, team=team_beta)
    KeyContact.objects.create(contact=gus)  # nobody assigned, nobody knows him
    KeyContact.objects.create(contact=hana, team=team_beta)  # assigned, but nobody knows her

    for user, days_overdue in [(networker, 1), (networker, 5), (colleague, 3), (outsider, 2)]:
        FollowUp.objects.create(
            text=f"Call back ({days_overdue})", due_on=on - days_overdue * DAY,
            assignee=user, contact=anna,
        )  # fmt: skip
    FollowUp.objects.create(text="No team", due_on=on - 7 * DAY, assignee=manager, contact=bert)
    FollowUp.objects.create(text="Due today", due_on=on, assignee=networker, contact=anna)
    FollowUp.objects.create(
        text="Done late", due_on=on - 9 * DAY, assignee=networker, contact=anna,
        done_at=timezone.now(),
    )  # fmt: skip

    months = selectors.month_starts(on)
    meeting(on, [networker, outsider], [anna], given="advice")  # both teams
    meeting(on, [networker, colleague], [anna, bert], asked="an introduction")
    meeting(months[0], [colleague], [eva], given="a report", asked="data")  # first month
    meeting(months[0] - DAY, [colleague], [dirk], given="too old")  # before the window

    RoadmapStep.objects.create(title="Define", target_on=on - 90 * DAY, status=StepStatus.DONE)
    RoadmapStep.objects.create(
        title="Form teams", target_on=on - 10 * DAY, status=StepStatus.IN_PROGRESS
    )
    RoadmapStep.objects.create(title="Dashboard", target_on=on + 30 * DAY)
    RoadmapStep.objects.create(title="Old idea", target_on=on - 5 * DAY, status=StepStatus.DROPPED)

    now = timezone.now()
    summit = Event.objects.create(
        name="Energy summit", organiser=networker,
        starts_at=now + 10 * DAY, ends_at=now + 10 * DAY + datetime.timedelta(hours=3),
    )  # fmt: skip
    Event.objects.create(
        name="Beta borrel", organiser=outsider,
        starts_at=now + 20 * DAY, ends_at=now + 20 * DAY + datetime.timedelta(hours=2),
    )  # fmt: skip
    Event.objects.create(
        name="Far away", organiser=networker,
        starts_at=now + 90 * DAY, ends_at=now + 90 * DAY + datetime.timedelta(hours=2),
    )  # fmt: skip
    for contact, status in [
        (anna, InvitationStatus.INVITED),
        (bert, InvitationStatus.INVITED),
        (cora, InvitationStatus.ACCEPTED),
    ]:
        Invitation.objects.create(event=summit, contact=contact, status=status)
    Encounter.objects.create(
        event=summit, colleague=networker, contact=anna, starts_at=summit.starts_at, goal="Intro"
    )
    Encounter.objects.create(
        event=summit, colleague=colleague, contact=bert, starts_at=summit.starts_at
    )
    # What beat recounts every 15 minutes (meetings, give/ask, coverage, today's warmth).
    services.activity_refresh()

    return SimpleNamespace(
        on=on, months=months, alpha=team_alpha, beta=team_beta,
        anna=anna, bert=bert, cora=cora, dirk=dirk, eva=eva, finn=finn, gus=gus, hana=hana,
        government=government, universities=universities, energy=energy, press=press,
        neighbours=neighbours, summit=summit,
    )  # fmt: skip


# Relationships by warmth


def test_warmth_counts_follow_the_cadence_boundaries(world):
    counts = selectors.warmth_counts(ORGANISATION)

    assert (counts.warm, counts.cooling, counts.cold) == (2, 2, 2)


def test_a_team_counts_the_ties_of_its_members_only(world):
    alpha = selectors.warmth_counts(team_scope(world.alpha))
    beta = selectors.warmth_counts(team_scope(world.beta))

    assert (alpha.warm, alpha.cooling, alpha.cold) == (1, 2, 1)
    assert (beta.warm, beta.cooling, beta.cold) == (1, 0, 1)


def trend(board) -> list[tuple]:
    return [
        (p.taken_on, p.counts.warm, p.counts.cooling, p.counts.cold) for p in board.warmth_trend
    ]


def test_the_warmth_trend_sums_the_snapshots_of_the_scope_then_today(world):
    first, second = world.months[-3], world.months[-2]
    WarmthSnapshot.objects.create(taken_on=first, warm=5, cooling=1, cold=0)
    WarmthSnapshot.objects.create(taken_on=second, warm=4, cooling=2, cold=1)
    WarmthSnapshot.objects.create(taken_on=second, team=world.alpha, warm=3, cooling=0, cold=1)
    WarmthSnapshot.objects.create(taken_on=second, team=world.beta, warm=1, cooling=1, cold=0)
    # Older than 12 months: left out.
    WarmthSnapshot.objects.create(taken_on=world.months[0] - DAY, warm=9, cooling=9, cold=9)

    board = selectors.dashboard_for(scope=ORGANISATION)
    both_teams = selectors.dashboard_for(scope=team_scope(world.alpha, world.beta))

    assert trend(board) == [(first, 5, 1, 0), (second, 4, 2, 1), (world.on, 2, 2, 2)]
    assert trend(both_teams) == [(second, 4, 1, 1), (world.on, 2, 2, 2)]


def test_the_relationship_list_filters_by_warmth_and_colleague(world, networker, colleague):
    cooling = selectors.relationship_list_in_scope(ORGANISATION, warmth="cooling")
    carls = selectors.relationship_list_in_scope(team_scope(world.alpha), colleague_id=colleague.pk)
    cold_in_beta = selectors.relationship_list_in_scope(team_scope(world.beta), warmth="cold")

    # Closest to going cold first.
    assert [t.contact.first_name for t in cooling] == ["Cora", "Bert"]
    assert [t.contact.first_name for t in carls] == ["Dirk", "Cora"]
    assert [t.contact.first_name for t in cold_in_beta] == ["Finn"]


# Coverage


def test_coverage_counts_warm_ties_directly_and_through_member_organisations(world):
    rows = selectors.dashboard_for(scope=ORGANISATION).coverage

    assert [
        (r.group.name, r.quadrant.value, r.warm_ties, r.last_contact_on, r.untended) for r in rows
    ] == [
        # Untended first, most influential first.
        ("Press", "manage_closely", 0, world.on - 60 * DAY, True),  # no warm tie
        ("Energy firms", "manage_closely", 0, world.on - 30 * DAY, True),  # nobody owns it
        ("Regional government", "manage_closely", 1, world.on - 29 * DAY, False),
        # Eva is a member twice (herself and her university): one tie.
        ("Universities", "keep_satisfied", 1, world.on - 10 * DAY, False),
    ]


def test_a_group_with_a_steward_but_no_team_is_tended_when_somebody_is_warm(world, networker):
    world.energy.steward = networker
    world.energy.save()
    tie(networker, person("Jan", "Jansen", met_days_ago=3, organisation=None), met_days_ago=3)
    ContactMembership.objects.create(
        group=world.energy, contact=Contact.objects.get(first_name="Jan")
    )
    services.activity_refresh()

    rows = {r.group.name: r for r in selectors.coverage(ORGANISATION)}

    assert (rows["Energy firms"].warm_ties, rows["Energy firms"].untended) == (1, False)


def test_a_team_sees_the_coverage_of_its_own_groups(world):
    rows = selectors.coverage(team_scope(world.alpha))

    assert [(r.group.name, r.untended) for r in rows] == [
        ("Press", True),
        ("Regional government", False),
    ]


# Key contacts


def test_key_contacts_going_cold_most_influential_first(world):
    board = selectors.dashboard_for(scope=ORGANISATION)

    assert [(k.contact.first_name, k.influence) for k in board.cooling_key_contacts] == [
        ("Dirk", 5),  # Press
        ("Finn", 4),  # Universities, through his organisation
        ("Bert", 3),  # Energy firms
        ("Gus", 0),
        ("Hana", 0),
    ]
    assert board.cooling_key_contact_total == 5
    assert [k.contact.first_name for k in board.untended_key_contacts] == ["Gus", "Hana"]
    assert board.untended_key_contact_total == 2


def test_a_team_sees_the_key_contacts_of_the_team_and_of_its_members(world):
    alpha = selectors.dashboard_for(scope=team_scope(world.alpha))
    beta = selectors.dashboard_for(scope=team_scope(world.beta))

    assert [k.contact.first_name for k in alpha.cooling_key_contacts] == ["Dirk", "Bert"]
    assert alpha.untended_key_contact_total == 0
    assert [k.contact.first_name for k in beta.cooling_key_contacts] == ["Finn", "Hana"]
    assert [k.contact.first_name for k in beta.untended_key_contacts] == ["Hana"]
    everyone = selectors.key_contact_list_in_scope(ORGANISATION)
    # Equally influential: the one closer to going cold first (Dirk is cold today).
    assert [k.contact.first_name for k in everyone] == [
        "Dirk", "Anna", "Finn", "Bert", "Gus", "Hana",
    ]  # fmt: skip


# Overdue follow-ups


def test_overdue_followups_per_team_and_per_networker(world, manager):
    board = selectors.dashboard_for(scope=ORGANISATION)

    assert [(r.name, r.count) for r in board.overdue_by_team] == [("Alpha", 3), ("Beta", 1)]
    assert [(r.name, r.count) for r in board.overdue_by_networker] == [
        ("Nina", 2),
        ("Carl", 1),
        ("Manon", 1),
        ("Otto", 1),
    ]
    assert board.overdue_total == 5


def test_a_team_counts_the_overdue_followups_of_its_members(world, networker, colleague):
    board = selectors.dashboard_for(scope=team_scope(world.alpha))
    listed = selectors.overdue_followups_in_scope(team_scope(world.alpha), assignee_id=networker.pk)

    assert [(r.name, r.count) for r in board.overdue_by_team] == [("Alpha", 3)]
    assert [(r.id, r.count) for r in board.overdue_by_networker] == [
        (networker.pk, 2),
        (colleague.pk, 1),
    ]
    assert board.overdue_total == 3
    assert [f.text for f in listed] == ["Call back (5)", "Call back (1)"]  # oldest first


# Meetings per month


def test_meetings_per_month_count_a_two_team_meeting_for_both_teams(world):
    chart = selectors.dashboard_for(scope=ORGANISATION).meetings

    assert chart.months == world.months
    assert [(s.team.name, s.counts) for s in chart.series] == [
        ("Alpha", [1] + [0] * 10 + [2]),
        ("Beta", [0] * 11 + [1]),
    ]
    assert chart.highest == 2


def test_a_new_meeting_shows_after_the_recount_and_its_time_is_told(world, outsider):
    meeting(world.on, [outsider], [world.anna], given="An introduction")
    before = selectors.dashboard_for(scope=ORGANISATION)

    services.activity_refresh()
    after = selectors.dashboard_for(scope=ORGANISATION)

    beta = {s.team.name: s.counts[-1] for s in before.meetings.series}["Beta"]
    assert {s.team.name: s.counts[-1] for s in after.meetings.series}["Beta"] == beta + 1
    assert after.counted_at is not None and after.counted_at >= before.counted_at


def test_a_team_sees_its_own_meetings_only(world):
    chart = selectors.meetings_per_month(team_scope(world.beta))

    assert [(s.team.name, s.total) for s in chart.series] == [("Beta", 1)]


# Coming events


def test_coming_events_with_guests_by_status_and_encounters_without_goal(world):
    board = selectors.dashboard_for(scope=ORGANISATION)
    alpha = selectors.dashboard_for(scope=team_scope(world.alpha))

    assert [c.event.name for c in board.coming_events] == ["Energy summit", "Beta borrel"]
    summit = board.coming_events[0]
    assert {k: v for k, v in summit.guests_by_status.items() if v} == {
        "invited": 2,
        "accepted": 1,
    }
    assert (summit.event.encounter_count, summit.event.goalless_count) == (2, 1)
    assert summit.plan_incomplete
    assert [c.event.name for c in alpha.coming_events] == ["Energy summit"]


# Give and ask


def test_give_and_ask_per_group_over_the_last_twelve_months(world):
    balances = selectors.dashboard_for(scope=ORGANISATION).give_ask

    assert [(b.group.name, b.given, b.asked, b.unbalanced) for b in balances] == [
        ("Regional government", 1, 1, False),
        ("Energy firms", 0, 1, True),  # asked without giving
        ("Universities", 1, 1, False),  # the meeting on the first day of the window counts
        ("Neighbours", 0, 0, False),
        ("Press", 0, 0, False),  # the meeting a day before the window does not
    ]


# Roadmap


def test_roadmap_progress_leaves_dropped_steps_out(world):
    progress = selectors.dashboard_for(scope=ORGANISATION).roadmap

    assert (progress.total, progress.done, progress.in_progress, progress.planned) == (3, 1, 1, 1)
    assert (progress.overdue, progress.percent_done) == (1, 33)
    assert [s.title for s in progress.next_steps] == ["Form teams", "Dashboard"]


def test_the_organisation_dashboard_lists_every_team(world):
    assert [t.name for t in selectors.dashboard_for(scope=ORGANISATION).teams] == ["Alpha", "Beta"]
    assert selectors.dashboard_for(scope=team_scope(world.alpha)).teams == []


# Who knows whom


def test_who_knows_whom_ranks_warm_ties_first(db, networker, colleague, outsider):
    port = Organisation.objects.create(name="Havenbedrijf Rotterdam")
    jan = person("Jan", "Jansen", met_days_ago=40, organisation=port)
    kim = person("Kim", "Klaver", met_days_ago=5, organisation=port)
    tie(networker, jan, met_days_ago=40, strength=5)  # cooling, strong
    tie(colleague, kim, met_days_ago=5, strength=1)  # warm, weak
    tie(colleague, jan, met_days_ago=50, strength=3)
    tie(outsider, person("Lea", "Laan", met_days_ago=1), met_days_ago=1)  # elsewhere

    found = selectors.who_knows_whom(user=networker, query="haven")

    assert [o.name for o in found.organisations] == ["Havenbedrijf Rotterdam"]
    assert [
        (c.colleague.username, c.ties, c.warm_ties, c.last_met_on, c.strength) for c in found.direct
    ] == [
        ("carl", 2, 1, today() - 5 * DAY, 3),
        ("nina", 1, 0, today() - 40 * DAY, 5),
    ]
    assert found.second_degree == []


def test_who_knows_whom_finds_a_topic(db, networker):
    energy = Topic.objects.create(name="Energy transition")
    mia = person("Mia", "Mol", met_days_ago=3)
    energy.contacts.add(mia)
    tie(networker, mia, met_days_ago=3)

    found = selectors.who_knows_whom(user=networker, query="transition")

    assert [t.name for t in found.topics] == ["Energy transition"]
    assert [c.colleague.username for c in found.direct] == ["nina"]


def test_nobody_knows_them_but_a_colleague_knows_someone_at_the_same_organisation(
    db, networker, outsider
):
    port = Organisation.objects.create(name="Havenbedrijf Rotterdam")
    person("Ivo", "Ijzer", organisation=port)  # whom nobody knows
    jan = person("Jan", "Jansen", met_days_ago=12, organisation=port)
    kim = person("Kim", "Klaver", met_days_ago=100, organisation=port)
    tie(outsider, jan, met_days_ago=12)
    tie(outsider, kim, met_days_ago=100)
    tie(networker, kim, met_days_ago=70)

    found = selectors.who_knows_whom(user=networker, query="Ijzer")

    assert [c.full_name for c in found.contacts] == ["Ivo Ijzer"]
    assert found.direct == []
    assert [
        (c.colleague.username, c.warm_ties, [t.contact.first_name for t in c.via])
        for c in found.second_degree
    ] == [
        ("otto", 1, ["Jan", "Kim"]),  # most recently met go-between first
        ("nina", 0, ["Kim"]),
    ]


def test_the_second_degree_reaches_through_the_same_stakeholder_group(db, networker, colleague):
    ports = StakeholderGroup.objects.create(name="Ports", influence=4, interest=4)
    ivo = person("Ivo", "Ijzer")
    via_group = [person(f"Go{i}", f"Between{i}", met_days_ago=i + 1) for i in range(4)]
    ContactMembership.objects.create(group=ports, contact=ivo)
    for days_ago, contact in enumerate(via_group, start=1):
        ContactMembership.objects.create(group=ports, contact=contact)
        tie(colleague, contact, met_days_ago=days_ago)
    tie(networker, via_group[3], met_days_ago=45)

    found = selectors.who_knows_whom(user=networker, query="Ijzer")

    assert found.direct == []
    carl, nina = found.second_degree
    assert (carl.colleague.username, carl.ties, carl.warm_ties) == ("carl", 4, 4)
    # At most three go-betweens, the most recently met first.
    assert [t.contact.first_name for t in carl.via] == ["Go0", "Go1", "Go2"]
    assert (nina.colleague.username, nina.ties, nina.warm_ties) == ("nina", 1, 0)


def test_who_knows_whom_needs_two_characters(db, networker):
    found = selectors.who_knows_whom(user=networker, query=" a ")

    assert (found.found_anything, found.direct, found.second_degree) == (False, [], [])
