from django.urls import include, path

from events import views

app_name = "events"

# Page names the other parts rely on (e-mails, feeds, nav): calendar, year, month,
# event_list, event_create, event_detail, event_edit, event_delete, briefing_index, briefing.
urlpatterns = [
    path("", include("events.feed_urls")),
    path("", views.calendar_this_year, name="calendar"),
    path("<int:year>/", views.year, name="year"),
    path("<int:year>/<int:month>/", views.month, name="month"),
    path("list/", views.event_list, name="event_list"),
    path("new/", views.event_create, name="event_create"),
    path("event/<int:pk>/", views.event_detail, name="event_detail"),
    path("event/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("event/<int:pk>/delete/", views.event_delete, name="event_delete"),
    # The guest list
    path("event/<int:pk>/guests.csv", views.guests_csv, name="guests_csv"),
    path("event/<int:pk>/guests/find/", views.guest_typeahead, name="guest_typeahead"),
    path("event/<int:pk>/guests/add/", views.guest_add, name="guest_add"),
    path("event/<int:pk>/guests/add-group/", views.guest_add_group, name="guest_add_group"),
    path("event/<int:pk>/guests/status/", views.guests_set_status, name="guests_set_status"),
    path("guest/<int:pk>/remove/", views.guest_remove, name="guest_remove"),
    # The encounter plan
    path("event/<int:pk>/plan/add/", views.encounter_add, name="encounter_add"),
    path("event/<int:pk>/plan/contacts/", views.encounter_contacts, name="encounter_contacts"),
    path("event/<int:pk>/plan/goals/", views.encounter_goal_options, name="encounter_goal_options"),
    path("encounter/<int:pk>/", views.encounter_row, name="encounter_row"),
    path("encounter/<int:pk>/edit/", views.encounter_edit, name="encounter_edit"),
    path("encounter/<int:pk>/remove/", views.encounter_delete, name="encounter_delete"),
    path("encounter/<int:pk>/outcome/", views.encounter_outcome, name="encounter_outcome"),
    # Briefings
    path("event/<int:pk>/briefings/", views.briefing_index, name="briefing_index"),
    path("event/<int:pk>/briefings/print/", views.briefing_all, name="briefing_all"),
    path("event/<int:pk>/briefing/<int:user_id>/", views.briefing, name="briefing"),
]
