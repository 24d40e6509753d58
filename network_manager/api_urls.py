from django.urls import include, path
from rest_framework.routers import DefaultRouter

from network_manager import api

router = DefaultRouter()
router.register("strategy-goals", api.StrategyGoalViewSet, basename="strategy-goal")
router.register("roadmap-steps", api.RoadmapStepViewSet, basename="roadmap-step")
router.register("key-contacts", api.KeyContactViewSet, basename="key-contact")
router.register("group-assignments", api.GroupAssignmentViewSet, basename="group-assignment")
router.register(
    "dashboard/relationships",
    api.DashboardRelationshipViewSet,
    basename="dashboard-relationship",
)
router.register(
    "dashboard/overdue-followups",
    api.DashboardOverdueFollowUpViewSet,
    basename="dashboard-overdue-followup",
)

urlpatterns = [
    path("strategy/", api.StrategyView.as_view(), name="api-strategy"),
    path("dashboard/", api.DashboardView.as_view(), name="api-dashboard"),
    path("who-knows-whom/", api.WhoKnowsWhomView.as_view(), name="api-who-knows-whom"),
    path("", include(router.urls)),
]
