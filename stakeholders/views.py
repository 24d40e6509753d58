"""HTML pages of the stakeholder map: parse (form) → selector/service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from relations import selectors as relation_selectors
from relations.permissions import NotAllowed
from relations.services import ServiceError
from relations.views import _add_service_error, _page, _render_list
from stakeholders import forms, permissions, selectors, services
from stakeholders.models import GoalKind, Quadrant

FLAG_LABELS = dict(selectors.Flag.CHOICES)

# The grid as it is drawn: high influence on top, high interest on the right.
GRID_LAYOUT = [
    Quadrant.KEEP_SATISFIED,
    Quadrant.MANAGE_CLOSELY,
    Quadrant.MONITOR,
    Quadrant.KEEP_INFORMED,
]
QUADRANT_HINTS = {
    Quadrant.MANAGE_CLOSELY: gettext_lazy(
        "High influence, high interest: involve them and meet often."
    ),
    Quadrant.KEEP_SATISFIED: gettext_lazy(
        "High influence, low interest: meet their needs, don't overload."
    ),
    Quadrant.KEEP_INFORMED: gettext_lazy("Low influence, high interest: inform them and listen."),
    Quadrant.MONITOR: gettext_lazy("Low influence, low interest: watch, with little effort."),
}


def _flags(group, on=None) -> list[tuple[str, str]]:
    return [(flag, FLAG_LABELS[flag]) for flag in selectors.flags_of(group, on)]


# Groups


@login_required
def group_list(request):
    search = forms.GroupFilterForm(request.GET or None)
    groups = selectors.group_list_for(user=request.user, **search.filters())
    page = _page(request, groups)
    on = relation_selectors.today()
    context = {
        "search": search,
        "page": page,
        "rows": [(group, _flags(group, on)) for group in page],
        "filtered": any(
            request.GET.get(name) for name in ("q", "team", "topic", "quadrant", "flag")
        ),
        "may_create": forms.may_create_group(request.user),
    }
    return _render_list(
        request, "stakeholders/group_list.html", "stakeholders/_group_table.html", context
    )


@login_required
def grid(request):
    search = forms.GridFilterForm(request.GET or None)
    filters = search.filters()
    quadrants = selectors.grid_for(
        user=request.user, team_id=filters.get("team_id"), topic_id=filters.get("topic_id")
    )
    cells = [
        {
            "quadrant": quadrant,
            "hint": QUADRANT_HINTS[quadrant],
            "groups": sorted(
                quadrants[quadrant.value], key=lambda g: (-g.influence, -g.interest, g.name)
            ),
        }
        for quadrant in GRID_LAYOUT
    ]
    context = {
        "search": search,
        "cells": cells,
        "total": sum(len(cell["groups"]) for cell in cells),
        "filtered": any(request.GET.get(name) for name in ("team", "topic")),
    }
    return render(request, "stakeholders/grid.html", context)


@login_required
def group_create(request):
    if not forms.may_create_group(request.user):
        raise NotAllowed(_("Only network managers and team leads may add stakeholder groups."))
    form = forms.GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields, topics = form.service_fields()
        try:
            group = services.group_create(actor=request.user, topics=topics, **fields)
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Stakeholder group %(name)s added.") % {"name": group})
            return redirect(group)
    return render(request, "stakeholders/group_form.html", {"form": form, "group": None})


@login_required
def group_edit(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk)
    permissions.ensure_can_change_group(request.user, group)
    form = forms.GroupForm(request.POST or None, instance=group, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields, topics = form.service_fields()
        try:
            group = services.group_update(actor=request.user, group=group, topics=topics, **fields)
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Stakeholder group %(name)s saved.") % {"name": group})
            return redirect(group)
    return render(request, "stakeholders/group_form.html", {"form": form, "group": group})


@login_required
@require_POST
def group_delete(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk)
    services.group_delete(actor=request.user, group=group)
    messages.success(
        request,
        _("Stakeholder group %(name)s deleted. Its contacts and meetings stay.") % {"name": group},
    )
    return redirect("stakeholders:group_list")


def _render_group_detail(request, group, *, bound=None):
    """The group page; `bound` is a form with errors to show in its own place.

    bound is a tuple (slot, form): slot "contact", "organisation", ("goal", kind),
    ("goal_edit", pk) or ("member", kind, pk).
    """
    detail = selectors.group_detail_for(user=request.user, group=group)
    can_change = permissions.can_change_group(request.user, group)
    slot, bound_form = bound if bound else (None, None)

    def form_for(key, form_class, **kwargs):
        """The bound form if it belongs here, a fresh one otherwise (None for readers)."""
        if not can_change:
            return None
        return bound_form if slot == key else form_class(**kwargs)

    columns = [
        {
            "kind": kind,
            "goals": [
                (
                    goal,
                    form_for(
                        ("goal_edit", goal.pk),
                        forms.GoalForm,
                        instance=goal,
                        auto_id=f"id_goal{goal.pk}_%s",
                    ),
                )
                for goal in detail.goals[kind.value]
            ],
            "add_form": form_for(("goal", kind.value), forms.NewGoalForm, kind=kind.value),
        }
        for kind in GoalKind
    ]

    def member_rows(kind, memberships):
        return [
            (
                membership,
                form_for(
                    ("member", kind, membership.pk),
                    forms.MembershipForm,
                    initial={"attitude": membership.attitude, "note": membership.note},
                    auto_id=f"id_{kind}{membership.pk}_%s",
                ),
            )
            for membership in memberships
        ]

    context = {
        "group": group,
        "detail": detail,
        "flags": [(flag, FLAG_LABELS[flag]) for flag in detail.flags],
        "can_change": can_change,
        "columns": columns,
        "people": member_rows("person", detail.contact_members),
        "organisations": member_rows("organisation", detail.organisation_members),
        "contact_member_form": form_for("contact", forms.ContactMemberForm),
        "organisation_member_form": form_for("organisation", forms.OrganisationMemberForm),
        "open_slot": slot,
        "today": relation_selectors.today(),
    }
    return render(request, "stakeholders/group_detail.html", context)


@login_required
def group_detail(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk)
    return _render_group_detail(request, group)


def _changeable_group(request, pk):
    group = selectors.group_get_for(user=request.user, pk=pk)
    permissions.ensure_can_change_group(request.user, group)
    return group


@login_required
@require_POST
def contact_member_add(request, pk):
    group = _changeable_group(request, pk)
    form = forms.ContactMemberForm(request.POST)
    if form.is_valid():
        try:
            membership = services.contact_membership_add(
                actor=request.user, group=group, **form.cleaned_data
            )
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request, _("%(name)s added to the group.") % {"name": membership.contact}
            )
            return redirect(group)
    return _render_group_detail(request, group, bound=("contact", form))


@login_required
@require_POST
def organisation_member_add(request, pk):
    group = _changeable_group(request, pk)
    form = forms.OrganisationMemberForm(request.POST)
    if form.is_valid():
        try:
            membership = services.organisation_membership_add(
                actor=request.user, group=group, **form.cleaned_data
            )
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request, _("%(name)s added to the group.") % {"name": membership.organisation}
            )
            return redirect(group)
    return _render_group_detail(request, group, bound=("organisation", form))


def _membership(request, kind: str, pk: int):
    if kind == "person":
        return selectors.contact_membership_get_for(user=request.user, pk=pk)
    if kind == "organisation":
        return selectors.organisation_membership_get_for(user=request.user, pk=pk)
    raise Http404


@login_required
@require_POST
def membership_change(request, kind, pk):
    membership = _membership(request, kind, pk)
    permissions.ensure_can_change_group(request.user, membership.group)
    form = forms.MembershipForm(request.POST, auto_id=f"id_{kind}{pk}_%s")
    if form.is_valid():
        try:
            services.membership_update(
                actor=request.user, membership=membership, **form.cleaned_data
            )
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Member saved."))
            return redirect(membership.group)
    group = selectors.group_get_for(user=request.user, pk=membership.group_id)
    return _render_group_detail(request, group, bound=(("member", kind, membership.pk), form))


@login_required
@require_POST
def membership_remove(request, kind, pk):
    membership = _membership(request, kind, pk)
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(request, _("Member removed from the group."))
    return redirect(membership.group)


@login_required
@require_POST
def goal_add(request, pk):
    group = _changeable_group(request, pk)
    kind = request.POST.get("kind", "")
    if kind not in GoalKind.values:
        return HttpResponseBadRequest(_("Unknown kind of goal."))
    form = forms.NewGoalForm(request.POST, kind=kind)
    if form.is_valid():
        try:
            goal = services.goal_add(actor=request.user, group=group, **form.cleaned_data)
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request, _("Added to the reciprocity card: %(text)s") % {"text": goal.text}
            )
            return redirect(group)
    return _render_group_detail(request, group, bound=(("goal", kind), form))


@login_required
@require_POST
def goal_edit(request, pk):
    goal = selectors.goal_get_for(user=request.user, pk=pk)
    permissions.ensure_can_change_group(request.user, goal.group)
    form = forms.GoalForm(request.POST, auto_id=f"id_goal{goal.pk}_%s")
    if form.is_valid():
        try:
            services.goal_update(actor=request.user, goal=goal, **form.cleaned_data)
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Goal saved."))
            return redirect(goal.group)
    group = selectors.group_get_for(user=request.user, pk=goal.group_id)
    return _render_group_detail(request, group, bound=(("goal_edit", goal.pk), form))


@login_required
@require_POST
def goal_remove(request, pk):
    goal = selectors.goal_get_for(user=request.user, pk=pk)
    services.goal_remove(actor=request.user, goal=goal)
    messages.success(request, _("Removed from the reciprocity card."))
    return redirect(goal.group)


@login_required
def member_typeahead(request):
    """People matching the search, each a radio button of the add-member form."""
    query = request.GET.get("q", "")
    results = relation_selectors.contact_typeahead(user=request.user, query=query)
    return render(
        request,
        "stakeholders/_member_options.html",
        {"results": results, "query": query, "too_short": len(query.strip()) < 2},
    )


# Topics


@login_required
def topic_list(request):
    term = request.GET.get("q", "").strip()
    page = _page(request, selectors.topic_list_for(user=request.user, search=term))
    context = {"page": page, "q": term, "filtered": bool(term)}
    return _render_list(
        request, "stakeholders/topic_list.html", "stakeholders/_topic_table.html", context
    )


@login_required
def topic_create(request):
    form = forms.TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Topic %(name)s added.") % {"name": topic})
            return redirect(topic)
    return render(request, "stakeholders/topic_form.html", {"form": form})


@login_required
def topic_detail(request, pk):
    topic = selectors.topic_get_for(user=request.user, pk=pk)
    detail = selectors.topic_detail_for(user=request.user, topic=topic)
    return render(request, "stakeholders/topic_detail.html", {"topic": topic, "detail": detail})


# Networks


@login_required
def network_list(request):
    page = _page(request, selectors.network_list_for(user=request.user))
    return render(request, "stakeholders/network_list.html", {"page": page})


@login_required
def network_detail(request, pk):
    network = selectors.network_get_for(user=request.user, pk=pk)
    detail = selectors.network_detail_for(user=request.user, network=network)
    return render(request, "stakeholders/network_detail.html", detail)
