"""The network manager's dashboard, the lists behind its figures, and who knows whom.

Every page but who-knows-whom is scoped by `dashboard_scope`: network managers see the
organisation (or one team with ?team=), team leads their own team(s); anybody else gets
a 404. The lists keep ?team= so a figure and the list behind it show the same people.
Filter values that make no sense are ignored (the list shows unfiltered), never a 500.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from events.models import InvitationStatus
from network_manager import charts, selectors
from network_manager.permissions import Scope, dashboard_scope, led_teams
from relations.models import Team, User
from relations.permissions import is_network_manager, visible_teams
from relations.selectors import Warmth, today, warmth_of
from relations.views import _page, _render_list


def _team_param(request, scope: Scope) -> int | None:
    """The team asked for with ?team= (dashboard_scope has checked it), else None."""
    if request.GET.get("team") and scope.teams:
        return scope.teams[0].pk
    return None


def _int_param(request, name: str) -> int | None:
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if value > 0 else None


def _switch_teams(user, scope: Scope, board: selectors.Dashboard) -> list[Team]:
    """The teams one can switch between: all (network managers) or the ones led."""
    if is_network_manager(user):
        return board.teams if scope.whole_organisation else list(Team.objects.order_by("name"))
    teams = list(scope.teams) if len(scope.teams) > 1 else led_teams(user)
    return teams if len(teams) > 1 else []


def _team_choices(user) -> list[Team]:
    """The teams a list's team filter offers: every team, or the ones the user leads."""
    return list(visible_teams(user).order_by("name"))


def _scope_context(request, scope: Scope) -> dict:
    team = _team_param(request, scope)
    return {
        "scope": scope,
        "is_manager": is_network_manager(request.user),
        "team": team,
        "team_name": scope.teams[0].name if team else "",
        # Appended to the links of the page so they keep the team.
        "team_qs": f"&team={team}" if team else "",
    }


# The dashboard


@login_required
def dashboard(request):
    scope = dashboard_scope(request.user, request.GET.get("team"))
    board = selectors.dashboard_for(scope=scope)
    on = board.today
    context = {
        **_scope_context(request, scope),
        "board": board,
        "switch_teams": _switch_teams(request.user, scope, board),
        "warmth_figures": [
            (Warmth.WARM, board.warmth.warm),
            (Warmth.COOLING, board.warmth.cooling),
            (Warmth.COLD, board.warmth.cold),
        ],
        "trend_chart": (
            charts.warmth_trend_chart(board.warmth_trend) if len(board.warmth_trend) >= 2 else None
        ),
        "meetings_chart": charts.meetings_chart(board.meetings) if board.meetings.highest else None,
        "cooling_rows": [
            (kc, warmth_of(kc.contact.last_interaction_on, kc.contact.cadence_days, on))
            for kc in board.cooling_key_contacts
        ],
        "coming": [
            (
                item,
                [
                    (InvitationStatus(status).label, status, count)
                    for status, count in item.guests_by_status.items()
                    if count
                ],
            )
            for item in board.coming_events
        ],
        # Unbalanced first; otherwise in the selector's order (priority, name).
        "balances": sorted(
            (row for row in board.give_ask if row.given or row.asked),
            key=lambda row: not row.unbalanced,
        ),
        "quiet_groups": sum(1 for row in board.give_ask if not (row.given or row.asked)),
    }
    return render(request, "network_manager/dashboard.html", context)


# The lists behind the figures


@login_required
def relationships(request):
    """Our ties in scope, closest to going (further) cold first; by warmth and colleague."""
    scope = dashboard_scope(request.user, request.GET.get("team"))
    warmth = request.GET.get("warmth", "")
    warmth = warmth if warmth in Warmth.values else ""
    colleague_id = _int_param(request, "colleague")
    ties = selectors.relationship_list_in_scope(scope, warmth=warmth, colleague_id=colleague_id)
    page = _page(request, ties)
    on = today()
    colleagues = User.objects.filter(is_active=True).order_by("first_name", "last_name", "pk")
    if not scope.whole_organisation:
        colleagues = colleagues.filter(pk__in=selectors.scope_member_ids(scope))
    context = {
        **_scope_context(request, scope),
        "page": page,
        "rows": [
            (tie, warmth_of(tie.last_interaction_on, tie.contact.cadence_days, on)) for tie in page
        ],
        "warmth": warmth,
        "warmth_choices": Warmth.choices,
        "colleague_id": colleague_id,
        "colleagues": list(colleagues),
        "team_choices": _team_choices(request.user),
        "filtered": bool(warmth or colleague_id),
    }
    return _render_list(
        request,
        "network_manager/list_relationships.html",
        "network_manager/_dash_relationship_table.html",
        context,
    )


@login_required
def key_contacts(request):
    """Key contacts in scope, most influential first; going cold, untended or all."""
    scope = dashboard_scope(request.user, request.GET.get("team"))
    state = request.GET.get("state", "")
    states = [selectors.KeyContactState.GOING_COLD, selectors.KeyContactState.UNTENDED]
    state = state if state in states else ""
    on = today()
    page = _page(request, selectors.key_contact_list_in_scope(scope, state=state, on=on))
    context = {
        **_scope_context(request, scope),
        "page": page,
        "rows": [
            (kc, warmth_of(kc.contact.last_interaction_on, kc.contact.cadence_days, on))
            for kc in page
        ],
        "state": state,
    }
    return _render_list(
        request,
        "network_manager/list_key_contacts.html",
        "network_manager/_dash_key_contact_table.html",
        context,
    )


@login_required
def overdue_followups(request):
    """Open follow-ups past their due date in scope, oldest first; by team and assignee."""
    scope = dashboard_scope(request.user, request.GET.get("team"))
    team = _team_param(request, scope)
    assignee_id = _int_param(request, "assignee")
    on = today()
    followups = selectors.overdue_followups_in_scope(
        scope, team_id=team, assignee_id=assignee_id, on=on
    )
    page = _page(request, followups)
    assignees = User.objects.filter(
        pk__in=selectors.overdue_followups_in_scope(scope, on=on).values("assignee_id")
    ).order_by("first_name", "last_name", "pk")
    context = {
        **_scope_context(request, scope),
        "page": page,
        "rows": [(followup, (on - followup.due_on).days) for followup in page],
        "assignee_id": assignee_id,
        "assignees": list(assignees),
        "team_choices": _team_choices(request.user),
        "filtered": bool(assignee_id),
    }
    return _render_list(
        request,
        "network_manager/list_overdue.html",
        "network_manager/_dash_overdue_table.html",
        context,
    )


# Who knows whom: open to every user (relationships are readable by all, DESIGN §4).


@login_required
def who_knows_whom(request):
    query = request.GET.get("q", "").strip()
    result = selectors.who_knows_whom(user=request.user, query=query) if query else None
    context = {"query": query, "result": result, "too_short": bool(query) and len(query) < 2}
    return render(request, "network_manager/who_knows_whom.html", context)
