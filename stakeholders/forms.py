"""The shape of HTML input for the stakeholder map. Business rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from relations.forms import (
    IdChoiceField,
    IdMultipleChoiceField,
    OrganisationByNameField,
    ShapeOnlyModelForm,
)
from relations.models import Contact, Team
from relations.permissions import is_network_manager
from stakeholders.models import (
    Attitude,
    ContactMembership,
    Goal,
    GoalKind,
    OrganisationMembership,
    Quadrant,
    StakeholderGroup,
    Topic,
)
from stakeholders.selectors import Flag

SCORE_ATTRS = {"min": 1, "max": 5, "inputmode": "numeric"}


def teams_for(user):
    """Network managers give a group to any team; a lead only to the teams they lead."""
    teams = Team.objects.order_by("name")
    return teams if is_network_manager(user) else teams.filter(lead=user)


def may_create_group(user) -> bool:
    return is_network_manager(user) or Team.objects.filter(lead=user).exists()


class GroupForm(ShapeOnlyModelForm):
    class Meta:
        model = StakeholderGroup
        fields = ["name", "description", "influence", "interest", "priority", "owning_team"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "influence": forms.NumberInput(attrs=SCORE_ATTRS),
            "interest": forms.NumberInput(attrs=SCORE_ATTRS),
        }
        help_texts = {
            "influence": _("1 (little) to 5 (decisive): how much they can move our goals."),
            "interest": _("1 (hardly) to 5 (very): how much our work matters to them."),
        }
        field_classes = {"owning_team": IdChoiceField}

    topics = IdMultipleChoiceField(
        label=_("Topics"),
        required=False,
        queryset=Topic.objects.order_by("name"),
        help_text=_("On a computer, hold Ctrl (Cmd on a Mac) to choose more than one."),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owning_team"]
        field.queryset = teams_for(user)
        if is_network_manager(user):
            field.empty_label = _("No team yet")
        else:
            field.required = True
        if self.instance.pk is not None:
            self.initial.setdefault("topics", [topic.pk for topic in self.instance.topics.all()])

    def service_fields(self) -> tuple[dict, list[Topic]]:
        data = dict(self.cleaned_data)
        topics = list(data.pop("topics", []))
        return data, topics


class GroupFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Group name")}),
    )
    team = IdChoiceField(
        label=_("Team"),
        required=False,
        queryset=Team.objects.order_by("name"),
        empty_label=_("Any team"),
    )
    topic = IdChoiceField(
        label=_("Topic"),
        required=False,
        queryset=Topic.objects.order_by("name"),
        empty_label=_("Any topic"),
    )
    quadrant = forms.ChoiceField(
        label=_("Quadrant"), required=False, choices=[("", _("Any quadrant")), *Quadrant.choices]
    )
    flag = forms.ChoiceField(
        label=_("Flag"), required=False, choices=[("", _("Any flag")), *Flag.CHOICES]
    )

    def filters(self) -> dict:
        """Keyword arguments for selectors.group_list_for; invalid input filters nothing."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data.get("q", ""),
            "team_id": data["team"].pk if data.get("team") else None,
            "topic_id": data["topic"].pk if data.get("topic") else None,
            "quadrant": data.get("quadrant", ""),
            "flag": data.get("flag", ""),
        }


class GridFilterForm(GroupFilterForm):
    """The grid shows every quadrant: only team and topic narrow it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("q", "quadrant", "flag"):
            del self.fields[name]


class ContactMemberForm(forms.Form):
    """A person chosen from the type-ahead (a radio button per match), with an attitude."""

    contact = IdChoiceField(
        label=_("Person"),
        queryset=Contact.objects.all(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Find and choose a person first.")},
    )
    attitude = forms.ChoiceField(
        label=_("Attitude"), choices=Attitude.choices, initial=Attitude.NEUTRAL
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=ContactMembership._meta.get_field("note").max_length,
    )


class OrganisationMemberForm(forms.Form):
    organisation = OrganisationByNameField(label=_("Organisation"))
    attitude = forms.ChoiceField(
        label=_("Attitude"), choices=Attitude.choices, initial=Attitude.NEUTRAL
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=OrganisationMembership._meta.get_field("note").max_length,
    )


class MembershipForm(forms.Form):
    """Change how a member stands towards us."""

    attitude = forms.ChoiceField(label=_("Attitude"), choices=Attitude.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=ContactMembership._meta.get_field("note").max_length,
    )


class GoalForm(ShapeOnlyModelForm):
    class Meta:
        model = Goal
        fields = ["kind", "text", "status"]
        error_messages = {"text": {"required": _("Write the goal in a few words.")}}


class NewGoalForm(GoalForm):
    """One per column of the reciprocity card: the column gives the kind."""

    class Meta(GoalForm.Meta):
        fields = ["kind", "text"]

    def __init__(self, *args, kind: str = "", **kwargs) -> None:
        kind = kind if kind in GoalKind.values else ""
        if kind:
            kwargs.setdefault("auto_id", f"id_{kind}_%s")
            kwargs.setdefault("initial", {})["kind"] = kind
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget = forms.HiddenInput()
        self.fields["text"].label = GoalKind(kind).label if kind else _("Text")
        self.fields["text"].widget.attrs["placeholder"] = _("In a few words")


class TopicForm(ShapeOnlyModelForm):
    class Meta:
        model = Topic
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
