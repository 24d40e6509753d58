"""The shape of the privacy API's input and output."""

from rest_framework import serializers

from privacy.models import Erasure
from relations.models import Contact, LegalBasis


class EraseSerializer(serializers.Serializer):
    confirm_name = serializers.CharField(
        max_length=250,
        help_text="The contact's name as shown (case and spacing aside): an erasure cannot "
        "be undone.",
    )


class ErasureSerializer(serializers.ModelSerializer):
    contact = serializers.IntegerField(source="contact_ref", read_only=True)
    erased_by = serializers.IntegerField(source="erased_by_id", read_only=True, allow_null=True)
    erased_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Erasure
        fields = ["contact", "erased_by", "erased_by_name", "erased_at"]

    def get_erased_by_name(self, erasure: Erasure) -> str | None:
        return str(erasure.erased_by) if erasure.erased_by else None


class RetentionContactSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    owner_name = serializers.SerializerMethodField()
    organisation_name = serializers.SerializerMethodField()
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices, read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "full_name",
            "organisation",
            "organisation_name",
            "owner",
            "owner_name",
            "last_interaction_on",
            "created_at",
            "legal_basis",
            "legal_basis_note",
            "archived",
        ]
        read_only_fields = fields

    def get_owner_name(self, contact: Contact) -> str | None:
        return str(contact.owner) if contact.owner else None

    def get_organisation_name(self, contact: Contact) -> str | None:
        return contact.organisation.name if contact.organisation else None


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    timestamp = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=["create", "update", "delete", "access"])
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    actor_name = serializers.CharField()
    erasure = serializers.BooleanField(help_text="The entry records a personal-data erasure.")
    changes = FieldChangeSerializer(many=True)
