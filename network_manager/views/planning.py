"""Strategy, roadmap, teams and assignments: parse (form) → selector/service → render.

Everybody reads the strategy and the roadmap; network managers change them. Teams are
read by network managers (all) and team leads (their own); anyone else gets a 404.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network_manager import forms, permissions, selectors, services
from network_manager.models import RoadmapStep, StepStatus
from relations import permissions as relation_permissions
from relations import selectors as relation_selectors
from relations import services as relation_services
from relations.views import _add_service_error, _page, _safe_next
from stakeholders import selectors as stakeholder_selectors

OPEN_STEPS = (StepStatus.PLANNED, StepStatus.IN_PROGRESS)


# Strategy


@login_required
def strategy(request):
    strategy = selectors.strategy_get()
    goals = selectors.strategy_goal_list()
    context = {
        "strategy": strategy,
        "goals": goals,
        "written": bool(strategy.definition or strategy.value_to_sales_and_marketing),
        "can_change": relation_permissions.is_network_manager(request.user),
    }
    return render(request, "network_manager/strategy.html", context)


@login_required
def strategy_edit(request):
    permissions.ensure_can_change_strategy(request.user)
    strategy = selectors.strategy_get()
    form = forms.StrategyForm(request.POST or None, instance=strategy)
    if request.method == "POST" and form.is_valid():
        services.strategy_update(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Strategy saved."))
        return redirect("network_manager:strategy")
    return render(request, "network_manager/strategy_form.html", {"form": form})


def _goal_form_page(request, goal=None):
    permissions.ensure_can_change_strategy(request.user)
    form = forms.GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        fields, groups = form.service_fields()
        try:
            goal = services.strategy_goal_save(
                actor=request.user, goal=goal, groups=groups, **fields
            )
        except relation_services.ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Goal “%(title)s” saved.") % {"title": goal.title})
            return redirect(goal)
    return render(request, "network_manager/strategy_goal_form.html", {"form": form, "goal": goal})


@login_required
def goal_add(request):
    return _goal_form_page(request)


@login_required
def goal_edit(request, pk):
    goal = selectors.strategy_goal_get_for(user=request.user, pk=pk)
    return _goal_form_page(request, goal)


@login_required
@require_POST
def goal_delete(request, pk):
    goal = selectors.strategy_goal_get_for(user=request.user, pk=pk)
    services.strategy_goal_delete(actor=request.user, goal=goal)
    messages.success(request, _("Goal “%(title)s” deleted.") % {"title": goal.title})
    return redirect("network_manager:strategy")


# Roadmap


@dataclass
class Period:
    """A quarter of the timeline and its steps, each with its overdue flag."""

    label: str
    rows: list[tuple[RoadmapStep, bool]] = field(default_factory=list)


def _quarter_label(on: datetime.date) -> str:
    return _("Q%(quarter)d %(year)d") % {"quarter": (on.month - 1) // 3 + 1, "year": on.year}


def _timeline(steps, on: datetime.date) -> list[Period]:
    periods: list[Period] = []
    for step in steps:
        label = _quarter_label(step.target_on)
        if not periods or periods[-1].label != label:
            periods.append(Period(label))
        overdue = step.status in OPEN_STEPS and step.target_on < on
        periods[-1].rows.append((step, overdue))
    return periods


@login_required
def roadmap(request):
    on = relation_selectors.today()
    context = {
        "periods": _timeline(selectors.roadmap_step_list(), on),
        "progress": selectors.roadmap_progress(on=on),
        "can_change": relation_permissions.is_network_manager(request.user),
        "today": on,
    }
    return render(request, "network_manager/roadmap.html", context)


def _step_form_page(request, step=None):
    permissions.ensure_can_change_roadmap(request.user)
    form = forms.StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        try:
            step = services.roadmap_step_save(actor=request.user, step=step, **form.cleaned_data)
        except relation_services.ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Step “%(title)s” saved.") % {"title": step.title})
            return redirect(step)
    return render(request, "network_manager/roadmap_step_form.html", {"form": form, "step": step})


@login_required
def step_add(request):
    return _step_form_page(request)


@login_required
def step_edit(request, pk):
    step = selectors.roadmap_step_get_for(user=request.user, pk=pk)
    return _step_form_page(request, step)


@login_required
@require_POST
def step_delete(request, pk):
    step = selectors.roadmap_step_get_for(user=request.user, pk=pk)
    services.roadmap_step_delete(actor=request.user, step=step)
    messages.success(request, _("Step “%(title)s” deleted.") % {"title": step.title})
    return redirect("network_manager:roadmap")


# Teams


def _visible_teams_or_404(user):
    """The teams the user may read; who may read none (not a manager, leads none) gets 404."""
    teams = relation_selectors.team_list_for(user=user)
    if not relation_permissions.is_network_manager(user) and not teams.exists():
        raise Http404(_("Only network managers and team leads see teams."))
    return teams


@login_required
def team_list(request):
    teams = _visible_teams_or_404(request.user).annotate(
        group_count=Count("stakeholder_groups", distinct=True),
        key_contact_count=Count("key_contacts", distinct=True),
    )
    context = {
        "page": _page(request, teams.order_by("name")),
        "can_change": relation_permissions.is_network_manager(request.user),
    }
    return render(request, "network_manager/team_list.html", context)


def _team_form_page(request, team=None):
    relation_permissions.ensure_can_change_teams(request.user)
    form = forms.TeamForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            team = relation_services.team_save(
                actor=request.user, team=team, **form.service_fields()
            )
        except relation_services.ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Team %(name)s saved.") % {"name": team})
            return redirect("network_manager:team_detail", team.pk)
    return render(request, "network_manager/team_form.html", {"form": form, "team": team})


@login_required
def team_create(request):
    _visible_teams_or_404(request.user)
    return _team_form_page(request)


@login_required
def team_edit(request, pk):
    team = relation_selectors.team_get_for(user=request.user, pk=pk)
    return _team_form_page(request, team)


@login_required
def team_detail(request, pk):
    team = relation_selectors.team_get_for(user=request.user, pk=pk)
    on = relation_selectors.today()
    can_change = relation_permissions.is_network_manager(request.user)
    scope = permissions.Scope(team_ids=frozenset([team.pk]), teams=(team,))
    context = {
        "team": team,
        "members": selectors.team_members_with_counts(team, on),
        "groups": selectors.team_groups(team),
        "key_contacts": _page(request, selectors.key_contact_list_in_scope(scope, on=on)),
        "can_change": can_change,
        "unowned_groups": selectors.unowned_groups() if can_change else [],
    }
    return render(request, "network_manager/team_detail.html", context)


# Assigning groups and key contacts


@login_required
def group_assign(request, pk):
    """Give a stakeholder group to a team and one of its members (the steward)."""
    group = stakeholder_selectors.group_get_for(user=request.user, pk=pk)
    permissions.ensure_can_assign(request.user)
    initial = {"team": request.GET.get("team") or group.owning_team_id, "steward": group.steward_id}
    form = forms.GroupAssignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_assign(actor=request.user, group=group, **form.cleaned_data)
        except relation_services.ServiceError as error:
            _add_service_error(form, error)
        else:
            team = form.cleaned_data["team"]
            if team is None:
                messages.success(request, _("%(group)s has no team now.") % {"group": group})
                return redirect(_safe_next(request, group.get_absolute_url()))
            messages.success(
                request, _("%(group)s assigned to %(team)s.") % {"group": group, "team": team}
            )
            fallback = reverse("network_manager:team_detail", args=[team.pk])
            return redirect(_safe_next(request, fallback))
    context = {"form": form, "group": group, "next": _safe_next(request, "")}
    return render(request, "network_manager/group_assign.html", context)


@login_required
def key_contact_edit(request, pk):
    """Make a contact a key contact, or change to whom it is assigned."""
    contact = relation_selectors.contact_get_for(user=request.user, pk=pk)
    permissions.ensure_can_assign(request.user)
    key_contact = getattr(contact, "key_contact", None)
    initial = {}
    if key_contact is not None:
        initial = {
            "team": key_contact.team_id,
            "networker": key_contact.networker_id,
            "reason": key_contact.reason,
        }
    form = forms.KeyContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.key_contact_save(actor=request.user, contact=contact, **form.cleaned_data)
        except relation_services.ServiceError as error:
            _add_service_error(form, error)
        else:
            if key_contact is None:
                message = _("%(name)s is a key contact now.")
            else:
                message = _("The assignment of key contact %(name)s is saved.")
            messages.success(request, message % {"name": contact})
            return redirect(_safe_next(request, contact.get_absolute_url()))
    context = {
        "form": form,
        "contact": contact,
        "key_contact": key_contact,
        "next": _safe_next(request, ""),
    }
    return render(request, "network_manager/key_contact_form.html", context)


@login_required
@require_POST
def key_contact_remove(request, pk):
    key_contact = selectors.key_contact_get_for(user=request.user, pk=pk)
    services.key_contact_remove(actor=request.user, key_contact=key_contact)
    messages.success(
        request, _("%(name)s is no longer a key contact.") % {"name": key_contact.contact}
    )
    return redirect(_safe_next(request, key_contact.contact.get_absolute_url()))
