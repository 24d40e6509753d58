from django.urls import include, path
from rest_framework.routers import DefaultRouter

from stakeholders import api

router = DefaultRouter()
router.register("stakeholder-groups", api.StakeholderGroupViewSet, basename="stakeholder-group")
router.register("group-memberships", api.ContactMembershipViewSet, basename="group-membership")
router.register(
    "group-organisation-memberships",
    api.OrganisationMembershipViewSet,
    basename="group-organisation-membership",
)
router.register("goals", api.GoalViewSet, basename="goal")
router.register("topics", api.TopicViewSet, basename="topic")
router.register("networks", api.NetworkViewSet, basename="network")

urlpatterns = [
    path("", include(router.urls)),
]
