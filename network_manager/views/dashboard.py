"""Placeholder: being written."""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404("not built yet")


dashboard = _missing
relationships = _missing
key_contacts = _missing
overdue_followups = _missing
who_knows_whom = _missing
