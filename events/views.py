"""HTML pages of the event calendar: parse (form) → selector/service → render."""

import datetime
import re
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from crm import spreadsheets
from events import forms, permissions, selectors, services
from events.models import Encounter, Event, Invitation, InvitationStatus
from relations import selectors as relation_selectors
from relations.models import User
from relations.permissions import NotAllowed
from relations.services import NextStep, ServiceError
from relations.views import _add_service_error, _page, _render_list, _wants_partial

# The calendar pages answer for these years; anything else is no page at all (404).
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _event_url(event: Event, anchor: str = "") -> str:
    url = event.get_absolute_url()
    return f"{url}#{anchor}" if anchor else url


def _check_year(year: int, month: int = 1) -> None:
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Http404(_("The calendar has no such month."))


def _in_range(day: datetime.date) -> datetime.date | None:
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


# The calendar: year, month, list


@login_required
def calendar_this_year(request):
    return _year_page(request, timezone.localdate().year)


@login_required
def year(request, year):
    return _year_page(request, year)


def _year_page(request, year: int):
    _check_year(year)
    search = forms.EventFilterForm(request.GET or None)
    months = selectors.year_calendar(user=request.user, year=year, **search.filters())
    context = {
        "year": year,
        "months": months,
        "search": search,
        "qs": search.query_string(),
        "previous": year - 1 if year > FIRST_YEAR else None,
        "next": year + 1 if year < LAST_YEAR else None,
        "this_month": timezone.localdate().replace(day=1),
        "total": sum(len(month.events) for month in months),
        "may_create": permissions.is_planner(request.user),
    }
    return render(request, "events/year.html", context)


@login_required
def month(request, year, month):
    _check_year(year, month)
    search = forms.EventFilterForm(request.GET or None)
    weeks = selectors.month_grid(user=request.user, year=year, month=month, **search.filters())
    first = datetime.date(year, month, 1)
    context = {
        "first": first,
        "weeks": weeks,
        "weekdays": [day.day for day in weeks[0]],
        "search": search,
        "qs": search.query_string(),
        "previous": _in_range((first - datetime.timedelta(days=1)).replace(day=1)),
        "next": _in_range((first + datetime.timedelta(days=31)).replace(day=1)),
        "today": timezone.localdate(),
        "empty": not any(day.events for week in weeks for day in week if day.in_month),
        "may_create": permissions.is_planner(request.user),
    }
    return render(request, "events/month.html", context)


@login_required
def event_list(request):
    search = forms.EventListFilterForm(request.GET or None)
    now = timezone.now()
    if search.past:
        events = selectors.event_list_for(
            user=request.user, starts_before=now, **search.filters()
        ).reverse()
    else:
        events = selectors.event_list_for(user=request.user, starts_from=now, **search.filters())
    context = {
        "search": search,
        "qs": search.query_string(),
        "page": _page(request, events),
        "past": search.past,
        "filtered": search.filtered,
        "may_create": permissions.is_planner(request.user),
    }
    return _render_list(request, "events/event_list.html", "events/_event_table.html", context)


# Events


