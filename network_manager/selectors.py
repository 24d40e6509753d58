"""Every read of the strategic layer: strategy, roadmap, key contacts, the dashboard.

The dashboard's figures are counted in SQL, a fixed number of queries whatever the size
of the network (tests pin it); a `Scope` says whose figures they are.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, RowNumber, TruncMonth
from django.utils import timezone

from events.models import Encounter, Event, Invitation, InvitationStatus
from events.selectors import with_plan_counts
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
from network_manager.permissions import Scope, dashboard_scope
from relations.models import Contact, FollowUp, Interaction, Relationship, Team, User
from relations.selectors import (
    Warmth,
    contact_list_for,
    get_or_404,
    organisation_list_for,
    today,
    warmth_filter,
)
from stakeholders.models import (
    ContactMembership,
    OrganisationMembership,
    Quadrant,
    StakeholderGroup,
    Topic,
)
from stakeholders.selectors import quadrant_filter

# How far the dashboard looks back and ahead.
TREND_MONTHS = 12
COMING_EVENT_DAYS = 60
DASHBOARD_ROWS = 10


def _contact_going_cold(on: datetime.date) -> Q:
    """Cooling or cold: no longer warm (never met counts as cold), as warmth_filter says."""
    return Q(contact__cooling_on__isnull=True) | Q(contact__cooling_on__lte=on)


def scope_member_ids(scope: Scope) -> QuerySet:
    """The ids of the members of the scope's teams (leads are always members)."""
    return (
        Team.members.through.objects.filter(team_id__in=scope.team_ids).values("user_id").distinct()
    )


def _in_scope(scope: Scope, user_path: str) -> Q:
    if scope.whole_organisation:
        return Q()
    return Q(**{f"{user_path}__in": scope_member_ids(scope)})


def month_starts(on: datetime.date, months: int = TREND_MONTHS) -> list[datetime.date]:
    """The first days of the last `months` months, oldest first, this month last."""
    starts = []
    year, month = on.year, on.month
    for _ in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


# Strategy


def strategy_get() -> Strategy:
    """The organisation's strategy (created empty on first use)."""
    strategy, _created = Strategy.objects.get_or_create(pk=1)
    return strategy


def strategy_goal_list() -> QuerySet[StrategyGoal]:
    return StrategyGoal.objects.filter(strategy_id=1).prefetch_related("groups")


def strategy_goal_get_for(*, user: User, pk) -> StrategyGoal:
    return get_or_404(strategy_goal_list(), pk)


# Roadmap


@dataclass
class RoadmapProgress:
    total: int
    done: int
    in_progress: int
    planned: int
    overdue: int
    next_steps: list[RoadmapStep]

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def roadmap_step_list(*, status: str = "", owner_id: int | None = None) -> QuerySet[RoadmapStep]:
    steps = RoadmapStep.objects.select_related("owner")
    if status:
        steps = steps.filter(status=status)
    if owner_id:
        steps = steps.filter(owner_id=owner_id)
    return steps.order_by("target_on", "pk")


def roadmap_step_get_for(*, user: User, pk) -> RoadmapStep:
    return get_or_404(roadmap_step_list(), pk)


def roadmap_progress(*, on: datetime.date | None = None, rows: int = 3) -> RoadmapProgress:
    """Steps by status (dropped steps do not count) and the next open ones."""
    on = on or today()
    counted = RoadmapStep.objects.exclude(status=StepStatus.DROPPED)
    open_steps = Q(status__in=[StepStatus.PLANNED, StepStatus.IN_PROGRESS])
    counts = counted.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=StepStatus.DONE)),
        in_progress=Count("pk", filter=Q(status=StepStatus.IN_PROGRESS)),
        planned=Count("pk", filter=Q(status=StepStatus.PLANNED)),
        overdue=Count("pk", filter=open_steps & Q(target_on__lt=on)),
    )
    next_steps = list(roadmap_step_list().filter(open_steps)[:rows])
    return RoadmapProgress(next_steps=next_steps, **counts)


# Teams (their pages; the teams themselves are read through relations.selectors)


