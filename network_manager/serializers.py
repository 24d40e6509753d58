"""Shape of the strategic layer's API input and output only.

Who may change what, the assignment rules and every figure of the dashboard live in
permissions, services and selectors; these classes read input and write out what the
selectors computed (the same numbers as the pages show).
"""

from urllib.parse import urlencode

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from events.serializers import StatusCountsSerializer
from network_manager.models import KeyContact, RoadmapStep, StepStatus, Strategy, StrategyGoal
from network_manager.selectors import KeyContactState
from relations import selectors as relation_selectors
from relations.models import Contact, Team, User
from relations.selectors import Warmth
from stakeholders.models import Quadrant, StakeholderGroup


def _active_users():
    return User.objects.filter(is_active=True)


def _name_of(user: User | None) -> str | None:
    return str(user) if user else None


def list_url(context: dict, view_name: str, **params) -> str:
    """The API list behind a figure, in the scope the figure was counted in (`team`)."""
    team = context.get("team")
    query = {"team": team} if team else {}
    query.update({key: value for key, value in params.items() if value not in (None, "")})
    url = reverse(view_name, request=context.get("request"))
    return f"{url}?{urlencode(query)}" if query else url


def detail_url(context: dict, view_name: str, pk: int) -> str:
    return reverse(view_name, args=[pk], request=context.get("request"))


_url_field = serializers.URLField(help_text="The API list behind the figure.")


# Strategy


class StrategyGoalSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="strategy-goal-detail")
    groups = serializers.PrimaryKeyRelatedField(
        queryset=StakeholderGroup.objects.all(),
        many=True,
        required=False,
        help_text="Ids of the stakeholder groups the goal depends on; given, they replace "
        "the current ones.",
    )
    group_names = serializers.SerializerMethodField()

    class Meta:
        model = StrategyGoal
        fields = [
            "id",
            "url",
            "title",
            "description",
            "position",
            "groups",
            "group_names",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_group_names(self, goal: StrategyGoal) -> list[str]:
        return [group.name for group in goal.groups.all()]


class StrategySerializer(serializers.ModelSerializer):
    updated_by = serializers.PrimaryKeyRelatedField(read_only=True)
    updated_by_name = serializers.SerializerMethodField()
    goals = StrategyGoalSerializer(many=True, read_only=True, source="goal_list")

    class Meta:
        model = Strategy
        fields = [
            "definition",
            "value_to_sales_and_marketing",
            "goals",
            "updated_at",
            "updated_by",
            "updated_by_name",
        ]
        read_only_fields = ["updated_at"]

    def get_updated_by_name(self, strategy: Strategy) -> str | None:
        return _name_of(strategy.updated_by)


# Roadmap


class RoadmapStepSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="roadmap-step-detail")
    owner = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(), allow_null=True, required=False
    )
    owner_name = serializers.SerializerMethodField()
    done_on = serializers.DateField(
        allow_null=True,
        required=False,
        help_text="Set to today when the step is done without a date; cleared otherwise.",
    )

    class Meta:
        model = RoadmapStep
        fields = [
            "id",
            "url",
            "title",
            "description",
            "owner",
            "owner_name",
            "target_on",
            "status",
            "done_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"status": {"default": StepStatus.PLANNED}}

    def get_owner_name(self, step: RoadmapStep) -> str | None:
        return _name_of(step.owner)


class RoadmapProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Steps that count: every one but dropped ones.")
    done = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    planned = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="Open steps past their target date.")
    percent_done = serializers.IntegerField()
    next_steps = RoadmapStepSerializer(many=True, help_text="The next open steps.")


# Key contacts and group assignments


_warmth_field = serializers.ChoiceField(
    choices=Warmth.choices, help_text="Of the contact: last interaction against its cadence."
)


class KeyContactSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="key-contact-detail")
    # Declared, so that DRF adds no uniqueness check: POST on a key contact changes it.
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(),
        help_text="Marking a contact that is key already changes its assignment (200).",
    )
    contact_name = serializers.SerializerMethodField()
    contact_url = serializers.SerializerMethodField()
    organisation_name = serializers.SerializerMethodField()
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), allow_null=True, required=False
    )
    team_name = serializers.SerializerMethodField()
    networker = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(),
        allow_null=True,
        required=False,
        help_text="A member of `team` when both are given.",
    )
    networker_name = serializers.SerializerMethodField()
    reason = serializers.CharField(max_length=255, allow_blank=True, required=False)
    warmth = serializers.SerializerMethodField()
    last_interaction_on = serializers.DateField(
        source="contact.last_interaction_on", read_only=True, allow_null=True
    )
    influence = serializers.IntegerField(
        read_only=True,
        help_text="The highest influence of the stakeholder groups the contact is in "
        "(directly or through the organisation); 0 for none.",
    )

    class Meta:
        model = KeyContact
        fields = [
            "id",
            "url",
            "contact",
            "contact_name",
            "contact_url",
            "organisation_name",
            "team",
            "team_name",
            "networker",
            "networker_name",
            "reason",
            "warmth",
            "last_interaction_on",
            "influence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_contact_name(self, key_contact: KeyContact) -> str:
        return key_contact.contact.full_name

    def get_contact_url(self, key_contact: KeyContact) -> str:
        return detail_url(self.context, "contact-detail", key_contact.contact_id)

    def get_organisation_name(self, key_contact: KeyContact) -> str | None:
        organisation = key_contact.contact.organisation
        return organisation.name if organisation else None

    def get_team_name(self, key_contact: KeyContact) -> str | None:
        return key_contact.team.name if key_contact.team else None

    def get_networker_name(self, key_contact: KeyContact) -> str | None:
        return _name_of(key_contact.networker)

    @extend_schema_field(_warmth_field)
    def get_warmth(self, key_contact: KeyContact) -> str:
        contact = key_contact.contact
        return relation_selectors.warmth_of(contact.last_interaction_on, contact.cadence_days)


class KeyContactUpdateSerializer(KeyContactSerializer):
    """A key contact keeps its contact; the assignment and the reason change."""

    contact = serializers.PrimaryKeyRelatedField(read_only=True)


class KeyContactQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=KeyContactState.CHOICES,
        required=False,
        help_text="going_cold: cooling or cold; untended: assigned to nobody, or nobody of "
        "us has a tie with them.",
    )


class GroupAssignmentSerializer(serializers.ModelSerializer):
    """A stakeholder group's owning team and the networker who tends it (its steward)."""

    url = serializers.HyperlinkedIdentityField(view_name="group-assignment-detail")
    group_url = serializers.HyperlinkedIdentityField(view_name="stakeholder-group-detail")
    name = serializers.CharField(read_only=True)
    quadrant = serializers.ChoiceField(choices=Quadrant.choices, read_only=True)
    owning_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), allow_null=True, required=False
    )
    owning_team_name = serializers.SerializerMethodField()
    steward = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(),
        allow_null=True,
        required=False,
        help_text="A member of the owning team when both are set.",
    )
    steward_name = serializers.SerializerMethodField()

    class Meta:
        model = StakeholderGroup
        fields = [
            "id",
            "url",
            "group_url",
            "name",
            "quadrant",
            "influence",
            "interest",
            "owning_team",
            "owning_team_name",
            "steward",
            "steward_name",
        ]
        read_only_fields = ["influence", "interest"]

    def get_owning_team_name(self, group: StakeholderGroup) -> str | None:
        return group.owning_team.name if group.owning_team else None

    def get_steward_name(self, group: StakeholderGroup) -> str | None:
        return _name_of(group.steward)


# The dashboard


class ScopeTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class ScopeSerializer(serializers.Serializer):
    whole_organisation = serializers.BooleanField()
    teams = ScopeTeamSerializer(many=True, help_text="The teams counted; empty: all.")


class WarmthCountsSerializer(serializers.Serializer):
    warm = serializers.IntegerField()
    cooling = serializers.IntegerField()
    cold = serializers.IntegerField()
    total = serializers.IntegerField()


class WarmthSerializer(WarmthCountsSerializer):
    links = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {w.value: {"type": "string", "format": "uri"} for w in Warmth},
            "required": [w.value for w in Warmth],
            "description": "The relationships behind each count.",
        }
    )
    def get_links(self, counts) -> dict:
        return {
            w.value: list_url(self.context, "dashboard-relationship-list", warmth=w.value)
            for w in Warmth
        }


class WarmthPointSerializer(serializers.Serializer):
    taken_on = serializers.DateField()
    warm = serializers.IntegerField(source="counts.warm")
    cooling = serializers.IntegerField(source="counts.cooling")
    cold = serializers.IntegerField(source="counts.cold")
    total = serializers.IntegerField(source="counts.total")


class CoverageRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="group.pk")
    name = serializers.CharField(source="group.name")
    url = serializers.SerializerMethodField()
    quadrant = serializers.ChoiceField(choices=Quadrant.choices)
    influence = serializers.IntegerField(source="group.influence")
    owning_team = serializers.IntegerField(source="group.owning_team_id", allow_null=True)
    owning_team_name = serializers.SerializerMethodField()
    steward = serializers.IntegerField(source="group.steward_id", allow_null=True)
    steward_name = serializers.SerializerMethodField()
    warm_ties = serializers.IntegerField()
    last_contact_on = serializers.DateField(allow_null=True)
    untended = serializers.BooleanField(
        help_text="Nobody owns the group, or nobody of us has a warm tie into it."
    )

    def get_url(self, row) -> str:
        return detail_url(self.context, "stakeholder-group-detail", row.group.pk)

    def get_owning_team_name(self, row) -> str | None:
        return row.group.owning_team.name if row.group.owning_team else None

    def get_steward_name(self, row) -> str | None:
        return _name_of(row.group.steward)


class OverdueCountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(_url_field)
    def get_url(self, row) -> str:
        return list_url(self.context, "dashboard-overdue-followup-list", **{self.by: row.id})


class OverdueByTeamSerializer(OverdueCountSerializer):
    by = "team"

    @extend_schema_field(_url_field)
    def get_url(self, row) -> str:
        # The team narrows the scope: the team of the row replaces the dashboard's.
        url = reverse("dashboard-overdue-followup-list", request=self.context.get("request"))
        return f"{url}?{urlencode({'team': row.id})}"


class OverdueByNetworkerSerializer(OverdueCountSerializer):
    by = "assignee"


class MeetingSeriesSerializer(serializers.Serializer):
    team = serializers.IntegerField(source="team.pk")
    team_name = serializers.CharField(source="team.name")
    counts = serializers.ListField(
        child=serializers.IntegerField(), help_text="One per month of `months`."
    )
    total = serializers.IntegerField()


class MeetingsChartSerializer(serializers.Serializer):
    months = serializers.ListField(
        child=serializers.DateField(), help_text="First days of the last 12 months, oldest first."
    )
    series = MeetingSeriesSerializer(many=True)
    highest = serializers.IntegerField()


class ComingEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="event.pk")
    name = serializers.CharField(source="event.name")
    url = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField(source="event.starts_at")
    ends_at = serializers.DateTimeField(source="event.ends_at")
    guests_by_status = StatusCountsSerializer()
    encounter_count = serializers.IntegerField(source="event.encounter_count")
    goalless_count = serializers.IntegerField(
        source="event.goalless_count", help_text="Encounters without a goal."
    )
    plan_incomplete = serializers.BooleanField(
        help_text="Nobody is planned to meet anybody yet, or an encounter has no goal."
    )

    def get_url(self, item) -> str:
        return detail_url(self.context, "event-detail", item.event.pk)


class GroupBalanceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="group.pk")
    name = serializers.CharField(source="group.name")
    url = serializers.SerializerMethodField()
    given = serializers.IntegerField(help_text="Meetings (12 months) in which we gave.")
    asked = serializers.IntegerField(help_text="Meetings (12 months) in which we asked.")
    unbalanced = serializers.BooleanField(help_text="More asked than given.")

    def get_url(self, balance) -> str:
        return detail_url(self.context, "stakeholder-group-detail", balance.group.pk)


class DashboardLinksSerializer(serializers.Serializer):
    cooling_key_contacts = serializers.URLField()
    untended_key_contacts = serializers.URLField()
    overdue_followups = serializers.URLField()
    relationships = serializers.URLField()
    roadmap = serializers.URLField()


