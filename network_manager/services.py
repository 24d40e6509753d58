"""Every write of the strategic layer: one call, one transaction, permission checked.

Teams themselves are saved by relations.services.team_save (the same rule for the
teams page and the teams API); this module assigns groups and key contacts to them.
"""

import datetime

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from network_manager import permissions
from network_manager.models import (
    GroupMonthActivity,
    GroupTies,
    KeyContact,
    RoadmapStep,
    StepStatus,
    Strategy,
    StrategyGoal,
    TeamMonthActivity,
    WarmthSnapshot,
)
from network_manager.selectors import (
    group_meetings_by_month,
    group_ties_now,
    month_starts,
    strategy_get,
    team_meetings_by_month,
)
from relations.models import Contact, Relationship, Team, User
from relations.selectors import Warmth, today, warmth_filter
from relations.services import ServiceError
from stakeholders.models import StakeholderGroup

STRATEGY_FIELDS = {"definition", "value_to_sales_and_marketing"}
GOAL_FIELDS = {"title", "description", "position"}
STEP_FIELDS = {"title", "description", "owner", "target_on", "status", "done_on"}


def _check_fields(fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


# Strategy


@transaction.atomic
def strategy_update(*, actor: User, **fields) -> Strategy:
    permissions.ensure_can_change_strategy(actor)
    _check_fields(fields, STRATEGY_FIELDS)
    strategy = strategy_get()
    for name, value in fields.items():
        setattr(strategy, name, value)
    strategy.updated_by = actor
    strategy.save()
    return strategy


@transaction.atomic
def strategy_goal_save(
    *,
    actor: User,
    goal: StrategyGoal | None = None,
    groups: list[StakeholderGroup] | None = None,
    **fields,
) -> StrategyGoal:
    """Create or change a goal of the strategy; `groups` (if given) replaces its groups."""
    permissions.ensure_can_change_strategy(actor)
    _check_fields(fields, GOAL_FIELDS)
    if goal is None:
        goal = StrategyGoal(strategy=strategy_get())
    for name, value in fields.items():
        setattr(goal, name, value)
    if not (goal.title or "").strip():
        raise ServiceError(_("A goal needs a title."), field="title")
    goal.title = goal.title.strip()
    goal.save()
    if groups is not None:
        goal.groups.set(groups)
    return goal


def strategy_goal_delete(*, actor: User, goal: StrategyGoal) -> None:
    permissions.ensure_can_change_strategy(actor)
    goal.delete()


# Roadmap


def _check_step(step: RoadmapStep) -> None:
    if not (step.title or "").strip():
        raise ServiceError(_("A step needs a title."), field="title")
    if step.status == StepStatus.DONE and step.done_on is None:
        step.done_on = today()
    if step.status != StepStatus.DONE:
        step.done_on = None


@transaction.atomic
def roadmap_step_save(*, actor: User, step: RoadmapStep | None = None, **fields) -> RoadmapStep:
    permissions.ensure_can_change_roadmap(actor)
    _check_fields(fields, STEP_FIELDS)
    step = step or RoadmapStep()
    for name, value in fields.items():
        setattr(step, name, value)
    _check_step(step)
    step.title = step.title.strip()
    step.save()
    return step


def roadmap_step_delete(*, actor: User, step: RoadmapStep) -> None:
    permissions.ensure_can_change_roadmap(actor)
    step.delete()


# Assigning groups and key contacts


def _check_assignment(team: Team | None, networker: User | None, field: str = "networker") -> None:
    if networker is not None and not networker.is_active:
        raise ServiceError(_("This colleague is no longer active."), field=field)
    in_team = team is None or networker is None or team.members.filter(pk=networker.pk).exists()
    if not in_team:
        raise ServiceError(
            _("%(name)s is not a member of %(team)s.") % {"name": networker, "team": team},
            field=field,
        )


@transaction.atomic
def group_assign(
    *, actor: User, group: StakeholderGroup, team: Team | None, steward: User | None
) -> StakeholderGroup:
    """Make `team` own the group and `steward` (one of its members) tend it."""
    permissions.ensure_can_assign(actor)
    _check_assignment(team, steward, field="steward")
    group.owning_team = team
    group.steward = steward
    group.save(update_fields=["owning_team", "steward", "updated_at"])
    return group


@transaction.atomic
def key_contact_save(
    *,
    actor: User,
    contact: Contact,
    team: Team | None = None,
    networker: User | None = None,
    reason: str = "",
) -> KeyContact:
    """Mark a contact as key (or change its assignment) for a team and/or a networker."""
    permissions.ensure_can_assign(actor)
    if contact.archived:
        raise ServiceError(_("An archived contact cannot be a key contact."), field="contact")
    _check_assignment(team, networker)
    key_contact, _created = KeyContact.objects.select_for_update().get_or_create(contact=contact)
    key_contact.team = team
    key_contact.networker = networker
    key_contact.reason = reason.strip()
    key_contact.save()
    return key_contact


def key_contact_remove(*, actor: User, key_contact: KeyContact) -> None:
    permissions.ensure_can_assign(actor)
    key_contact.delete()


# Warmth over time


@transaction.atomic
def warmth_snapshot_record(*, on: datetime.date | None = None) -> int:
    """Store today's relationships by warmth, for the organisation and per team (again on
    the same day: replaced). Returns the number of rows written. Run monthly by beat."""
    on = on or today()
    counts = {w.value: Count("pk", filter=warmth_filter(w, on)) for w in Warmth}
    ties = Relationship.objects.filter(contact__archived=False)
    now = timezone.now()
    rows = [WarmthSnapshot(taken_on=on, team=None, recorded_at=now, **ties.aggregate(**counts))]
    # A colleague in two teams counts for both.
    per_team = (
        ties.filter(user__teams__isnull=False)
        .values(team_id=F("user__teams"))
        .annotate(**counts)
        .order_by()
    )
    rows += [
        WarmthSnapshot(taken_on=on, team_id=r.pop("team_id"), recorded_at=now, **r)
        for r in per_team
    ]
    WarmthSnapshot.objects.filter(taken_on=on).delete()
    WarmthSnapshot.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def activity_refresh(*, on: datetime.date | None = None) -> int:
    """Recount what the dashboard reads from rollups: today's relationships by warmth,
    warm ties into each group, and the meetings per team and per group (with give/ask)
    of the last 12 months. Returns the rows written.

    Beat runs it every 15 minutes: at 50,000 contacts and half a million meetings this
    counting takes seconds, which a page cannot spend; the figures move slowly.
    """
    on = on or today()
    since = month_starts(on)[0]
    now = timezone.now()
    teams = [
        TeamMonthActivity(team_id=team, month=month, meetings=n, refreshed_at=now)
        for team, month, n in team_meetings_by_month(since)
    ]
    groups = [
        GroupMonthActivity(
            group_id=group, month=month, meetings=n, given=given, asked=asked, refreshed_at=now
        )
        for group, month, n, given, asked in group_meetings_by_month(since)
    ]
    ties = [
        GroupTies(group_id=group, warm_ties=warm, last_contact_on=last, refreshed_at=now)
        for group, (warm, last) in group_ties_now(on).items()
    ]
    for model in (TeamMonthActivity, GroupMonthActivity, GroupTies):
        model.objects.all().delete()
    TeamMonthActivity.objects.bulk_create(teams)
    GroupMonthActivity.objects.bulk_create(groups)
    GroupTies.objects.bulk_create(ties)
    # Yesterday's "today" rows have served; the 1st of each month stays for the trend.
    WarmthSnapshot.objects.filter(taken_on__lt=on).exclude(taken_on__day=1).delete()
    return len(teams) + len(groups) + len(ties) + warmth_snapshot_record(on=on)
