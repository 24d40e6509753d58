"""HTML pages of the privacy app: parse → the same selectors and services as the API → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from privacy import forms, selectors, services
from relations import selectors as relation_selectors
from relations.services import ServiceError
from relations.views import _page


def export_response(document: dict, contact_pk: int) -> JsonResponse:
    """The personal-data document as a download; never cached (it is all personal data)."""
    response = JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="contact-{contact_pk}.json"'
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_safe
def contact_export(request, pk):
    contact = relation_selectors.contact_get_for(user=request.user, pk=pk)
    document = services.contact_export(actor=request.user, contact=contact)
    return export_response(document, contact.pk)


@login_required
def contact_erase(request, pk):
    contact = relation_selectors.contact_get_for(user=request.user, pk=pk)
    preview = selectors.erasure_preview(user=request.user, contact=contact)
    form = forms.EraseForm(request.POST or None)
    if request.method == "POST" and preview.erasure is None and form.is_valid():
        try:
            services.contact_erase(
                actor=request.user,
                contact=contact,
                confirm_name=form.cleaned_data["confirm_name"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The contact's personal data was erased."))
            return redirect(contact)
    return render(
        request,
        "privacy/contact_erase.html",
        {"contact": contact, "preview": preview, "form": form},
    )


@login_required
def retention(request):
    contacts = selectors.retention_due(user=request.user)
    page = _page(request, contacts)
    context = {
        "page": page,
        "months": selectors.retention_months(),
        "cutoff": selectors.retention_cutoff(),
    }
    return render(request, "privacy/retention.html", context)


@login_required
def history(request, app_label, model, pk):
    target = selectors.history_target_for(
        user=request.user, app_label=app_label, model_name=model, pk=pk
    )
    page = _page(request, selectors.history_entries(target))
    context = {
        "target": target,
        "page": page,
        "rows": selectors.history_rows(target, page.object_list),
        "object_url": _url_of(target.obj),
    }
    return render(request, "privacy/history.html", context)


def _url_of(obj) -> str:
    get_url = getattr(obj, "get_absolute_url", None)
    return get_url() if callable(get_url) else ""