class DashboardSerializer(serializers.Serializer):
    scope = ScopeSerializer()
    today = serializers.DateField()
    warmth = WarmthSerializer()
    warmth_trend = WarmthPointSerializer(
        many=True, help_text="Monthly snapshots of the last year, then today."
    )
    coverage = CoverageRowSerializer(
        many=True, help_text='The "manage closely" and "keep satisfied" groups, untended first.'
    )
    untended_group_total = serializers.SerializerMethodField()
    cooling_key_contacts = KeyContactSerializer(many=True)
    cooling_key_contact_total = serializers.IntegerField()
    untended_key_contacts = KeyContactSerializer(many=True)
    untended_key_contact_total = serializers.IntegerField()
    overdue_by_team = OverdueByTeamSerializer(many=True)
    overdue_by_networker = OverdueByNetworkerSerializer(many=True)
    overdue_total = serializers.IntegerField()
    meetings = MeetingsChartSerializer()
    coming_events = ComingEventSerializer(many=True)
    give_ask = GroupBalanceSerializer(many=True)
    roadmap = RoadmapProgressSerializer()
    teams = ScopeTeamSerializer(
        many=True, help_text="For network managers: the teams `team` may narrow the figures to."
    )
    links = serializers.SerializerMethodField()

    def get_untended_group_total(self, dashboard) -> int:
        return len(dashboard.untended_groups)

    @extend_schema_field(DashboardLinksSerializer)
    def get_links(self, dashboard) -> dict:
        context = self.context
        return {
            "cooling_key_contacts": list_url(
                context, "key-contact-list", state=KeyContactState.GOING_COLD
            ),
            "untended_key_contacts": list_url(
                context, "key-contact-list", state=KeyContactState.UNTENDED
            ),
            "overdue_followups": list_url(context, "dashboard-overdue-followup-list"),
            "relationships": list_url(context, "dashboard-relationship-list"),
            "roadmap": reverse("roadmap-step-list", request=context.get("request")),
        }


class DashboardQuerySerializer(serializers.Serializer):
    """Documents `team`; an unknown team, or one the user does not lead, is a 404."""

    team = serializers.IntegerField(
        required=False, help_text="Narrow the figures to one team (a 404 for another's team)."
    )


class RelationshipQuerySerializer(DashboardQuerySerializer):
    warmth = serializers.ChoiceField(choices=Warmth.choices, required=False)
    colleague = serializers.IntegerField(
        required=False, min_value=1, help_text="Id of the colleague who holds the tie."
    )


class OverdueQuerySerializer(DashboardQuerySerializer):
    assignee = serializers.IntegerField(
        required=False, min_value=1, help_text="Id of the assignee."
    )


# Who knows whom


class WhoKnowsWhomQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=2,
        max_length=200,
        help_text="An organisation, a person (name, e-mail, tag) or a topic; two letters at least.",
    )


class FoundOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, organisation) -> str:
        return detail_url(self.context, "organisation-detail", organisation.pk)


class FoundContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    full_name = serializers.CharField()
    organisation_name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_organisation_name(self, contact) -> str | None:
        return contact.organisation.name if contact.organisation else None

    def get_url(self, contact) -> str:
        return detail_url(self.context, "contact-detail", contact.pk)


class FoundTopicSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, topic) -> str:
        return detail_url(self.context, "topic-detail", topic.pk)


class GoBetweenSerializer(serializers.Serializer):
    """A colleague's tie with somebody next to what was searched."""

    relationship = serializers.IntegerField(source="pk")
    contact = serializers.IntegerField(source="contact_id")
    contact_name = serializers.CharField(source="contact.full_name")
    organisation_name = serializers.SerializerMethodField()
    last_interaction_on = serializers.DateField(allow_null=True)

    def get_organisation_name(self, tie) -> str | None:
        organisation = tie.contact.organisation
        return organisation.name if organisation else None


class ConnectorSerializer(serializers.Serializer):
    colleague = serializers.IntegerField(source="colleague.pk")
    colleague_name = serializers.CharField(source="colleague")
    ties = serializers.IntegerField()
    warm_ties = serializers.IntegerField()
    last_met_on = serializers.DateField(allow_null=True)
    strength = serializers.IntegerField(help_text="The strongest of the ties (1–5).")
    via = GoBetweenSerializer(
        many=True, help_text="Second degree: up to three go-betweens, latest met first."
    )


class WhoKnowsWhomSerializer(serializers.Serializer):
    query = serializers.CharField()
    organisations = FoundOrganisationSerializer(many=True)
    contacts = FoundContactSerializer(many=True)
    topics = FoundTopicSerializer(many=True)
    direct = ConnectorSerializer(
        many=True, help_text="Colleagues with ties into what was searched, warmest first."
    )
    second_degree = ConnectorSerializer(
        many=True,
        help_text="Only when nobody has a direct tie: colleagues who know somebody at the "
        "same organisations or in the same stakeholder groups.",
    )
