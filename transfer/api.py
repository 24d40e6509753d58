"""Imports in the REST API: the same services as the pages, in four calls.

POST /imports/ uploads a file (multipart) with an optional mapping and batch options and
checks its rows; GET /imports/{id}/ reports status and progress, /rows/ the verdict per
row; POST …/confirm/ imports, …/undo/ takes it back. A file of more than
services.BACKGROUND_ROWS rows is checked and imported by a worker: those calls answer
202 and the job's `status` and `processed` tell how far it is.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from relations.api import ApiSchema, DomainErrorsMixin, Pagination
from relations.permissions import NotAllowed
from relations.services import ServiceError
from transfer import selectors, services
from transfer.models import ImportJob, RowOutcome
from transfer.serializers import (
    BatchOptionsSerializer,
    ImportJobSerializer,
    ImportRowSerializer,
    ImportUploadSerializer,
)

BUSY = "A worker checks or imports the rows: poll the job until `status` changes."
REFUSED = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Not possible in the import's state (already imported, undone, or the 24 "
    "hours are over): `non_field_errors` says why.",
)


def _mapping_of(job: ImportJob, overrides: dict[str, str] | None) -> list[str]:
    """The guessed mapping with the columns named in `overrides` changed."""
    mapping = list(job.mapping)
    for header in overrides or {}:
        if header not in job.headers:
            raise ValidationError(
                {"mapping": [f"The file has no column {header!r}; it has {job.headers}."]}
            )
    for index, header in enumerate(job.headers):
        if header in (overrides or {}):
            mapping[index] = overrides[header]
    return mapping


def _set_mapping(user, job: ImportJob, data: dict) -> ImportJob:
    return services.import_set_mapping(
        actor=user,
        job=job,
        mapping=_mapping_of(job, data.get("mapping")),
        owner=data.get("owner"),
        tags=data.get("tags"),
        group=data.get("group"),
        cadence_days=data.get("cadence_days"),
    )


@extend_schema_view(
    list=extend_schema(
        summary="List imports",
        description="The user's own imports, newest first; network managers see everybody's.",
    ),
    retrieve=extend_schema(summary="An import: status, progress and counts"),
)
@extend_schema(tags=["imports"])
class ImportJobViewSet(
    DomainErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Imports of contacts and organisations from CSV, Excel and vCard files."""

    serializer_class = ImportJobSerializer
    pagination_class = Pagination
    parser_classes = [JSONParser, MultiPartParser]
    schema = ApiSchema()
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ImportJob.objects.none()
        return selectors.import_job_list_for(user=self.request.user)

    def get_object(self):
        return selectors.import_job_get_for(user=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, job: ImportJob, done_status: int = status.HTTP_200_OK) -> Response:
        job.refresh_from_db()
        code = status.HTTP_202_ACCEPTED if job.is_busy else done_status
        return Response(self.get_serializer(job).data, status=code)

    @extend_schema(
        summary="Upload a file and check its rows",
        description="Reads the file, guesses the mapping from its headers (English and "
        "Dutch) and applies `mapping` on top, then checks every row: new, update of an "
        "existing contact (same e-mail, else same name and organisation) or error, with "
        "the reason. Nothing is imported yet. A file that cannot be read is a 400 on "
        "`file`, and no job is kept.",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: OpenApiResponse(ImportJobSerializer, description="Checked: see `rows_url`."),
            202: OpenApiResponse(ImportJobSerializer, description=BUSY),
        },
    )
    def create(self, request):
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        job = services.import_upload(actor=request.user, file_name=upload.name, upload=upload)
        try:
            job = _set_mapping(request.user, job, data)
        except (ServiceError, NotAllowed, ValidationError):
            job.delete()  # the upload is refused as a whole
            raise
        return self._answer(job, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Per-row results",
        description="The verdict on each row (after the import: what happened to it), in "
        "file order.",
        parameters=[
            OpenApiParameter(
                "outcome",
                OpenApiTypes.STR,
                enum=RowOutcome.values,
                description="Only the rows with this outcome.",
            )
        ],
        responses={
            200: ImportRowSerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="An unknown `outcome`."),
        },
    )
    @action(detail=True, methods=["get"], url_path="rows", url_name="rows")
    def rows(self, request, pk=None):
        job = self.get_object()
        outcome = request.query_params.get("outcome", "")
        if outcome and outcome not in RowOutcome.values:
            raise ValidationError({"outcome": [f"Choose one of {', '.join(RowOutcome.values)}."]})
        rows = selectors.import_rows_for(job=job, outcome=outcome)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ImportRowSerializer(page, many=True).data)

    @extend_schema(
        summary="Change the mapping or batch options and check again",
        request=BatchOptionsSerializer,
        responses={
            200: ImportJobSerializer,
            202: OpenApiResponse(ImportJobSerializer, description=BUSY),
        },
    )
    @action(detail=True, methods=["post"])
    def mapping(self, request, pk=None):
        job = self.get_object()
        serializer = BatchOptionsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(_set_mapping(request.user, job, serializer.validated_data))

    @extend_schema(
        summary="Import the checked rows",
        description="Writes every row without an error in one transaction (all or none) "
        "and records what it did for the undo. Only the uploader may confirm.",
        request=None,
        responses={
            200: ImportJobSerializer,
            202: OpenApiResponse(ImportJobSerializer, description=BUSY),
            400: REFUSED,
        },
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._answer(services.import_confirm(actor=request.user, job=self.get_object()))

    @extend_schema(
        summary="Undo the whole import",
        description="Within 24 hours of the import: deletes the contacts it created, puts "
        "back the earlier values of those it updated, removes the tags and group "
        "memberships it added. Later, a 400 says why not.",
        request=None,
        responses={200: ImportJobSerializer, 400: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        return self._answer(services.import_undo(actor=request.user, job=self.get_object()))
