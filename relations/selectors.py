"""Every read that a page, the API or a task needs, scoped by what the user may see."""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relations import permissions
from relations.models import (
    Affiliation,
    Contact,
    FollowUp,
    Interaction,
    Organisation,
    Relationship,
    Tag,
    Team,
    User,
    warmth_thresholds,
)


class Warmth(models.TextChoices):
    WARM = "warm", _("Warm")
    COOLING = "cooling", _("Cooling")
    COLD = "cold", _("Cold")


# Cold first: those need attention soonest.
WARMTH_ORDER = [Warmth.COLD, Warmth.COOLING, Warmth.WARM]


def today() -> datetime.date:
    return timezone.localdate()


def warmth_of(
    last_on: datetime.date | None, cadence_days: int, on: datetime.date | None = None
) -> Warmth:
    """Warm until one cadence has passed, cooling until two, then cold (or never met)."""
    cooling_on, cold_on = warmth_thresholds(last_on, cadence_days)
    on = on or today()
    if cold_on is None or on >= cold_on:
        return Warmth.COLD
    if on >= cooling_on:
        return Warmth.COOLING
    return Warmth.WARM


def warmth_filter(warmth: str, on: datetime.date | None = None) -> Q:
    """The same rule as warmth_of, as a filter on Contact's cached threshold dates."""
    on = on or today()
    if warmth == Warmth.WARM:
        return Q(cooling_on__gt=on)
    if warmth == Warmth.COOLING:
        return Q(cooling_on__lte=on, cold_on__gt=on)
    if warmth == Warmth.COLD:
        return Q(cold_on__isnull=True) | Q(cold_on__lte=on)
    raise ValueError(f"unknown warmth {warmth!r}")


def get_or_404(queryset: QuerySet, pk):
    """One object of a permission-scoped queryset; what the user may not see is a 404."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        name = queryset.model._meta.verbose_name
        raise Http404(_("No %(name)s found.") % {"name": name}) from None


# Contacts


def contact_list_for(
    *,
    user: User,
    search: str = "",
    owner_id: int | None = None,
    warmth: str = "",
    tag: str = "",
    organisation_id: int | None = None,
    include_archived: bool = False,
    archived_only: bool = False,
) -> QuerySet[Contact]:
    """Contacts are readable by every active user; filters narrow the list."""
    contacts = Contact.objects.select_related("organisation", "owner")
    if archived_only:
        contacts = contacts.filter(archived=True)
    elif not include_archived:
        contacts = contacts.filter(archived=False)
    for term in search.split():
        contacts = contacts.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
            | Q(organisation__name__icontains=term)
            | Exists(
                Tag.contacts.through.objects.filter(contact=OuterRef("pk"), tag__name__iexact=term)
            )
        )
    if owner_id:
        contacts = contacts.filter(owner_id=owner_id)
    if warmth:
        contacts = contacts.filter(warmth_filter(warmth))
    if tag:
        contacts = contacts.filter(
            Exists(
                Tag.contacts.through.objects.filter(contact=OuterRef("pk"), tag__name__iexact=tag)
            )
        )
    if organisation_id:
        contacts = contacts.filter(organisation_id=organisation_id)
    return contacts.prefetch_related("tags").order_by("last_name", "first_name", "pk")


def contact_get_for(*, user: User, pk: int) -> Contact:
    return get_or_404(Contact.objects.select_related("organisation", "owner"), pk)


def affiliation_get_for(*, user: User, pk: int) -> Affiliation:
    """Affiliations are as readable as their contact: by every active user."""
    return get_or_404(Affiliation.objects.select_related("contact", "organisation"), pk)


def contact_find_by_email(email: str, exclude_pk: int | None = None) -> Contact | None:
    if not email:
        return None
    matches = Contact.objects.filter(email__iexact=email.strip())
    if exclude_pk:
        matches = matches.exclude(pk=exclude_pk)
    return matches.first()


def contact_typeahead(*, user: User, query: str, limit: int = 10) -> list[Contact]:
    if len(query.strip()) < 2:
        return []
    return list(contact_list_for(user=user, search=query)[:limit])


@dataclass
class TieView:
    """A colleague's relationship with a contact, with its derived warmth."""

    relationship: Relationship
    warmth: Warmth


@dataclass
class GiveAskBalance:
    given: int = 0
    asked: int = 0

    @property
    def unbalanced(self) -> bool:
        return self.asked > self.given


@dataclass
class ContactDetail:
    contact: Contact
    warmth: Warmth
    ties: list[TieView]
    interactions: list[Interaction]
    open_followups: list[FollowUp]
    affiliations: list
    balance: GiveAskBalance
    can_change: bool = False
    extra: dict = field(default_factory=dict)


def interaction_list_for(*, user: User, contact: Contact | None = None) -> QuerySet[Interaction]:
    interactions = permissions.visible_interactions(user)
    if contact is not None:
        interactions = interactions.filter(contacts=contact)
    return interactions.select_related("author").prefetch_related(
        "our_participants",
        Prefetch("contacts", queryset=Contact.objects.only("id", "first_name", "last_name")),
    )


