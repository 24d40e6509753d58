"""Import fixtures: files written by the tests in each format and dialect, and a sandbox
that keeps the progress files and any Celery message of a test out of var/."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import filesystem_broker_options
from transfer import services
from transfer.models import ImportJob

HEADER_EN = ["First name", "Last name", "Organisation", "E-mail", "Phone", "Job title", "Tags"]
HEADER_NL = ["Naam", "Organisatie", "E-mailadres", "Telefoon", "Functie", "Opmerkingen"]


@pytest.fixture
def import_sandbox(settings, tmp_path, use_broker):
    settings.VAR_DIR = tmp_path / "var"
    use_broker("filesystem://", **filesystem_broker_options(tmp_path / "broker"))


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def csv_bytes(
    rows: list[list], header: list[str] | None = None, *, delimiter=",", encoding="utf-8-sig"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], header: list[str] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def checked(user, file, **options) -> ImportJob:
    """Upload `file` and check its rows with the guessed mapping (or options["mapping"])."""
    job = services.import_upload(actor=user, file_name=file.name, upload=file)
    mapping = options.pop("mapping", job.mapping)
    return services.import_set_mapping(actor=user, job=job, mapping=mapping, **options)


def imported(user, file, **options) -> ImportJob:
    job = checked(user, file, **options)
    return services.import_confirm(actor=user, job=job)


def outcomes(job: ImportJob) -> dict[int, tuple[str, str]]:
    return {row.number: (row.outcome, row.message) for row in job.rows.order_by("number")}
