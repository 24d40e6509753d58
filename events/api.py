"""REST API of the event calendar: events, guest lists, encounter plans, the feed.

Built on the relations API's base classes: each endpoint parses input with a
serializer, calls the same service or selector as the HTML page, and serializes the
result. Every active user reads; the services decide who changes (NotAllowed is a
403, ServiceError a 400 naming the field), and an unknown id is a 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from events import filters, selectors, services
from events.models import Encounter, Event, Invitation
from events.serializers import (
    AddGroupSerializer,
    BriefingSerializer,
    BulkStatusResultSerializer,
    BulkStatusSerializer,
    CalendarFeedSerializer,
    EncounterSerializer,
    EncounterUpdateSerializer,
    EventDetailSerializer,
    EventSerializer,
    GuestSuggestionSerializer,
    InvitationSerializer,
    InvitationUpdateSerializer,
    OutcomeSerializer,
)
from relations.api import ApiSchema, DomainErrorsMixin, ScopedViewSet
from relations.selectors import get_or_404
from relations.services import NextStep

_PLANNERS = "Event planners, network managers, the organiser and their team lead"
_CHANGE_EVENT = f"{_PLANNERS} (403 for anybody else)."

# Events


@extend_schema_view(
    list=extend_schema(
        summary="List events",
        description="Soonest first, each with the size of its guest list and plan.",
    ),
    retrieve=extend_schema(
        description="With the guests per status, who counts against the capacity, and the "
        "warnings of the encounter plan (double bookings, rows without a goal, key guests "
        "nobody meets)."
    ),
    create=extend_schema(
        description="Event planners and network managers (403 otherwise). The end comes "
        "after the start; only a network meeting names a network.",
        request=EventSerializer,
        responses={201: EventDetailSerializer},
    ),
    update=extend_schema(
        description=_CHANGE_EVENT + " Planned encounters must still fall within the new time.",
        request=EventSerializer,
        responses={200: EventDetailSerializer},
    ),
    partial_update=extend_schema(
        description=_CHANGE_EVENT + " Planned encounters must still fall within the new time.",
        request=EventSerializer,
        responses={200: EventDetailSerializer},
    ),
    destroy=extend_schema(
        description="The guest list and the plan go with the event; meetings logged from it "
        "stay on the timelines. " + _CHANGE_EVENT
    ),
)
@extend_schema(tags=["events"])
class EventViewSet(ScopedViewSet):
    model = Event
    serializer_class = EventSerializer
    filterset_class = filters.EventFilter
    ordering_fields = [
        "starts_at",
        "ends_at",
        "name",
        "created_at",
        "guest_count",
        "encounter_count",
        "goalless_count",
    ]

    def list_selector(self, *, user):
        return selectors.event_list_for(user=user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return EventDetailSerializer
        return super().get_serializer_class()

    def get_object(self):
        # The list selector rather than event_get_for: it carries the plan counts.
        event = get_or_404(self.get_queryset(), self.kwargs["pk"])
        self.check_object_permissions(self.request, event)
        return event

    def reloaded(self, event: Event) -> Event:
        """With the plan counts of the list, after a change."""
        return get_or_404(self.list_selector(user=self.request.user), event.pk)

    def respond_detail(self, event: Event, status_code: int = status.HTTP_200_OK) -> Response:
        """The event with the state of its guest list and the warnings of its plan."""
        event.plan = selectors.event_detail_for(user=self.request.user, event=event)
        serializer = EventDetailSerializer(event, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def retrieve(self, request, pk=None):
        return self.respond_detail(self.get_object())

    def create(self, request):
        event = services.event_create(actor=request.user, **self.parse(EventSerializer))
        return self.respond_detail(self.reloaded(event), status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        event = self.get_object()
        data = self.parse(EventSerializer, instance=event, partial=partial)
        event = services.event_update(actor=request.user, event=event, **data)
        return self.respond_detail(self.reloaded(event))

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.event_delete(actor=request.user, event=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Suggested guests",
        description='People of high-priority or "manage closely" stakeholder groups who are '
        "not on the guest list yet, longest unmet first (never met before everybody else); "
        "at most 20.",
        responses={200: GuestSuggestionSerializer(many=True)},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def suggestions(self, request, pk=None):
        contacts = selectors.guest_suggestions(user=request.user, event=self.get_object())
        serializer = GuestSuggestionSerializer(
            contacts, many=True, context=self.get_serializer_context()
        )
        return Response(serializer.data)

    @extend_schema(
        summary="Put a stakeholder group on the guest list",
        description="Adds every member of the group (and the people of its member "
        "organisations) who is not archived and not on the list yet, as invited or proposed. "
        "Answers the invitations added (an empty list when everybody is on it already). "
        + _CHANGE_EVENT,
        request=AddGroupSerializer,
        responses={201: InvitationSerializer(many=True)},
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="add-group",
        pagination_class=None,
        filterset_class=None,
    )
    def add_group(self, request, pk=None):
        event = self.get_object()
        added = services.invitations_add_group(
            actor=request.user, event=event, **self.parse(AddGroupSerializer)
        )
        # bulk_create leaves the ids unset: read the rows back, as the list shows them.
        invitations = selectors.invitation_list_for(user=request.user, event=event).filter(
            contact__in=[invitation.contact_id for invitation in added]
        )
        serializer = InvitationSerializer(
            invitations, many=True, context=self.get_serializer_context()
        )
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Move several guests to one status",
        description="All of them or none: when any guest cannot make the step the answer is a "
        "400 naming them (under `status`) and nothing changes. " + _CHANGE_EVENT,
        request=BulkStatusSerializer,
        responses={200: BulkStatusResultSerializer},
    )
    @action(detail=True, methods=["post"], url_path="bulk-status", filterset_class=None)
    def bulk_status(self, request, pk=None):
        event = self.get_object()
        serializer = BulkStatusSerializer(
            data=request.data, context={**self.get_serializer_context(), "event": event}
        )
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data["invitations"]
        changed = services.invitations_set_status(
            actor=request.user,
            event=event,
            invitation_ids=ids,
            status=serializer.validated_data["status"],
        )
        invitations = selectors.invitation_list_for(user=request.user, event=event).filter(
            pk__in=ids
        )
        result = BulkStatusResultSerializer(
            {"changed": changed, "invitations": invitations},
            context=self.get_serializer_context(),
        )
        return Response(result.data)

    @extend_schema(
        summary="A colleague's briefing for the event",
        description="Whom the colleague meets, what those people care about (groups, topics), "
        "the latest meetings with them and open next steps, as far as the current user may "
        "read them. 404 when the colleague meets nobody at the event.",
        parameters=[
            OpenApiParameter(
                "user_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The colleague."
            )
        ],
        responses={200: BriefingSerializer},
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"briefing/(?P<user_id>[^/.]+)",
        pagination_class=None,
        filterset_class=None,
    )
    def briefing(self, request, pk=None, user_id=None):
        event = self.get_object()
        colleague = get_or_404(selectors.briefing_colleagues(event=event), user_id)
        briefing = selectors.briefing_for(viewer=request.user, event=event, colleague=colleague)
        return Response(BriefingSerializer(briefing, context=self.get_serializer_context()).data)


# The guest list


@extend_schema_view(
    list=extend_schema(summary="List guests", description="Guest-list rows of every event."),
    create=extend_schema(
        summary="Put a guest on the list, or propose one",
        description=f"{_PLANNERS} add a guest (invited unless `status` says otherwise); anybody "
        "else proposes one: the row is `proposed`, and asking for another status is a 403. "
        "A guest is on an event's list once (400 on `contact`).",
    ),
    update=extend_schema(
        description=f"Status, host and note. {_CHANGE_EVENT} A status change that the guest's "
        "path does not allow is a 400 on `status`.",
        request=InvitationUpdateSerializer,
        responses={200: InvitationSerializer},
    ),
    partial_update=extend_schema(
        description=f"Status, host and note. {_CHANGE_EVENT} A status change that the guest's "
        "path does not allow is a 400 on `status`.",
        request=InvitationUpdateSerializer,
        responses={200: InvitationSerializer},
    ),
    destroy=extend_schema(
        description=f"{_PLANNERS}; the colleague who proposed the guest may withdraw the "
        "proposal while it is still proposed (403 otherwise)."
    ),
)
@extend_schema(tags=["invitations"])
class InvitationViewSet(ScopedViewSet):
    model = Invitation
    serializer_class = InvitationSerializer
    filterset_class = filters.InvitationFilter
    ordering_fields = ["created_at", "updated_at", "status"]

    def list_selector(self, *, user):
        return selectors.invitation_list_for(user=user)

    def get_object(self):
        invitation = selectors.invitation_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, invitation)
        return invitation

    def create(self, request):
        invitation = services.invitation_add(actor=request.user, **self.parse())
        return self.respond(invitation, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        invitation = self.get_object()
        data = self.parse(InvitationUpdateSerializer, instance=invitation, partial=partial)
        invitation = services.invitation_update(actor=request.user, invitation=invitation, **data)
        return self.respond(invitation)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.invitation_remove(actor=request.user, invitation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# The encounter plan

_WRITE_ENCOUNTER = (
    f"{_PLANNERS} change every column; the colleague who meets the contact only `goal` and "
    "`stakeholder_goal` (403 for anything else). The time falls within the event."
)


@extend_schema_view(
    list=extend_schema(
        summary="List encounters",
        description="Rows of the encounter plans: who of us · meets whom · when · with what "
        "goal, and the outcome afterwards.",
    ),
    create=extend_schema(
        summary="Plan an encounter",
        description=f"{_CHANGE_EVENT} The time falls within the event (defaults to its start).",
    ),
    update=extend_schema(
        description=_WRITE_ENCOUNTER,
        request=EncounterUpdateSerializer,
        responses={200: EncounterSerializer},
    ),
    partial_update=extend_schema(
        description=_WRITE_ENCOUNTER,
        request=EncounterUpdateSerializer,
        responses={200: EncounterSerializer},
    ),
    destroy=extend_schema(
        description="A meeting already logged from the row stays on the timeline. " + _CHANGE_EVENT
    ),
)
@extend_schema(tags=["encounters"])
class EncounterViewSet(ScopedViewSet):
    model = Encounter
    serializer_class = EncounterSerializer
    filterset_class = filters.EncounterFilter
    ordering_fields = ["starts_at", "created_at"]

    def list_selector(self, *, user):
        return selectors.encounter_list_for(user=user)

    def get_object(self):
        encounter = selectors.encounter_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, encounter)
        return encounter

    def create(self, request):
        encounter = services.encounter_add(actor=request.user, **self.parse())
        return self.respond(encounter, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        encounter = self.get_object()
        data = self.parse(EncounterUpdateSerializer, instance=encounter, partial=partial)
        encounter = services.encounter_update(actor=request.user, encounter=encounter, **data)
        return self.respond(encounter)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.encounter_delete(actor=request.user, encounter=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Record how the encounter went",
        description="Once the event has begun, by the colleague who met them or a network "
        "manager (403 otherwise), in one transaction: the outcome, the meeting logged on the "
        "contact's timeline (kind `event_encounter`; its id is `interaction`), the guest "
        "marked attended, and the optional next step as a follow-up. Recording again "
        "corrects the outcome.",
        request=OutcomeSerializer,
        responses={200: EncounterSerializer},
    )
    @action(detail=True, methods=["post"], url_path="record-outcome", filterset_class=None)
    def record_outcome(self, request, pk=None):
        encounter = self.get_object()
        data = self.parse(OutcomeSerializer)
        next_step = data.get("next_step")
        encounter = services.encounter_record_outcome(
            actor=request.user,
            encounter=encounter,
            outcome=data["outcome"],
            next_step=NextStep(**next_step) if next_step else None,
        )
        return self.respond(encounter)


# The personal calendar feed


@extend_schema(tags=["me"])
class CalendarFeedView(DomainErrorsMixin, APIView):
    """The current user's secret iCalendar feed: their events and encounters."""

    schema = ApiSchema()

    def answer(self, feed, status_code: int = status.HTTP_200_OK) -> Response:
        data = {"url": None, "created_at": None}
        if feed is not None:
            data = {
                "url": self.request.build_absolute_uri(feed.get_absolute_url()),
                "created_at": feed.created_at,
            }
        return Response(CalendarFeedSerializer(data).data, status=status_code)

    @extend_schema(
        summary="My calendar feed",
        description="The secret address of the feed, or `url: null` when there is none.",
        responses={200: CalendarFeedSerializer},
    )
    def get(self, request):
        return self.answer(selectors.feed_of(user=request.user))

    @extend_schema(
        summary="Make a new calendar feed address",
        description="The previous address, if any, stops working at once.",
        request=None,
        responses={201: CalendarFeedSerializer},
    )
    def post(self, request):
        return self.answer(
            services.feed_token_regenerate(user=request.user), status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Stop the calendar feed",
        description="The address stops working (404).",
        responses={204: OpenApiResponse(description="Revoked (also when there was none).")},
    )
    def delete(self, request):
        services.feed_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
