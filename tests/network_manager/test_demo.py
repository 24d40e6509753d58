"""seed_demo fills every panel of the network manager's dashboard and the strategy pages.

The warmth history is checked against an independent count: every tie's meetings read
from the interactions themselves, warmth by `relations.selectors.warmth_of`.
"""

import datetime
import random
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command

from network_manager.demo import seed_network_manager
from network_manager.models import KeyContact, RoadmapStep, StepStatus, StrategyGoal, WarmthSnapshot
from network_manager.permissions import dashboard_scope
from network_manager.selectors import dashboard_for, month_starts, strategy_get, strategy_goal_list
from relations.models import Interaction, Relationship, Team, User
from relations.selectors import Warmth, today, warmth_of
from stakeholders.models import HIGH, StakeholderGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager() -> User:
    call_command("seed_demo", stdout=StringIO())
    return User.objects.get(username="manager")


@pytest.fixture
def dashboard(manager):
    return dashboard_for(scope=dashboard_scope(manager))


def expected_trend_points() -> int:
    # On the 1st, this month's snapshot is today's and the dashboard shows "now" instead.
    return 13 if today().day > 1 else 12


def test_warmth_trend_has_a_point_per_month_and_today(manager, dashboard):
    trend = dashboard.warmth_trend

    assert len(trend) == expected_trend_points()
    assert [p.taken_on for p in trend[:-1]] == [m for m in month_starts(today()) if m < today()]
    assert trend[-1].taken_on == today()
    assert all(p.counts.warm and p.counts.cooling and p.counts.cold for p in trend)
    for team in Team.objects.all():
        team_trend = dashboard_for(scope=dashboard_scope(manager, team.pk)).warmth_trend
        assert len(team_trend) == expected_trend_points()
        assert all(p.counts.total for p in team_trend)


def independent_warmth(on: datetime.date) -> dict[int | None, Counter]:
    """Team id (None: organisation) -> Counter of warmth on `on`, from the interactions."""
    met_on = defaultdict(list)  # (user id, contact id) -> dates
    for interaction in Interaction.objects.prefetch_related("our_participants", "contacts"):
        for user in interaction.our_participants.all():
            for contact in interaction.contacts.all():
                met_on[(user.pk, contact.pk)].append(interaction.occurred_on)
    teams_of = defaultdict(list)
    for team in Team.objects.prefetch_related("members"):
        for member in team.members.all():
            teams_of[member.pk].append(team.pk)
    counts = defaultdict(Counter)
    for tie in Relationship.objects.filter(contact__archived=False).select_related("contact"):
        dates = met_on[(tie.user_id, tie.contact_id)]
        before = [d for d in dates if d <= on]
        if dates and not before:
            continue  # first met after `on`: not a tie yet
        warmth = warmth_of(max(before, default=None), tie.contact.cadence_days, on)
        for team_id in [None, *teams_of[tie.user_id]]:
            counts[team_id][warmth] += 1
    return counts


@pytest.mark.parametrize("month", [0, -1])
def test_snapshot_is_the_warmth_the_interactions_give_on_that_day(manager, month):
    on = month_starts(today())[month]
    expected = independent_warmth(on)

    snapshots = WarmthSnapshot.objects.filter(taken_on=on)
    assert snapshots.count() == 1 + Team.objects.count()
    for snapshot in snapshots:
        assert (snapshot.warm, snapshot.cooling, snapshot.cold) == (
            expected[snapshot.team_id][Warmth.WARM],
            expected[snapshot.team_id][Warmth.COOLING],
            expected[snapshot.team_id][Warmth.COLD],
        )
    organisation = expected[None]
    assert organisation[Warmth.WARM] and organisation[Warmth.COOLING] and organisation[Warmth.COLD]


def test_coverage_shows_tended_groups_and_an_unowned_one(dashboard):
    coverage = {row.group.name: row for row in dashboard.coverage}

    assert set(coverage) == set(
        StakeholderGroup.objects.filter(influence__gte=HIGH).values_list("name", flat=True)
    )
    unowned = coverage["Business associations"]
    assert unowned.untended
    assert (unowned.group.owning_team, unowned.group.steward) == (None, None)
    tended = [row for row in dashboard.coverage if not row.untended]
    assert tended
    for row in tended:
        assert row.warm_ties > 0
        assert row.last_contact_on is not None
        assert row.group.owning_team.members.filter(pk=row.group.steward_id).exists()
    # Untended rows come first.
    assert dashboard.coverage[0].untended


