"""Time a large CSV import end to end in this process: upload, check, import, undo.

Writes a CSV the way Dutch Excel does (Windows-1252, `;`, Dutch headers) and imports it
as a network manager, with every step run here rather than on a worker (the figures are
the work, not the queue). Then imports it again with another job title in every row
(every contact updated), undoes both, and removes what it made. Use a database you can
spare:  DATABASE_URL=postgres://… manage.py migrate && manage.py benchmark_import
"""

import csv
import io
import time
from unittest import mock

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from relations.models import Role, Tag, User
from transfer import services
from transfer.models import ImportJob, ImportStatus

FIRST_NAMES = ["Anna", "Bram", "Zoë", "Sjoerd", "Eva", "Daan", "Fleur", "Joël", "Noor", "Ruud"]
LAST_NAMES = ["de Vries", "van 't Hof", "Jansen", "Bakker", "van der Berg", "Smit", "Müller"]


def csv_bytes(rows: int, organisations: int, job_title: str = "Beleidsadviseur") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Naam", "Organisatie", "E-mailadres", "Telefoon", "Functie", "Labels"])
    for n in range(rows):
        first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[n % len(LAST_NAMES)]
        writer.writerow(
            [
                f"{first} {last}",
                f"Organisatie {n % organisations}",
                f"persoon{n}@voorbeeld.nl",
                f"06 {n:08d}",
                job_title,
                "import, benchmark",
            ]
        )
    return buffer.getvalue().encode("cp1252")


class Command(BaseCommand):
    help = "Time the import of a generated CSV (default 50,000 rows) and undo it."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=50_000)
        parser.add_argument("--organisations", type=int, default=2_000)
        parser.add_argument("--keep", action="store_true", help="Keep the contacts.")

    def handle(self, *args, rows: int, organisations: int, keep: bool, **options):
        user, _created = User.objects.get_or_create(
            username="import-benchmark", defaults={"first_name": "Import", "email": ""}
        )
        user.groups.add(Group.objects.get_or_create(name=Role.NETWORK_MANAGER)[0])
        content = csv_bytes(rows, organisations)
        self.stdout.write(
            f"{connection.vendor}: {rows:,} rows, {len(content) / 1e6:.1f} MB, "
            f"{organisations:,} organisations"
        )
        first = self.timed_import(user, content, rows, "new contacts")
        second = self.timed_import(
            user, csv_bytes(rows, organisations, job_title="Senior adviseur"), rows, "updates"
        )
        if keep:
            return
        for job in (second, first):
            started = time.perf_counter()
            services.import_undo(actor=user, job=job)
            self.stdout.write(f"undo ({job.file_name}): {time.perf_counter() - started:.1f} s")
        # The undo removed the contacts and the organisations the imports created.
        ImportJob.objects.filter(pk__in=[first.pk, second.pk]).delete()
        Tag.objects.filter(name__in=["import", "benchmark"], contacts__isnull=True).delete()
        user.delete()

    def timed_import(self, user: User, content: bytes, rows: int, name: str) -> ImportJob:
        timings = {}
        started = time.perf_counter()

        def lap(step: str) -> None:
            nonlocal started
            now = time.perf_counter()
            timings[step] = now - started
            started = now

        # Every step in this process: the figures are the work, not the queue.
        with mock.patch.object(services, "BACKGROUND_ROWS", rows + 1):
            upload = SimpleUploadedFile(f"{name}.csv", content, content_type="text/csv")
            job = services.import_upload(actor=user, file_name=f"{name}.csv", upload=upload)
            lap("upload (read and store the rows)")
            job = services.import_set_mapping(actor=user, job=job, mapping=job.mapping)
            lap("check (preview of every row)")
            job = services.import_confirm(actor=user, job=job)
            lap("import (one transaction)")
        if job.status != ImportStatus.DONE:
            raise CommandError(f"The import ended {job.status}: {job.message}")
        self.stdout.write(
            f"{name}: {job.created_count:,} created, {job.updated_count:,} updated, "
            f"{job.skipped_count:,} skipped"
        )
        for step, seconds in timings.items():
            self.stdout.write(f"  {step:<36} {seconds:6.1f} s")
        self.stdout.write(f"  {'total':<36} {sum(timings.values()):6.1f} s")
        return job
