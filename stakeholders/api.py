"""REST API of the stakeholder map.

Built on the relations API's base classes: each endpoint parses input with a
serializer, calls the same service or selector as the HTML view, and serializes
the result. Every active user reads; the services decide who changes (NotAllowed
is a 403, ServiceError a 400 naming the field), and an unknown id is a 404.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from relations.api import ScopedViewSet
from stakeholders import filters, selectors, services
from stakeholders.models import (
    ContactMembership,
    Goal,
    Network,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)
from stakeholders.serializers import (
    ContactMembershipSerializer,
    ContactMembershipUpdateSerializer,
    GoalSerializer,
    NetworkSerializer,
    OrganisationMembershipSerializer,
    OrganisationMembershipUpdateSerializer,
    StakeholderGroupSerializer,
    TopicSerializer,
)

_CHANGE_RULE = "Only the owning team's lead or a network manager may change it (403 otherwise)."
_CHANGE_GROUP_RULE = (
    "Only the owning team's lead or a network manager may change the group (403 otherwise)."
)

# Stakeholder groups


@extend_schema_view(
    list=extend_schema(
        summary="List stakeholder groups",
        description="Every group with its quadrant, flags, member counts, last interaction "
        "with any member, topics and goals.",
    ),
    create=extend_schema(
        description="Network managers give a group to any team or none; a team lead only "
        "to their own team. Influence and interest run from 1 to 5."
    ),
    update=extend_schema(description=_CHANGE_RULE),
    partial_update=extend_schema(description=_CHANGE_RULE),
    destroy=extend_schema(
        description="Memberships and goals go with the group; contacts and interactions stay. "
        + _CHANGE_RULE
    ),
)
@extend_schema(tags=["stakeholder groups"])
class StakeholderGroupViewSet(ScopedViewSet):
    model = StakeholderGroup
    serializer_class = StakeholderGroupSerializer
    filterset_class = filters.StakeholderGroupFilter
    ordering_fields = [
        "name",
        "priority",
        "influence",
        "interest",
        "last_interaction_on",
        "created_at",
    ]

    def list_selector(self, *, user):
        return filters.groups_for_api(selectors.group_list_for(user=user))

    def get_object(self):
        group = selectors.group_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, group)
        return group

    def reloaded(self, group: StakeholderGroup) -> StakeholderGroup:
        """With the counts and flags of the list, after a change."""
        return selectors.group_get_for(user=self.request.user, pk=group.pk)

    def create(self, request):
        data = self.parse()
        topics = data.pop("topics", None)
        group = services.group_create(actor=request.user, topics=topics, **data)
        return self.respond(self.reloaded(group), status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        group = self.get_object()
        data = self.parse(instance=group, partial=partial)
        topics = data.pop("topics", None)
        group = services.group_update(actor=request.user, group=group, topics=topics, **data)
        return self.respond(self.reloaded(group))

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.group_delete(actor=request.user, group=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# Memberships


class MembershipViewSet(ScopedViewSet):
    """Members of groups: added, changed (attitude, note) and removed through the services."""

    update_serializer_class: type = None

    def destroy(self, request, pk=None):
        services.membership_remove(actor=request.user, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def partial_update(self, request, pk=None):
        membership = self.get_object()
        data = self.parse(self.update_serializer_class, instance=membership, partial=True)
        membership = services.membership_update(actor=request.user, membership=membership, **data)
        return self.respond(membership)


_ADD_MEMBER = "A member added twice is refused with a 400. " + _CHANGE_GROUP_RULE


@extend_schema_view(
    list=extend_schema(summary="List the people in stakeholder groups"),
    create=extend_schema(summary="Add a person to a group", description=_ADD_MEMBER),
    partial_update=extend_schema(
        request=ContactMembershipUpdateSerializer, responses={200: ContactMembershipSerializer}
    ),
)
@extend_schema(tags=["memberships"])
class ContactMembershipViewSet(MembershipViewSet):
    model = ContactMembership
    serializer_class = ContactMembershipSerializer
    update_serializer_class = ContactMembershipUpdateSerializer
    filterset_class = filters.ContactMembershipFilter
    ordering_fields = ["created_at", "attitude"]

    def list_selector(self, *, user):
        return selectors.contact_membership_list_for(user=user)

    def get_object(self):
        membership = selectors.contact_membership_get_for(
            user=self.request.user, pk=self.kwargs["pk"]
        )
        self.check_object_permissions(self.request, membership)
        return membership

    def create(self, request):
        membership = services.contact_membership_add(actor=request.user, **self.parse())
        return self.respond(membership, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List the organisations in stakeholder groups"),
    create=extend_schema(summary="Add an organisation to a group", description=_ADD_MEMBER),
    partial_update=extend_schema(
        request=OrganisationMembershipUpdateSerializer,
        responses={200: OrganisationMembershipSerializer},
    ),
)
@extend_schema(tags=["memberships"])
class OrganisationMembershipViewSet(MembershipViewSet):
    model = OrganisationMembership
    serializer_class = OrganisationMembershipSerializer
    update_serializer_class = OrganisationMembershipUpdateSerializer
    filterset_class = filters.OrganisationMembershipFilter
    ordering_fields = ["created_at", "attitude"]

    def list_selector(self, *, user):
        return selectors.organisation_membership_list_for(user=user)

    def get_object(self):
        membership = selectors.organisation_membership_get_for(
            user=self.request.user, pk=self.kwargs["pk"]
        )
        self.check_object_permissions(self.request, membership)
        return membership

    def create(self, request):
        membership = services.organisation_membership_add(actor=request.user, **self.parse())
        return self.respond(membership, status.HTTP_201_CREATED)


# Goals


@extend_schema_view(
    list=extend_schema(
        summary="List goals",
        description="The reciprocity cards: their goals, our goals with them, our offers.",
    ),
    create=extend_schema(description="A goal needs a few words of text. " + _CHANGE_GROUP_RULE),
)
@extend_schema(tags=["goals"])
class GoalViewSet(ScopedViewSet):
    model = Goal
    serializer_class = GoalSerializer
    filterset_class = filters.GoalFilter
    ordering_fields = ["created_at", "kind", "status"]

    def list_selector(self, *, user):
        return selectors.goal_list_for(user=user)

    def get_object(self):
        goal = selectors.goal_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, goal)
        return goal

    def create(self, request):
        goal = services.goal_add(actor=request.user, **self.parse())
        return self.respond(goal, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        goal = self.get_object()
        data = self.parse(instance=goal, partial=True)
        data.pop("group", None)
        goal = services.goal_update(actor=request.user, goal=goal, **data)
        return self.respond(goal)

    def destroy(self, request, pk=None):
        services.goal_remove(actor=request.user, goal=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# Topics


@extend_schema_view(
    create=extend_schema(description="Any colleague may add a topic; the name is unique."),
    partial_update=extend_schema(
        description="Its owner, their team lead or a network manager (403 otherwise)."
    ),
)
@extend_schema(tags=["topics"])
class TopicViewSet(ScopedViewSet):
    model = Topic
    serializer_class = TopicSerializer
    filterset_class = filters.TopicFilter
    ordering_fields = ["name", "created_at"]

    def list_selector(self, *, user):
        return selectors.topic_list_for(user=user)

    def get_object(self):
        # The list selector rather than topic_get_for: it carries the counts.
        topic = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, topic)
        return topic

    def reloaded(self, topic: Topic) -> Topic:
        return self.list_selector(user=self.request.user).get(pk=topic.pk)

    def create(self, request):
        topic = services.topic_create(actor=request.user, **self.parse())
        return self.respond(self.reloaded(topic), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        topic = self.get_object()
        data = self.parse(instance=topic, partial=True)
        topic = services.topic_update(actor=request.user, topic=topic, **data)
        return self.respond(self.reloaded(topic))


# Networks


@extend_schema_view(
    list=extend_schema(description="External, often closed networks and who takes part."),
    create=extend_schema(description="Any colleague may add a network; the name is unique."),
    partial_update=extend_schema(
        description="Its owner, their team lead or a network manager (403 otherwise). "
        "Member lists given replace the current ones."
    ),
)
@extend_schema(tags=["networks"])
class NetworkViewSet(ScopedViewSet):
    model = Network
    serializer_class = NetworkSerializer
    filterset_class = filters.NetworkFilter
    ordering_fields = ["name", "created_at"]

    def list_selector(self, *, user):
        return filters.networks_for_api(selectors.network_list_for(user=user))

    def get_object(self):
        # The list selector rather than network_get_for: it carries the counts.
        network = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, network)
        return network

    def reloaded(self, network: Network) -> Network:
        return self.list_selector(user=self.request.user).get(pk=network.pk)

    def create(self, request):
        network = services.network_save(actor=request.user, **self.parse())
        return self.respond(self.reloaded(network), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        network = self.get_object()
        data = self.parse(instance=network, partial=True)
        network = services.network_save(
            actor=request.user,
            network=network,
            name=data.get("name", network.name),
            description=data.get("description", network.description),
            membership_conditions=data.get("membership_conditions", network.membership_conditions),
            closed=data.get("closed", network.closed),
            our_members=data.get("our_members"),
            contact_members=data.get("contact_members"),
        )
        return self.respond(self.reloaded(network))
