"""Reads of the event calendar, shared by pages, API, feeds and tasks.

Every active user reads events, guest lists and encounter plans; the interactions and
follow-ups shown in a briefing go through relations' visibility rules for the viewer.
Counts are subqueries, so a list costs the same number of queries for 10 or 10,000 rows.
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import CalendarFeed, Encounter, Event, Invitation, InvitationStatus
from relations import permissions as relation_permissions
from relations import selectors as relation_selectors
from relations.models import Contact, FollowUp, Interaction, User
from relations.selectors import get_or_404
from stakeholders.models import (
    ContactMembership,
    Goal,
    GoalKind,
    GoalStatus,
    OrganisationMembership,
    Priority,
    Quadrant,
    StakeholderGroup,
)
from stakeholders.selectors import quadrant_filter

# Guests who count against capacity and as "on the guest list".
ACTIVE_GUEST_STATUSES = [
    InvitationStatus.PROPOSED,
    InvitationStatus.INVITED,
    InvitationStatus.ACCEPTED,
    InvitationStatus.ATTENDED,
]
# Who is expected in the room (for capacity).
EXPECTED_STATUSES = [InvitationStatus.INVITED, InvitationStatus.ACCEPTED, InvitationStatus.ATTENDED]


def local_day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (filtered on OuterRef("pk")) as an annotation."""
    counted = queryset.order_by().values("event").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_plan_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate guest_count, encounter_count and goalless_count (encounters without a goal)."""
    return events.annotate(
        guest_count=_count(
            Invitation.objects.filter(event=OuterRef("pk"), status__in=ACTIVE_GUEST_STATUSES)
        ),
        encounter_count=_count(Encounter.objects.filter(event=OuterRef("pk"))),
        goalless_count=_count(Encounter.objects.filter(event=OuterRef("pk"), goal="")),
    )


def takes_part(user: User) -> Q:
    """Events the user organises, hosts a guest at, or meets somebody at."""
    return (
        Q(organiser=user)
        | Exists(Encounter.objects.filter(event=OuterRef("pk"), colleague=user))
        | Exists(Invitation.objects.filter(event=OuterRef("pk"), host=user))
    )


def _team_takes_part(team_id: int) -> Q:
    return Q(organiser__teams=team_id) | Exists(
        Encounter.objects.filter(event=OuterRef("pk"), colleague__teams=team_id)
    )


def event_list_for(
    *,
    user: User,
    kind: str = "",
    team_id: int | None = None,
    mine: bool = False,
    starts_from: datetime.datetime | None = None,
    starts_before: datetime.datetime | None = None,
    search: str = "",
) -> QuerySet[Event]:
    """Events every active user may read, with their plan counts, soonest first.

    `starts_from` keeps the events still running at that moment (they end after it), so a
    calendar page shows an event that began the day before.
    """
    events = Event.objects.select_related("organiser", "network")
    if kind:
        events = events.filter(kind=kind)
    if team_id:
        events = events.filter(pk__in=Event.objects.filter(_team_takes_part(team_id)).values("pk"))
    if mine:
        events = events.filter(takes_part(user))
    if starts_from:
        events = events.filter(ends_at__gt=starts_from)
    if starts_before:
        events = events.filter(starts_at__lt=starts_before)
    if search:
        events = events.filter(Q(name__icontains=search) | Q(location__icontains=search))
    return with_plan_counts(events).order_by("starts_at", "pk")


def event_get_for(*, user: User, pk: int) -> Event:
    return get_or_404(Event.objects.select_related("organiser", "network"), pk)


# The calendar


@dataclass
class CalendarMonth:
    first_day: datetime.date
    events: list[Event]


def year_calendar(*, user: User, year: int, **filters) -> list[CalendarMonth]:
    """The twelve months of `year`, each with its events (one query)."""
    months = [CalendarMonth(datetime.date(year, month, 1), []) for month in range(1, 13)]
    events = event_list_for(
        user=user,
        starts_from=local_day_start(datetime.date(year, 1, 1)),
        starts_before=local_day_start(datetime.date(year + 1, 1, 1)),
        **filters,
    )
    for event in events:
        start = timezone.localtime(event.starts_at).date()
        if start.year == year:
            months[start.month - 1].events.append(event)
        else:  # began in December before and runs into January
            months[0].events.append(event)
    return months


@dataclass
class CalendarDay:
    day: datetime.date
    in_month: bool
    events: list[Event] = field(default_factory=list)


def month_grid(*, user: User, year: int, month: int, **filters) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with the events on it (one query)."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    days = {day: CalendarDay(day, day.month == month) for week in weeks for day in week}
    events = event_list_for(
        user=user,
        starts_from=local_day_start(weeks[0][0]),
        starts_before=local_day_start(weeks[-1][-1] + datetime.timedelta(days=1)),
        **filters,
    )
    for event in events:
        day = timezone.localtime(event.starts_at).date()
        last = timezone.localtime(event.ends_at - datetime.timedelta(microseconds=1)).date()
        while day <= last:
            if day in days:
                days[day].events.append(event)
            day += datetime.timedelta(days=1)
    return [[days[day] for day in week] for week in weeks]


# One event: guest list, encounter plan, warnings


def invitation_list_for(*, user: User, event: Event | None = None) -> QuerySet[Invitation]:
    invitations = Invitation.objects.select_related(
        "event", "contact", "contact__organisation", "proposed_by", "host"
    )
    if event is not None:
        invitations = invitations.filter(event=event)
    return invitations


def invitation_get_for(*, user: User, pk: int) -> Invitation:
    return get_or_404(invitation_list_for(user=user), pk)


def encounter_list_for(*, user: User, event: Event | None = None) -> QuerySet[Encounter]:
    encounters = Encounter.objects.select_related(
        "event",
        "colleague",
        "contact",
        "contact__organisation",
        "stakeholder_goal__group",
        "interaction",
    )
    if event is not None:
        encounters = encounters.filter(event=event)
    return encounters.order_by("starts_at", "pk")


def encounter_get_for(*, user: User, pk: int) -> Encounter:
    return get_or_404(encounter_list_for(user=user), pk)


def key_groups() -> QuerySet[StakeholderGroup]:
    """Groups whose people matter most: "manage closely" (high influence and interest)."""
    return StakeholderGroup.objects.filter(quadrant_filter(Quadrant.MANAGE_CLOSELY))


def _member_of(groups: QuerySet[StakeholderGroup]) -> Q:
    """Contacts in any of `groups`: as a member themselves or through their organisation."""
    return Exists(
        ContactMembership.objects.filter(contact=OuterRef("pk"), group__in=groups)
    ) | Exists(
        OrganisationMembership.objects.filter(
            organisation=OuterRef("organisation"), group__in=groups
        )
    )


@dataclass
class PlanWarning:
    code: str  # double_booked | no_goal | key_contact_unmet
    message: str
    encounter_ids: list[int] = field(default_factory=list)
    contact_id: int | None = None


def plan_warnings(
    *, event: Event, encounters: list[Encounter], invitations: list[Invitation]
) -> list[PlanWarning]:
    """Warnings, not errors: double bookings, rows without a goal, key guests nobody meets."""
    warnings = []
    by_colleague: dict[int, list[Encounter]] = {}
    for encounter in sorted(encounters, key=lambda e: (e.starts_at, e.pk)):
        by_colleague.setdefault(encounter.colleague_id, []).append(encounter)
    for planned in by_colleague.values():
        # Compare each row with the one that runs longest so far: a long talk at 16:00
        # clashes with every short one after it until it ends.
        longest = None
        for later in planned:
            earlier = longest
            if longest is None or later.ends_at > longest.ends_at:
                longest = later
            if earlier is not None and later.starts_at < earlier.ends_at:
                warnings.append(
                    PlanWarning(
                        "double_booked",
                        _("%(colleague)s is planned twice at %(time)s: %(a)s and %(b)s.")
                        % {
                            "colleague": earlier.colleague,
                            "time": timezone.localtime(later.starts_at).strftime("%H:%M"),
                            "a": earlier.contact,
                            "b": later.contact,
                        },
                        [earlier.pk, later.pk],
                    )
                )
    for encounter in encounters:
        if not encounter.has_goal:
            warnings.append(
                PlanWarning(
                    "no_goal",
                    _("%(colleague)s meets %(contact)s without a goal.")
                    % {"colleague": encounter.colleague, "contact": encounter.contact},
                    [encounter.pk],
                    encounter.contact_id,
                )
            )
    met = {encounter.contact_id for encounter in encounters}
    guests = {
        invitation.contact_id: invitation.contact
        for invitation in invitations
        if invitation.status in ACTIVE_GUEST_STATUSES and invitation.contact_id not in met
    }
    # Always one query, whatever the guest list holds, so the page's cost stays fixed.
    key_guest_ids = set(
        Contact.objects.filter(invitations__event=event)
        .filter(_member_of(key_groups()))
        .values_list("pk", flat=True)
    )
    unmet_key_ids = key_guest_ids & guests.keys()
    for contact_id in sorted(unmet_key_ids, key=lambda pk: guests[pk].full_name):
        warnings.append(
            PlanWarning(
                "key_contact_unmet",
                _("%(contact)s is a key contact (manage closely) and nobody of us meets them.")
                % {"contact": guests[contact_id]},
                contact_id=contact_id,
            )
        )
    return warnings


@dataclass
class EventDetail:
    event: Event
    invitations: list[Invitation]
    encounters: list[Encounter]
    warnings: list[PlanWarning]
    status_counts: dict[str, int]
    expected_guests: int

    @property
    def over_capacity(self) -> bool:
        capacity = self.event.capacity
        return capacity is not None and self.expected_guests > capacity


def event_detail_for(*, user: User, event: Event) -> EventDetail:
    """Guest list, encounter plan and its warnings: a fixed number of queries at any size."""
    invitations = list(invitation_list_for(user=user, event=event))
    encounters = list(encounter_list_for(user=user, event=event))
    counts = dict.fromkeys(InvitationStatus.values, 0)
    for invitation in invitations:
        counts[invitation.status] += 1
    return EventDetail(
        event=event,
        invitations=invitations,
        encounters=encounters,
        warnings=plan_warnings(event=event, encounters=encounters, invitations=invitations),
        status_counts=counts,
        expected_guests=sum(counts[status] for status in EXPECTED_STATUSES),
    )


def guest_suggestions(*, user: User, event: Event, limit: int = 20) -> QuerySet[Contact]:
    """Contacts from high-priority or "manage closely" groups, not on the guest list yet,
    longest unmet by any of us first (never met at all before everybody else)."""
    groups = StakeholderGroup.objects.filter(
        Q(priority=Priority.HIGH) | quadrant_filter(Quadrant.MANAGE_CLOSELY)
    )
    return (
        Contact.objects.filter(archived=False)
        .filter(_member_of(groups))
        .exclude(Exists(Invitation.objects.filter(event=event, contact=OuterRef("pk"))))
        .select_related("organisation")
        .order_by(F("last_interaction_on").asc(nulls_first=True), "last_name", "first_name", "pk")[
            :limit
        ]
    )


def guest_candidates(*, user: User, event: Event, query: str, limit: int = 10) -> list[Contact]:
    """Type-ahead for the guest list: contacts matching `query`, not invited yet."""
    found = relation_selectors.contact_typeahead(user=user, query=query, limit=limit * 2)
    invited = set(
        Invitation.objects.filter(event=event, contact__in=found).values_list(
            "contact_id", flat=True
        )
    )
    return [contact for contact in found if contact.pk not in invited][:limit]


def encounter_contact_choices(*, event: Event) -> QuerySet[Contact]:
    """*Meets whom*: the event's guests (not declined), by name."""
    return (
        Contact.objects.filter(
            invitations__event=event, invitations__status__in=ACTIVE_GUEST_STATUSES
        )
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )


