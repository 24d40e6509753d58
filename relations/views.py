"""HTML pages of the relations app: parse (form) → selector/service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relations import forms, permissions, selectors, services
from relations.extensions import meeting_form_extensions

PAGE_SIZE = 25


def _add_service_error(form, error: services.ServiceError) -> None:
    """Show a domain error next to the field it concerns (or above the form)."""
    field = error.field if error.field in form.fields else None
    message = error.message
    existing = getattr(error, "existing", None)
    if existing is not None:
        message = format_html(
            '{} <a href="{}">{}</a>', message, existing.get_absolute_url(), _("Open it")
        )
    form.add_error(field, message)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _wants_partial(request) -> bool:
    """An htmx request for a piece of the page (a history restore needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render_list(request, page_template: str, partial_template: str, context: dict):
    template = partial_template if _wants_partial(request) else page_template
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _page(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# My network


@login_required
def my_network(request):
    network = selectors.my_network(user=request.user)
    return render(
        request, "relations/my_network.html", {"network": network, "today": network.today}
    )


@login_required
def my_relationships(request):
    """All my relationships of one warmth, paged (My network shows the first few)."""
    warmth = request.GET.get("warmth", "")
    if warmth not in selectors.Warmth.values:
        warmth = selectors.Warmth.COLD
    ties = selectors.relationship_list_for(
        user=request.user, colleague_id=request.user.pk, warmth=warmth
    ).filter(contact__archived=False)
    page = _page(request, ties)
    context = {
        "page": page,
        "ties": [selectors.TieView(tie, selectors.Warmth(warmth)) for tie in page],
        "warmth": warmth,
        "warmth_choices": selectors.Warmth.choices,
    }
    return render(request, "relations/my_relationships.html", context)


@login_required
def followup_list(request):
    """My open follow-ups, paged; ?due=1 keeps those due today or overdue."""
    only_due = request.GET.get("due") == "1"
    followups = selectors.followup_list_for(
        user=request.user,
        done=False,
        assignee_id=request.user.pk,
        due_by=selectors.today() if only_due else None,
    )
    page = _page(request, followups)
    context = {"page": page, "only_due": only_due, "today": selectors.today()}
    return render(request, "relations/followup_list.html", context)


# Contacts


@login_required
def contact_list(request):
    search = forms.ContactSearchForm(request.GET or None)
    contacts = selectors.contact_list_for(user=request.user, **search.filters())
    page = _page(request, contacts)
    on = selectors.today()
    rows = [
        (contact, selectors.warmth_of(contact.last_interaction_on, contact.cadence_days, on))
        for contact in page
    ]
    context = {
        "search": search,
        "page": page,
        "rows": rows,
        "filtered": any(request.GET.get(name) for name in ("q", "owner", "warmth", "tag")),
    }
    return _render_list(
        request, "relations/contact_list.html", "relations/_contact_table.html", context
    )


@login_required
def contact_create(request):
    initial = {"owner": request.user.pk, "organisation": request.GET.get("organisation")}
    form = forms.ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields, tags = form.service_fields()
        try:
            contact = services.contact_create(actor=request.user, tags=tags, **fields)
        except services.ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Contact %(name)s added.") % {"name": contact})
            return redirect(contact)
    return render(request, "relations/contact_form.html", {"form": form, "contact": None})


@login_required
def contact_edit(request, pk):
    contact = selectors.contact_get_for(user=request.user, pk=pk)
    permissions.ensure_can_change_contact(request.user, contact)
    form = forms.ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        fields, tags = form.service_fields()
        try:
            contact = services.contact_update(
                actor=request.user, contact=contact, tags=tags, **fields
            )
        except services.ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Contact %(name)s saved.") % {"name": contact})
            return redirect(contact)
    return render(request, "relations/contact_form.html", {"form": form, "contact": contact})


def _render_contact_detail(request, contact, affiliation_form=None):
    detail = selectors.contact_detail_for(user=request.user, contact=contact)
    return render(
        request,
        "relations/contact_detail.html",
        {
            "detail": detail,
            "contact": contact,
            "today": selectors.today(),
            "affiliation_form": affiliation_form or forms.AffiliationForm(),
        },
    )


@login_required
def contact_detail(request, pk):
    contact = selectors.contact_get_for(user=request.user, pk=pk)
    return _render_contact_detail(request, contact)


@login_required
@require_POST
def affiliation_add(request, pk):
    contact = selectors.contact_get_for(user=request.user, pk=pk)
    form = forms.AffiliationForm(request.POST)
    if form.is_valid():
        try:
            services.affiliation_add(actor=request.user, contact=contact, **form.cleaned_data)
        except services.ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Affiliation added."))
            return redirect(contact)
    return _render_contact_detail(request, contact, affiliation_form=form)


@login_required
@require_POST
def affiliation_remove(request, pk):
    affiliation = selectors.affiliation_get_for(user=request.user, pk=pk)
    services.affiliation_remove(actor=request.user, affiliation=affiliation)
    messages.success(request, _("Affiliation removed."))
    return redirect(affiliation.contact)


@login_required
def contact_typeahead(request):
    query = request.GET.get("q", "")
    results = selectors.contact_typeahead(user=request.user, query=query)
    return render(
        request,
        "relations/_typeahead_results.html",
        {"results": results, "query": query, "too_short": len(query.strip()) < 2},
    )


@login_required
def contact_chip(request, pk):
    contact = selectors.contact_get_for(user=request.user, pk=pk)
    already_chosen = str(contact.pk) in request.GET.getlist("contacts")
    return render(
        request,
        "relations/_contact_chip.html",
        {"contact": contact, "duplicate": already_chosen, "oob_reset": bool(request.htmx)},
    )


# Organisations


@login_required
def organisation_list(request):
    search = forms.OrganisationSearchForm(request.GET or None)
    term = search.cleaned_data["q"] if search.is_valid() else ""
    page = _page(request, selectors.organisation_list_for(user=request.user, search=term))
    context = {"search": search, "page": page, "filtered": bool(term)}
    return _render_list(
        request, "relations/organisation_list.html", "relations/_organisation_table.html", context
    )


@login_required
def organisation_typeahead(request):
    """Options for an organisation input's datalist; the input sends its own name."""
    query = request.GET.get("q") or request.GET.get("organisation") or ""
    results = []
    if len(query.strip()) >= 2:
        results = selectors.organisation_list_for(user=request.user, search=query)[:10]
    return render(request, "relations/_organisation_options.html", {"results": results})


@login_required
def organisation_detail(request, pk):
    organisation = selectors.organisation_get_for(user=request.user, pk=pk)
    detail = selectors.organisation_detail_for(user=request.user, organisation=organisation)
    on = selectors.today()
    contacts = [
        (contact, selectors.warmth_of(contact.last_interaction_on, contact.cadence_days, on))
        for contact in detail.contacts
    ]
    return render(
        request,
        "relations/organisation_detail.html",
        {"detail": detail, "organisation": organisation, "contacts": contacts},
    )


@login_required
def organisation_create(request):
    form = forms.OrganisationForm(request.POST or None, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        except services.ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Organisation %(name)s added.") % {"name": organisation})
            return redirect(organisation)
    return render(request, "relations/organisation_form.html", {"form": form, "organisation": None})


@login_required
def organisation_edit(request, pk):
    organisation = selectors.organisation_get_for(user=request.user, pk=pk)
    permissions.ensure_can_change_organisation(request.user, organisation)
    form = forms.OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_update(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except services.ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Organisation %(name)s saved.") % {"name": organisation})
            return redirect(organisation)
    return render(
        request,
        "relations/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


# Meetings


@login_required
def meeting_log(request):
    if request.method == "POST":
        form = forms.MeetingForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            contacts = form.contacts_in_order()
            next_step = None
            if data["next_step_text"].strip():
                next_step = services.NextStep(
                    text=data["next_step_text"],
                    due_on=data["next_step_due_on"],
                    assignee=data["next_step_assignee"],
                )
            try:
                with transaction.atomic():
                    interaction = services.interaction_log(
                        author=request.user,
                        kind=data["kind"],
                        occurred_on=data["occurred_on"],
                        contacts=contacts,
                        our_participants=list(data["our_participants"]) or None,
                        summary=data["summary"],
                        given=data["given"],
                        asked=data["asked"],
                        confidential=data["confidential"],
                        next_step=next_step,
                    )
                    for extension in meeting_form_extensions():
                        extension.apply(
                            actor=request.user, interaction=interaction, cleaned_data=data
                        )
            except services.ServiceError as error:
                _add_service_error(form, error)
            else:
                if next_step is not None:
                    message = _("Meeting logged, and the next step is on the list.")
                else:
                    message = _("Meeting logged.")
                messages.success(request, message)
                return redirect(contacts[0])
    else:
        initial = {}
        if request.GET.get("contact"):
            initial["contacts"] = [request.GET["contact"]]
        form = forms.MeetingForm(user=request.user, initial=initial)
    return render(
        request, "relations/meeting_form.html", {"form": form, "chosen": form.chosen_contacts()}
    )


@login_required
def interaction_detail(request, pk):
    interaction = selectors.interaction_get_for(user=request.user, pk=pk)
    followups = selectors.followup_list_for(user=request.user).filter(interaction=interaction)
    return render(
        request,
        "relations/interaction_detail.html",
        {
            "interaction": interaction,
            "followups": followups,
            "today": selectors.today(),
            "can_change": permissions.can_change_interaction(request.user, interaction),
        },
    )


@login_required
def interaction_edit(request, pk):
    interaction = selectors.interaction_get_for(user=request.user, pk=pk)
    permissions.ensure_can_change_interaction(request.user, interaction)
    form = forms.InteractionForm(request.POST or None, instance=interaction)
    if request.method == "POST" and form.is_valid():
        try:
            services.interaction_update(
                actor=request.user, interaction=interaction, **form.cleaned_data
            )
        except services.ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect(interaction)
    return render(
        request, "relations/interaction_form.html", {"form": form, "interaction": interaction}
    )


# Follow-ups


@login_required
@require_POST
def followup_done(request, pk):
    followup = selectors.followup_get_for(user=request.user, pk=pk)
    followup = services.followup_complete(actor=request.user, followup=followup)
    if request.htmx:
        return render(
            request,
            "relations/_followup_row.html",
            {"followup": followup, "today": selectors.today(), "show_contact": True},
        )
    messages.success(request, _("Done: %(text)s") % {"text": followup.text})
    return redirect(_safe_next(request, reverse("relations:my_network")))


# Account


@login_required
def account(request):
    user = request.user
    language_form = forms.LanguageForm(initial={"language": user.language})
    new_key = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "language":
            language_form = forms.LanguageForm(request.POST)
            if language_form.is_valid():
                try:
                    services.user_set_language(
                        user=user, language=language_form.cleaned_data["language"]
                    )
                except services.ServiceError as error:
                    _add_service_error(language_form, error)
                else:
                    # The next page renders in the new language (see UserLanguageMiddleware).
                    messages.success(request, _("Language saved."))
                    return redirect("relations:account")
        elif action == "token_create":
            # Shown once, in this very response: a redirect would need to store the key.
            new_key = services.api_token_regenerate(user=user).key
        elif action == "token_revoke":
            services.api_token_revoke(user=user)
            messages.success(request, _("Your API token was revoked."))
            return redirect("relations:account")
        else:
            return HttpResponse(status=400)
    return render(
        request,
        "relations/account.html",
        {
            "language_form": language_form,
            "token": selectors.api_token_of(user=user),
            "new_key": new_key,
            "teams": selectors.teams_of(user=user),
        },
    )
