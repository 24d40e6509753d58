"""Reads of the stakeholder map, shared by pages and API. Every active user reads it all;
interactions shown inside it go through relations' visibility rules."""

import datetime
from dataclasses import dataclass

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
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from relations import permissions as relation_permissions
from relations import selectors as relation_selectors
from relations.models import Contact, Interaction, Relationship, User
from relations.selectors import get_or_404
from stakeholders.models import (
    HIGH,
    ContactMembership,
    Goal,
    GoalKind,
    GoalStatus,
    Network,
    OrganisationMembership,
    Quadrant,
    StakeholderGroup,
    Topic,
)

NEGLECTED_INFLUENCE = 4
NEGLECTED_AFTER_DAYS = 90


class Flag:
    UNBALANCED = "unbalanced"  # goals with them, nothing offered
    NEGLECTED = "neglected"  # influence ≥ 4, nobody met a member in 90 days
    UNOWNED = "unowned"  # no owning team
    CHOICES = [
        (UNBALANCED, _("Unbalanced")),
        (NEGLECTED, _("Neglected")),
        (UNOWNED, _("Unowned")),
    ]


def member_contacts(group_ref) -> QuerySet[Contact]:
    """Contacts in a group: members themselves, or people of a member organisation."""
    return Contact.objects.filter(
        Q(group_memberships__group=group_ref) | Q(organisation__group_memberships__group=group_ref)
    )


def quadrant_filter(quadrant: str) -> Q:
    high_influence, high_interest = Q(influence__gte=HIGH), Q(interest__gte=HIGH)
    return {
        Quadrant.MANAGE_CLOSELY: high_influence & high_interest,
        Quadrant.KEEP_SATISFIED: high_influence & ~high_interest,
        Quadrant.KEEP_INFORMED: ~high_influence & high_interest,
        Quadrant.MONITOR: ~high_influence & ~high_interest,
    }[quadrant]


def neglected_cutoff(on: datetime.date | None = None) -> datetime.date:
    return (on or relation_selectors.today()) - datetime.timedelta(days=NEGLECTED_AFTER_DAYS)


def flag_filter(flag: str, on: datetime.date | None = None) -> Q:
    """On a queryset from group_list_for (it needs the annotations)."""
    if flag == Flag.UNBALANCED:
        return Q(has_our_goal=True, has_offer=False)
    if flag == Flag.NEGLECTED:
        return Q(influence__gte=NEGLECTED_INFLUENCE) & (
            Q(last_interaction_on__isnull=True) | Q(last_interaction_on__lt=neglected_cutoff(on))
        )
    if flag == Flag.UNOWNED:
        return Q(owning_team__isnull=True)
    raise ValueError(f"unknown flag {flag!r}")


def flags_of(group: StakeholderGroup, on: datetime.date | None = None) -> list[str]:
    """The same rules as flag_filter, on one annotated group."""
    flags = []
    if group.has_our_goal and not group.has_offer:
        flags.append(Flag.UNBALANCED)
    last = group.last_interaction_on
    if group.influence >= NEGLECTED_INFLUENCE and (last is None or last < neglected_cutoff(on)):
        flags.append(Flag.NEGLECTED)
    if group.owning_team_id is None:
        flags.append(Flag.UNOWNED)
    return flags


