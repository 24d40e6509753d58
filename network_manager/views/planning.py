"""Placeholder: being written."""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404("not built yet")


strategy = _missing
strategy_edit = _missing
goal_add = _missing
goal_edit = _missing
goal_delete = _missing
roadmap = _missing
step_add = _missing
step_edit = _missing
step_delete = _missing
team_list = _missing
team_create = _missing
team_detail = _missing
team_edit = _missing
group_assign = _missing
key_contact_edit = _missing
key_contact_remove = _missing
