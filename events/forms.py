"""The shape of HTML input for the event calendar. Business rules live in services."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from events.models import Encounter, Event, EventKind, Invitation, InvitationStatus
from relations import selectors as relation_selectors
from relations.forms import DateInput, IdChoiceField, ShapeOnlyModelForm, is_possible_id
from relations.models import Contact, Team
from stakeholders.models import Goal, Network, StakeholderGroup


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; it sends 2026-01-31T15:00 (local time)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


# Filters


class EventFilterForm(forms.Form):
    """Kind, team and "only mine": the filters of the year page, the month grid and the list."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *EventKind.choices]
    )
    team = IdChoiceField(
        label=_("Team"),
        required=False,
        queryset=Team.objects.order_by("name"),
        empty_label=_("Any team"),
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)

    # The names kept in the links between pages (year ↔ month ↔ list).
    kept = ("kind", "team", "mine")

    def filters(self) -> dict:
        """Keyword arguments for selectors.event_list_for; invalid input filters nothing."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "team_id": data["team"].pk if data["team"] else None,
            "mine": data["mine"],
        }

    def query(self) -> QueryDict:
        """The valid filters as a query string for links to the other calendar pages."""
        query = QueryDict(mutable=True)
        if self.is_valid():
            for name in self.kept:
                value = self.cleaned_data.get(name)
                if value:
                    query[name] = "1" if value is True else getattr(value, "pk", value)
        return query

    def query_string(self) -> str:
        query = self.query()
        return f"?{query.urlencode()}" if query else ""

    @property
    def filtered(self) -> bool:
        return bool(self.query())


class EventListFilterForm(EventFilterForm):
    UPCOMING = "upcoming"
    PAST = "past"

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or location")}),
    )
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[(UPCOMING, _("Upcoming")), (PAST, _("Past"))],
    )

    def filters(self) -> dict:
        filters = super().filters()
        if filters:
            filters["search"] = self.cleaned_data["q"].strip()
        return filters

    @property
    def past(self) -> bool:
        return self.is_valid() and self.cleaned_data["when"] == self.PAST

    @property
    def filtered(self) -> bool:
        return super().filtered or (self.is_valid() and bool(self.cleaned_data["q"].strip()))


# Events


class EventForm(ShapeOnlyModelForm):
    class Meta:
        model = Event
        fields = [
            "name",
            "kind",
            "starts_at",
            "ends_at",
            "location",
            "network",
            "organiser",
            "capacity",
            "description",
        ]
        widgets = {
            "starts_at": DateTimeLocalInput,
            "ends_at": DateTimeLocalInput,
            "capacity": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"network": IdChoiceField, "organiser": IdChoiceField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = relation_selectors.colleague_list()
        self.fields["organiser"].empty_label = _("Nobody")
        self.fields["network"].queryset = Network.objects.order_by("name")
        self.fields["network"].empty_label = _("No network")
        self.fields["capacity"].widget.attrs["min"] = 1  # the model's minimum, not the column's


# The guest list


class GuestAddForm(forms.Form):
    """One contact onto the guest list (planners invite, everybody else proposes)."""

    contact = IdChoiceField(
        label=_("Guest"),
        queryset=Contact.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Find and choose a person first.")},
    )
    host = IdChoiceField(
        label=_("Host among us"),
        required=False,
        queryset=relation_selectors.colleague_list(),
        empty_label=_("Nobody in particular"),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=Invitation._meta.get_field("note").max_length,
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_guest_%s")
        super().__init__(*args, **kwargs)
        # The type-ahead's buttons submit this form from wherever they are on the page.
        for name in ("host", "note"):
            self.fields[name].widget.attrs["form"] = "guest-add"


class GuestGroupForm(forms.Form):
    group = IdChoiceField(
        label=_("Stakeholder group"),
        queryset=StakeholderGroup.objects.order_by("name"),
        empty_label=_("Choose a group"),
        error_messages={"required": _("Choose a group.")},
    )
    status = forms.ChoiceField(
        label=_("As"),
        choices=[
            (InvitationStatus.INVITED, _("Invited")),
            (InvitationStatus.PROPOSED, _("Proposed")),
        ],
        initial=InvitationStatus.INVITED,
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_group_%s")
        super().__init__(*args, **kwargs)


class IdListField(forms.Field):
    """Several ids from checkboxes (or hidden inputs) of the same name."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose guests from the list.")}

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        ids = []
        for item in value:
            try:
                pk = int(item)
            except (TypeError, ValueError):
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
            if not is_possible_id(pk):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if pk not in ids:
                ids.append(pk)
        return ids