def goal_options_for(*, contact: Contact) -> QuerySet[Goal]:
    """Active goals (ours and our offers) of the groups the contact belongs to."""
    groups = StakeholderGroup.objects.filter(
        Q(contact_memberships__contact=contact)
        | Q(organisation_memberships__organisation_id=contact.organisation_id or 0)
    )
    return (
        Goal.objects.filter(
            group__in=groups,
            status=GoalStatus.ACTIVE,
            kind__in=[GoalKind.OUR_GOAL, GoalKind.OUR_OFFER],
        )
        .select_related("group")
        .order_by("group__name", "kind", "pk")
    )


# Briefings


@dataclass
class BriefingItem:
    encounter: Encounter
    groups: list  # memberships (contact's own and their organisation's), each with .group
    topics: list
    interactions: list[Interaction]
    followups: list[FollowUp]


@dataclass
class Briefing:
    event: Event
    colleague: User
    items: list[BriefingItem]


def briefing_colleagues(*, event: Event) -> QuerySet[User]:
    """Colleagues with encounters at the event: one briefing each."""
    return (
        User.objects.filter(encounters__event=event)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _last_interactions(
    *, viewer: User, contact_ids: list[int], per_contact: int
) -> dict[int, list[Interaction]]:
    """The latest interactions the viewer may read, `per_contact` per contact (one query)."""
    through = Interaction.contacts.through
    rows = (
        through.objects.filter(
            contact_id__in=contact_ids,
            interaction__in=relation_permissions.visible_interactions(viewer),
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("contact_id")],
                order_by=[F("interaction__occurred_on").desc(), F("interaction_id").desc()],
            )
        )
        .filter(rank__lte=per_contact)
        .select_related("interaction")
        .prefetch_related("interaction__our_participants")
        .order_by("contact_id", "rank")
    )
    latest: dict[int, list[Interaction]] = {}
    for row in rows:
        latest.setdefault(row.contact_id, []).append(row.interaction)
    return latest


