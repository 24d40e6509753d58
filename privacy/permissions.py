"""Who may use the personal-data tools and read the audit trail: network managers.

A contact is readable by everybody, so refusing its export or erasure is a 403 (the
action is forbidden, the object is not hidden). The audit history of an object is not
a page others may know of: for them it does not exist (404), as DESIGN.md §4 has it
for unreadable objects.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from relations.permissions import NotAllowed, is_network_manager


def can_manage_personal_data(user) -> bool:
    return is_network_manager(user)


def ensure_can_manage_personal_data(user) -> None:
    if not can_manage_personal_data(user):
        raise NotAllowed(_("Only network managers may export, erase or review personal data."))


def can_read_history(user) -> bool:
    return is_network_manager(user)


def ensure_can_read_history(user) -> None:
    if not can_read_history(user):
        raise Http404(_("No history found."))
