"""Shape of the events API's input and output only.

Who may plan, which status may follow which, times within the event, one row per
guest: all in events.services and events.permissions; the API views pass validated
data to the same functions as the HTML views.
"""

import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from events.models import Encounter, Event, Invitation, InvitationStatus
from relations.forms import MAX_ID
from relations.models import Contact, FollowUp, Interaction, User
from relations.serializers import NextStepSerializer
from stakeholders.models import (
    Attitude,
    ContactMembership,
    Goal,
    Network,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)

# The largest guest list moved in one request.
MAX_BULK = 1000

PLAN_WARNING_CODES = [
    ("double_booked", "double_booked"),
    ("no_goal", "no_goal"),
    ("key_contact_unmet", "key_contact_unmet"),
]


def within_safe_years(moment: datetime.datetime) -> bool:
    """Not in the first or last year a datetime can hold: moving to UTC (or adding an
    encounter's minutes) cannot overflow, in the database or in the answer."""
    return datetime.MINYEAR < moment.year < datetime.MAXYEAR


class MomentField(serializers.DateTimeField):
    """An ISO 8601 date-time; without an offset it is local time."""

    def to_internal_value(self, value):
        try:
            moment = super().to_internal_value(value)
        except OverflowError:  # DRF's own check moves a naive 0001-01-01 to UTC
            self.fail("overflow")
        if not within_safe_years(moment):
            self.fail("overflow")
        return moment


def _active_users():
    return User.objects.filter(is_active=True)


def _name_of(user: User | None) -> str | None:
    return str(user) if user is not None else None


def _organisation_name(contact: Contact) -> str | None:
    return contact.organisation.name if contact.organisation else None


# Events


class EventSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="event-detail")
    starts_at = MomentField(
        help_text="ISO 8601; without an offset the time is local (Europe/Amsterdam)."
    )
    ends_at = MomentField(help_text="After the start.")
    network = serializers.PrimaryKeyRelatedField(
        queryset=Network.objects.all(),
        allow_null=True,
        required=False,
        help_text="For a network meeting only: the network that meets.",
    )
    network_name = serializers.SerializerMethodField()
    organiser = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(),
        allow_null=True,
        required=False,
        help_text="Defaults to the current user.",
    )
    organiser_name = serializers.SerializerMethodField()
    guest_count = serializers.IntegerField(
        read_only=True, help_text="Guests proposed, invited, accepted or attended."
    )
    encounter_count = serializers.IntegerField(
        read_only=True, help_text="Rows of the encounter plan."
    )
    goalless_count = serializers.IntegerField(
        read_only=True, help_text="Rows of the encounter plan without a goal."
    )

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "name",
            "kind",
            "starts_at",
            "ends_at",
            "location",
            "network",
            "network_name",
            "organiser",
            "organiser_name",
            "capacity",
            "description",
            "guest_count",
            "encounter_count",
            "goalless_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_network_name(self, event: Event) -> str | None:
        return event.network.name if event.network else None

    def get_organiser_name(self, event: Event) -> str | None:
        return _name_of(event.organiser)


class StatusCountsSerializer(serializers.Serializer):
    proposed = serializers.IntegerField()
    invited = serializers.IntegerField()
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    attended = serializers.IntegerField()
    no_show = serializers.IntegerField()


class PlanWarningSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=PLAN_WARNING_CODES,
        help_text="double_booked: a colleague is planned twice at once; no_goal: a row "
        "without a goal; key_contact_unmet: a key guest (manage closely) nobody of us meets.",
    )
    message = serializers.CharField()
    encounter_ids = serializers.ListField(child=serializers.IntegerField())
    contact_id = serializers.IntegerField(allow_null=True)


class EventDetailSerializer(EventSerializer):
    """An event with the state of its guest list and the warnings of its encounter plan."""

    # The view puts selectors.event_detail_for() on the event as `plan`.

    status_counts = StatusCountsSerializer(
        source="plan.status_counts", read_only=True, help_text="Guests per status."
    )
    expected_guests = serializers.IntegerField(
        source="plan.expected_guests",
        read_only=True,
        help_text="Guests invited, accepted or attended: who counts against the capacity.",
    )
    over_capacity = serializers.BooleanField(source="plan.over_capacity", read_only=True)
    warnings = PlanWarningSerializer(source="plan.warnings", many=True, read_only=True)

    class Meta(EventSerializer.Meta):
        fields = [
            *EventSerializer.Meta.fields,
            "status_counts",
            "expected_guests",
            "over_capacity",
            "warnings",
        ]


class GuestSuggestionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="contact-detail")
    full_name = serializers.CharField(read_only=True)
    organisation_name = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "url",
            "full_name",
            "job_title",
            "organisation",
            "organisation_name",
            "last_interaction_on",
        ]
        read_only_fields = fields

    def get_organisation_name(self, contact: Contact) -> str | None:
        return _organisation_name(contact)


# The guest list


class InvitationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="invitation-detail")
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all())
    event_name = serializers.SerializerMethodField()
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), help_text="The guest; once per event."
    )
    contact_name = serializers.SerializerMethodField()
    organisation_name = serializers.SerializerMethodField()
    status = serializers.ChoiceField(
        choices=InvitationStatus.choices,
        required=False,
        help_text="On adding: planners put a guest on the list as invited unless they say "
        "otherwise; anybody else proposes one (asking for another status is a 403). "
        "A change follows the guest's path: proposed → invited → accepted/declined → "
        "attended/no-show (the last two once the event has begun).",
    )
    proposed_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    proposed_by_name = serializers.SerializerMethodField()
    host = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(),
        allow_null=True,
        required=False,
        help_text="The colleague who looks after the guest.",
    )
    host_name = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "url",
            "event",
            "event_name",
            "contact",
            "contact_name",
            "organisation_name",
            "status",
            "proposed_by",
            "proposed_by_name",
            "host",
            "host_name",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # A guest added twice is refused by the service, naming the field.
        validators: list = []

    def get_event_name(self, invitation: Invitation) -> str:
        return invitation.event.name

    def get_contact_name(self, invitation: Invitation) -> str:
        return invitation.contact.full_name

    def get_organisation_name(self, invitation: Invitation) -> str | None:
        return _organisation_name(invitation.contact)

    def get_proposed_by_name(self, invitation: Invitation) -> str | None:
        return _name_of(invitation.proposed_by)

    def get_host_name(self, invitation: Invitation) -> str | None:
        return _name_of(invitation.host)


class InvitationUpdateSerializer(InvitationSerializer):
    """Changing a guest keeps its event and contact: status, host and note."""

    event = serializers.PrimaryKeyRelatedField(read_only=True)
    contact = serializers.PrimaryKeyRelatedField(read_only=True)


class AddGroupSerializer(serializers.Serializer):
    group = serializers.PrimaryKeyRelatedField(
        queryset=StakeholderGroup.objects.all(),
        help_text="Its members (and the people of its member organisations) not archived "
        "and not on the guest list yet are added.",
    )
    status = serializers.ChoiceField(
        choices=InvitationStatus.choices,
        required=False,
        help_text="proposed or invited (the default).",
    )


class BulkStatusSerializer(serializers.Serializer):
    invitations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=MAX_BULK,
        help_text="Ids of guests of this event.",
    )
    status = serializers.ChoiceField(choices=InvitationStatus.choices)

    def validate_invitations(self, ids: list[int]) -> list[int]:
        ids = list(dict.fromkeys(ids))
        known = set(
            Invitation.objects.filter(event=self.context["event"], pk__in=ids).values_list(
                "pk", flat=True
            )
        )
        unknown = [pk for pk in ids if pk not in known]
        if unknown:
            raise serializers.ValidationError(
                _("Not on this event's guest list: %(ids)s.")
                % {"ids": ", ".join(str(pk) for pk in unknown)}
            )
        return ids


class BulkStatusResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="Guests whose status changed.")
    invitations = InvitationSerializer(many=True, help_text="The guests named, as they are now.")


# The encounter plan


class EncounterSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="encounter-detail")
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all())
    event_name = serializers.SerializerMethodField()
    colleague = serializers.PrimaryKeyRelatedField(queryset=_active_users(), help_text="Who of us.")
    colleague_name = serializers.SerializerMethodField()
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), help_text="Meets whom."
    )
    contact_name = serializers.SerializerMethodField()
    organisation_name = serializers.SerializerMethodField()
    starts_at = MomentField(
        required=False,
        help_text="When: within the event (defaults to its start). ISO 8601; without an "
        "offset the time is local.",
    )
    ends_at = serializers.DateTimeField(read_only=True)
    stakeholder_goal = serializers.PrimaryKeyRelatedField(
        queryset=Goal.objects.all(),
        allow_null=True,
        required=False,
        help_text="A goal (ours or our offer) of a stakeholder group the contact belongs to; "
        "its text becomes the goal when none is written.",
    )
    has_goal = serializers.BooleanField(read_only=True)
    interaction = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The meeting logged with the outcome."
    )

    class Meta:
        model = Encounter
        fields = [
            "id",
            "url",
            "event",
            "event_name",
            "colleague",
            "colleague_name",
            "contact",
            "contact_name",
            "organisation_name",
            "starts_at",
            "minutes",
            "ends_at",
            "goal",
            "stakeholder_goal",
            "has_goal",
            "outcome",
            "outcome_recorded_at",
            "interaction",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["outcome", "outcome_recorded_at", "created_at", "updated_at"]

    def get_event_name(self, encounter: Encounter) -> str:
        return encounter.event.name

    def get_colleague_name(self, encounter: Encounter) -> str:
        return str(encounter.colleague)

    def get_contact_name(self, encounter: Encounter) -> str:
        return encounter.contact.full_name

    def get_organisation_name(self, encounter: Encounter) -> str | None:
        return _organisation_name(encounter.contact)


class EncounterUpdateSerializer(EncounterSerializer):
    """A row stays with its event."""

    event = serializers.PrimaryKeyRelatedField(read_only=True)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="How it went.")
    next_step = NextStepSerializer(
        required=False, help_text="Optional follow-up, saved in the same transaction."
    )


# Briefings


class BriefingContactSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="contact-detail")
    full_name = serializers.CharField(read_only=True)
    organisation_name = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "url",
            "full_name",
            "job_title",
            "organisation_name",
            "notes",
            "last_interaction_on",
        ]
        read_only_fields = fields

    def get_organisation_name(self, contact: Contact) -> str | None:
        return _organisation_name(contact)


class BriefingGroupSerializer(serializers.Serializer):
    """A stakeholder group the contact is in, themselves or through their organisation."""

    group = serializers.IntegerField(source="group_id")
    group_name = serializers.CharField(source="group.name")
    attitude = serializers.ChoiceField(choices=Attitude.choices)
    via_organisation = serializers.SerializerMethodField(
        help_text="The member organisation through which the contact belongs to the group."
    )

    def get_via_organisation(
        self, membership: ContactMembership | OrganisationMembership
    ) -> str | None:
        if isinstance(membership, OrganisationMembership):
            return membership.organisation.name
        return None


class BriefingTopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "name"]
        read_only_fields = fields


class BriefingInteractionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="interaction-detail")
    our_participant_names = serializers.SerializerMethodField()

    class Meta:
        model = Interaction
        fields = [
            "id",
            "url",
            "kind",
            "occurred_on",
            "our_participant_names",
            "summary",
            "given",
            "asked",
        ]
        read_only_fields = fields

    def get_our_participant_names(self, interaction: Interaction) -> list[str]:
        return [str(user) for user in interaction.our_participants.all()]


class BriefingFollowUpSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="followup-detail")
    assignee_name = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "url", "text", "due_on", "assignee", "assignee_name", "overdue"]
        read_only_fields = fields

    def get_assignee_name(self, followup: FollowUp) -> str:
        return str(followup.assignee)


class BriefingItemSerializer(serializers.Serializer):
    encounter = EncounterSerializer(read_only=True)
    contact = BriefingContactSerializer(source="encounter.contact", read_only=True)
    groups = BriefingGroupSerializer(many=True, read_only=True)
    topics = BriefingTopicSerializer(many=True, read_only=True)
    interactions = BriefingInteractionSerializer(
        many=True, read_only=True, help_text="The latest meetings with them the viewer may read."
    )
    followups = BriefingFollowUpSerializer(
        many=True, read_only=True, help_text="Open next steps with them the viewer may read."
    )


class BriefingSerializer(serializers.Serializer):
    event = serializers.IntegerField(source="event.pk")
    event_name = serializers.CharField(source="event.name")
    colleague = serializers.IntegerField(source="colleague.pk")
    colleague_name = serializers.SerializerMethodField()
    items = BriefingItemSerializer(many=True, read_only=True)

    def get_colleague_name(self, briefing) -> str:
        return str(briefing.colleague)


# The personal calendar feed


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField(
        allow_null=True,
        help_text="The secret iCalendar address; anybody who has it reads the calendar. "
        "null: no feed.",
    )
    created_at = serializers.DateTimeField(allow_null=True)