def interaction_search_for(
    *,
    user: User,
    contact_id: int | None = None,
    kind: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    participant_id: int | None = None,
) -> QuerySet[Interaction]:
    """Visible interactions narrowed by the list filters (dates inclusive), newest first."""
    interactions = interaction_list_for(user=user)
    if contact_id:
        interactions = interactions.filter(contacts__id=contact_id)
    if kind:
        interactions = interactions.filter(kind=kind)
    if date_from:
        interactions = interactions.filter(occurred_on__gte=date_from)
    if date_to:
        interactions = interactions.filter(occurred_on__lte=date_to)
    if participant_id:
        interactions = interactions.filter(our_participants__id=participant_id)
    return interactions.order_by("-occurred_on", "-pk")


def interaction_get_for(*, user: User, pk: int) -> Interaction:
    return get_or_404(interaction_list_for(user=user), pk)


def give_ask_balance(interactions: QuerySet[Interaction]) -> GiveAskBalance:
    """How often we gave and how often we asked, counted over interactions."""
    counts = interactions.aggregate(
        given=Count("pk", filter=~Q(given="")), asked=Count("pk", filter=~Q(asked=""))
    )
    return GiveAskBalance(given=counts["given"] or 0, asked=counts["asked"] or 0)


def contact_detail_for(*, user: User, contact: Contact, timeline_limit: int = 50) -> ContactDetail:
    on = today()
    visible = interaction_list_for(user=user, contact=contact)
    relationships = contact.relationships.select_related("user").order_by(
        "-strength", "user__first_name"
    )
    return ContactDetail(
        contact=contact,
        warmth=warmth_of(contact.last_interaction_on, contact.cadence_days, on),
        ties=[
            TieView(rel, warmth_of(rel.last_interaction_on, contact.cadence_days, on))
            for rel in relationships
        ],
        interactions=list(visible[:timeline_limit]),
        open_followups=list(followup_list_for(user=user, done=False, contact_id=contact.pk)),
        affiliations=list(contact.affiliations.select_related("organisation")),
        balance=give_ask_balance(permissions.visible_interactions(user).filter(contacts=contact)),
        can_change=permissions.can_change_contact(user, contact),
    )


# Organisations


def organisation_list_for(*, user: User, search: str = "") -> QuerySet[Organisation]:
    organisations = Organisation.objects.select_related("owner").annotate(
        contact_count=Count("contacts", filter=Q(contacts__archived=False))
    )
    for term in search.split():
        organisations = organisations.filter(
            Q(name__icontains=term) | Q(city__icontains=term) | Q(sector__icontains=term)
        )
    return organisations.order_by("name")


def organisation_get_for(*, user: User, pk: int) -> Organisation:
    return get_or_404(Organisation.objects.select_related("owner"), pk)


@dataclass
class OrganisationDetail:
    organisation: Organisation
    contacts: list[Contact]
    colleagues: list[dict]
    can_change: bool


def organisation_detail_for(*, user: User, organisation: Organisation) -> OrganisationDetail:
    """Its contacts, and who of us knows someone there (strongest ties first)."""
    contacts = list(
        Contact.objects.filter(organisation=organisation, archived=False)
        .select_related("owner")
        .order_by("last_name", "first_name")
    )
    ties = (
        Relationship.objects.filter(contact__organisation=organisation, contact__archived=False)
        .select_related("user", "contact")
        .order_by("user__first_name", "-strength")
    )
    by_colleague: dict[int, dict] = {}
    on = today()
    for tie in ties:
        entry = by_colleague.setdefault(tie.user_id, {"user": tie.user, "ties": []})
        entry["ties"].append(
            TieView(tie, warmth_of(tie.last_interaction_on, tie.contact.cadence_days, on))
        )
    colleagues = sorted(
        by_colleague.values(),
        key=lambda e: (-max(t.relationship.strength for t in e["ties"]), str(e["user"])),
    )
    return OrganisationDetail(
        organisation=organisation,
        contacts=contacts,
        colleagues=colleagues,
        can_change=permissions.can_change_organisation(user, organisation),
    )


# Relationships


def relationship_list_for(
    *,
    user: User,
    colleague_id: int | None = None,
    contact_id: int | None = None,
    warmth: str = "",
):
    relationships = Relationship.objects.select_related("user", "contact", "contact__organisation")
    if colleague_id:
        relationships = relationships.filter(user_id=colleague_id)
    if contact_id:
        relationships = relationships.filter(contact_id=contact_id)
    if warmth:
        relationships = relationships.filter(warmth_filter(warmth)).order_by(
            F("cold_on").asc(nulls_first=True), "contact__last_name", "pk"
        )
        return relationships
    return relationships.order_by("contact__last_name", "contact__first_name", "pk")


