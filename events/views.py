"""HTML pages of the event calendar: parse (form) → selector/service → render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def calendar_this_year(request):
    return HttpResponse("")
