"""Calendar feeds: the personal iCalendar feed (secret token), its settings, per-event .ics."""

from django.urls import path

from events import feed_views

urlpatterns = [
    path("feed/", feed_views.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", feed_views.feed, name="feed"),
    path("event/<int:pk>/event.ics", feed_views.event_ics, name="event_ics"),
]