def team_members_with_counts(team: Team, on: datetime.date | None = None) -> QuerySet[User]:
    """The team's members with their ties and overdue follow-ups, counted in SQL."""
    on = on or today()
    ties = Relationship.objects.filter(user=OuterRef("pk"), contact__archived=False)
    overdue = FollowUp.objects.filter(assignee=OuterRef("pk"), done_at__isnull=True, due_on__lt=on)
    return team.members.order_by("first_name", "last_name", "username").annotate(
        tie_count=SubqueryCount(ties.values("pk")),
        overdue_count=SubqueryCount(overdue.values("pk")),
    )


def team_groups(team: Team) -> QuerySet[StakeholderGroup]:
    return (
        StakeholderGroup.objects.filter(owning_team=team)
        .select_related("steward")
        .order_by("priority", "name")
    )


def unowned_groups() -> QuerySet[StakeholderGroup]:
    return StakeholderGroup.objects.filter(owning_team__isnull=True).order_by("name")


# Relationships by warmth


@dataclass
class WarmthCounts:
    warm: int = 0
    cooling: int = 0
    cold: int = 0

    @property
    def total(self) -> int:
        return self.warm + self.cooling + self.cold


@dataclass
class WarmthPoint:
    taken_on: datetime.date
    counts: WarmthCounts


def scope_relationships(scope: Scope) -> QuerySet[Relationship]:
    """Our ties with (not archived) contacts, held by the scope's members."""
    return Relationship.objects.filter(_in_scope(scope, "user_id"), contact__archived=False)


def warmth_counts(scope: Scope, on: datetime.date | None = None) -> WarmthCounts:
    on = on or today()
    counts = scope_relationships(scope).aggregate(
        **{w.value: Count("pk", filter=warmth_filter(w, on)) for w in Warmth}
    )
    return WarmthCounts(**counts)


def _snapshots(scope: Scope) -> QuerySet[WarmthSnapshot]:
    if scope.whole_organisation:
        return WarmthSnapshot.objects.filter(team__isnull=True)
    return WarmthSnapshot.objects.filter(team_id__in=scope.team_ids)


def warmth_today(scope: Scope, on: datetime.date | None = None) -> tuple[WarmthCounts, object]:
    """Today's counts as last recounted (services.activity_refresh) and when; counted live
    (one heavier query) when there is no row for today yet."""
    on = on or today()
    row = (
        _snapshots(scope)
        .filter(taken_on=on)
        .aggregate(
            warm=Sum("warm"), cooling=Sum("cooling"), cold=Sum("cold"), at=Max("recorded_at")
        )
    )
    if row["warm"] is None:
        return warmth_counts(scope, on), None
    return WarmthCounts(row["warm"], row["cooling"], row["cold"]), row["at"]


def warmth_trend(
    scope: Scope, now: WarmthCounts, on: datetime.date | None = None
) -> list[WarmthPoint]:
    """The snapshots of the 1st of each month of the last year (summed over the scope's
    teams: a colleague in two of them counts twice), then now."""
    on = on or today()
    since = month_starts(on)[0]
    rows = (
        _snapshots(scope)
        .filter(taken_on__gte=since, taken_on__lt=on, taken_on__day=1)
        .values("taken_on")
        .annotate(warm=Sum("warm"), cooling=Sum("cooling"), cold=Sum("cold"))
        .order_by("taken_on")
    )
    points = [
        WarmthPoint(row["taken_on"], WarmthCounts(row["warm"], row["cooling"], row["cold"]))
        for row in rows
    ]
    return [*points, WarmthPoint(on, now)]


def relationship_list_in_scope(
    scope: Scope, *, warmth: str = "", colleague_id: int | None = None
) -> QuerySet[Relationship]:
    """The list behind the warmth figures: ties closest to going (further) cold first."""
    ties = scope_relationships(scope).select_related("user", "contact", "contact__organisation")
    if warmth:
        ties = ties.filter(warmth_filter(warmth))
    if colleague_id:
        ties = ties.filter(user_id=colleague_id)
    return ties.order_by(F("cold_on").asc(nulls_first=True), "contact__last_name", "pk")


