from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from relations.models import Contact, TimeStampedModel
from stakeholders.models import StakeholderGroup


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel workbook")
    VCF = "vcf", _("vCard")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    MAPPED = "mapped", _("Checking rows")
    PREVIEWED = "previewed", _("Ready to import")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


class RowOutcome(models.TextChoices):
    """What the preview expects for a row; after the import, what happened to it."""

    NEW = "new", _("New")
    UPDATE = "update", _("Update")
    ERROR = "error", _("Error")


class ImportJob(TimeStampedModel):
    """One uploaded file on its way in: its parsed rows, the mapping, the batch options,
    progress while a worker checks or imports it, and what it did (for the undo)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=8, choices=ImportFormat.choices)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=4, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    headers = models.JSONField(_("column headers"), default=list)
    # One target field per column, "" for a column that is not imported.
    mapping = models.JSONField(_("mapping"), default=list)

    # Batch options: owner and cadence of the new contacts; tags and group for every row.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner of new contacts"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("stay-in-touch cadence of new contacts (days)"), null=True, blank=True
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    group = models.ForeignKey(
        StakeholderGroup,
        verbose_name=_("stakeholder group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_organisation_ids = models.JSONField(default=list, blank=True, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="import_job_by_user")]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("transfer:import_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, round(100 * self.processed / self.total))

    @property
    def is_busy(self) -> bool:
        """A worker is (or will be) checking or importing the rows."""
        return self.status in (ImportStatus.MAPPED, ImportStatus.RUNNING)


class ImportRow(models.Model):
    """One row (or vCard) of the file: its cells, the preview's verdict, and for the undo
    what the import did to the contact."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row"))
    values = models.JSONField(_("cells"), default=list)
    data = models.JSONField(_("data"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=RowOutcome.choices, blank=True)
    message = models.TextField(_("message"), blank=True)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # For an updated contact: the fields and tags as they were before the import.
    previous = models.JSONField(null=True, blank=True)
    added_to_group = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="import_row_unique_number")
        ]
        indexes = [models.Index(fields=["job", "outcome", "number"], name="import_row_outcome")]

    def __str__(self) -> str:
        return f"{self.job} #{self.number}"
