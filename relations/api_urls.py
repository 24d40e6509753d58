from django.urls import include, path
from rest_framework.routers import DefaultRouter

from relations import api

router = DefaultRouter()
router.register("contacts", api.ContactViewSet, basename="contact")
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("relationships", api.RelationshipViewSet, basename="relationship")
router.register("interactions", api.InteractionViewSet, basename="interaction")
router.register("followups", api.FollowUpViewSet, basename="followup")
router.register("teams", api.TeamViewSet, basename="team")

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("", include(router.urls)),
]