def _count(model, **filters) -> Coalesce:
    counted = (
        model.objects.filter(group=OuterRef("pk"), **filters)
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _latest(model, date_path: str) -> Subquery:
    latest = (
        model.objects.filter(group=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(latest=Max(date_path))
        .values("latest")
    )
    return Subquery(latest, output_field=DateField())


def _active_goal(kind: str) -> Exists:
    return Exists(
        Goal.objects.filter(group=OuterRef("pk"), kind=kind).exclude(status=GoalStatus.DROPPED)
    )


def group_list_for(
    *,
    user: User,
    team_id: int | None = None,
    topic_id: int | None = None,
    quadrant: str = "",
    flag: str = "",
    search: str = "",
) -> QuerySet[StakeholderGroup]:
    """Groups with member count, last interaction with any member and what the flags need."""
    # Two grouped maxima instead of one OR-join over all member contacts: the OR defeats the
    # indexes and costs half a second at 50,000 contacts.
    direct = _latest(ContactMembership, "contact__last_interaction_on")
    via_organisation = _latest(
        OrganisationMembership, "organisation__contacts__last_interaction_on"
    )
    latest = Greatest(Coalesce(direct, via_organisation), Coalesce(via_organisation, direct))
    groups = StakeholderGroup.objects.select_related("owning_team").annotate(
        contact_count=_count(ContactMembership),
        organisation_count=_count(OrganisationMembership),
        last_interaction_on=latest,
        has_our_goal=_active_goal(GoalKind.OUR_GOAL),
        has_offer=_active_goal(GoalKind.OUR_OFFER),
    )
    if team_id:
        groups = groups.filter(owning_team_id=team_id)
    if topic_id:
        groups = groups.filter(topics=topic_id)
    if quadrant:
        groups = groups.filter(quadrant_filter(quadrant))
    if flag:
        groups = groups.filter(flag_filter(flag))
    for term in search.split():
        groups = groups.filter(name__icontains=term)
    return groups.prefetch_related("topics").order_by("priority", "name", "pk")


def group_get_for(*, user: User, pk: int) -> StakeholderGroup:
    return get_or_404(group_list_for(user=user), pk)


def grid_for(*, user: User, team_id: int | None = None, topic_id: int | None = None) -> dict:
    """Groups by quadrant, for the power/interest grid (one query whatever the number)."""
    quadrants: dict[str, list[StakeholderGroup]] = {q.value: [] for q in Quadrant}
    for group in group_list_for(user=user, team_id=team_id, topic_id=topic_id):
        quadrants[group.quadrant.value].append(group)
    return quadrants


@dataclass
class GroupDetail:
    group: StakeholderGroup
    flags: list[str]
    contact_members: list[ContactMembership]
    organisation_members: list[OrganisationMembership]
    goals: dict[str, list[Goal]]
    balance: relation_selectors.GiveAskBalance
    warmest_ties: list[relation_selectors.TieView]
    recent_interactions: list[Interaction]


def group_detail_for(*, user: User, group: StakeholderGroup, recent: int = 10) -> GroupDetail:
    on = relation_selectors.today()
    members = member_contacts(group.pk).values("pk")
    visible = relation_permissions.visible_interactions(user).filter(
        pk__in=Interaction.contacts.through.objects.filter(contact__in=members).values(
            "interaction"
        )
    )
    goals: dict[str, list[Goal]] = {kind.value: [] for kind in GoalKind}
    for goal in group.goals.all():
        goals[goal.kind].append(goal)
    ties = (
        Relationship.objects.filter(contact__in=members)
        .select_related("user", "contact", "contact__organisation")
        .order_by(F("cooling_on").desc(nulls_last=True), "-strength", "pk")[:10]
    )
    return GroupDetail(
        group=group,
        flags=flags_of(group, on),
        contact_members=list(group.contact_memberships.select_related("contact__organisation")),
        organisation_members=list(group.organisation_memberships.select_related("organisation")),
        goals=goals,
        balance=relation_selectors.give_ask_balance(visible),
        warmest_ties=[
            relation_selectors.TieView(
                tie,
                relation_selectors.warmth_of(tie.last_interaction_on, tie.contact.cadence_days, on),
            )
            for tie in ties
        ],
        recent_interactions=list(
            relation_selectors.interaction_list_for(user=user).filter(pk__in=visible.values("pk"))[
                :recent
            ]
        ),
    )


# Topics


def topic_list_for(*, user: User, search: str = "") -> QuerySet[Topic]:
    topics = Topic.objects.annotate(
        contact_count=Count("contacts", distinct=True), group_count=Count("groups", distinct=True)
    )
    for term in search.split():
        topics = topics.filter(name__icontains=term)
    return topics.order_by("name")


def topic_get_for(*, user: User, pk: int) -> Topic:
    return get_or_404(Topic.objects.all(), pk)


@dataclass
class TopicDetail:
    topic: Topic
    contacts: list[Contact]
    groups: list[StakeholderGroup]
    colleagues: list[dict]


def topic_detail_for(*, user: User, topic: Topic) -> TopicDetail:
    """Who cares about this topic, and which of us knows them (strongest ties first)."""
    cares = Contact.objects.filter(
        Q(topics=topic) | Q(group_memberships__group__topics=topic)
    ).values("pk")
    ties = (
        Relationship.objects.filter(contact__in=cares, contact__archived=False)
        .select_related("user", "contact")
        .order_by("-strength", "user__first_name", "pk")
    )
    colleagues: dict[int, dict] = {}
    for tie in ties:
        entry = colleagues.setdefault(tie.user_id, {"user": tie.user, "contacts": []})
        entry["contacts"].append(tie.contact)
    return TopicDetail(
        topic=topic,
        contacts=list(
            topic.contacts.filter(archived=False)
            .select_related("organisation")
            .order_by("last_name", "first_name")
        ),
        groups=list(topic.groups.select_related("owning_team")),
        colleagues=list(colleagues.values()),
    )


# Memberships and goals


def contact_membership_list_for(
    *, user: User, group_id: int | None = None, contact_id: int | None = None
) -> QuerySet[ContactMembership]:
    memberships = ContactMembership.objects.select_related("group", "contact")
    if group_id:
        memberships = memberships.filter(group_id=group_id)
    if contact_id:
        memberships = memberships.filter(contact_id=contact_id)
    return memberships.order_by("contact__last_name", "contact__first_name", "pk")


def contact_membership_get_for(*, user: User, pk: int) -> ContactMembership:
    return get_or_404(contact_membership_list_for(user=user), pk)


def organisation_membership_list_for(
    *, user: User, group_id: int | None = None, organisation_id: int | None = None
) -> QuerySet[OrganisationMembership]:
    memberships = OrganisationMembership.objects.select_related("group", "organisation")
    if group_id:
        memberships = memberships.filter(group_id=group_id)
    if organisation_id:
        memberships = memberships.filter(organisation_id=organisation_id)
    return memberships.order_by("organisation__name", "pk")


def organisation_membership_get_for(*, user: User, pk: int) -> OrganisationMembership:
    return get_or_404(organisation_membership_list_for(user=user), pk)


def goal_list_for(
    *, user: User, group_id: int | None = None, kind: str = "", status: str = ""
) -> QuerySet[Goal]:
    goals = Goal.objects.select_related("group")
    if group_id:
        goals = goals.filter(group_id=group_id)
    if kind:
        goals = goals.filter(kind=kind)
    if status:
        goals = goals.filter(status=status)
    return goals.order_by("group__name", "kind", "created_at", "pk")


def goal_get_for(*, user: User, pk: int) -> Goal:
    return get_or_404(goal_list_for(user=user), pk)


# Networks


def network_list_for(*, user: User, search: str = "") -> QuerySet[Network]:
    networks = Network.objects.annotate(
        our_count=Count("our_members", distinct=True),
        their_count=Count("contact_members", distinct=True),
    )
    for term in search.split():
        networks = networks.filter(name__icontains=term)
    return networks.order_by("name")


def network_get_for(*, user: User, pk: int) -> Network:
    return get_or_404(Network.objects.all(), pk)


def network_detail_for(*, user: User, network: Network) -> dict:
    return {
        "network": network,
        "our_members": list(network.our_members.order_by("first_name", "last_name")),
        "contact_members": list(
            network.contact_members.select_related("organisation").order_by("last_name")
        ),
    }
