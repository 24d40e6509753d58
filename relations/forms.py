"""The shape of HTML input. Business rules live in services; these forms only parse."""

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from relations import selectors
from relations.extensions import meeting_form_extensions
from relations.models import Contact, Interaction, InteractionKind, Organisation, Tag
from relations.selectors import Warmth

# The largest id a primary key can hold (a signed 64-bit integer). A larger number is
# no id at all, and SQLite cannot even compare it (OverflowError), so it is refused
# before any query.
MAX_ID = 2**63 - 1


def is_possible_id(value) -> bool:
    """False for a whole number outside 1..MAX_ID; other input is left to the field."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return True
    try:
        number = int(value)
    except ValueError:
        return True
    return 1 <= number <= MAX_ID


class IdField(forms.IntegerField):
    """The id of an object: a whole number from 1 to MAX_ID."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses an impossible id as an invalid choice."""

    def to_python(self, value):
        by_id = self.to_field_name in (None, "pk", "id")
        if by_id and value not in self.empty_values and not is_possible_id(value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses impossible ids before querying them."""

    def _check_values(self, value):
        by_id = self.to_field_name in (None, "pk", "id")
        for pk in value:
            if by_id and not is_possible_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ShapeOnlyModelForm(forms.ModelForm):
    """Fields, labels and validators come from the model, but nothing else happens here.

    Services apply the business rules and save. The instance is never modified, so a
    permission check on it still sees the stored owner, not the submitted one.
    """

    def _post_clean(self) -> None:
        """Runs each model field's validators (a cadence of 1–3650 days, …) on its cleaned value.

        ModelForm would do this on the instance (full_clean); here the instance stays as
        stored, and uniqueness is the services' business.
        """
        opts = self.instance._meta
        for name, value in list(self.cleaned_data.items()):
            if self._meta.fields is not None and name not in self._meta.fields:
                continue
            if self._meta.exclude and name in self._meta.exclude:
                continue
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_many or not field.concrete:
                continue
            if field.is_relation:
                value = getattr(value, "pk", value)
            try:
                field.run_validators(value)
            except ValidationError as error:
                self.add_error(name, error)

    def save(self, commit: bool = True):
        raise NotImplementedError("Save through relations.services.")


class OrganisationInput(forms.TextInput):
    """A text input whose datalist fills with matching organisations as one types (htmx).

    Used instead of a select, which would list every organisation on each page.
    """

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.update(
            {
                "list": f"{widget_attrs.get('id', name)}_options",
                "autocomplete": "off",
                "hx-get": reverse("relations:organisation_typeahead"),
                "hx-trigger": "input changed delay:200ms",
                "hx-target": "next datalist",
                "hx-swap": "innerHTML",
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id', name)}_options"
        return format_html('{}<datalist id="{}"></datalist>', html, list_id)


class OrganisationByNameField(forms.ModelChoiceField):
    """An organisation chosen by typing its name (case does not matter)."""

    widget = OrganisationInput
    default_error_messages = {
        "invalid_choice": _("There is no organisation with this name. Add it first."),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=Organisation.objects.all(), **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Organisation):
            return value.name
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        match = self.queryset.filter(name__iexact=str(value).strip()).first()
        if match is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return match


def organisation_name(value) -> str:
    """The name to show in an organisation input for an initial pk (or instance)."""
    if isinstance(value, Organisation):
        return value.name
    if value in (None, ""):
        return ""
    if not is_possible_id(value):
        return ""
    try:
        found = Organisation.objects.filter(pk=int(value)).only("name").first()
    except (TypeError, ValueError):
        return ""
    return found.name if found else ""


def _colleague_field(form: forms.Form, name: str) -> None:
    """Only active colleagues are offered (a ModelForm would offer every user)."""
    form.fields[name].queryset = selectors.colleague_list()
    form.fields[name].empty_label = _("Nobody yet")


class ContactForm(ShapeOnlyModelForm):
    organisation = OrganisationByNameField(label=_("Organisation"), required=False)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas, e.g. board, energy, alumni."),
    )

    class Meta:
        model = Contact
        fields = [
            "first_name",
            "last_name",
            "job_title",
            "organisation",
            "email",
            "phone",
            "owner",
            "cadence_days",
            "legal_basis",
            "legal_basis_note",
            "notes",
            "archived",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "legal_basis_note": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"owner": IdChoiceField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _colleague_field(self, "owner")
        if not self.is_bound:
            initial = self.initial.get("organisation")
            if self.instance.organisation_id and initial == self.instance.organisation_id:
                initial = self.instance.organisation  # loaded with the contact already
            self.initial["organisation"] = organisation_name(initial)
        if self.instance.pk is None:
            del self.fields["archived"]
        else:
            self.initial.setdefault("tags", ", ".join(tag.name for tag in self.instance.tags.all()))
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        names = [name.strip() for name in raw.split(",") if name.strip()]
        limit = Tag._meta.get_field("name").max_length
        # Measured as stored: the service lower-cases tag names.
        too_long = [name for name in names if len(name.lower()) > limit]
        if too_long:
            raise ValidationError(
                _("A tag can have at most %(limit)d characters; “%(tag)s” is longer."),
                code="tag_too_long",
                params={"limit": limit, "tag": Truncator(too_long[0]).chars(30)},
            )
        return names

    def service_fields(self) -> tuple[dict, list[str]]:
        """The cleaned data split into model fields and tag names, as the services take them."""
        data = dict(self.cleaned_data)
        tags = data.pop("tags", [])
        return data, tags


class OrganisationForm(ShapeOnlyModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "sector", "city", "website", "owner", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"owner": IdChoiceField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _colleague_field(self, "owner")


class AffiliationForm(forms.Form):
    organisation = OrganisationByNameField(label=_("Organisation"))
    role = forms.CharField(
        label=_("Role"),
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. board member")}),
    )


class ContactSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, organisation, e-mail or tag")}
        ),
    )
    owner = IdChoiceField(
        label=_("Owner"),
        required=False,
        queryset=selectors.colleague_list(),
        empty_label=_("Any owner"),
    )
    warmth = forms.ChoiceField(
        label=_("Warmth"),
        required=False,
        choices=[("", _("Any warmth")), *Warmth.choices],
    )
    tag = forms.CharField(required=False, widget=forms.HiddenInput)

    def filters(self) -> dict:
        """Keyword arguments for selectors.contact_list_for; invalid input filters nothing."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data["q"],
            "owner_id": data["owner"].pk if data["owner"] else None,
            "warmth": data["warmth"],
            "tag": data["tag"],
        }


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, city or sector")}),
    )


