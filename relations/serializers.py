"""Shape of API input and output only.

Business rules (who may change what, duplicate e-mails, warmth) live in services
and selectors; the API views pass validated data to the same functions as the
HTML views.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from relations import permissions, selectors
from relations.models import (
    Contact,
    FollowUp,
    Interaction,
    InteractionKind,
    Organisation,
    Relationship,
    Team,
    User,
)
from relations.selectors import Warmth

_warmth_field = serializers.ChoiceField(
    choices=Warmth.choices,
    help_text="Derived from the last interaction against the contact's cadence: "
    "warm, cooling (1–2× cadence) or cold (more than 2× or never).",
)


def _active_users():
    return User.objects.filter(is_active=True)


def _formatted_or_blank(string_format: str, max_length: int) -> dict:
    """A formatted string or "" (anyOf: validators that skip the format match both)."""
    return {
        "anyOf": [
            {"type": "string", "format": string_format, "maxLength": max_length},
            {"type": "string", "maxLength": 0},
        ]
    }


@extend_schema_field(_formatted_or_blank("email", 254))
class BlankableEmailField(serializers.EmailField):
    pass


@extend_schema_field(_formatted_or_blank("uri", 200))
class BlankableURLField(serializers.URLField):
    pass


class TagNamesField(serializers.ListField):
    """Tags as a list of names; unknown names are created (lower-cased)."""

    child = serializers.CharField(max_length=60)

    def to_representation(self, data):
        return [tag.name for tag in data.all()]


class VisibleInteractionField(serializers.PrimaryKeyRelatedField):
    """An interaction the requesting user may read; others are 'does not exist'."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Interaction.objects.none()
        return permissions.visible_interactions(request.user)


# Contacts and organisations


class ContactSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="contact-detail")
    full_name = serializers.CharField(read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    organisation_name = serializers.SerializerMethodField()
    owner = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(),
        allow_null=True,
        required=False,
        help_text="The networker responsible; defaults to the current user.",
    )
    owner_name = serializers.SerializerMethodField()
    email = BlankableEmailField(max_length=254, allow_blank=True, required=False)
    tags = TagNamesField(required=False)
    warmth = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "url",
            "first_name",
            "last_name",
            "full_name",
            "job_title",
            "organisation",
            "organisation_name",
            "email",
            "phone",
            "tags",
            "notes",
            "owner",
            "owner_name",
            "cadence_days",
            "legal_basis",
            "legal_basis_note",
            "archived",
            "warmth",
            "last_interaction_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["last_interaction_on", "created_at", "updated_at"]

    def get_organisation_name(self, contact: Contact) -> str | None:
        return contact.organisation.name if contact.organisation else None

    def get_owner_name(self, contact: Contact) -> str | None:
        return str(contact.owner) if contact.owner else None

    @extend_schema_field(_warmth_field)
    def get_warmth(self, contact: Contact) -> str:
        return selectors.warmth_of(contact.last_interaction_on, contact.cadence_days)


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="organisation-detail")
    website = BlankableURLField(max_length=200, allow_blank=True, required=False)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(), allow_null=True, required=False
    )
    owner_name = serializers.SerializerMethodField()
    contact_count = serializers.IntegerField(
        read_only=True, help_text="Contacts (not archived) with this main organisation."
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "url",
            "name",
            "sector",
            "city",
            "website",
            "notes",
            "owner",
            "owner_name",
            "contact_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_owner_name(self, organisation: Organisation) -> str | None:
        return str(organisation.owner) if organisation.owner else None


# Relationships


class RelationshipSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="relationship-detail")
    user = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(),
        required=False,
        help_text="The colleague who knows the contact; defaults to the current user.",
    )
    user_name = serializers.SerializerMethodField()
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all())
    contact_name = serializers.SerializerMethodField()
    warmth = serializers.SerializerMethodField()

    class Meta:
        model = Relationship
        fields = [
            "id",
            "url",
            "user",
            "user_name",
            "contact",
            "contact_name",
            "strength",
            "since",
            "context",
            "warmth",
            "last_interaction_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["last_interaction_on", "created_at", "updated_at"]
        # (user, contact) is unique, but POST is an upsert: services.relationship_upsert.
        validators: list = []

    def get_user_name(self, relationship: Relationship) -> str:
        return str(relationship.user)

    def get_contact_name(self, relationship: Relationship) -> str:
        return relationship.contact.full_name

    @extend_schema_field(_warmth_field)
    def get_warmth(self, relationship: Relationship) -> str:
        return selectors.warmth_of(
            relationship.last_interaction_on, relationship.contact.cadence_days
        )


class RelationshipUpdateSerializer(RelationshipSerializer):
    """Changing a relationship keeps its colleague and contact."""

    user = serializers.PrimaryKeyRelatedField(read_only=True)
    contact = serializers.PrimaryKeyRelatedField(read_only=True)


# Interactions and follow-ups


class NextStepSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=255)
    due_on = serializers.DateField(help_text="May lie in the past; the follow-up is then overdue.")
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(),
        required=False,
        help_text="Defaults to the current user.",
    )


class InteractionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="interaction-detail")
    occurred_on = serializers.DateField(required=False, help_text="Defaults to today.")
    author = serializers.PrimaryKeyRelatedField(read_only=True)
    our_participants = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(),
        many=True,
        required=False,
        help_text="Colleagues who took part; defaults to the current user.",
    )
    contacts = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(),
        many=True,
        allow_empty=False,
        help_text="The people we met.",
    )
    contact_names = serializers.SerializerMethodField()
    next_step = NextStepSerializer(
        write_only=True,
        required=False,
        help_text="Optional follow-up, saved in the same transaction as the interaction.",
    )

    class Meta:
        model = Interaction
        fields = [
            "id",
            "url",
            "kind",
            "occurred_on",
            "author",
            "our_participants",
            "contacts",
            "contact_names",
            "summary",
            "given",
            "asked",
            "confidential",
            "next_step",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"kind": {"default": InteractionKind.COFFEE}}

    def get_contact_names(self, interaction: Interaction) -> list[str]:
        return [contact.full_name for contact in interaction.contacts.all()]


class InteractionUpdateSerializer(InteractionSerializer):
    """What services.interaction_update may change; who took part stays as logged."""

    our_participants = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    contacts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(InteractionSerializer.Meta):
        fields = [name for name in InteractionSerializer.Meta.fields if name != "next_step"]


class FollowUpSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="followup-detail")
    due_on = serializers.DateField(help_text="May lie in the past; the follow-up is then overdue.")
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(), required=False, help_text="Defaults to the current user."
    )
    assignee_name = serializers.SerializerMethodField()
    created_by = serializers.PrimaryKeyRelatedField(read_only=True)
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all())
    contact_name = serializers.SerializerMethodField()
    interaction = VisibleInteractionField(
        queryset=Interaction.objects.all(),
        allow_null=True,
        required=False,
        help_text="The interaction this next step came from.",
    )
    done = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "url",
            "text",
            "due_on",
            "assignee",
            "assignee_name",
            "created_by",
            "contact",
            "contact_name",
            "interaction",
            "done",
            "done_at",
            "overdue",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["done_at", "created_at", "updated_at"]

    def get_assignee_name(self, followup: FollowUp) -> str:
        return str(followup.assignee)

    def get_contact_name(self, followup: FollowUp) -> str:
        return followup.contact.full_name

    def get_done(self, followup: FollowUp) -> bool:
        return followup.done_at is not None

    def get_overdue(self, followup: FollowUp) -> bool:
        return followup.is_overdue


class FollowUpUpdateSerializer(FollowUpSerializer):
    """What services.followup_update may change."""

    contact = serializers.PrimaryKeyRelatedField(read_only=True)
    interaction = serializers.PrimaryKeyRelatedField(read_only=True)


# Teams and the current user


class TeamSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="team-detail")
    lead = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(), allow_null=True, required=False
    )
    members = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(), many=True, required=False
    )

    class Meta:
        model = Team
        fields = ["id", "url", "name", "lead", "members", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness (case-insensitive) is checked by services.team_save.
        extra_kwargs = {"name": {"validators": []}}


class MyTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_lead = serializers.BooleanField()


class MeSerializer(serializers.ModelSerializer):
    full_name = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    teams = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "full_name",
            "email",
            "language",
            "roles",
            "teams",
        ]
        read_only_fields = fields

    def get_full_name(self, user: User) -> str:
        return str(user)

    def get_roles(self, user: User) -> list[str]:
        return sorted(permissions.roles_of(user))

    @extend_schema_field(MyTeamSerializer(many=True))
    def get_teams(self, user: User) -> list[dict]:
        return [
            {"id": team.pk, "name": team.name, "is_lead": team.lead_id == user.pk}
            for team in selectors.teams_of(user=user)
        ]


class MeUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["language"]
        extra_kwargs = {"language": {"required": True}}
