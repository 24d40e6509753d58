"""The rules of DESIGN.md §4 for the relations app, in one place.

Selectors use the *visible_* functions to scope every list and lookup; services
use the *ensure_can_* functions before every write. HTML views and the API go
through both, so they cannot disagree.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from relations.models import Contact, FollowUp, Interaction, Organisation, Relationship, Role, Team


class NotAllowed(PermissionDenied):
    """The user may read the object but not change it: Django and DRF answer 403."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("You may not change this."))


def roles_of(user) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if not hasattr(user, "_role_names"):
        user._role_names = frozenset(user.groups.values_list("name", flat=True))
    return user._role_names


def is_network_manager(user) -> bool:
    return user.is_superuser or Role.NETWORK_MANAGER in roles_of(user)


def is_event_planner(user) -> bool:
    return Role.EVENT_PLANNER in roles_of(user)


def team_ids_of(user) -> frozenset[int]:
    """Teams the user belongs to or leads."""
    if not hasattr(user, "_team_ids"):
        user._team_ids = frozenset(
            Team.objects.filter(Q(members=user) | Q(lead=user)).values_list("pk", flat=True)
        )
    return user._team_ids


def _is_lead_of(user, member_id: int | None) -> bool:
    if member_id is None:
        return False
    return Team.objects.filter(lead=user, members=member_id).exists()


# Interactions: participants, members of their teams, network managers.
# Confidential ones: participants (and the author) and network managers only.


def visible_interactions(user, queryset: QuerySet[Interaction] | None = None) -> QuerySet:
    queryset = Interaction.objects.all() if queryset is None else queryset
    if is_network_manager(user):
        return queryset
    through = Interaction.our_participants.through
    is_participant = Exists(through.objects.filter(interaction=OuterRef("pk"), user=user))
    shares_team = Exists(
        through.objects.filter(interaction=OuterRef("pk"), user__teams__in=team_ids_of(user))
    )
    return queryset.filter(is_participant | Q(author=user) | (Q(confidential=False) & shares_team))


def can_change_interaction(user, interaction: Interaction) -> bool:
    if is_network_manager(user) or interaction.author_id == user.pk:
        return True
    return interaction.our_participants.filter(pk=user.pk).exists()


def ensure_can_change_interaction(user, interaction: Interaction) -> None:
    if not can_change_interaction(user, interaction):
        raise NotAllowed(_("Only its author, participants and network managers may change it."))


# Follow-ups: assignee, creator, their team leads, network managers.


def visible_followups(user, queryset: QuerySet[FollowUp] | None = None) -> QuerySet:
    queryset = FollowUp.objects.all() if queryset is None else queryset
    if is_network_manager(user):
        return queryset
    leads_assignee = Exists(Team.objects.filter(lead=user, members=OuterRef("assignee")))
    leads_creator = Exists(Team.objects.filter(lead=user, members=OuterRef("created_by")))
    return queryset.filter(Q(assignee=user) | Q(created_by=user) | leads_assignee | leads_creator)


def can_change_followup(user, followup: FollowUp) -> bool:
    return visible_followups(user, FollowUp.objects.filter(pk=followup.pk)).exists()


def ensure_can_change_followup(user, followup: FollowUp) -> None:
    if not can_change_followup(user, followup):
        raise NotAllowed()


# Contacts and organisations: every active user reads; owner, the owner's team
# lead and network managers change. Anyone may create.


def can_change_contact(user, contact: Contact) -> bool:
    return (
        is_network_manager(user)
        or contact.owner_id == user.pk
        or _is_lead_of(user, contact.owner_id)
    )


def ensure_can_change_contact(user, contact: Contact) -> None:
    if not can_change_contact(user, contact):
        raise NotAllowed(
            _("Only the owner, their team lead or a network manager may change this contact.")
        )


def can_change_organisation(user, organisation: Organisation) -> bool:
    return (
        is_network_manager(user)
        or organisation.owner_id == user.pk
        or _is_lead_of(user, organisation.owner_id)
    )


def ensure_can_change_organisation(user, organisation: Organisation) -> None:
    if not can_change_organisation(user, organisation):
        raise NotAllowed(
            _("Only the owner, their team lead or a network manager may change this organisation.")
        )


# Relationships: everyone reads (who of us knows whom is the point); the
# colleague themselves, their team lead and network managers change.


def can_change_relationship(user, relationship: Relationship) -> bool:
    return (
        is_network_manager(user)
        or relationship.user_id == user.pk
        or _is_lead_of(user, relationship.user_id)
    )


def ensure_can_change_relationship(user, relationship: Relationship) -> None:
    if not can_change_relationship(user, relationship):
        raise NotAllowed()


# Teams: network managers read and change all; a team lead reads their team.


def visible_teams(user, queryset: QuerySet[Team] | None = None) -> QuerySet:
    queryset = Team.objects.all() if queryset is None else queryset
    if is_network_manager(user):
        return queryset
    return queryset.filter(lead=user)


def ensure_can_change_teams(user) -> None:
    if not is_network_manager(user):
        raise NotAllowed(_("Only network managers may change teams."))
