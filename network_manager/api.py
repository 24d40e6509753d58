"""REST API of the strategic layer: strategy, roadmap, key contacts, group assignments, the
dashboard and who knows whom.

Built on the relations API's base classes: each endpoint parses input with a serializer,
calls the same service or selector as the HTML page, and serializes the result. Strategy,
goals, roadmap and group assignments are read by every active user and changed by network
managers (403 otherwise). Key contacts and the dashboard follow the dashboard's scope
(permissions.dashboard_scope): network managers see the organisation, team leads their
team(s), anybody else gets a 404, as on the pages. Teams themselves are /api/v1/teams/.
"""

from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from network_manager import selectors, services
from network_manager.models import KeyContact, RoadmapStep, StepStatus, StrategyGoal
from network_manager.permissions import Scope, dashboard_scope
from network_manager.serializers import (
    DashboardQuerySerializer,
    DashboardSerializer,
    GroupAssignmentSerializer,
    KeyContactQuerySerializer,
    KeyContactSerializer,
    KeyContactUpdateSerializer,
    OverdueQuerySerializer,
    RelationshipQuerySerializer,
    RoadmapProgressSerializer,
    RoadmapStepSerializer,
    StrategyGoalSerializer,
    StrategySerializer,
    WhoKnowsWhomQuerySerializer,
    WhoKnowsWhomSerializer,
)
from relations.api import ApiSchema, DomainErrorsMixin, Pagination, ScopedViewSet, _detail
from relations.filters import SelectorFilterSet, id_filter
from relations.models import FollowUp, Relationship
from relations.selectors import get_or_404
from relations.serializers import FollowUpSerializer, RelationshipSerializer
from stakeholders import selectors as stakeholder_selectors
from stakeholders.models import StakeholderGroup

_MANAGERS = "Network managers only (403 otherwise)."
_SCOPE = (
    "Network managers see the whole organisation, a team lead the teams they lead; anybody "
    "else gets a 404, as on the dashboard."
)
TEAM_PARAMETER = OpenApiParameter(
    "team",
    OpenApiTypes.INT,
    description="Narrow to one team. A team that does not exist or that the user does not "
    "lead (network managers: any team) is a 404, as on the dashboard.",
)
NO_DASHBOARD = OpenApiResponse(
    _detail, description="Not a network manager or team lead, or not their team."
)


class DashboardScopeMixin:
    """The scope of the request: the user's, narrowed by `?team=` (404 as on the pages)."""

    def scope(self) -> Scope:
        if not hasattr(self, "_scope"):
            self._scope = dashboard_scope(self.request.user, self.request.query_params.get("team"))
        return self._scope

    def query(self, serializer_class) -> dict:
        """The other query parameters, checked by shape: a bad value is a 400 naming it."""
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "team": self.request.query_params.get("team")}


# Strategy