@login_required
def event_create(request):
    permissions.ensure_can_create_event(request.user)
    form = forms.EventForm(request.POST or None, initial={"organiser": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Event %(name)s added.") % {"name": event})
            return redirect(event)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@login_required
def event_edit(request, pk):
    event = selectors.event_get_for(user=request.user, pk=pk)
    permissions.ensure_can_change_event(request.user, event)
    form = forms.EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_update(actor=request.user, event=event, **form.cleaned_data)
        except ServiceError as error:
            event.refresh_from_db()  # the page shows the stored event, the form the input
            _add_service_error(form, error)
        else:
            messages.success(request, _("Event %(name)s saved.") % {"name": event})
            return redirect(event)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@login_required
def event_delete(request, pk):
    # With its plan counts, to say what goes with it.
    event = relation_selectors.get_or_404(selectors.event_list_for(user=request.user), pk)
    permissions.ensure_can_change_event(request.user, event)
    if request.method == "POST":
        services.event_delete(actor=request.user, event=event)
        messages.success(
            request,
            _("Event %(name)s deleted. Meetings logged there stay on the timelines.")
            % {"name": event},
        )
        return redirect("events:calendar")
    return render(request, "events/event_delete.html", {"event": event})


# One event: guest list and encounter plan


def _form_key(row: object) -> str:
    """The ids of a form row's inputs: new at every render.

    htmx matches old and new elements by id when it swaps, and copies attributes such as
    `style` from the old one, which a browser's autofill may have set (style=""); the
    Content-Security-Policy then blocks it and logs an error. Fresh ids never match.
    """
    return f"{row}-{secrets.token_hex(3)}"


ROW_KEY = re.compile(r"[a-z0-9-]{1,40}")


def _row_key(value) -> str:
    """A form row's key as sent back by its type-ahead (it only names ids)."""
    value = str(value or "")
    return value if ROW_KEY.fullmatch(value) else "new"


@dataclass(frozen=True)
class Rights:
    """What the viewer may do on one event's page, asked once per page (not once per row).

    The rules are permissions.py's; this only avoids asking can_change_event for every row.
    """

    user: User
    can_change: bool
    begun: bool

    @classmethod
    def of(cls, user, event: Event) -> "Rights":
        return cls(
            user=user, can_change=permissions.can_change_event(user, event), begun=event.has_begun
        )

    def encounter_edit(self, encounter: Encounter) -> str:
        """Which edit the row offers: full, goal only (who meets them), or none."""
        if self.can_change:
            return "full"
        may_write_goal = permissions.can_write_encounter(
            self.user, encounter, {"goal"}, may_change_event=False
        )
        return "goal" if may_write_goal else ""

    def may_record_outcome(self, encounter: Encounter) -> bool:
        return self.begun and permissions.can_record_outcome(self.user, encounter)

    def may_withdraw(self, invitation: Invitation) -> bool:
        return permissions.can_withdraw_invitation(
            self.user, invitation, may_change_event=self.can_change
        )


@dataclass
class PlanRow:
    encounter: Encounter
    edit: str
    record: bool
    outcome_form: forms.OutcomeForm | None
    outcome_open: bool = False


def _plan_row(rights: Rights, encounter: Encounter, outcome_form=None) -> PlanRow:
    record = rights.may_record_outcome(encounter)
    if record and outcome_form is None:
        outcome_form = forms.OutcomeForm(
            key=_form_key(encounter.pk), initial={"outcome": encounter.outcome}
        )
    return PlanRow(
        encounter=encounter,
        edit=rights.encounter_edit(encounter),
        record=record,
        outcome_form=outcome_form if record else None,
        outcome_open=bool(outcome_form is not None and outcome_form.errors),
    )


def _multi_day(event: Event) -> bool:
    start = timezone.localtime(event.starts_at).date()
    return start != timezone.localtime(event.ends_at - datetime.timedelta(microseconds=1)).date()


def _new_encounter_form(event: Event) -> forms.EncounterForm:
    return forms.EncounterForm(
        key=_form_key("new"), initial={"starts_at": event.starts_at, "minutes": 15}
    )


def _contact_choices(user, event: Event, form: forms.EncounterForm | None, found=()) -> dict:
    """The options of "Meets whom": the event's guests first, then any other contact
    (found by the type-ahead, or already chosen)."""
    guests = list(selectors.encounter_contact_choices(event=event))
    guest_ids = {contact.pk for contact in guests}
    others = [contact for contact in found if contact.pk not in guest_ids]
    selected = form.raw_id("contact") if form is not None else None
    if selected and selected not in guest_ids and all(c.pk != selected for c in others):
        chosen = relation_selectors.contact_list_for(user=user, include_archived=True)
        others = [*chosen.filter(pk=selected), *others]
    return {"guests": guests, "others": others, "selected_contact": selected}


def _goal_choices(user, form: forms.EncounterForm | None, contact_id: int | None) -> dict:
    """The goals of the chosen contact's stakeholder groups (none for an unknown contact)."""
    goals = []
    if contact_id:
        try:
            contact = relation_selectors.contact_get_for(user=user, pk=contact_id)
        except Http404:
            contact = None
        if contact is not None:
            goals = list(selectors.goal_options_for(contact=contact))
    selected = form.raw_id("stakeholder_goal") if form is not None else None
    return {"goals": goals, "selected_goal": selected}


def _form_row_context(user, event: Event, form, encounter: Encounter | None = None) -> dict:
    goal_only = isinstance(form, forms.EncounterGoalForm)
    if encounter is None:
        action = reverse("events:encounter_add", args=[event.pk])
    else:
        action = reverse("events:encounter_edit", args=[encounter.pk])
    context = {
        "event": event,
        "form": form,
        "key": form.key,
        "row_id": encounter.pk if encounter else "new",
        "encounter": encounter,
        "goal_only": goal_only,
        "multi_day": _multi_day(event),
        "action": action,
    }
    if not goal_only:
        context.update(_contact_choices(user, event, form))
    contact_id = encounter.contact_id if goal_only else context["selected_contact"]
    context.update(_goal_choices(user, form, contact_id))
    return context


def _render_event_detail(
    request,
    event: Event,
    *,
    guest_form=None,
    group_form=None,
    status_form=None,
):
    user = request.user
    detail = selectors.event_detail_for(user=user, event=event)
    rights = Rights.of(user, event)
    query = request.GET.get("q", "").strip()
    status_form = status_form or forms.GuestStatusForm()
    context = {
        "event": event,
        "detail": detail,
        "rights": rights,
        "multi_day": _multi_day(event),
        "status_counts": [
            (value, label, detail.status_counts[value]) for value, label in InvitationStatus.choices
        ],
        "guests": [
            (invitation, rights.may_withdraw(invitation)) for invitation in detail.invitations
        ],
        "rows": [_plan_row(rights, encounter) for encounter in detail.encounters],
        "guest_form": guest_form or forms.GuestAddForm(),
        "status_form": status_form,
        "ticked": status_form.ticked(),
        "query": query,
        "candidates": (
            selectors.guest_candidates(user=user, event=event, query=query) if query else []
        ),
        "too_short": len(query) < 2,
        "suggestions": list(selectors.guest_suggestions(user=user, event=event)),
    }
    if rights.can_change:
        new_form = _new_encounter_form(event)
        context["group_form"] = group_form or forms.GuestGroupForm()
        context["new_row"] = _form_row_context(user, event, new_form)
    return render(request, "events/event_detail.html", context)


@login_required
def event_detail(request, pk):
    event = selectors.event_get_for(user=request.user, pk=pk)
    return _render_event_detail(request, event)


# The guest list


@login_required
def guest_typeahead(request, pk):
    """Contacts matching the search and not on the guest list yet, each a one-click add."""
    event = selectors.event_get_for(user=request.user, pk=pk)
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "events/_guest_candidates.html",
        {
            "event": event,
            "candidates": selectors.guest_candidates(user=request.user, event=event, query=query),
            "query": query,
            "too_short": len(query) < 2,
            "rights": Rights.of(request.user, event),
        },
    )


@login_required
@require_POST
def guest_add(request, pk):
    event = selectors.event_get_for(user=request.user, pk=pk)
    form = forms.GuestAddForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_add(
                actor=request.user, event=event, **form.cleaned_data
            )
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            if invitation.status == InvitationStatus.PROPOSED:
                message = _("%(name)s proposed as a guest; the planners decide.")
            else:
                message = _("%(name)s is on the guest list.")
            messages.success(request, message % {"name": invitation.contact})
            return redirect(_event_url(event, "guests"))
    return _render_event_detail(request, event, guest_form=form)


@login_required
@require_POST
def guest_add_group(request, pk):
    event = selectors.event_get_for(user=request.user, pk=pk)
    permissions.ensure_can_change_event(request.user, event)
    form = forms.GuestGroupForm(request.POST)
    if form.is_valid():
        group = form.cleaned_data["group"]
        try:
            added = services.invitations_add_group(
                actor=request.user, event=event, **form.cleaned_data
            )
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            if added:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d member of %(group)s added to the guest list.",
                        "%(count)d members of %(group)s added to the guest list.",
                        len(added),
                    )
                    % {"count": len(added), "group": group},
                )
            else:
                messages.info(
                    request,
                    _("Every member of %(group)s is on the guest list already.") % {"group": group},
                )
            return redirect(_event_url(event, "guests"))
    return _render_event_detail(request, event, group_form=form)


