from django.urls import include, path

from events import views

app_name = "events"

# Page names the other parts rely on (e-mails, feeds, nav): calendar, year, month,
# event_list, event_create, event_detail, event_edit, event_delete, briefing_index, briefing.
urlpatterns = [
    path("", include("events.feed_urls")),
    path("", views.calendar_this_year, name="calendar"),
]
