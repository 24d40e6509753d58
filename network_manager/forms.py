"""The shape of HTML input for the strategic layer. Business rules live in services."""

from django import forms
from django.db.models import CharField, Value
from django.utils.translation import gettext_lazy as _

from network_manager.models import RoadmapStep, Strategy, StrategyGoal
from relations import selectors as relation_selectors
from relations.forms import DateInput, IdChoiceField, IdMultipleChoiceField, ShapeOnlyModelForm
from relations.models import Team, User
from stakeholders.models import StakeholderGroup

PICK_MORE = _("On a computer, hold Ctrl (Cmd on a Mac) to choose more than one.")


def _colleagues(field, empty_label) -> None:
    field.queryset = relation_selectors.colleague_list()
    field.empty_label = empty_label


class StrategyForm(ShapeOnlyModelForm):
    class Meta:
        model = Strategy
        fields = ["definition", "value_to_sales_and_marketing"]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 6}),
            "value_to_sales_and_marketing": forms.Textarea(attrs={"rows": 6}),
        }


class GoalForm(ShapeOnlyModelForm):
    groups = IdMultipleChoiceField(
        label=_("Stakeholder groups it depends on"),
        required=False,
        queryset=StakeholderGroup.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = StrategyGoal
        fields = ["title", "description", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"position": _("Goals are listed by position, lowest first.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The service says why a goal needs a title; the browser need not stop the user first.
        self.fields["title"].required = False
        self.fields["position"].required = False
        if self.instance.pk is not None:
            self.initial.setdefault("groups", [group.pk for group in self.instance.groups.all()])

    def service_fields(self) -> tuple[dict, list[StakeholderGroup]]:
        data = dict(self.cleaned_data)
        groups = list(data.pop("groups", []))
        if data.get("position") is None:
            data["position"] = 0
        return data, groups


class StepForm(ShapeOnlyModelForm):
    class Meta:
        model = RoadmapStep
        fields = ["title", "description", "owner", "target_on", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "target_on": DateInput}
        field_classes = {"owner": IdChoiceField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False  # the service's message explains
        _colleagues(self.fields["owner"], _("Nobody yet"))


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Team._meta.get_field("name").max_length)
    lead = IdChoiceField(label=_("Lead"), required=False, queryset=User.objects.none())
    members = IdMultipleChoiceField(
        label=_("Members"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("The lead always belongs to the team."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, team: Team | None = None, **kwargs) -> None:
        if team is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": team.name,
                    "lead": team.lead_id,
                    "members": [member.pk for member in team.members.all()],
                },
            )
        super().__init__(*args, **kwargs)
        _colleagues(self.fields["lead"], _("No lead yet"))
        self.fields["members"].queryset = relation_selectors.colleague_list()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["members"] = list(data["members"])
        return data


class GroupAssignForm(forms.Form):
    team = IdChoiceField(
        label=_("Team"),
        required=False,
        queryset=Team.objects.order_by("name"),
        empty_label=_("No team"),
    )
    steward = IdChoiceField(
        label=_("Steward"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("The networker of the team who tends this group."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _colleagues(self.fields["steward"], _("Nobody yet"))


class KeyContactForm(forms.Form):
    team = IdChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.order_by("name"), empty_label="—"
    )
    networker = IdChoiceField(
        label=_("Networker"), required=False, queryset=User.objects.none(), empty_label="—"
    )
    reason = forms.CharField(
        label=_("Why this contact matters"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. decides on the regional budget")}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["networker"].queryset = relation_selectors.colleague_list()

    def use_options(self, teams: list[tuple], people: list[tuple]) -> None:
        """Render with options read beforehand (see assignment_options) instead of querying."""
        self.fields["team"].choices = [("", "—"), *teams]
        self.fields["networker"].choices = [("", "—"), *people]


def _full_name(first: str, last: str, username: str) -> str:
    """As User.__str__ (get_full_name or the username)."""
    return f"{first} {last}".strip() or username


def assignment_options() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The teams and the active colleagues, for the key-contact selects, in one query.

    The contact page shows this form to network managers on every visit; one UNION keeps
    the panel at two queries (this and the key contact itself).
    """
    text = CharField()
    teams = Team.objects.annotate(
        kind=Value("team", output_field=text), blank=Value("", output_field=text)
    ).values_list("kind", "pk", "name", "blank", "blank")
    people = (
        User.objects.filter(is_active=True)
        .annotate(kind=Value("user", output_field=text))
        .values_list("kind", "pk", "first_name", "last_name", "username")
    )
    team_options, people_options = [], []
    for kind, pk, first, last, username in teams.order_by().union(people.order_by(), all=True):
        if kind == "team":
            team_options.append((pk, first))
        else:
            people_options.append((pk, _full_name(first, last, username)))
    team_options.sort(key=lambda option: option[1].lower())
    people_options.sort(key=lambda option: option[1].lower())
    return team_options, people_options
