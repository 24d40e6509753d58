from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
