from django.urls import include, path
from rest_framework.routers import DefaultRouter

from events import api

router = DefaultRouter()
router.register("events", api.EventViewSet, basename="event")
router.register("invitations", api.InvitationViewSet, basename="invitation")
router.register("encounters", api.EncounterViewSet, basename="encounter")

urlpatterns = [
    path("me/calendar-feed/", api.CalendarFeedView.as_view(), name="api-me-calendar-feed"),
    path("", include(router.urls)),
]
