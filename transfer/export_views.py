"""Downloads from the pages: the contact list (CSV, Excel, vCard), one contact's vCard,
the stakeholder groups (CSV).

The lists are read with the list pages' own forms and selectors, so an export holds
exactly the rows the page shows (all pages of it), and only what the user may read.

The export links on the list pages send the filter form's current values with htmx
(the filters change in place, without reloading the page). For such a request the
answer is only the address of the download, with the values in its query string; the
browser then fetches it as an ordinary download. Without JavaScript the links carry the
query string of the page itself.
"""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe
from django_htmx.http import HttpResponseClientRedirect

from relations import selectors
from relations.forms import ContactSearchForm, is_possible_id
from stakeholders import selectors as stakeholder_selectors
from stakeholders.forms import GroupFilterForm
from transfer import exports


def _download(view):
    """Login required; an htmx request is sent on to the download; no caching of personal data."""

    @functools.wraps(view)
    @login_required
    @require_safe
    def wrapper(request, *args, **kwargs):
        if request.htmx:
            response = HttpResponseClientRedirect(request.get_full_path())
        else:
            response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["HX-Request"])
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


def _contacts(request):
    """The contact list page's rows: same form, same selector."""
    search = ContactSearchForm(request.GET or None)
    return selectors.contact_list_for(user=request.user, **search.filters())


def _origin(request) -> str:
    return request.build_absolute_uri("/")


@_download
def contacts_export_csv(request):
    return exports.contacts_csv_response(_contacts(request))


@_download
def contacts_export_xlsx(request):
    return exports.contacts_xlsx_response(_contacts(request))


@_download
def contacts_export_vcf(request):
    return exports.contacts_vcard_response(_contacts(request), origin=_origin(request))


@_download
def contact_vcard(request, pk):
    if not is_possible_id(pk):
        raise Http404
    contact = selectors.contact_get_for(user=request.user, pk=pk)
    return exports.contact_vcard_response(contact, origin=_origin(request))


@_download
def groups_export_csv(request):
    """The stakeholder groups the group list shows, one row per member."""
    search = GroupFilterForm(request.GET or None)
    groups = stakeholder_selectors.group_list_for(user=request.user, **search.filters())
    groups = exports.with_members(groups, user=request.user)
    return exports.groups_csv_response(groups)