def relationship_get_for(*, user: User, pk: int) -> Relationship:
    return get_or_404(relationship_list_for(user=user), pk)


# Follow-ups


def followup_list_for(
    *,
    user: User,
    done: bool | None = None,
    assignee_id: int | None = None,
    due_by: datetime.date | None = None,
    contact_id: int | None = None,
    interaction_id: int | None = None,
) -> QuerySet[FollowUp]:
    """Follow-ups the user may see; `done` False keeps the open ones, True the done ones."""
    followups = permissions.visible_followups(user).select_related(
        "assignee", "contact", "contact__organisation", "created_by"
    )
    if done is not None:
        followups = followups.filter(done_at__isnull=not done)
    if assignee_id:
        followups = followups.filter(assignee_id=assignee_id)
    if due_by:
        followups = followups.filter(due_on__lte=due_by)
    if contact_id:
        followups = followups.filter(contact_id=contact_id)
    if interaction_id:
        followups = followups.filter(interaction_id=interaction_id)
    return followups.order_by("due_on", "pk")


def followup_get_for(*, user: User, pk: int) -> FollowUp:
    return get_or_404(followup_list_for(user=user), pk)


# My network


@dataclass
class WarmthGroup:
    warmth: Warmth
    ties: list[TieView]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.ties)


@dataclass
class MyNetwork:
    groups: list[WarmthGroup]
    due_followups: list[FollowUp]
    due_total: int
    upcoming_followups: list[FollowUp]
    today: datetime.date

    @property
    def has_ties(self) -> bool:
        return any(group.total for group in self.groups)


def my_network(*, user: User, rows: int = 15, upcoming_days: int = 14) -> MyNetwork:
    """My relationships by warmth (cold first) and my follow-ups due, at most `rows` of each.

    Counts and rows come from SQL, so the page costs the same for 50 or 50,000 ties.
    """
    on = today()
    mine = Relationship.objects.filter(user=user, contact__archived=False)
    totals = mine.aggregate(**{w.value: Count("pk", filter=warmth_filter(w, on)) for w in Warmth})
    groups = []
    for warmth in WARMTH_ORDER:
        # The ones closest to going (further) cold first.
        ties = (
            mine.filter(warmth_filter(warmth, on))
            .select_related("contact", "contact__organisation")
            .order_by(F("cold_on").asc(nulls_first=True), "contact__last_name", "pk")[:rows]
        )
        groups.append(WarmthGroup(warmth, [TieView(t, warmth) for t in ties], totals[warmth]))
    open_mine = FollowUp.objects.filter(assignee=user, done_at__isnull=True).select_related(
        "contact", "contact__organisation"
    )
    due = open_mine.filter(due_on__lte=on)
    upcoming = open_mine.filter(
        due_on__gt=on, due_on__lte=on + datetime.timedelta(days=upcoming_days)
    )
    return MyNetwork(
        groups=groups,
        due_followups=list(due.order_by("due_on", "pk")[: rows * 2]),
        due_total=due.count(),
        upcoming_followups=list(upcoming.order_by("due_on", "pk")[:rows]),
        today=on,
    )


# Teams and people


def team_list_for(*, user: User) -> QuerySet[Team]:
    return permissions.visible_teams(user).select_related("lead").prefetch_related("members")


def team_get_for(*, user: User, pk: int) -> Team:
    return get_or_404(team_list_for(user=user), pk)


def teams_of(*, user: User) -> QuerySet[Team]:
    """The teams the user belongs to or leads (not the teams they may manage)."""
    return Team.objects.filter(pk__in=permissions.team_ids_of(user)).select_related("lead")


def api_token_of(*, user: User):
    """The user's personal API token, or None."""
    from rest_framework.authtoken.models import Token

    return Token.objects.filter(user=user).first()


def colleague_list() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


# Reminders


def followups_due_by_assignee(
    *, on: datetime.date, assignee_id: int | None = None
) -> dict[int, list[FollowUp]]:
    """Open follow-ups due on or before `on`, per active assignee (for the reminder e-mail)."""
    due = (
        FollowUp.objects.filter(done_at__isnull=True, due_on__lte=on, assignee__is_active=True)
        .select_related("contact", "contact__organisation", "assignee")
        .order_by("assignee_id", "due_on", "pk")
    )
    if assignee_id is not None:
        due = due.filter(assignee_id=assignee_id)
    by_user: dict[int, list[FollowUp]] = {}
    for followup in due:
        by_user.setdefault(followup.assignee_id, []).append(followup)
    return by_user


def assignees_with_due_followups(*, on: datetime.date) -> list[int]:
    """Active assignees with an e-mail address and open follow-ups due by `on`."""
    return list(
        FollowUp.objects.filter(done_at__isnull=True, due_on__lte=on, assignee__is_active=True)
        .exclude(assignee__email="")
        .values_list("assignee_id", flat=True)
        .distinct()
        .order_by("assignee_id")
    )
