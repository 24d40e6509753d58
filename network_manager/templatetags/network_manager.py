"""Pieces of the strategic layer on other pages.

`{% network_tabs current %}` draws the tab bar of the Network section (the dashboard and
teams tabs only for network managers and team leads); `{% key_contact_panel contact %}`
shows on the contact page whether the contact is a key contact, and lets network managers
assign it.
"""

from django import template

from network_manager import forms
from network_manager.models import KeyContact
from network_manager.permissions import can_see_dashboard as can_see_dashboard_of
from relations.permissions import is_network_manager

register = template.Library()


def _is_manager(context) -> bool:
    # is_network_manager caches the roles on the user: no query after the context processor.
    request = context.get("request")
    return request is not None and is_network_manager(request.user)


@register.inclusion_tag("network_manager/_tabs_bar.html", takes_context=True)
def network_tabs(context, current: str = ""):
    request = context.get("request")
    can_see_dashboard = request is not None and can_see_dashboard_of(request.user)
    return {"current": current, "can_see_dashboard": can_see_dashboard}


@register.inclusion_tag("network_manager/key_contact_panel.html", takes_context=True)
def key_contact_panel(context, contact):
    """One query for everybody, two for network managers (the form's options)."""
    key_contact = (
        KeyContact.objects.select_related("team", "networker").filter(contact_id=contact.pk).first()
    )
    manager = _is_manager(context)
    form = None
    if manager and not contact.archived:
        initial = {}
        if key_contact is not None:
            initial = {
                "team": key_contact.team_id,
                "networker": key_contact.networker_id,
                "reason": key_contact.reason,
            }
        form = forms.KeyContactForm(initial=initial, auto_id="id_key_%s")
        form.use_options(*forms.assignment_options())
    request = context.get("request")
    return {
        "contact": contact,
        "key_contact": key_contact,
        "can_change": manager,
        "form": form,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
