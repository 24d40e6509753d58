"""DESIGN.md §4 for stakeholder data: every active user reads; changes are for the
owning team's lead and network managers (topics and networks: their owner too)."""

from django.utils.translation import gettext as _

from relations.models import Team
from relations.permissions import NotAllowed, is_network_manager
from stakeholders.models import Network, StakeholderGroup, Topic


def can_change_group(user, group: StakeholderGroup) -> bool:
    if is_network_manager(user):
        return True
    return (
        group.owning_team_id is not None
        and Team.objects.filter(pk=group.owning_team_id, lead=user).exists()
    )


def ensure_can_change_group(user, group: StakeholderGroup) -> None:
    if not can_change_group(user, group):
        raise NotAllowed(
            _("Only the owning team's lead or a network manager may change this group.")
        )


def ensure_can_own_group_as(user, team: Team | None) -> None:
    """Network managers give a group to any team (or none); a lead only to their own team."""
    if is_network_manager(user):
        return
    if team is None or team.lead_id != user.pk:
        raise NotAllowed(_("Only network managers, or the lead of the owning team, may do this."))


def _owner_or_manager(user, owner_id: int | None) -> bool:
    if is_network_manager(user) or (owner_id is not None and owner_id == user.pk):
        return True
    return owner_id is not None and Team.objects.filter(lead=user, members=owner_id).exists()


def ensure_can_change_topic(user, topic: Topic) -> None:
    if not _owner_or_manager(user, topic.owner_id):
        raise NotAllowed(_("Only its owner, their team lead or a network manager may change it."))


def ensure_can_change_network(user, network: Network) -> None:
    if not _owner_or_manager(user, network.owner_id):
        raise NotAllowed(_("Only its owner, their team lead or a network manager may change it."))