def test_key_contacts_going_cold_most_influential_first_and_untended(dashboard):
    assert KeyContact.objects.count() == 8
    assert dashboard.cooling_key_contact_total == 3
    influence = [k.influence for k in dashboard.cooling_key_contacts]
    assert influence == sorted(influence, reverse=True)
    assert influence[0] >= 4
    for key_contact in dashboard.cooling_key_contacts:
        cooling_on = key_contact.contact.cooling_on
        assert cooling_on is None or cooling_on <= today()

    assert dashboard.untended_key_contact_total == 2
    for key_contact in dashboard.untended_key_contacts:
        assert (key_contact.team, key_contact.networker) == (None, None)
    assigned = KeyContact.objects.exclude(team=None)
    assert assigned.count() == 6
    assert all(k.reason for k in KeyContact.objects.all())
    for key_contact in assigned.exclude(networker=None):
        assert key_contact.team.members.filter(pk=key_contact.networker_id).exists()


def test_followups_meetings_events_and_give_ask_have_figures(dashboard):
    assert len(dashboard.overdue_by_team) == 2
    assert all(row.count > 0 for row in dashboard.overdue_by_team)
    assert dashboard.overdue_total > 0
    assert len(dashboard.meetings.series) == 2
    assert all(series.total > 0 for series in dashboard.meetings.series)
    assert len(dashboard.coming_events) >= 1
    balanced = [row for row in dashboard.give_ask if row.given and row.asked]
    assert len(balanced) >= 5


def test_roadmap_runs_two_years_with_one_step_overdue(dashboard):
    roadmap = dashboard.roadmap
    assert (roadmap.total, roadmap.done, roadmap.in_progress, roadmap.planned) == (12, 6, 3, 3)
    assert roadmap.overdue == 1
    assert roadmap.next_steps[0].title == "Give every key stakeholder group a steward"

    steps = list(RoadmapStep.objects.order_by("target_on"))
    assert 250 <= (today() - steps[0].target_on).days <= 290  # started nine months ago
    assert 660 <= (steps[-1].target_on - steps[0].target_on).days <= 730  # about two years
    for step in steps:
        assert step.owner is not None
        if step.status == StepStatus.DONE:
            assert step.target_on < today() and step.done_on <= today()
        elif step.status == StepStatus.PLANNED:
            assert step.target_on > today()


def test_strategy_has_a_definition_and_goals_linking_groups(manager):
    strategy = strategy_get()
    assert strategy.definition.startswith("Relationship management at Regio Verbindt")
    assert strategy.value_to_sales_and_marketing
    assert strategy.updated_by == manager

    goals = list(strategy_goal_list())
    assert len(goals) == 4
    for goal in goals:
        assert goal.description
        assert len(goal.groups.all()) == 3
    linked = {group.name for goal in goals for group in goal.groups.all()}
    assert {"Provincial government", "National ministries", "Grid operators & infrastructure"} <= (
        linked
    )


def sizes() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (StrategyGoal, RoadmapStep, KeyContact, WarmthSnapshot)
    }


def test_seeding_again_replaces_its_own_rows(manager):
    before = sizes()
    # Snapshots: the 1st of the last 12 months and today, for the organisation and 2 teams.
    assert before == {"StrategyGoal": 4, "RoadmapStep": 12, "KeyContact": 8, "WarmthSnapshot": 39}
    call_command("seed_demo", "--if-empty", stdout=StringIO())
    assert sizes() == before

    users = list(User.objects.all())
    seed_network_manager(rng=random.Random(7), today=today(), users=users)
    chosen = set(KeyContact.objects.values_list("contact_id", "team_id", "networker_id"))
    seed_network_manager(rng=random.Random(7), today=today(), users=users)

    assert sizes() == before
    assert set(KeyContact.objects.values_list("contact_id", "team_id", "networker_id")) == chosen