class MeetingForm(forms.Form):
    """Log a meeting and, optionally, its next step, in one submit."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=InteractionKind.choices, initial=InteractionKind.COFFEE
    )
    occurred_on = forms.DateField(label=_("Date"), initial=selectors.today, widget=DateInput)
    our_participants = IdMultipleChoiceField(
        label=_("Who of us"),
        queryset=selectors.colleague_list(),
        help_text=_("On a computer, hold Ctrl (Cmd on a Mac) to choose more than one."),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    contacts = IdMultipleChoiceField(
        label=_("Whom we met"),
        queryset=Contact.objects.all(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Choose at least one person we met.")},
    )
    summary = forms.CharField(
        label=_("What was discussed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    given = forms.CharField(
        label=_("What we gave"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("An introduction, advice, an invitation…")}
        ),
    )
    asked = forms.CharField(
        label=_("What we asked or received"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confidential = forms.BooleanField(
        label=_("Confidential"),
        required=False,
        help_text=_("Only the participants and network managers can read it."),
    )
    next_step_text = forms.CharField(
        label=_("What needs to happen"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. send the report")}),
    )
    next_step_due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    next_step_assignee = IdChoiceField(
        label=_("Assignee"),
        required=False,
        queryset=selectors.colleague_list(),
        empty_label=_("Me"),  # the service gives the next step to its author
    )

    def __init__(self, *args, user, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("our_participants", [user.pk])
        kwargs["initial"].setdefault("next_step_assignee", user.pk)
        super().__init__(*args, **kwargs)
        self.user = user
        self.extension_names = []
        for extension in meeting_form_extensions():
            for name, field in extension.fields(user).items():
                self.fields[name] = field
                self.extension_names.append(name)

    def extension_fields(self):
        return [self[name] for name in self.extension_names]

    def clean(self):
        cleaned = super().clean()
        missing_due = not cleaned.get("next_step_due_on") and "next_step_due_on" not in self.errors
        if cleaned.get("next_step_text") and missing_due:
            self.add_error("next_step_due_on", _("Give the next step a due date."))
        return cleaned

    def chosen_ids(self) -> list[int]:
        """The contacts ticked so far, in the order they were chosen."""
        raw = self.data.getlist("contacts") if self.is_bound else self.initial.get("contacts", [])
        ids: list[int] = []
        for value in raw:
            try:
                pk = int(value)
            except (TypeError, ValueError):
                continue
            if is_possible_id(pk) and pk not in ids:
                ids.append(pk)
        return ids

    def chosen_contacts(self) -> list[Contact]:
        ids = self.chosen_ids()
        if not ids:
            return []
        found = {
            contact.pk: contact
            for contact in selectors.contact_list_for(user=self.user, include_archived=True).filter(
                pk__in=ids
            )
        }
        return [found[pk] for pk in ids if pk in found]

    def contacts_in_order(self) -> list[Contact]:
        """The cleaned contacts in the order chosen: the first one is where the user lands."""
        order = {pk: index for index, pk in enumerate(self.chosen_ids())}
        return sorted(self.cleaned_data["contacts"], key=lambda c: order.get(c.pk, len(order)))


class InteractionForm(ShapeOnlyModelForm):
    class Meta:
        model = Interaction
        fields = ["kind", "occurred_on", "summary", "given", "asked", "confidential"]
        widgets = {
            "occurred_on": DateInput,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "given": forms.Textarea(attrs={"rows": 2}),
            "asked": forms.Textarea(attrs={"rows": 2}),
        }


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=[])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Each language in its own name, so that anyone can find theirs.
        names = {"en": "English", "nl": "Nederlands"}
        self.fields["language"].choices = [
            (code, names.get(code, name)) for code, name in settings.LANGUAGES
        ]
