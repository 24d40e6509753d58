"""HTML pages of the event calendar: parse (form) → selector/service → render."""

from django.http import HttpResponse

from events import selectors


def feed(request, token):
    selectors.feed_get(token=token)
    return HttpResponse("", content_type="text/calendar")
