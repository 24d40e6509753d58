"""REST API of the privacy app: the same selectors and services as the pages.

GET  privacy/contacts/{id}/export/   the personal-data document (logged)
POST privacy/contacts/{id}/erase/    erase the contact's personal data
GET  privacy/retention/              contacts not met for RETENTION_MONTHS
GET  privacy/history/{app_label}/{model}/{id}/   an object's audit trail

Network managers only: the export, erasure and retention list answer others 403 (the
contact is readable, the action is not theirs); the history answers them 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy import permissions, selectors, serializers, services
from relations import selectors as relation_selectors
from relations.api import ApiSchema, DomainErrorsMixin, Pagination
from relations.models import Contact

REFUSED_ERASURE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="The confirmation does not match the contact's name (`confirm_name`), or "
    "the contact was already erased (`non_field_errors`).",
)


@extend_schema(tags=["privacy"])
class ContactExportView(DomainErrorsMixin, APIView):
    schema = ApiSchema()

    @extend_schema(
        summary="Export a contact's personal data",
        description="Everything the system holds about the person, as one JSON document "
        "(sent as the download `contact-<id>.json`): contact fields and legal basis, tags, "
        "affiliations, stakeholder memberships, topics, networks, relationships, meetings, "
        "follow-ups, event invitations and encounters, and the import rows that created or "
        "updated them. Network managers only; each export is recorded in the contact's "
        "history.",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk):
        contact = relation_selectors.contact_get_for(user=request.user, pk=pk)
        document = services.contact_export(actor=request.user, contact=contact)
        response = Response(document)
        response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
        response["Cache-Control"] = "private, no-store"
        return response


@extend_schema(tags=["privacy"])
class ContactEraseView(DomainErrorsMixin, APIView):
    schema = ApiSchema()

    @extend_schema(
        summary="Erase a contact's personal data",
        description="Irreversible. The contact is anonymised and archived, free texts "
        "about them are erased, and the audit trail no longer holds their data; meetings "
        "and their dates and counts stay. Network managers only.",
        request=serializers.EraseSerializer,
        responses={200: serializers.ErasureSerializer, 400: REFUSED_ERASURE},
    )
    def post(self, request, pk):
        contact = relation_selectors.contact_get_for(user=request.user, pk=pk)
        permissions.ensure_can_manage_personal_data(request.user)  # before parsing: 403
        data = serializers.EraseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        erasure = services.contact_erase(
            actor=request.user, contact=contact, confirm_name=data.validated_data["confirm_name"]
        )
        return Response(serializers.ErasureSerializer(erasure).data, status=status.HTTP_200_OK)


@extend_schema(tags=["privacy"])
class RetentionListView(DomainErrorsMixin, generics.ListAPIView):
    schema = ApiSchema()
    serializer_class = serializers.RetentionContactSerializer
    pagination_class = Pagination
    filter_backends: list = []

    @extend_schema(
        summary="Contacts due for a retention review",
        description="Contacts with no meeting for RETENTION_MONTHS (24 by default), and "
        "those never met and added longer ago than that; erased contacts are left out. "
        "Longest unseen first. Network managers only.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contact.objects.none()
        return selectors.retention_due(user=self.request.user)


@extend_schema(tags=["privacy"])
class HistoryView(DomainErrorsMixin, generics.ListAPIView):
    schema = ApiSchema()
    serializer_class = serializers.HistoryEntrySerializer
    pagination_class = Pagination
    filter_backends: list = []

    @extend_schema(
        summary="The audit trail of an object",
        description="Who created, changed, deleted or exported the object, when, and each "
        "field before → after; newest first. For the audited models of the relations, "
        "stakeholders and events apps (`app_label`/`model` as in "
        "`relations/contact`). Network managers only: for others, and for an unknown "
        "model or id, 404.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        target = selectors.history_target_for(
            user=request.user,
            app_label=kwargs["app_label"],
            model_name=kwargs["model"],
            pk=kwargs["pk"],
        )
        page = self.paginate_queryset(selectors.history_entries(target))
        rows = selectors.history_rows(target, page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)