@login_required
@require_POST
def guests_set_status(request, pk):
    event = selectors.event_get_for(user=request.user, pk=pk)
    permissions.ensure_can_change_event(request.user, event)
    form = forms.GuestStatusForm(request.POST)
    if form.is_valid():
        status = form.cleaned_data["status"]
        try:
            changed = services.invitations_set_status(
                actor=request.user,
                event=event,
                invitation_ids=form.cleaned_data["invitations"],
                status=status,
            )
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d guest is now %(status)s.",
                    "%(count)d guests are now %(status)s.",
                    changed,
                )
                % {"count": changed, "status": InvitationStatus(status).label.lower()},
            )
            return redirect(_event_url(event, "guests"))
    return _render_event_detail(request, event, status_form=form)


@login_required
@require_POST
def guest_remove(request, pk):
    invitation = selectors.invitation_get_for(user=request.user, pk=pk)
    services.invitation_remove(actor=request.user, invitation=invitation)
    messages.success(request, _("%(name)s is off the guest list.") % {"name": invitation.contact})
    return redirect(_event_url(invitation.event, "guests"))


@login_required
def guests_csv(request, pk):
    event = selectors.event_get_for(user=request.user, pk=pk)
    invitations = selectors.invitation_list_for(user=request.user, event=event)
    header = [
        _("Name"),
        _("Organisation"),
        _("E-mail"),
        _("Status"),
        _("Proposed by"),
        _("Host"),
        _("Note"),
    ]
    rows = (
        [
            invitation.contact.full_name,
            invitation.contact.organisation,
            invitation.contact.email,
            invitation.get_status_display(),
            invitation.proposed_by,
            invitation.host,
            invitation.note,
        ]
        for invitation in invitations
    )
    return spreadsheets.csv_response(f"{slugify(event.name) or 'event'}-guests.csv", header, rows)