@extend_schema(tags=["strategy"])
class StrategyView(DomainErrorsMixin, APIView):
    """The organisation's one network strategy and its goals; everybody reads it."""

    schema = ApiSchema()

    def answer(self, strategy) -> Response:
        strategy.goal_list = list(selectors.strategy_goal_list())
        return Response(StrategySerializer(strategy, context={"request": self.request}).data)

    @extend_schema(summary="The network strategy", responses={200: StrategySerializer})
    def get(self, request):
        return self.answer(selectors.strategy_get())

    @extend_schema(
        summary="Change the network strategy",
        description=f"The definition and what it adds to sales and marketing. {_MANAGERS} "
        "Goals are changed through /api/v1/strategy-goals/.",
        request=StrategySerializer,
        responses={200: StrategySerializer},
    )
    def patch(self, request):
        serializer = StrategySerializer(
            selectors.strategy_get(), data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        strategy = services.strategy_update(actor=request.user, **serializer.validated_data)
        return self.answer(strategy)


@extend_schema_view(
    list=extend_schema(summary="List the goals of the strategy", description="In order."),
    create=extend_schema(description=_MANAGERS),
    update=extend_schema(description=_MANAGERS),
    partial_update=extend_schema(description=_MANAGERS),
    destroy=extend_schema(description=_MANAGERS),
)
@extend_schema(tags=["strategy"])
class StrategyGoalViewSet(ScopedViewSet):
    model = StrategyGoal
    serializer_class = StrategyGoalSerializer
    filter_backends: list = []

    def list_selector(self, *, user):
        return selectors.strategy_goal_list()

    def get_object(self):
        goal = selectors.strategy_goal_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, goal)
        return goal

    def reloaded(self, goal: StrategyGoal) -> StrategyGoal:
        return selectors.strategy_goal_get_for(user=self.request.user, pk=goal.pk)

    def create(self, request):
        goal = services.strategy_goal_save(actor=request.user, **self.parse())
        return self.respond(self.reloaded(goal), status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        goal = self.get_object()
        data = self.parse(instance=goal, partial=partial)
        goal = services.strategy_goal_save(actor=request.user, goal=goal, **data)
        return self.respond(self.reloaded(goal))

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.strategy_goal_delete(actor=request.user, goal=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# Roadmap


class RoadmapStepFilter(SelectorFilterSet):
    status = filters.ChoiceFilter(choices=StepStatus.choices)
    owner = id_filter("Id of the owner.")

    def select(self, *, user, params):
        return selectors.roadmap_step_list(
            status=params.get("status") or "", owner_id=params.get("owner")
        )


@extend_schema_view(
    list=extend_schema(summary="List the roadmap steps", description="By target date."),
    create=extend_schema(description=_MANAGERS),
    update=extend_schema(description=_MANAGERS),
    partial_update=extend_schema(description=_MANAGERS),
    destroy=extend_schema(description=_MANAGERS),
)
@extend_schema(tags=["roadmap"])
class RoadmapStepViewSet(ScopedViewSet):
    model = RoadmapStep
    serializer_class = RoadmapStepSerializer
    filterset_class = RoadmapStepFilter
    filter_backends = [filters.DjangoFilterBackend]

    def list_selector(self, *, user):
        return selectors.roadmap_step_list()

    def get_object(self):
        step = selectors.roadmap_step_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, step)
        return step

    def create(self, request):
        step = services.roadmap_step_save(actor=request.user, **self.parse())
        return self.respond(step, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        step = self.get_object()
        data = self.parse(instance=step, partial=partial)
        step = services.roadmap_step_save(actor=request.user, step=step, **data)
        return self.respond(step)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.roadmap_step_delete(actor=request.user, step=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Progress of the roadmap",
        description="Steps by status (dropped ones do not count), overdue open steps and the "
        "next three open steps, as on the dashboard.",
        responses={200: RoadmapProgressSerializer},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def progress(self, request):
        progress = selectors.roadmap_progress()
        return Response(RoadmapProgressSerializer(progress, context={"request": request}).data)


# Key contacts


@extend_schema_view(
    list=extend_schema(
        summary="List key contacts",
        description=f"{_SCOPE} Most influential first, then the ones longest unmet.",
        parameters=[TEAM_PARAMETER, KeyContactQuerySerializer],
    ),
    retrieve=extend_schema(description=_SCOPE),
    create=extend_schema(
        summary="Mark a contact as key, or change its assignment",
        description="An upsert on `contact`: a key contact already is changed (200), "
        "otherwise created (201). The networker must be active and, with a team, one of its "
        f"members; an archived contact cannot be key (400). {_MANAGERS}",
        responses={200: KeyContactSerializer, 201: KeyContactSerializer},
    ),
    partial_update=extend_schema(
        description=f"Team, networker and reason; fields left out stay. {_MANAGERS}",
        request=KeyContactUpdateSerializer,
        responses={200: KeyContactSerializer},
    ),
    destroy=extend_schema(
        summary="Stop treating a contact as key",
        description=f"The contact itself stays. {_MANAGERS}",
    ),
)
@extend_schema(tags=["key contacts"])
class KeyContactViewSet(DashboardScopeMixin, ScopedViewSet):
    model = KeyContact
    serializer_class = KeyContactSerializer
    filter_backends: list = []

    def list_selector(self, *, user):
        return selectors.key_contact_list_in_scope(self.scope())

    def list(self, request):
        state = self.query(KeyContactQuerySerializer).get("state", "")
        queryset = selectors.key_contact_list_in_scope(self.scope(), state=state)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        key_contact = selectors.key_contact_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, key_contact)
        return key_contact

    def reloaded(self, key_contact: KeyContact) -> KeyContact:
        return selectors.key_contact_get_for(user=self.request.user, pk=key_contact.pk)

    def create(self, request):
        self.scope()  # who has no dashboard gets its 404 here too
        data = self.parse()
        existed = KeyContact.objects.filter(contact=data["contact"]).exists()
        key_contact = services.key_contact_save(actor=request.user, **data)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return self.respond(self.reloaded(key_contact), code)

    def partial_update(self, request, pk=None):
        key_contact = self.get_object()
        data = self.parse(KeyContactUpdateSerializer, instance=key_contact, partial=True)
        key_contact = services.key_contact_save(
            actor=request.user,
            contact=key_contact.contact,
            team=data.get("team", key_contact.team),
            networker=data.get("networker", key_contact.networker),
            reason=data.get("reason", key_contact.reason),
        )
        return self.respond(self.reloaded(key_contact))

    def destroy(self, request, pk=None):
        services.key_contact_remove(actor=request.user, key_contact=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# Assigning stakeholder groups to teams


class GroupAssignmentFilter(SelectorFilterSet):
    team = id_filter("Id of the owning team.")
    steward = id_filter("Id of the steward.")

    def select(self, *, user, params):
        groups = group_assignment_list(user=user, team_id=params.get("team"))
        if params.get("steward"):
            groups = groups.filter(steward_id=params["steward"])
        return groups


def group_assignment_list(*, user, team_id=None):
    return stakeholder_selectors.group_list_for(user=user, team_id=team_id).select_related(
        "steward"
    )


@extend_schema_view(
    list=extend_schema(
        summary="List who owns and tends each stakeholder group",
        description="Every active user reads the assignments of every group.",
    ),
    partial_update=extend_schema(
        summary="Assign a stakeholder group to a team and a steward",
        description="`owning_team` and `steward` (a member of the team when both are set); "
        f"a field left out stays, null clears it. {_MANAGERS}",
    ),
)
@extend_schema(tags=["teams"])
class GroupAssignmentViewSet(ScopedViewSet):
    model = StakeholderGroup
    serializer_class = GroupAssignmentSerializer
    filterset_class = GroupAssignmentFilter
    filter_backends = [filters.DjangoFilterBackend]

    def list_selector(self, *, user):
        return group_assignment_list(user=user)

    def get_object(self):
        group = get_or_404(self.get_queryset(), self.kwargs["pk"])
        self.check_object_permissions(self.request, group)
        return group

    def partial_update(self, request, pk=None):
        group = self.get_object()
        data = self.parse(instance=group, partial=True)
        group = services.group_assign(
            actor=request.user,
            group=group,
            team=data.get("owning_team", group.owning_team),
            steward=data.get("steward", group.steward),
        )
        return self.respond(group)


# The dashboard


@extend_schema(tags=["dashboard"])
class DashboardView(DashboardScopeMixin, DomainErrorsMixin, APIView):
    """Every figure of the network manager's dashboard, as the page shows it."""

    schema = ApiSchema()

    def get_serializer_context(self):
        return {"request": self.request, "team": self.request.query_params.get("team")}

    @extend_schema(
        summary="The dashboard's figures",
        description=f"{_SCOPE} Warmth (now and monthly), coverage of the key stakeholder "
        "groups, key contacts going cold or untended, overdue follow-ups per team and "
        "networker, meetings per month per team, coming events and their plans, give and ask "
        "per group, roadmap progress. Each figure links to the list behind it.",
        parameters=[TEAM_PARAMETER],
        responses={200: DashboardSerializer, 404: NO_DASHBOARD},
    )
    def get(self, request):
        dashboard = selectors.dashboard_for(scope=self.scope())
        return Response(DashboardSerializer(dashboard, context=self.get_serializer_context()).data)


class DashboardListViewSet(DashboardScopeMixin, DomainErrorsMixin, viewsets.GenericViewSet):
    """A list behind a dashboard figure: read-only, in the dashboard's scope."""

    pagination_class = Pagination
    schema = ApiSchema()
    filter_backends: list = []
    model: type = None
    query_serializer: type = DashboardQuerySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return self.model.objects.none()
        return self.select(self.scope(), {})

    def list(self, request):
        queryset = self.select(self.scope(), self.query(self.query_serializer))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def select(self, scope: Scope, params: dict):
        raise NotImplementedError


@extend_schema_view(
    list=extend_schema(
        summary="Relationships behind the warmth figures",
        description=f"{_SCOPE} Ties closest to going (further) cold first.",
        parameters=[TEAM_PARAMETER, RelationshipQuerySerializer],
    )
)
@extend_schema(tags=["dashboard"])
class DashboardRelationshipViewSet(DashboardListViewSet):
    model = Relationship
    serializer_class = RelationshipSerializer
    query_serializer = RelationshipQuerySerializer

    def select(self, scope, params):
        return selectors.relationship_list_in_scope(
            scope, warmth=params.get("warmth", ""), colleague_id=params.get("colleague")
        )


@extend_schema_view(
    list=extend_schema(
        summary="Overdue follow-ups behind the dashboard's figures",
        description=f"{_SCOPE} Open follow-ups past their due date, longest overdue first.",
        parameters=[TEAM_PARAMETER, OverdueQuerySerializer],
    )
)
@extend_schema(tags=["dashboard"])
class DashboardOverdueFollowUpViewSet(DashboardListViewSet):
    model = FollowUp
    serializer_class = FollowUpSerializer
    query_serializer = OverdueQuerySerializer

    def select(self, scope, params):
        return selectors.overdue_followups_in_scope(scope, assignee_id=params.get("assignee"))


# Who knows whom


@extend_schema(tags=["dashboard"])
class WhoKnowsWhomView(DomainErrorsMixin, APIView):
    """Which colleague has the warmest way into an organisation, a person or a topic."""

    schema = ApiSchema()

    @extend_schema(
        summary="Who knows whom",
        description="For every active user. The colleagues with the warmest ties into what "
        "was searched; when nobody has one, the colleagues who know somebody next to it "
        "(second degree), each with up to three go-betweens.",
        parameters=[WhoKnowsWhomQuerySerializer],
        responses={
            200: WhoKnowsWhomSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="`q` missing or shorter than two letters."
            ),
        },
    )
    def get(self, request):
        query = WhoKnowsWhomQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = selectors.who_knows_whom(user=request.user, query=query.validated_data["q"])
        return Response(WhoKnowsWhomSerializer(found, context={"request": request}).data)
