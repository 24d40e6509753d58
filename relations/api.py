"""REST API of the relations app.

Each endpoint parses input with a serializer, calls the same service or selector
as the HTML view for that operation, and serializes the result. Lists and
lookups by id go through the *_list_for / *_get_for selectors, so an object the
user may not read is missing from the list and a 404 by id.
"""

import contextlib

from auditlog.context import auditlog_value
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from relations import filters, permissions, selectors, services
from relations.middleware import activate_user_language
from relations.models import Contact, FollowUp, Interaction, Organisation, Relationship, Team
from relations.serializers import (
    ContactSerializer,
    FollowUpSerializer,
    FollowUpUpdateSerializer,
    InteractionSerializer,
    InteractionUpdateSerializer,
    MeSerializer,
    MeUpdateSerializer,
    OrganisationSerializer,
    RelationshipSerializer,
    RelationshipUpdateSerializer,
    TeamSerializer,
)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


_detail = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})
NOT_ALLOWED = OpenApiResponse(
    _detail, description="Not signed in, or the user may read but not change this."
)
NOT_FOUND = OpenApiResponse(_detail, description="Missing, or not readable by the user.")
BAD_INPUT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Field errors: `{field: [message, …]}`. A duplicate also names the existing "
    "object: `existing: {id, url}`.",
)
BAD_FILTER = OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid filter parameter.")
NO_SUCH_PAGE = OpenApiResponse(_detail, description="The page number is out of range.")
UNSUPPORTED_BODY = OpenApiResponse(
    _detail, description="The body's Content-Type is none the operation reads (JSON, a form)."
)


