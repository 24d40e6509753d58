"""Calendar feeds (to be written): feed, event_ics, feed_settings."""

from django.http import HttpResponse

from events import selectors


def feed(request, token):
    selectors.feed_get(token=token)
    return HttpResponse("", content_type="text/calendar")


def event_ics(request, pk):
    return HttpResponse("", content_type="text/calendar")


def feed_settings(request):
    return HttpResponse("")
