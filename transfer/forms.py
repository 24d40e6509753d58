"""The shape of import input: the upload, the mapping with the batch options, and one row
of the file checked by the rules of the contact form."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from relations import selectors as relation_selectors
from relations.forms import ContactForm, IdChoiceField, ShapeOnlyModelForm
from relations.models import Contact, Organisation
from stakeholders.models import StakeholderGroup
from transfer import mapping, selectors


class ImportRowForm(ShapeOnlyModelForm):
    """One row as the contact form takes it: the model's fields, validators and the tag rule.

    The organisation is a name here (a missing one is created by the import) rather than a
    choice among the existing ones.
    """

    organisation = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=Organisation._meta.get_field("name").max_length,
    )
    city = forms.CharField(
        label=_("City"), required=False, max_length=Organisation._meta.get_field("city").max_length
    )
    tags = forms.CharField(label=_("Tags"), required=False)

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "job_title", "email", "phone", "notes"]

    clean_tags = ContactForm.clean_tags

    def check(self, data: dict) -> bool:
        """Validate another row with this form.

        The fields are built once per file instead of once per row: copying them for each
        of 50,000 rows would take longer than checking them.
        """
        self.data, self.is_bound, self._errors = data, True, None
        return self.is_valid()

    def error_text(self) -> str:
        """All errors on one line, each after its field's label."""
        parts = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            text = " ".join(errors)
            parts.append(f"{label}: {text}" if label else text)
        return " ".join(parts)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), error_messages={"empty": _("The file is empty.")})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (UTF-8 or Windows-1252, separated by commas or semicolons), Excel (.xlsx) "
            "or vCard (.vcf) from Outlook, Google or Apple; at most %(size)s."
        ) % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.xlsx,.vcf,.vcard"


class BatchOptionsForm(forms.Form):
    """What every row of the import gets: owner and cadence of new contacts, tags and a
    stakeholder group for every imported contact."""

    owner = IdChoiceField(
        label=_("Owner of new contacts"),
        queryset=relation_selectors.colleague_list(),
        required=False,
        empty_label=None,
    )
    cadence_days = forms.IntegerField(
        label=_("Stay-in-touch cadence of new contacts (days)"),
        required=False,
        validators=Contact._meta.get_field("cadence_days").validators,
        help_text=_("Leave empty for the usual 90 days."),
    )
    tags = forms.CharField(
        label=_("Tags for every imported contact"),
        required=False,
        help_text=_("Separate tags with commas, e.g. board, energy, alumni."),
    )
    group = IdChoiceField(
        label=_("Add every imported contact to the stakeholder group"),
        queryset=StakeholderGroup.objects.none(),
        required=False,
        empty_label=_("No group"),
    )

    clean_tags = ContactForm.clean_tags

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.owners_importable_by(user=user)
        self.fields["group"].queryset = selectors.groups_importable_by(user=user)
        if not self.fields["group"].queryset.exists():
            del self.fields["group"]

    def options(self) -> dict:
        """Keyword arguments of services.import_set_mapping."""
        data = self.cleaned_data
        return {
            "owner": data["owner"],
            "cadence_days": data["cadence_days"],
            "tags": data["tags"],
            "group": data.get("group"),
        }


class MappingForm(BatchOptionsForm):
    """A select per column, guessed from its header, followed by the batch options."""

    def __init__(self, *args, job, samples: list[list[str]], **kwargs) -> None:
        super().__init__(*args, user=job.created_by, **kwargs)
        choices = [(mapping.IGNORE, _("— do not import —")), *mapping.FIELDS.items()]
        self.column_names = []
        columns = {}
        for index, header in enumerate(job.headers):
            name = f"column_{index}"
            columns[name] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=job.mapping[index] if index < len(job.mapping) else mapping.IGNORE,
            )
            columns[name].samples = samples[index] if index < len(samples) else []
            self.column_names.append(name)
        # The columns come first on the page.
        self.fields = {**columns, **self.fields}
        if not self.is_bound:
            self.initial.setdefault("owner", job.owner_id or job.created_by_id)
            self.initial.setdefault("cadence_days", job.cadence_days)
            self.initial.setdefault("tags", ", ".join(job.tags))
            self.initial.setdefault("group", job.group_id)

    def columns(self):
        return [self[name] for name in self.column_names]

    def chosen_mapping(self) -> list[str]:
        return [self.cleaned_data.get(name) or mapping.IGNORE for name in self.column_names]