def briefing_for(
    *, viewer: User, event: Event, colleague: User, interactions_per_contact: int = 3
) -> Briefing:
    """Whom `colleague` meets at `event` and what to know about each of them."""
    encounters = list(
        encounter_list_for(user=viewer, event=event)
        .filter(colleague=colleague)
        .prefetch_related(
            Prefetch(
                "contact__group_memberships",
                queryset=ContactMembership.objects.select_related("group"),
            ),
            Prefetch(
                "contact__organisation__group_memberships",
                queryset=OrganisationMembership.objects.select_related("group"),
            ),
            "contact__topics",
        )
    )
    contact_ids = [encounter.contact_id for encounter in encounters]
    interactions = _last_interactions(
        viewer=viewer, contact_ids=contact_ids, per_contact=interactions_per_contact
    )
    followups: dict[int, list[FollowUp]] = {}
    for followup in relation_selectors.followup_list_for(user=viewer, done=False).filter(
        contact_id__in=contact_ids
    ):
        followups.setdefault(followup.contact_id, []).append(followup)
    items = []
    for encounter in encounters:
        contact = encounter.contact
        memberships = list(contact.group_memberships.all())
        if contact.organisation is not None:
            # A group they are in themselves is not repeated for their organisation.
            own_groups = {membership.group_id for membership in memberships}
            memberships += [
                membership
                for membership in contact.organisation.group_memberships.all()
                if membership.group_id not in own_groups
            ]
        items.append(
            BriefingItem(
                encounter=encounter,
                groups=memberships,
                topics=list(contact.topics.all()),
                interactions=interactions.get(contact.pk, []),
                followups=followups.get(contact.pk, []),
            )
        )
    return Briefing(event=event, colleague=colleague, items=items)


