"""Shape of import input and output in the API only; the rules live in transfer.services."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from relations.models import Contact, User
from stakeholders.models import StakeholderGroup
from transfer import mapping, services
from transfer.models import ImportJob, ImportRow

_FIELD_NAMES = [mapping.IGNORE, *mapping.FIELDS]


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "enum": _FIELD_NAMES},
        "description": "Column header → field, for the columns whose guess should change "
        '("" leaves a column out). The others keep the field guessed from their header.',
        "example": {"Naam": "full_name", "Bedrijf": "organisation", "Opmerking": ""},
    }
)
class MappingField(serializers.JSONField):
    """A JSON object; in a multipart upload, a JSON-encoded string."""

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
            raise serializers.ValidationError("Expected an object: column header → field.")
        wrong = [field for field in data.values() if field not in _FIELD_NAMES]
        if wrong:
            raise serializers.ValidationError(
                f"Unknown field {wrong[0]!r}; choose one of {', '.join(_FIELD_NAMES[1:])} or ''."
            )
        return data


class BatchOptionsSerializer(serializers.Serializer):
    mapping = MappingField(required=False)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Owner of the new contacts; defaults to the current user. Only network "
        "managers may import for somebody else.",
    )
    cadence_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        validators=Contact._meta.get_field("cadence_days").validators,
        help_text="Stay-in-touch cadence of the new contacts (days); empty for the usual 90.",
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60),
        required=False,
        help_text="Tags for every imported contact, new and updated.",
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=StakeholderGroup.objects.all(),
        required=False,
        allow_null=True,
        help_text="Stakeholder group every imported contact joins (its owning team's lead or "
        "a network manager).",
    )


class ImportUploadSerializer(BatchOptionsSerializer):
    file = serializers.FileField(
        help_text="A .csv (UTF-8 or Windows-1252, `,` or `;`), .xlsx or .vcf file."
    )


class ImportRowSerializer(serializers.ModelSerializer):
    values = serializers.ListField(
        child=serializers.CharField(allow_blank=True), help_text="The cells as read."
    )
    data = serializers.DictField(
        allow_null=True,
        help_text="The contact's fields as the mapping reads the cells (tags as a list).",
    )

    class Meta:
        model = ImportRow
        fields = ["number", "outcome", "message", "contact", "values", "data"]


class ImportJobSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="import-detail")
    rows_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    processed = serializers.SerializerMethodField()
    headers = serializers.ListField(child=serializers.CharField())
    mapping = serializers.ListField(
        child=serializers.ChoiceField(choices=_FIELD_NAMES),
        help_text='The field of each column, in the order of `headers` ("" is left out).',
    )
    tags = serializers.ListField(child=serializers.CharField())
    undo_until = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "rows_url",
            "page_url",
            "file_name",
            "format",
            "encoding",
            "delimiter",
            "status",
            "message",
            "headers",
            "mapping",
            "owner",
            "cadence_days",
            "tags",
            "group",
            "total",
            "processed",
            "created_count",
            "updated_count",
            "skipped_count",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "undo_until",
            "undone_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "created_count": {"help_text": "New contacts (expected after the check, made after "
                              "the import)."},
            "updated_count": {"help_text": "Existing contacts matched by e-mail, or by name and "
                              "organisation."},
            "skipped_count": {"help_text": "Rows with an error; they are not imported."},
        }  # fmt: skip

    def get_rows_url(self, job: ImportJob) -> str:
        return self.context["request"].build_absolute_uri(reverse("import-rows", args=[job.pk]))

    def get_page_url(self, job: ImportJob) -> str:
        """The same import in the browser."""
        return self.context["request"].build_absolute_uri(job.get_absolute_url())

    def get_processed(self, job: ImportJob) -> int:
        """Rows checked or imported so far, live while a worker is busy."""
        return services.progress_of(job)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_undo_until(self, job: ImportJob):
        """Until when `POST …/undo/` takes the import back (null: not undoable)."""
        if not services.can_undo(job):
            return None
        return serializers.DateTimeField().to_representation(services.undo_deadline(job))
