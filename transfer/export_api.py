"""Exports in the REST API: the contacts as CSV, .xlsx or vCard 4 with the filters of
/api/v1/contacts/, one contact's vCard, the stakeholder groups with their members as CSV
with the filters of /api/v1/stakeholder-groups/.

The FilterSets of those endpoints validate the parameters (a bad value is a 400) and
call the same selectors, so an export holds the rows the list endpoint would page
through. The files are built by transfer.exports, as for the HTML pages.

Included from transfer/api_urls.py; `urlpatterns` is at the end of this module.
"""

from django.http import Http404
from django.urls import path
from django.utils.cache import patch_cache_control
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer

from crm.spreadsheets import XLSX_CONTENT_TYPE
from relations import selectors
from relations.api import BAD_FILTER, NOT_FOUND
from relations.filters import ContactFilter
from relations.forms import is_possible_id
from relations.models import Contact
from stakeholders.filters import StakeholderGroupFilter
from stakeholders.models import StakeholderGroup
from transfer import exports

CSV = "text/csv"
VCARD = "text/vcard"

NOT_SIGNED_IN = OpenApiResponse(
    NOT_FOUND.response,
    description="Not signed in: send a token (`Authorization: Token …`) or a session cookie.",
)


def _file(media_type: str, description: str, binary: bool = False) -> dict:
    body = OpenApiResponse(
        OpenApiTypes.BINARY if binary else OpenApiTypes.STR, description=description
    )
    return {(200, media_type): body, 401: NOT_SIGNED_IN}


class ErrorsAsJson(BaseContentNegotiation):
    """A download has one type whatever the Accept header says; errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportSchema(AutoSchema):
    """Documents the filters of a download (AutoSchema does so for lists only)."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])

    def _is_list_view(self, serializer=None) -> bool:
        return False


class ExportView(GenericAPIView):
    # Token first: an anonymous request gets 401 with `WWW-Authenticate: Token`.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    content_negotiation_class = ErrorsAsJson
    renderer_classes = [JSONRenderer]
    filter_backends = [DjangoFilterBackend]
    pagination_class = None
    schema = ExportSchema()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    def origin(self) -> str:
        return self.request.build_absolute_uri("/")


class ContactExportView(ExportView):
    queryset = Contact.objects.none()
    filterset_class = ContactFilter

    def contacts(self):
        return self.filter_queryset(self.get_queryset())


class ContactsCsvExport(ContactExportView):
    @extend_schema(
        tags=["exports"],
        operation_id="exports_contacts_csv",
        summary="Contacts as CSV",
        description="The contacts of `/api/v1/contacts/` with the same filters (all of them, not "
        "a page), as UTF-8 CSV with byte order mark and comma separator. Columns: First name, "
        "Last name, Organisation, Job title, E-mail, Phone, Tags (comma-separated), Notes, "
        "Owner (username), Cadence (days). A cell starting with `=`, `+`, `-`, `@`, a tab or a "
        "carriage return gets a leading single quote, so that spreadsheets show it as text.",
        responses={**_file(CSV, "contacts-YYYY-MM-DD.csv"), 400: BAD_FILTER},
    )
    def get(self, request):
        return exports.contacts_csv_response(self.contacts())


class ContactsXlsxExport(ContactExportView):
    @extend_schema(
        tags=["exports"],
        operation_id="exports_contacts_xlsx",
        summary="Contacts as Excel workbook",
        description="As the CSV export, as one .xlsx sheet with a bold, frozen header row.",
        responses={**_file(XLSX_CONTENT_TYPE, "contacts-YYYY-MM-DD.xlsx", True), 400: BAD_FILTER},
    )
    def get(self, request):
        return exports.contacts_xlsx_response(self.contacts())


class ContactsVcardExport(ContactExportView):
    @extend_schema(
        tags=["exports"],
        operation_id="exports_contacts_vcf",
        summary="Contacts as vCards",
        description="The contacts of `/api/v1/contacts/` with the same filters as vCard 4.0 "
        "(RFC 6350), one card per contact: FN, N, ORG, TITLE, EMAIL, TEL, NOTE, CATEGORIES "
        "(the tags), UID (stable per contact), REV.",
        responses={**_file(VCARD, "contacts-YYYY-MM-DD.vcf"), 400: BAD_FILTER},
    )
    def get(self, request):
        return exports.contacts_vcard_response(self.contacts(), origin=self.origin())


class ContactVcardExport(ExportView):
    queryset = Contact.objects.none()
    filter_backends = []

    @extend_schema(
        tags=["exports"],
        operation_id="exports_contact_vcf",
        summary="One contact as vCard",
        description="The contact's vCard 4.0 (RFC 6350), archived or not.",
        responses={**_file(VCARD, "<name>.vcf"), 404: NOT_FOUND},
    )
    def get(self, request, pk):
        if not is_possible_id(pk):
            raise Http404
        contact = selectors.contact_get_for(user=request.user, pk=pk)
        return exports.contact_vcard_response(contact, origin=self.origin())


class GroupsCsvExport(ExportView):
    queryset = StakeholderGroup.objects.none()
    filterset_class = StakeholderGroupFilter

    @extend_schema(
        tags=["exports"],
        operation_id="exports_stakeholder_groups_csv",
        summary="Stakeholder groups with their members as CSV",
        description="The groups of `/api/v1/stakeholder-groups/` with the same filters, one row "
        "per member (people first, then organisations; a group without members gets one row): "
        "Group, Quadrant, Priority, Owning team, Member kind (`person` or `organisation`), Name, "
        "Organisation (of a person), Attitude, Note. UTF-8 with byte order mark, comma separator.",
        responses={**_file(CSV, "stakeholder-groups-YYYY-MM-DD.csv"), 400: BAD_FILTER},
    )
    def get(self, request):
        groups = self.filter_queryset(self.get_queryset())
        return exports.groups_csv_response(exports.with_members(groups, user=request.user))


urlpatterns = [
    path("exports/contacts.csv", ContactsCsvExport.as_view(), name="api-export-contacts-csv"),
    path("exports/contacts.xlsx", ContactsXlsxExport.as_view(), name="api-export-contacts-xlsx"),
    path("exports/contacts.vcf", ContactsVcardExport.as_view(), name="api-export-contacts-vcf"),
    path(
        "exports/contacts/<int:pk>.vcf",
        ContactVcardExport.as_view(),
        name="api-export-contact-vcf",
    ),
    path(
        "exports/stakeholder-groups.csv",
        GroupsCsvExport.as_view(),
        name="api-export-stakeholder-groups-csv",
    ),
]