# Calendar feeds

# What secrets.token_urlsafe makes; anything else (a NUL byte, a path) is not a token.
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def feed_get(*, token: str) -> CalendarFeed:
    """The feed behind a secret token; a malformed, unknown or revoked token is a 404."""
    if not FEED_TOKEN.fullmatch(token or ""):
        raise Http404(_("No calendar feed found."))
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404(_("No calendar feed found."))
    return feed


def feed_of(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


FEED_PAST_DAYS = 365


def feed_events_for(*, user: User) -> QuerySet[Event]:
    """Events the user takes part in, from a year back on."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    return (
        Event.objects.filter(takes_part(user), ends_at__gte=since)
        .select_related("organiser")
        .order_by("starts_at", "pk")
    )


def feed_encounters_for(*, user: User) -> QuerySet[Encounter]:
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    return (
        Encounter.objects.filter(colleague=user, starts_at__gte=since)
        .select_related("event", "contact", "contact__organisation")
        .order_by("starts_at", "pk")
    )


# Reminders


def events_starting_on(day: datetime.date) -> QuerySet[Event]:
    return Event.objects.filter(
        starts_at__gte=local_day_start(day),
        starts_at__lt=local_day_start(day + datetime.timedelta(days=1)),
    ).order_by("starts_at", "pk")


def events_ended_on(day: datetime.date) -> QuerySet[Event]:
    return Event.objects.filter(
        ends_at__gte=local_day_start(day),
        ends_at__lt=local_day_start(day + datetime.timedelta(days=1)),
    ).order_by("starts_at", "pk")


def colleagues_to_brief(*, event: Event) -> list[int]:
    """Active colleagues with an e-mail address and encounters at the event."""
    return list(
        Encounter.objects.filter(event=event, colleague__is_active=True)
        .exclude(colleague__email="")
        .values_list("colleague_id", flat=True)
        .distinct()
        .order_by("colleague_id")
    )


def colleagues_without_outcomes(*, event: Event) -> list[int]:
    """Active colleagues with an e-mail address and encounters still without an outcome."""
    return list(
        Encounter.objects.filter(
            event=event, colleague__is_active=True, outcome_recorded_at__isnull=True
        )
        .exclude(colleague__email="")
        .values_list("colleague_id", flat=True)
        .distinct()
        .order_by("colleague_id")
    )


# ---------------------------------------------------------------------------
# List filters of the REST API (events/filters.py): the guest-list and plan lists
# narrowed by the query parameters, on top of the scoped list selectors above.


def invitation_search_for(
    *,
    user: User,
    event_id: int | None = None,
    status: str = "",
    contact_id: int | None = None,
    proposed_by_id: int | None = None,
    host_id: int | None = None,
) -> QuerySet[Invitation]:
    invitations = invitation_list_for(user=user)
    if event_id:
        invitations = invitations.filter(event_id=event_id)
    if status:
        invitations = invitations.filter(status=status)
    if contact_id:
        invitations = invitations.filter(contact_id=contact_id)
    if proposed_by_id:
        invitations = invitations.filter(proposed_by_id=proposed_by_id)
    if host_id:
        invitations = invitations.filter(host_id=host_id)
    return invitations


def encounter_search_for(
    *,
    user: User,
    event_id: int | None = None,
    colleague_id: int | None = None,
    contact_id: int | None = None,
    has_goal: bool | None = None,
    has_outcome: bool | None = None,
) -> QuerySet[Encounter]:
    """`has_goal` as in with_plan_counts: the services store goals stripped, "" is none."""
    encounters = encounter_list_for(user=user)
    if event_id:
        encounters = encounters.filter(event_id=event_id)
    if colleague_id:
        encounters = encounters.filter(colleague_id=colleague_id)
    if contact_id:
        encounters = encounters.filter(contact_id=contact_id)
    if has_goal is not None:
        encounters = encounters.exclude(goal="") if has_goal else encounters.filter(goal="")
    if has_outcome is not None:
        encounters = encounters.filter(outcome_recorded_at__isnull=not has_outcome)
    return encounters