# The encounter plan, edited in place: each view answers a table row for htmx and
# redirects (or shows a page of its own) otherwise.


def _partial(request, template: str, context: dict):
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _rows_response(request, event: Event, *, rows=(), form_row=None):
    """Display rows and/or a form row, with the plan's warnings swapped out of band."""
    detail = selectors.event_detail_for(user=request.user, event=event)
    context = {
        "event": event,
        "rows": rows,
        "form_row": form_row,
        "detail": detail,
        "multi_day": _multi_day(event),
    }
    return _partial(request, "events/_plan_response.html", context)


def _form_page(request, form_row: dict):
    """A form row for htmx, or a page of its own with that row (without JavaScript)."""
    if _wants_partial(request):
        return _partial(request, "events/_encounter_form_row.html", {"fr": form_row})
    return render(request, "events/encounter_form.html", {"fr": form_row})


@login_required
def encounter_add(request, pk):
    event = selectors.event_get_for(user=request.user, pk=pk)
    permissions.ensure_can_change_event(request.user, event)
    if request.method != "POST":
        return _form_page(
            request, _form_row_context(request.user, event, _new_encounter_form(event))
        )
    form = forms.EncounterForm(request.POST, key=_form_key("new"))
    if form.is_valid():
        try:
            encounter = services.encounter_add(
                actor=request.user, event=event, **form.service_fields()
            )
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            if _wants_partial(request):
                encounter = selectors.encounter_get_for(user=request.user, pk=encounter.pk)
                row = _plan_row(Rights.of(request.user, event), encounter)
                fresh = _form_row_context(request.user, event, _new_encounter_form(event))
                return _rows_response(request, event, rows=[row], form_row=fresh)
            messages.success(
                request,
                _("%(colleague)s meets %(contact)s: added to the plan.")
                % {"colleague": encounter.colleague, "contact": encounter.contact},
            )
            return redirect(_event_url(event, "plan"))
    return _form_page(request, _form_row_context(request.user, event, form))