class GuestStatusForm(forms.Form):
    """A status for the ticked guests (or a single one, from its row's buttons)."""

    invitations = IdListField(
        label=_("Guests"), error_messages={"required": _("Tick at least one guest.")}
    )
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[("", _("Choose a status")), *InvitationStatus.choices],
        error_messages={"required": _("Choose the new status.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_bulk_%s")
        super().__init__(*args, **kwargs)

    def ticked(self) -> set[int]:
        """The ids ticked in the submitted form (to tick them again when it comes back)."""
        if not self.is_bound:
            return set()
        try:
            return set(self.fields["invitations"].to_python(self.data.getlist("invitations")))
        except forms.ValidationError:
            return set()


# The encounter plan


class EncounterForm(ShapeOnlyModelForm):
    """One row of the plan. Its inputs belong to the row's <form> (in the actions cell)
    through the form="…" attribute, so that the four cells of a table row can be one form.

    "Meets whom" and the stakeholder goal are rendered by the templates (the event's guests
    first, then what the type-ahead found; the goals of the chosen contact's groups).
    """

    class Meta:
        model = Encounter
        fields = ["colleague", "contact", "starts_at", "minutes", "goal", "stakeholder_goal"]
        widgets = {
            "starts_at": DateTimeLocalInput,
            "minutes": forms.NumberInput(
                attrs={"min": 5, "max": 480, "step": 5, "inputmode": "numeric"}
            ),
            "goal": forms.TextInput(attrs={"placeholder": _("What we want, what we offer")}),
        }
        field_classes = {
            "colleague": IdChoiceField,
            "contact": IdChoiceField,
            "stakeholder_goal": IdChoiceField,
        }

    def __init__(self, *args, key: str = "new", **kwargs) -> None:
        kwargs.setdefault("auto_id", f"id_enc-{key}_%s")
        super().__init__(*args, **kwargs)
        self.key = key
        self.form_id = f"encounter-form-{key}"
        if "colleague" in self.fields:
            self.fields["colleague"].queryset = relation_selectors.colleague_list()
            self.fields["colleague"].empty_label = _("Who of us?")
        if "contact" in self.fields:
            self.fields["contact"].queryset = Contact.objects.all()
        self.fields["stakeholder_goal"].queryset = Goal.objects.all()
        if "minutes" in self.fields:
            self.fields["minutes"].widget.attrs["min"] = 5  # the model's minimum, not the column's
        self.fields["stakeholder_goal"].required = False
        for field in self.fields.values():
            field.widget.attrs["form"] = self.form_id

    def raw_id(self, name: str) -> int | None:
        """The id chosen for `name` so far (bound data, else initial), to render its select."""
        value = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        value = getattr(value, "pk", value)
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return None
        return pk if is_possible_id(pk) else None

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


class EncounterGoalForm(EncounterForm):
    """The colleague who meets them writes only the goal of their encounter."""

    class Meta(EncounterForm.Meta):
        fields = ["goal", "stakeholder_goal"]


class OutcomeForm(forms.Form):
    """How it went, after the event, with an optional next step."""

    outcome = forms.CharField(
        label=_("How did it go?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write down how it went.")},
    )
    next_step_text = forms.CharField(
        label=_("Next step"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. send the report")}),
    )
    next_step_due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput)

    def __init__(self, *args, key: str = "", **kwargs) -> None:
        kwargs.setdefault("auto_id", f"id_outcome-{key}_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        missing_due = not cleaned.get("next_step_due_on") and "next_step_due_on" not in self.errors
        if cleaned.get("next_step_text", "").strip() and missing_due:
            self.add_error("next_step_due_on", _("Give the next step a due date."))
        return cleaned