class ApiSchema(AutoSchema):
    """Documents the error answers the endpoints share, unless an operation names its own."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {"403": NOT_ALLOWED}
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer():
            errors["400"] = BAD_INPUT
            errors["415"] = UNSUPPORTED_BODY
        if "{" in self.path:
            errors["404"] = NOT_FOUND
        elif self.method == "GET" and self._is_list_view():
            errors.update({"400": BAD_FILTER, "404": NO_SUCH_PAGE})
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses


class UserLanguageMixin:
    """Answers in the user's language, and names the user in the audit trail, also for
    token clients.

    The middlewares (UserLanguageMiddleware, auditlog's) only see session users; DRF
    authenticates tokens later.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        activate_user_language(request, request.user)
        with contextlib.suppress(LookupError):  # no audit context outside a request
            audit_context = auditlog_value.get()
            known = getattr(audit_context.get("actor"), "is_authenticated", False)
            if request.user.is_authenticated and not known:
                audit_context["actor"] = request.user


class DomainErrorsMixin(UserLanguageMixin):
    """Answers the domain errors of services and permissions: NotAllowed → 403, ServiceError → 400.

    The HTML views translate the same exceptions into a 403 page and form errors.
    """

    # Where a duplicate points to, by model of the existing object.
    existing_view_names = {Contact: "contact-detail", Organisation: "organisation-detail"}

    def handle_exception(self, exc):
        if isinstance(exc, permissions.NotAllowed):
            exc = PermissionDenied(str(exc))
        elif isinstance(exc, services.ServiceError):
            return Response(self.service_error_data(exc), status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

    def service_error_data(self, exc: services.ServiceError) -> dict:
        data: dict = {exc.field or api_settings.NON_FIELD_ERRORS_KEY: [exc.message]}
        existing = getattr(exc, "existing", None)
        view_name = self.existing_view_names.get(type(existing))
        if view_name:
            data["existing"] = {
                "id": existing.pk,
                "url": reverse(view_name, args=[existing.pk], request=self.request),
            }
        return data


class ScopedViewSet(
    DomainErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List and retrieve through selectors; writes are spelled out per endpoint."""

    pagination_class = Pagination
    schema = ApiSchema()
    model: type = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return self.model.objects.none()
        return self.list_selector(user=self.request.user)

    def list_selector(self, *, user):
        raise NotImplementedError

    def parse(self, serializer_class=None, *, instance=None, partial: bool = False) -> dict:
        serializer = (serializer_class or self.get_serializer_class())(
            instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def respond(self, instance, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(instance).data, status=status_code)


# Contacts


@extend_schema_view(
    list=extend_schema(summary="List contacts", description="Active contacts unless `archived`."),
    create=extend_schema(
        description="A duplicate e-mail address (case-insensitive) is refused with a 400 "
        "that names the existing contact: `existing: {id, url}`.",
    ),
    destroy=extend_schema(
        summary="Archive a contact",
        description="Contacts are never deleted through the API: DELETE archives the contact "
        "(`archived: true`), which hides it from lists unless `archived=true` is asked for. "
        "PATCH `archived: false` brings it back.",
        responses={204: None},
    ),
)
@extend_schema(tags=["contacts"])
class ContactViewSet(ScopedViewSet):
    model = Contact
    serializer_class = ContactSerializer
    filterset_class = filters.ContactFilter
    ordering_fields = ["last_name", "first_name", "last_interaction_on", "created_at"]

    def list_selector(self, *, user):
        return selectors.contact_list_for(user=user)

    def get_object(self):
        contact = selectors.contact_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, contact)
        return contact

    def create(self, request):
        data = self.parse()
        tags = data.pop("tags", None)
        contact = services.contact_create(actor=request.user, tags=tags, **data)
        return self.respond(contact, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        contact = self.get_object()
        data = self.parse(instance=contact, partial=partial)
        tags = data.pop("tags", None)
        contact = services.contact_update(actor=request.user, contact=contact, tags=tags, **data)
        return self.respond(contact)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.contact_update(actor=request.user, contact=self.get_object(), archived=True)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Organisations


@extend_schema(tags=["organisations"])
class OrganisationViewSet(ScopedViewSet):
    model = Organisation
    serializer_class = OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    ordering_fields = ["name", "city", "sector", "created_at"]

    def list_selector(self, *, user):
        return selectors.organisation_list_for(user=user)

    def get_object(self):
        # The list selector rather than organisation_get_for: it carries contact_count.
        organisation = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, organisation)
        return organisation

    def reloaded(self, organisation: Organisation) -> Organisation:
        return self.list_selector(user=self.request.user).get(pk=organisation.pk)

    def create(self, request):
        organisation = services.organisation_create(actor=request.user, **self.parse())
        return self.respond(self.reloaded(organisation), status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        organisation = self.get_object()
        data = self.parse(instance=organisation, partial=partial)
        organisation = services.organisation_update(
            actor=request.user, organisation=organisation, **data
        )
        return self.respond(self.reloaded(organisation))

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)


# Relationships


@extend_schema_view(
    create=extend_schema(
        summary="Record that a colleague knows a contact",
        description="An upsert: when the colleague already has a relationship with the "
        "contact it is updated (200), otherwise created (201). `user` defaults to the "
        "current user; changing someone else's needs their team lead or a network manager.",
        responses={200: RelationshipSerializer, 201: RelationshipSerializer},
    ),
    update=extend_schema(
        request=RelationshipUpdateSerializer, responses={200: RelationshipSerializer}
    ),
    partial_update=extend_schema(
        request=RelationshipUpdateSerializer, responses={200: RelationshipSerializer}
    ),
)
@extend_schema(tags=["relationships"])
class RelationshipViewSet(ScopedViewSet):
    model = Relationship
    serializer_class = RelationshipSerializer
    filterset_class = filters.RelationshipFilter
    ordering_fields = ["strength", "last_interaction_on", "since", "created_at"]

    def list_selector(self, *, user):
        return selectors.relationship_list_for(user=user)

    def get_object(self):
        relationship = selectors.relationship_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, relationship)
        return relationship

    def create(self, request):
        data = self.parse()
        colleague = data.pop("user", None) or request.user
        existing = selectors.relationship_list_for(
            user=request.user, colleague_id=colleague.pk, contact_id=data["contact"].pk
        ).first()
        # A field left out keeps the relationship's value, or the default for a new one.
        for name in ("strength", "since", "context"):
            if name not in data:
                field = Relationship._meta.get_field(name)
                data[name] = getattr(existing, name) if existing else field.get_default()
        relationship = services.relationship_upsert(actor=request.user, user=colleague, **data)
        return self.respond(
            relationship, status.HTTP_200_OK if existing else status.HTTP_201_CREATED
        )

    def update(self, request, pk=None, partial=False):
        relationship = self.get_object()
        data = self.parse(RelationshipUpdateSerializer, instance=relationship, partial=partial)
        relationship = services.relationship_upsert(
            actor=request.user,
            user=relationship.user,
            contact=relationship.contact,
            strength=data.get("strength", relationship.strength),
            since=data.get("since", relationship.since),
            context=data.get("context", relationship.context),
        )
        return self.respond(relationship)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.relationship_delete(actor=request.user, relationship=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# Interactions


@extend_schema_view(
    list=extend_schema(
        description="Interactions the user may read: their own, their teams' (unless "
        "confidential), or all for network managers. Newest first."
    ),
    create=extend_schema(
        summary="Log an interaction",
        description="Records the encounter, warms up the contacts and our participants' "
        "relationships, and adds the optional `next_step` as a follow-up, all in one "
        "transaction: if anything is invalid nothing is saved.",
    ),
    partial_update=extend_schema(
        request=InteractionUpdateSerializer,
        responses={200: InteractionSerializer},
    ),
)
@extend_schema(tags=["interactions"])
class InteractionViewSet(ScopedViewSet):
    model = Interaction
    serializer_class = InteractionSerializer
    filterset_class = filters.InteractionFilter
    ordering_fields = ["occurred_on", "created_at"]

    def list_selector(self, *, user):
        return selectors.interaction_list_for(user=user)

    def get_object(self):
        interaction = selectors.interaction_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, interaction)
        return interaction

    def create(self, request):
        data = self.parse()
        next_step = data.pop("next_step", None)
        interaction = services.interaction_log(
            author=request.user,
            next_step=services.NextStep(**next_step) if next_step else None,
            **data,
        )
        return self.respond(interaction, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        interaction = self.get_object()
        data = self.parse(InteractionUpdateSerializer, instance=interaction, partial=True)
        interaction = services.interaction_update(
            actor=request.user, interaction=interaction, **data
        )
        return self.respond(interaction)


# Follow-ups


@extend_schema_view(
    list=extend_schema(
        description="Follow-ups the user may read: assigned to or created by them, those of "
        "the members of teams they lead, or all for network managers."
    ),
    create=extend_schema(
        description="A due date in the past is allowed; the follow-up is then `overdue`."
    ),
    partial_update=extend_schema(
        request=FollowUpUpdateSerializer,
        responses={200: FollowUpSerializer},
    ),
)
@extend_schema(tags=["followups"])
class FollowUpViewSet(ScopedViewSet):
    model = FollowUp
    serializer_class = FollowUpSerializer
    filterset_class = filters.FollowUpFilter
    ordering_fields = ["due_on", "created_at", "done_at"]

    def list_selector(self, *, user):
        return selectors.followup_list_for(user=user)

    def get_object(self):
        followup = selectors.followup_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, followup)
        return followup

    def create(self, request):
        followup = services.followup_create(actor=request.user, **self.parse())
        return self.respond(followup, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        followup = self.get_object()
        data = self.parse(FollowUpUpdateSerializer, instance=followup, partial=True)
        followup = services.followup_update(actor=request.user, followup=followup, **data)
        return self.respond(followup)

    @extend_schema(
        summary="Mark a follow-up done",
        description="Completing twice keeps the first time.",
        request=None,
        responses={200: FollowUpSerializer},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        followup = services.followup_complete(actor=request.user, followup=self.get_object())
        return self.respond(followup)

    @extend_schema(
        summary="Mark a follow-up not done",
        request=None,
        responses={200: FollowUpSerializer},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        followup = services.followup_reopen(actor=request.user, followup=self.get_object())
        return self.respond(followup)


# Teams


@extend_schema_view(
    list=extend_schema(
        description="Network managers see every team; a team lead sees the teams they lead."
    ),
    create=extend_schema(description="Network managers only."),
    update=extend_schema(description="Network managers only."),
    partial_update=extend_schema(description="Network managers only."),
)
@extend_schema(tags=["teams"])
class TeamViewSet(ScopedViewSet):
    model = Team
    serializer_class = TeamSerializer
    ordering_fields = ["name", "created_at"]

    def list_selector(self, *, user):
        return selectors.team_list_for(user=user)

    def get_object(self):
        team = selectors.team_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, team)
        return team

    def create(self, request):
        data = self.parse()
        team = services.team_save(
            actor=request.user,
            name=data["name"],
            lead=data.get("lead"),
            members=data.get("members", []),
        )
        return self.respond(team, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        team = self.get_object()
        data = self.parse(instance=team, partial=partial)
        team = services.team_save(
            actor=request.user,
            team=team,
            name=data.get("name", team.name),
            lead=data.get("lead", team.lead),
            members=data["members"] if "members" in data else list(team.members.all()),
        )
        return self.respond(team)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)


# The current user


@extend_schema(tags=["me"])
class MeView(DomainErrorsMixin, APIView):
    """The signed-in user: roles, teams and the language of the interface."""

    schema = ApiSchema()

    @extend_schema(responses=MeSerializer, summary="The current user")
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(
        request=MeUpdateSerializer,
        responses={200: MeSerializer},
        summary="Change the interface language",
    )
    def patch(self, request):
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_set_language(
            user=request.user, language=serializer.validated_data["language"]
        )
        return Response(MeSerializer(user).data)