def _encounter_form_class(user, encounter: Encounter):
    """Planners change every column; the colleague who meets them only the goal."""
    if permissions.can_write_encounter(user, encounter, set(services.ENCOUNTER_FIELDS)):
        return forms.EncounterForm
    permissions.ensure_can_write_encounter(user, encounter, {"goal", "stakeholder_goal"})
    return forms.EncounterGoalForm


@login_required
def encounter_edit(request, pk):
    encounter = selectors.encounter_get_for(user=request.user, pk=pk)
    event = encounter.event
    form_class = _encounter_form_class(request.user, encounter)
    key = _form_key(encounter.pk)
    if request.method != "POST":
        form = form_class(instance=encounter, key=key)
        return _form_page(request, _form_row_context(request.user, event, form, encounter))
    form = form_class(request.POST, instance=encounter, key=key)
    if form.is_valid():
        try:
            services.encounter_update(
                actor=request.user, encounter=encounter, **form.service_fields()
            )
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            if _wants_partial(request):
                encounter = selectors.encounter_get_for(user=request.user, pk=encounter.pk)
                row = _plan_row(Rights.of(request.user, event), encounter)
                return _rows_response(request, event, rows=[row])
            messages.success(request, _("Encounter saved."))
            return redirect(_event_url(event, f"encounter-{encounter.pk}"))
    encounter = selectors.encounter_get_for(user=request.user, pk=encounter.pk)  # as stored
    return _form_page(request, _form_row_context(request.user, event, form, encounter))


@login_required
def encounter_row(request, pk):
    """The row as it is (to cancel an edit in place)."""
    encounter = selectors.encounter_get_for(user=request.user, pk=pk)
    if not _wants_partial(request):
        return redirect(_event_url(encounter.event, f"encounter-{encounter.pk}"))
    row = _plan_row(Rights.of(request.user, encounter.event), encounter)
    return _partial(
        request,
        "events/_encounter_row.html",
        {"row": row, "event": encounter.event, "multi_day": _multi_day(encounter.event)},
    )


@login_required
@require_POST
def encounter_delete(request, pk):
    encounter = selectors.encounter_get_for(user=request.user, pk=pk)
    event = encounter.event
    services.encounter_delete(actor=request.user, encounter=encounter)
    if _wants_partial(request):
        return _rows_response(request, event)
    messages.success(
        request,
        _("Removed from the plan: %(colleague)s meets %(contact)s.")
        % {"colleague": encounter.colleague, "contact": encounter.contact},
    )
    return redirect(_event_url(event, "plan"))