# Coverage of the groups that matter most


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated queryset, as an annotation."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def _group_members_sql() -> str:
    """(group_id, contact_id) of every group's members: people in it, or people of a member
    organisation. Plain SQL that PostgreSQL and SQLite both run: a UNION the ORM cannot join."""
    contact_membership = ContactMembership._meta.db_table
    organisation_membership = OrganisationMembership._meta.db_table
    contact = Contact._meta.db_table
    return (
        f"SELECT group_id, contact_id FROM {contact_membership} "
        f"UNION SELECT om.group_id, c.id FROM {organisation_membership} om "
        f"JOIN {contact} c ON c.organisation_id = om.organisation_id"
    )


def group_ties_now(on: datetime.date | None = None) -> dict[int, tuple[int, datetime.date]]:
    """Per group: warm relationships (with contacts not archived) into it and the last
    meeting with any member, counted live in one grouped query (for the rollup)."""
    on = on or today()
    sql = (
        f"WITH members AS ({_group_members_sql()}) "
        f"SELECT m.group_id, "
        f"COUNT(CASE WHEN c.archived = %s AND r.cooling_on > %s THEN r.id END), "
        f"MAX(c.last_interaction_on) FROM members m "
        f"JOIN {Contact._meta.db_table} c ON c.id = m.contact_id "
        f"LEFT JOIN {Relationship._meta.db_table} r ON r.contact_id = m.contact_id "
        f"GROUP BY m.group_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [False, on])
        return {group: (warm, _as_date(last)) for group, warm, last in cursor.fetchall()}


@dataclass
class CoverageRow:
    group: StakeholderGroup
    warm_ties: int
    last_contact_on: datetime.date | None

    @property
    def quadrant(self) -> Quadrant:
        return self.group.quadrant

    @property
    def untended(self) -> bool:
        """Nobody owns it, or nobody of us has a warm tie into it."""
        unowned = self.group.owning_team_id is None and self.group.steward_id is None
        return unowned or self.warm_ties == 0


def coverage_groups(scope: Scope) -> QuerySet[StakeholderGroup]:
    """The "manage closely" and "keep satisfied" groups (of the scope's teams)."""
    groups = StakeholderGroup.objects.filter(
        quadrant_filter(Quadrant.MANAGE_CLOSELY) | quadrant_filter(Quadrant.KEEP_SATISFIED)
    ).order_by("priority", "name", "pk")
    if not scope.whole_organisation:
        groups = groups.filter(owning_team_id__in=scope.team_ids)
    return groups.select_related("owning_team", "steward")


def coverage(scope: Scope) -> list[CoverageRow]:
    """Each key group with its owner, warm ties into it (as last recounted by
    services.activity_refresh) and last contact; untended first."""
    ties = GroupTies.objects.filter(group=OuterRef("pk"))
    groups = coverage_groups(scope).annotate(
        warm_ties=Coalesce(Subquery(ties.values("warm_ties"), output_field=IntegerField()), 0),
        last_contact_on=Subquery(ties.values("last_contact_on"), output_field=DateField()),
    )
    rows = [CoverageRow(g, g.warm_ties, g.last_contact_on) for g in groups]
    rows.sort(key=lambda row: (not row.untended, -row.group.influence, row.group.name))
    return rows


# Key contacts


class KeyContactState:
    GOING_COLD = "going_cold"  # cooling or cold
    UNTENDED = "untended"  # assigned to nobody, or nobody of us has a tie with them
    CHOICES = [(GOING_COLD, "going cold"), (UNTENDED, "untended")]


def _influence_of_contact() -> Coalesce:
    """The highest influence among the groups the contact is in, directly or by organisation."""
    direct = (
        ContactMembership.objects.filter(contact_id=OuterRef("contact_id"))
        .order_by("-group__influence")
        .values("group__influence")[:1]
    )
    via_organisation = (
        OrganisationMembership.objects.filter(organisation_id=OuterRef("contact__organisation_id"))
        .order_by("-group__influence")
        .values("group__influence")[:1]
    )
    direct = Subquery(direct, output_field=IntegerField())
    via_organisation = Subquery(via_organisation, output_field=IntegerField())
    return Coalesce(
        Greatest(Coalesce(direct, via_organisation), Coalesce(via_organisation, direct)), 0
    )


def _untended_key_contact() -> Q:
    has_tie = Exists(Relationship.objects.filter(contact_id=OuterRef("contact_id")))
    return (Q(team__isnull=True) & Q(networker__isnull=True)) | ~has_tie


def key_contact_list_in_scope(
    scope: Scope, *, state: str = "", on: datetime.date | None = None
) -> QuerySet[KeyContact]:
    """Key contacts of the scope (assigned to its teams or their members), most influential
    first, then the ones longest unmet; `state` narrows to going cold or untended."""
    on = on or today()
    key_contacts = KeyContact.objects.filter(contact__archived=False).select_related(
        "contact", "contact__organisation", "team", "networker"
    )
    if not scope.whole_organisation:
        key_contacts = key_contacts.filter(
            Q(team_id__in=scope.team_ids) | Q(networker_id__in=scope_member_ids(scope))
        )
    if state == KeyContactState.GOING_COLD:
        key_contacts = key_contacts.filter(_contact_going_cold(on))
    elif state == KeyContactState.UNTENDED:
        key_contacts = key_contacts.filter(_untended_key_contact())
    return key_contacts.annotate(influence=_influence_of_contact()).order_by(
        "-influence", F("contact__cold_on").asc(nulls_first=True), "contact__last_name", "pk"
    )


def key_contact_get_for(*, user: User, pk) -> KeyContact:
    """A key contact; reading and changing assignments is the network manager's."""
    return get_or_404(key_contact_list_in_scope(dashboard_scope(user)), pk)


# Follow-ups overdue


@dataclass
class OverdueCount:
    id: int
    name: str
    count: int


def overdue_followups_in_scope(
    scope: Scope,
    *,
    team_id: int | None = None,
    assignee_id: int | None = None,
    on: datetime.date | None = None,
) -> QuerySet[FollowUp]:
    on = on or today()
    overdue = FollowUp.objects.filter(
        _in_scope(scope, "assignee_id"), done_at__isnull=True, due_on__lt=on
    )
    if team_id:
        overdue = overdue.filter(assignee__teams=team_id)
    if assignee_id:
        overdue = overdue.filter(assignee_id=assignee_id)
    return overdue.select_related("assignee", "contact", "contact__organisation").order_by(
        "due_on", "pk"
    )


def overdue_by_team(scope: Scope, on: datetime.date | None = None) -> list[OverdueCount]:
    memberships = Team.members.through.objects.filter(
        user__followups__done_at__isnull=True,
        user__followups__due_on__lt=on or today(),
    )
    if not scope.whole_organisation:
        memberships = memberships.filter(team_id__in=scope.team_ids)
    rows = (
        memberships.values("team_id", "team__name")
        .annotate(n=Count("user__followups"))
        .order_by("-n", "team__name")
    )
    return [OverdueCount(r["team_id"], r["team__name"], r["n"]) for r in rows]


def overdue_by_networker(
    scope: Scope, on: datetime.date | None = None, rows: int = DASHBOARD_ROWS
) -> list[OverdueCount]:
    counted = (
        FollowUp.objects.filter(
            _in_scope(scope, "assignee_id"), done_at__isnull=True, due_on__lt=on or today()
        )
        .values("assignee_id", "assignee__first_name", "assignee__last_name", "assignee__username")
        .annotate(n=Count("pk"))
        .order_by("-n", "assignee__first_name", "assignee_id")[:rows]
    )
    return [
        OverdueCount(
            r["assignee_id"],
            f"{r['assignee__first_name']} {r['assignee__last_name']}".strip()
            or r["assignee__username"],
            r["n"],
        )
        for r in counted
    ]


# Meetings per month per team


@dataclass
class Series:
    team: Team
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class MeetingsChart:
    months: list[datetime.date]
    series: list[Series]
    refreshed_at: datetime.datetime | None = None

    @property
    def highest(self) -> int:
        return max((max(s.counts) for s in self.series if s.counts), default=0)


def meetings_per_month(scope: Scope, on: datetime.date | None = None) -> MeetingsChart:
    """Meetings logged per month (last 12) per team, from the monthly rollup
    (services.activity_refresh keeps it; `refreshed_at` says as of when)."""
    months = month_starts(on or today())
    teams = Team.objects.order_by("name")
    rows = TeamMonthActivity.objects.filter(month__gte=months[0])
    if not scope.whole_organisation:
        teams = teams.filter(pk__in=scope.team_ids)
        rows = rows.filter(team_id__in=scope.team_ids)
    counts, refreshed_at = {}, None
    for row in rows.values("team_id", "month", "meetings", "refreshed_at"):
        counts[row["team_id"], row["month"]] = row["meetings"]
        refreshed_at = max(filter(None, [refreshed_at, row["refreshed_at"]]))
    series = [Series(team, [counts.get((team.pk, m), 0) for m in months]) for team in teams]
    return MeetingsChart(months=months, series=series, refreshed_at=refreshed_at)


def _month_sql(column: str) -> str:
    """The first day of the month of a date column, in this database's SQL."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"strftime('%%Y-%%m-01', {column})"


def _as_date(value) -> datetime.date:
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value.date() if isinstance(value, datetime.datetime) else value


def team_meetings_by_month(since: datetime.date) -> list[tuple[int, datetime.date, int]]:
    """(team, month, meetings) counted live: each meeting once per team whose members took
    part. Heavy (every meeting since `since`): for the rollup, not for a page."""
    rows = (
        Team.members.through.objects.filter(user__interactions__occurred_on__gte=since)
        .annotate(month=TruncMonth("user__interactions__occurred_on"))
        .values("team_id", "month")
        .annotate(n=Count("user__interactions", distinct=True))
        .order_by()
    )
    return [(r["team_id"], _as_date(r["month"]), r["n"]) for r in rows]


def group_meetings_by_month(since: datetime.date) -> list[tuple[int, datetime.date, int, int, int]]:
    """(group, month, meetings, given, asked) counted live over the meetings with a group's
    members; each meeting once per group. Heavy: for the rollup, not for a page."""
    month = _month_sql("i.occurred_on")
    interaction = Interaction._meta.db_table
    sql = (
        f"WITH members AS ({_group_members_sql()}) "
        f"SELECT m.group_id, {month}, COUNT(DISTINCT i.id), "
        f"COUNT(DISTINCT CASE WHEN i.given <> '' THEN i.id END), "
        f"COUNT(DISTINCT CASE WHEN i.asked <> '' THEN i.id END) "
        f"FROM members m "
        f"JOIN {Interaction.contacts.through._meta.db_table} ic ON ic.contact_id = m.contact_id "
        f"JOIN {interaction} i ON i.id = ic.interaction_id "
        f"WHERE i.occurred_on >= %s GROUP BY m.group_id, {month}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [since])
        return [(g, _as_date(m), n, given, asked) for g, m, n, given, asked in cursor.fetchall()]


# Coming events


@dataclass
class ComingEvent:
    event: Event
    guests_by_status: dict[str, int]

    @property
    def plan_incomplete(self) -> bool:
        return self.event.encounter_count == 0 or self.event.goalless_count > 0


def events_in_scope(
    scope: Scope, *, since: datetime.datetime, days: int = COMING_EVENT_DAYS
) -> QuerySet[Event]:
    """Events running in the `days` days from `since` that the scope's teams take part in
    (one of their members organises it or meets somebody there), with plan counts."""
    events = Event.objects.filter(
        ends_at__gt=since, starts_at__lt=since + datetime.timedelta(days=days)
    )
    if not scope.whole_organisation:
        members = scope_member_ids(scope)
        events = events.filter(
            Q(organiser_id__in=members)
            | Exists(Encounter.objects.filter(event=OuterRef("pk"), colleague_id__in=members))
        )
    return with_plan_counts(events).order_by("starts_at", "pk")


# The SQL twin of ComingEvent.plan_incomplete, on events_in_scope's plan counts.
PLAN_INCOMPLETE = Q(encounter_count=0) | Q(goalless_count__gt=0)


def coming_events(
    scope: Scope, *, now: datetime.datetime | None = None, rows: int = DASHBOARD_ROWS
) -> list[ComingEvent]:
    """Events of the next 60 days (the scope's teams take part in), with their plan counts."""
    events = list(events_in_scope(scope, since=now or timezone.now())[:rows])
    statuses = (
        Invitation.objects.filter(event__in=events)
        .values("event_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_event: dict[int, dict[str, int]] = {e.pk: {} for e in events}
    for row in statuses:
        by_event[row["event_id"]][row["status"]] = row["n"]
    return [
        ComingEvent(
            event, {status: by_event[event.pk].get(status, 0) for status in InvitationStatus}
        )
        for event in events
    ]


# Give and ask per stakeholder group


@dataclass
class GroupBalance:
    group: StakeholderGroup
    given: int
    asked: int

    @property
    def unbalanced(self) -> bool:
        return self.asked > self.given


def give_ask_by_group(scope: Scope, on: datetime.date | None = None) -> list[GroupBalance]:
    """Meetings of the last 12 months with a group's members in which we gave / asked,
    from the monthly rollup (services.activity_refresh)."""
    since = month_starts(on or today())[0]
    groups = StakeholderGroup.objects.order_by("priority", "name", "pk")
    if not scope.whole_organisation:
        groups = groups.filter(owning_team_id__in=scope.team_ids)
    totals = {
        row["group_id"]: row
        for row in GroupMonthActivity.objects.filter(month__gte=since, group__in=groups)
        .values("group_id")
        .annotate(given=Sum("given"), asked=Sum("asked"))
        .order_by()
    }
    empty = {"given": 0, "asked": 0}
    return [
        GroupBalance(g, totals.get(g.pk, empty)["given"], totals.get(g.pk, empty)["asked"])
        for g in groups
    ]


# The dashboard


@dataclass
class Dashboard:
    scope: Scope
    today: datetime.date
    warmth: WarmthCounts
    warmth_trend: list[WarmthPoint]
    coverage: list[CoverageRow]
    untended_key_contacts: list[KeyContact]
    untended_key_contact_total: int
    cooling_key_contacts: list[KeyContact]
    cooling_key_contact_total: int
    overdue_by_team: list[OverdueCount]
    overdue_by_networker: list[OverdueCount]
    overdue_total: int
    meetings: MeetingsChart
    coming_events: list[ComingEvent]
    give_ask: list[GroupBalance]
    roadmap: RoadmapProgress
    teams: list[Team] = field(default_factory=list)
    # When warmth, coverage, meetings and give/ask were last recounted (None: never).
    counted_at: datetime.datetime | None = None

    @property
    def untended_groups(self) -> list[CoverageRow]:
        return [row for row in self.coverage if row.untended]


def dashboard_for(*, scope: Scope, rows: int = DASHBOARD_ROWS) -> Dashboard:
    """Every figure of the dashboard for one scope: a fixed number of queries."""
    on = today()
    warmth, counted_at = warmth_today(scope, on)
    going_cold = key_contact_list_in_scope(scope, state=KeyContactState.GOING_COLD, on=on)
    untended = key_contact_list_in_scope(scope, state=KeyContactState.UNTENDED, on=on)
    return Dashboard(
        scope=scope,
        today=on,
        warmth=warmth,
        warmth_trend=warmth_trend(scope, warmth, on),
        coverage=coverage(scope),
        untended_key_contacts=list(untended[:rows]),
        untended_key_contact_total=untended.count(),
        cooling_key_contacts=list(going_cold[:rows]),
        cooling_key_contact_total=going_cold.count(),
        overdue_by_team=overdue_by_team(scope, on),
        overdue_by_networker=overdue_by_networker(scope, on, rows),
        overdue_total=overdue_followups_in_scope(scope, on=on).count(),
        meetings=meetings_per_month(scope, on),
        coming_events=coming_events(scope, rows=rows),
        give_ask=give_ask_by_group(scope, on),
        roadmap=roadmap_progress(on=on),
        teams=list(Team.objects.order_by("name")) if scope.whole_organisation else [],
        counted_at=counted_at,
    )


# Who knows whom


@dataclass
class Connector:
    """A colleague with ties into what was searched (or, second degree, next to it)."""

    colleague: User
    ties: int
    warm_ties: int
    last_met_on: datetime.date | None
    strength: int
    via: list[Relationship] = field(default_factory=list)


@dataclass
class WhoKnowsWhom:
    query: str
    organisations: list
    contacts: list[Contact]
    topics: list
    direct: list[Connector]
    second_degree: list[Connector]

    @property
    def found_anything(self) -> bool:
        return bool(self.organisations or self.contacts or self.topics)


def _target_contacts(query: str) -> tuple[QuerySet[Contact], list, list[Contact], list]:
    """Contacts meant by a search: by name, e-mail or tag, at a matching organisation
    (also through an affiliation), or interested in a matching topic."""
    organisations = organisation_list_for(user=None, search=query)
    topics = Topic.objects.filter(name__icontains=query).order_by("name")
    named = contact_list_for(user=None, search=query)
    targets = Contact.objects.filter(archived=False).filter(
        Q(pk__in=named.values("pk"))
        | Q(organisation__in=organisations.values("pk"))
        | Q(affiliations__organisation__in=organisations.values("pk"))
        | Q(topics__in=topics.values("pk"))
    )
    return (
        Contact.objects.filter(pk__in=targets.values("pk")),
        list(organisations[:5]),
        list(named.select_related("organisation")[:5]),
        list(topics[:5]),
    )


def _rank_colleagues(ties: QuerySet[Relationship], rows: int, on: datetime.date) -> list:
    ranked = (
        ties.filter(user__is_active=True)
        .values("user_id")
        .annotate(
            ties=Count("pk"),
            warm_ties=Count("pk", filter=warmth_filter(Warmth.WARM, on)),
            last_met_on=Max("last_interaction_on"),
            strength=Max("strength"),
        )
        .order_by(
            "-warm_ties",
            F("last_met_on").desc(nulls_last=True),
            "-strength",
            "-ties",
            "user_id",
        )[:rows]
    )
    ranked = list(ranked)
    users = User.objects.in_bulk([r["user_id"] for r in ranked])
    return [
        Connector(
            colleague=users[r["user_id"]],
            ties=r["ties"],
            warm_ties=r["warm_ties"],
            last_met_on=r["last_met_on"],
            strength=r["strength"],
        )
        for r in ranked
    ]


def _neighbours_of(targets: QuerySet[Contact]) -> QuerySet[Contact]:
    """People at the same organisations as the targets, or in the same stakeholder groups."""
    organisations = targets.exclude(organisation__isnull=True).values("organisation_id")
    groups = StakeholderGroup.objects.filter(
        Q(contact_memberships__contact__in=targets)
        | Q(organisation_memberships__organisation__in=organisations)
    ).values("pk")
    return (
        Contact.objects.filter(archived=False)
        .filter(
            Q(organisation_id__in=organisations)
            | Q(group_memberships__group__in=groups)
            | Q(organisation__group_memberships__group__in=groups)
        )
        .exclude(pk__in=targets.values("pk"))
    )


def who_knows_whom(*, user: User, query: str, rows: int = DASHBOARD_ROWS) -> WhoKnowsWhom:
    """The colleagues with the warmest ties into an organisation, contact or topic; where
    nobody has one, the colleagues who know someone next to it (second degree), each with
    up to three of those go-betweens, warmest first."""
    query = query.strip()
    if len(query) < 2:
        return WhoKnowsWhom(query, [], [], [], [], [])
    on = today()
    targets, organisations, contacts, topics = _target_contacts(query)
    direct = _rank_colleagues(Relationship.objects.filter(contact__in=targets), rows, on)
    second: list[Connector] = []
    if not direct:
        neighbour_ties = Relationship.objects.filter(contact__in=_neighbours_of(targets))
        second = _rank_colleagues(neighbour_ties, rows, on)
        _attach_go_betweens(second, neighbour_ties)
    return WhoKnowsWhom(query, organisations, contacts, topics, direct, second)


def _attach_go_betweens(connectors: list[Connector], ties: QuerySet[Relationship]) -> None:
    """Up to three of each colleague's ties (most recently met first), in one query."""
    if not connectors:
        return
    by_user = {c.colleague.pk: c for c in connectors}
    ranked = (
        ties.filter(user_id__in=by_user)
        .select_related("contact", "contact__organisation")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("user_id")],
                order_by=[F("last_interaction_on").desc(nulls_last=True), F("pk").asc()],
            )
        )
        .filter(rank__lte=3)
        .order_by("user_id", "rank")
    )
    for tie in ranked:
        by_user[tie.user_id].via.append(tie)
