"""DESIGN.md §4 for the strategic layer, in one place.

Strategy and roadmap: every active user reads, network managers change. Teams, key
contacts and the dashboard: network managers see the whole organisation, a team lead
sees their own team(s); anyone else gets a 404.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from relations.models import Team
from relations.permissions import NotAllowed, is_network_manager


@dataclass(frozen=True)
class Scope:
    """Whose figures a dashboard shows: some teams, or (team_ids None) the organisation."""

    team_ids: frozenset[int] | None
    teams: tuple[Team, ...] = ()

    @property
    def whole_organisation(self) -> bool:
        return self.team_ids is None


def led_teams(user) -> list[Team]:
    return list(Team.objects.filter(lead=user).order_by("name"))


def can_see_dashboard(user) -> bool:
    if not user.is_authenticated:
        return False
    return is_network_manager(user) or Team.objects.filter(lead=user).exists()


def dashboard_scope(user, team_id: int | str | None = None) -> Scope:
    """The scope `user` may see, narrowed to one team on request; otherwise a 404.

    Network managers see the organisation (or any one team); team leads see the teams
    they lead (or one of them); networkers and unknown teams get a 404.
    """
    if team_id in (None, ""):
        if is_network_manager(user):
            return Scope(team_ids=None)
        teams = led_teams(user)
        if not teams:
            raise Http404(_("Only network managers and team leads have a dashboard."))
        return Scope(team_ids=frozenset(t.pk for t in teams), teams=tuple(teams))
    try:
        team_id = int(team_id)
    except (TypeError, ValueError):
        raise Http404(_("No team found.")) from None
    teams = Team.objects.filter(pk=team_id)
    if not is_network_manager(user):
        teams = teams.filter(lead=user)
    team = teams.first()
    if team is None:
        raise Http404(_("No team found."))
    return Scope(team_ids=frozenset([team.pk]), teams=(team,))


def ensure_can_change_strategy(user) -> None:
    if not is_network_manager(user):
        raise NotAllowed(_("Only network managers may change the strategy."))


def ensure_can_change_roadmap(user) -> None:
    if not is_network_manager(user):
        raise NotAllowed(_("Only network managers may change the roadmap."))


def ensure_can_assign(user) -> None:
    if not is_network_manager(user):
        raise NotAllowed(_("Only network managers assign groups and key contacts."))