@login_required
def encounter_outcome(request, pk):
    encounter = selectors.encounter_get_for(user=request.user, pk=pk)
    event = encounter.event
    key = _form_key(encounter.pk)
    if request.method != "POST":
        if not Rights.of(request.user, event).may_record_outcome(encounter):
            raise NotAllowed(
                _("Only the colleague who met them records the outcome, once the event has begun.")
            )
        form = forms.OutcomeForm(key=key, initial={"outcome": encounter.outcome})
        return render(
            request,
            "events/outcome_form.html",
            {"event": event, "encounter": encounter, "form": form},
        )
    form = forms.OutcomeForm(request.POST, key=key)
    if form.is_valid():
        data = form.cleaned_data
        next_step = None
        if data["next_step_text"].strip():
            next_step = NextStep(text=data["next_step_text"], due_on=data["next_step_due_on"])
        try:
            services.encounter_record_outcome(
                actor=request.user,
                encounter=encounter,
                outcome=data["outcome"],
                next_step=next_step,
            )
        except ServiceError as error:
            _add_service_error(form, error)
        else:
            if _wants_partial(request):
                encounter = selectors.encounter_get_for(user=request.user, pk=encounter.pk)
                row = _plan_row(Rights.of(request.user, event), encounter)
                return _rows_response(request, event, rows=[row])
            messages.success(
                request,
                _("Outcome recorded, and the meeting with %(contact)s is logged.")
                % {"contact": encounter.contact},
            )
            return redirect(_event_url(event, f"encounter-{encounter.pk}"))
    if _wants_partial(request):
        encounter = selectors.encounter_get_for(user=request.user, pk=encounter.pk)
        row = _plan_row(Rights.of(request.user, event), encounter, outcome_form=form)
        return _partial(
            request,
            "events/_encounter_row.html",
            {"row": row, "event": event, "multi_day": _multi_day(event)},
        )
    return render(
        request, "events/outcome_form.html", {"event": event, "encounter": encounter, "form": form}
    )


@login_required
def encounter_contacts(request, pk):
    """The "Meets whom" select again: the guests, then the contacts matching the search."""
    event = selectors.event_get_for(user=request.user, pk=pk)
    key = _row_key(request.GET.get("row"))
    form = forms.EncounterForm(request.GET, key=key)
    found = relation_selectors.contact_typeahead(user=request.user, query=request.GET.get("q", ""))
    form_row = {"event": event, "form": form, "key": key, "oob_goals": True}
    form_row.update(_contact_choices(request.user, event, form, found))
    if form_row["selected_contact"] is None and len(form_row["others"]) == 1:
        form_row["selected_contact"] = form_row["others"][0].pk  # the one match: take it
    form_row.update(_goal_choices(request.user, None, form_row["selected_contact"]))
    return _partial(request, "events/_encounter_contact_select.html", {"fr": form_row})


@login_required
def encounter_goal_options(request, pk):
    """The stakeholder goals of the chosen contact's groups (when "Meets whom" changes)."""
    event = selectors.event_get_for(user=request.user, pk=pk)
    key = _row_key(request.GET.get("row"))
    form = forms.EncounterForm(request.GET, key=key)
    form_row = {"event": event, "key": key, "form": form}
    form_row.update(_goal_choices(request.user, None, form.raw_id("contact")))
    return _partial(request, "events/_goal_options.html", {"fr": form_row})


# Briefings


@login_required
def briefing_index(request, pk):
    event = selectors.event_get_for(user=request.user, pk=pk)
    colleagues = selectors.briefing_colleagues(event=event)
    return render(request, "events/briefing_index.html", {"event": event, "colleagues": colleagues})


@login_required
def briefing_all(request, pk):
    """Every colleague's briefing, one after another, each on a page of its own in print."""
    event = selectors.event_get_for(user=request.user, pk=pk)
    briefings = [
        selectors.briefing_for(viewer=request.user, event=event, colleague=colleague)
        for colleague in selectors.briefing_colleagues(event=event)
    ]
    return render(
        request,
        "events/briefing_all.html",
        {"event": event, "briefings": briefings, "multi_day": _multi_day(event)},
    )


@login_required
def briefing(request, pk, user_id):
    event = selectors.event_get_for(user=request.user, pk=pk)
    colleague = relation_selectors.get_or_404(selectors.briefing_colleagues(event=event), user_id)
    the_briefing = selectors.briefing_for(viewer=request.user, event=event, colleague=colleague)
    return render(
        request,
        "events/briefing.html",
        {"event": event, "briefing": the_briefing, "multi_day": _multi_day(event)},
    )
