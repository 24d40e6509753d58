"""Shape of API input and output only.

Business rules (who may change a group, duplicates, scores from 1 to 5, flags) live
in services and selectors; the API views pass validated data to the same functions
as the HTML views.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from relations.models import Contact, Organisation, Team, User
from stakeholders import selectors
from stakeholders.models import (
    Attitude,
    ContactMembership,
    Goal,
    GoalStatus,
    Network,
    OrganisationMembership,
    Quadrant,
    StakeholderGroup,
    Topic,
)

_flags_field = serializers.ListField(
    child=serializers.ChoiceField(choices=selectors.Flag.CHOICES),
    help_text="unbalanced: goals with them but nothing offered; neglected: influence ≥ 4 "
    "and no interaction with any member in 90 days; unowned: no owning team.",
)


def _active_users():
    return User.objects.filter(is_active=True)


# Goals


class GoalSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="goal-detail")
    group = serializers.PrimaryKeyRelatedField(
        queryset=StakeholderGroup.objects.all(), help_text="A goal stays with its group."
    )

    class Meta:
        model = Goal
        fields = ["id", "url", "group", "kind", "text", "status", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"status": {"default": GoalStatus.ACTIVE}}

    def validate_group(self, group: StakeholderGroup) -> StakeholderGroup:
        # One serializer for create and change keeps one `kind` enum in the schema.
        if self.instance is not None and group.pk != self.instance.group_id:
            raise serializers.ValidationError(_("A goal stays with its group."))
        return group


# Groups


class StakeholderGroupSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="stakeholder-group-detail")
    owning_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        allow_null=True,
        required=False,
        help_text="A team lead may only choose their own team; network managers any or none.",
    )
    owning_team_name = serializers.SerializerMethodField()
    topics = serializers.PrimaryKeyRelatedField(
        queryset=Topic.objects.all(), many=True, required=False
    )
    quadrant = serializers.ChoiceField(
        choices=Quadrant.choices,
        read_only=True,
        help_text="Place on the power/interest grid; influence and interest of 3 or more "
        "count as high.",
    )
    flags = serializers.SerializerMethodField()
    contact_count = serializers.IntegerField(read_only=True)
    organisation_count = serializers.IntegerField(read_only=True)
    last_interaction_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The last interaction with any member (or a person of a member organisation).",
    )
    goals = GoalSerializer(many=True, read_only=True)

    class Meta:
        model = StakeholderGroup
        fields = [
            "id",
            "url",
            "name",
            "description",
            "influence",
            "interest",
            "priority",
            "quadrant",
            "flags",
            "owning_team",
            "owning_team_name",
            "topics",
            "contact_count",
            "organisation_count",
            "last_interaction_on",
            "goals",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness (case-insensitive) is checked by the services.
        extra_kwargs = {"name": {"validators": []}}

    def get_owning_team_name(self, group: StakeholderGroup) -> str | None:
        return group.owning_team.name if group.owning_team else None

    @extend_schema_field(_flags_field)
    def get_flags(self, group: StakeholderGroup) -> list[str]:
        return selectors.flags_of(group)


# Memberships


class ContactMembershipSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="group-membership-detail")
    group = serializers.PrimaryKeyRelatedField(queryset=StakeholderGroup.objects.all())
    group_name = serializers.SerializerMethodField()
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all())
    contact_name = serializers.SerializerMethodField()

    class Meta:
        model = ContactMembership
        fields = [
            "id",
            "url",
            "group",
            "group_name",
            "contact",
            "contact_name",
            "attitude",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"attitude": {"default": Attitude.NEUTRAL}, "note": {"default": ""}}
        # A membership added twice is refused by the service, naming the field.
        validators: list = []

    def get_group_name(self, membership: ContactMembership) -> str:
        return membership.group.name

    def get_contact_name(self, membership: ContactMembership) -> str:
        return membership.contact.full_name


class ContactMembershipUpdateSerializer(ContactMembershipSerializer):
    """Changing a membership keeps its group and contact."""

    group = serializers.PrimaryKeyRelatedField(read_only=True)
    contact = serializers.PrimaryKeyRelatedField(read_only=True)


class OrganisationMembershipSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="group-organisation-membership-detail")
    group = serializers.PrimaryKeyRelatedField(queryset=StakeholderGroup.objects.all())
    group_name = serializers.SerializerMethodField()
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    organisation_name = serializers.SerializerMethodField()

    class Meta:
        model = OrganisationMembership
        fields = [
            "id",
            "url",
            "group",
            "group_name",
            "organisation",
            "organisation_name",
            "attitude",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"attitude": {"default": Attitude.NEUTRAL}, "note": {"default": ""}}
        validators: list = []

    def get_group_name(self, membership: OrganisationMembership) -> str:
        return membership.group.name

    def get_organisation_name(self, membership: OrganisationMembership) -> str:
        return membership.organisation.name


class OrganisationMembershipUpdateSerializer(OrganisationMembershipSerializer):
    """Changing a membership keeps its group and organisation."""

    group = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)


# Topics


class TopicSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="topic-detail")
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    contact_count = serializers.IntegerField(read_only=True)
    group_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Topic
        fields = [
            "id",
            "url",
            "name",
            "description",
            "owner",
            "contact_count",
            "group_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"name": {"validators": []}}


# Networks


class NetworkSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="network-detail")
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    our_members = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(), many=True, required=False, help_text="Colleagues who take part."
    )
    contact_members = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(),
        many=True,
        required=False,
        help_text="Contacts who are members.",
    )
    our_count = serializers.IntegerField(read_only=True)
    their_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Network
        fields = [
            "id",
            "url",
            "name",
            "description",
            "membership_conditions",
            "closed",
            "owner",
            "our_members",
            "contact_members",
            "our_count",
            "their_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"name": {"validators": []}}
