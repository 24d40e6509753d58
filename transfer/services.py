"""Imports of contacts and organisations: upload → mapping → preview → confirm → undo.

Nothing touches a contact before the confirmation. The preview checks each row with the
rules of the contact form and matches it to an existing contact (by e-mail, then by name
and organisation); the import writes every valid row in one transaction and records
what it did, so that it can be undone as a whole for 24 hours.
"""

import contextlib
import datetime
import functools
import gc
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from django.core.files import File
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.queue import enqueue_on_commit
from relations import permissions
from relations.models import Contact, FollowUp, Interaction, Organisation, Relationship, User
from relations.permissions import NotAllowed
from relations.services import ServiceError, _tags_from_names
from stakeholders.models import ContactMembership, StakeholderGroup
from stakeholders.permissions import can_change_group
from transfer import mapping as columns
from transfer import readers
from transfer.forms import ImportRowForm
from transfer.models import ImportJob, ImportRow, ImportStatus, RowOutcome
from transfer.readers import ImportFileError

logger = logging.getLogger(__name__)

# Imports with more rows are checked and written by a Celery worker, with a progress bar.
BACKGROUND_ROWS = 2000
PROGRESS_EVERY = 1000
UNDO_WINDOW = datetime.timedelta(hours=24)
# A claim older than this belongs to a worker that died; another one may take the job over.
STALE_CLAIM = datetime.timedelta(minutes=10)
# A job nobody claimed for this long may be sent to the workers again.
WAITING_TOO_LONG = datetime.timedelta(seconds=30)
# Values per IN (…) lookup: well below the parameter limit of every database.
CHUNK = 500
BATCH = 1000

# What an import may change on an existing contact (a filled cell overwrites, an empty
# one keeps the stored value).
UPDATABLE = ["first_name", "last_name", "job_title", "email", "phone", "notes"]
_CONTACT_VALUES = [
    "id",
    *UPDATABLE,
    "organisation_id",
    "organisation__name",
    "owner_id",
    "archived",
]


# Who may do what with an import


def _ensure_creator(actor: User, job: ImportJob) -> None:
    if job.created_by_id != actor.pk:
        raise NotAllowed(_("Only the person who uploaded this file may continue its import."))


def _ensure_can_undo(actor: User, job: ImportJob) -> None:
    if job.created_by_id != actor.pk and not permissions.is_network_manager(actor):
        raise NotAllowed(_("Only the person who ran this import or a network manager may undo it."))


def _ensure_status(job: ImportJob, *allowed: str) -> None:
    if job.status not in allowed:
        raise ServiceError(
            _("This import is %(status)s; that step is no longer possible.")
            % {"status": job.get_status_display().lower()}
        )


# 1. Upload


def import_upload(*, actor: User, file_name: str, upload: File) -> ImportJob:
    """Read the file (refused beyond IMPORT_MAX_BYTES before reading it) and keep its rows
    with a mapping guessed from the headers. No contact is touched."""
    limit = settings.IMPORT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_big(size, limit)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _too_big(None, limit)
    table = readers.read_table(file_name=file_name, content=content)
    guessed = columns.guess(table.headers)
    if not any(guessed) and columns.looks_like_data(table.headers):
        raise ImportFileError(
            _(
                "The first row holds data (%(cells)s) rather than column names. Add a header "
                "row such as Name; Organisation; E-mail; Phone and upload the file again."
            )
            % {"cells": ", ".join(cell for cell in table.headers[:3] if cell)}
        )
    with _gc_paused(), transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor,
            file_name=file_name[:255],
            format=table.format,
            encoding=table.encoding,
            delimiter=table.delimiter,
            headers=table.headers,
            mapping=guessed,
            owner=actor,
            total=len(table.rows),
        )
        ImportRow.objects.bulk_create(
            (ImportRow(job=job, number=number, values=cells) for number, cells in table.rows),
            batch_size=BATCH,
        )
    return job


def _too_big(size: int | None, limit: int) -> ImportFileError:
    if size is None:  # a stream of unknown length, read as far as the limit
        message = _("The file is larger than %(limit)s, the most that can be imported at once.")
    else:
        message = _("The file is %(size)s; at most %(limit)s can be imported at once.")
    message += " " + _("Split it into smaller files.")
    return ImportFileError(
        message % {"size": filesizeformat(size or 0), "limit": filesizeformat(limit)}
    )


# 2. Mapping and batch options


def import_set_mapping(
    *,
    actor: User,
    job: ImportJob,
    mapping: list[str],
    owner: User | None = None,
    tags: list[str] | None = None,
    group: StakeholderGroup | None = None,
    cadence_days: int | None = None,
) -> ImportJob:
    """Save which column holds which field and the batch options, then check the rows:
    here for a small file, on a worker for a large one."""
    _ensure_creator(actor, job)
    # Not while a worker checks the rows (MAPPED): two checks would race.
    _ensure_status(job, ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.FAILED)
    if len(mapping) != len(job.headers) or any(
        name and name not in columns.FIELDS for name in mapping
    ):
        raise ServiceError(_("Choose a field (or none) for each column."), field="mapping")
    if not {"first_name", "full_name"} & set(mapping):
        raise ServiceError(
            _("Choose the column with the name: First name, or Full name to split it."),
            field="mapping",
        )
    owner = owner or actor
    if owner != actor and not permissions.is_network_manager(actor):
        raise NotAllowed(
            _("Networkers import contacts they will own; only network managers import for others.")
        )
    if group is not None and not can_change_group(actor, group):
        raise NotAllowed(
            _("Only the owning team's lead or a network manager may add members to this group.")
        )
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        job.mapping = list(mapping)
        job.owner = owner
        job.tags = sorted({tag.strip().lower() for tag in tags or [] if tag.strip()})
        job.group = group
        job.cadence_days = cadence_days
        job.status = ImportStatus.MAPPED
        job.processed = 0
        job.started_at = None
        job.message = ""
        job.save()
        if job.total > BACKGROUND_ROWS:
            from transfer import tasks  # the tasks call these services

            enqueue_on_commit(tasks.preview_import, job.pk)
    if job.total <= BACKGROUND_ROWS:
        import_preview(job_id=job.pk)
        job.refresh_from_db()
    return job


# 3. Preview


def import_preview(*, job_id: int) -> ImportJob | None:
    """Check every row and say what the import would do with it; writes only the job's rows.

    Returns None when another worker has the job (or it is no longer waiting for a check).
    """
    job = _claim(job_id, ImportStatus.MAPPED)
    if job is None:
        return None
    try:
        with _gc_paused(), translation.override(job.created_by.language or settings.LANGUAGE_CODE):
            rows = list(job.rows.order_by("number"))
            _check_shape(job, rows, on_progress=functools.partial(progress_set, job))
            plans = _plan(job, rows)
            with transaction.atomic():
                _store_rows(job, plans)
                job.status = ImportStatus.PREVIEWED
                job.processed = job.total
                _count(job, plans)
                job.save()
    except Exception:
        logger.exception("Checking import %s failed", job_id)
        _fail(job, _("Checking the rows failed; nothing was imported. Try again."))
        job.refresh_from_db()
    progress_clear(job)
    return job


def _claim(job_id: int, status: str) -> ImportJob | None:
    """Take the job for this step: once, unless the worker that took it died long ago."""
    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id, status=status)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=now - STALE_CLAIM))
        .update(started_at=now, processed=0)
    )
    if not claimed:
        return None
    return ImportJob.objects.select_related("created_by", "owner", "group").get(pk=job_id)


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, message=message, finished_at=timezone.now()
    )


def _check_shape(job: ImportJob, rows: list[ImportRow], on_progress: Callable[[int], None]) -> None:
    """Each row through the contact form's rules: row.data holds the cleaned values, or
    the mapped cells and row.message the reasons."""
    form = ImportRowForm()
    for done, row in enumerate(rows, start=1):
        raw = columns.row_data(row.values, job.mapping)
        if form.check(raw):
            row.data = dict(form.cleaned_data)
            row.outcome, row.message = "", ""
        else:
            row.data = {**raw, "tags": columns.split_tags(raw.get("tags", ""))}
            row.outcome, row.message = RowOutcome.ERROR, form.error_text()
        if done % PROGRESS_EVERY == 0:
            on_progress(done)


@dataclass
class Plan:
    """What the import does with one row."""

    row: ImportRow
    outcome: str
    message: str = ""
    existing: dict | None = None  # the matched contact's stored values
    changes: dict = field(default_factory=dict)
    tags_added: list[str] = field(default_factory=list)
    join_group: bool = False
    contact_id: int | None = None


def _key(first_name: str, last_name: str, organisation: str | None) -> tuple[str, str, str]:
    return (first_name.strip().lower(), last_name.strip().lower(), (organisation or "").lower())


def _plan(job: ImportJob, rows: list[ImportRow]) -> list[Plan]:
    """Match the valid rows to existing contacts and decide new / update / error.

    Matching: by e-mail (case-insensitive), else by first and last name and organisation.
    Errors besides the form's: an e-mail twice in the file, two rows for one contact, an
    ambiguous name, and an existing contact the uploader may not change.
    """
    plans = [
        Plan(
            row,
            RowOutcome.ERROR if row.outcome == RowOutcome.ERROR else RowOutcome.NEW,
            row.message,
        )
        for row in rows
    ]
    valid = [plan for plan in plans if plan.outcome != RowOutcome.ERROR]
    for plan in valid:
        plan.message = ""
    _flag_duplicates_in_file(valid)
    valid = [plan for plan in valid if plan.outcome != RowOutcome.ERROR]

    by_email = _contacts_by_email(
        {p.row.data["email"].lower() for p in valid if p.row.data["email"]}
    )
    unmatched = [p for p in valid if p.row.data["email"].lower() not in by_email]
    by_name = _contacts_by_name(unmatched)
    claimed: dict[int, int] = {}  # contact id → row number that updates it
    for plan in valid:
        data = plan.row.data
        existing = by_email.get(data["email"].lower()) if data["email"] else None
        how = ""
        if existing is None:
            candidates = by_name.get(
                _key(data["first_name"], data["last_name"], data["organisation"]), []
            )
            if len(candidates) > 1:
                plan.outcome = RowOutcome.ERROR
                plan.message = _(
                    "%(count)d contacts are called %(name)s at this organisation; add the "
                    "e-mail address to tell which one is meant."
                ) % {"count": len(candidates), "name": _full_name(data)}
                continue
            existing = candidates[0] if candidates else None
            how = _("Matched by name and organisation.") if existing else ""
        if existing is None:
            continue
        if existing["id"] in claimed:
            plan.outcome = RowOutcome.ERROR
            plan.message = _("Row %(row)d already updates this contact.") % {
                "row": claimed[existing["id"]]
            }
            continue
        claimed[existing["id"]] = plan.row.number
        plan.outcome, plan.existing, plan.contact_id = RowOutcome.UPDATE, existing, existing["id"]
        plan.message = how

    _check_may_change(job.created_by, [p for p in valid if p.outcome == RowOutcome.UPDATE])
    _describe(job, valid)
    return plans


def _flag_duplicates_in_file(plans: list[Plan]) -> None:
    """The same e-mail in two rows, or the same name at the same organisation without an
    e-mail: every such row is an error, so that nobody's data wins by accident."""
    by_email: dict[str, list[Plan]] = defaultdict(list)
    by_name: dict[tuple, list[Plan]] = defaultdict(list)
    for plan in plans:
        data = plan.row.data
        if data["email"]:
            by_email[data["email"].lower()].append(plan)
        else:
            by_name[_key(data["first_name"], data["last_name"], data["organisation"])].append(plan)
    for email, group in by_email.items():
        for plan in group if len(group) > 1 else []:
            others = [p.row.number for p in group if p is not plan]
            plan.outcome = RowOutcome.ERROR
            plan.message = _("The e-mail address %(email)s is also in row(s) %(rows)s.") % {
                "email": email,
                "rows": _row_list(others),
            }
    for group in by_name.values():
        for plan in group if len(group) > 1 else []:
            others = [p.row.number for p in group if p is not plan]
            plan.outcome = RowOutcome.ERROR
            plan.message = _(
                "%(name)s is also in row(s) %(rows)s; add e-mail addresses or remove the duplicate."
            ) % {"name": _full_name(plan.row.data), "rows": _row_list(others)}


def _row_list(numbers: list[int], limit: int = 5) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + ("…" if len(numbers) > limit else "")


def _full_name(data: dict) -> str:
    return f"{data.get('first_name', '')} {data.get('last_name', '')}".strip()


def _chunks(values: Iterable, size: int = CHUNK) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _contacts_by_email(emails: set[str]) -> dict[str, dict]:
    found = {}
    for chunk in _chunks(sorted(emails)):
        contacts = Contact.objects.annotate(email_ci=Lower("email")).filter(email_ci__in=chunk)
        for values in contacts.values(*_CONTACT_VALUES):
            found[values["email"].lower()] = values
    return found


def _contacts_by_name(plans: list[Plan]) -> dict[tuple, list[dict]]:
    """Existing contacts by (first, last, organisation) name, lower-cased in Python so that
    both sides compare the same way (SQLite lower-cases ASCII only)."""
    last_names = {p.row.data["last_name"] for p in plans}
    found: dict[tuple, list[dict]] = defaultdict(list)
    for chunk in _chunks(sorted(last_names)):
        lowered = [name.lower() for name in chunk]
        contacts = Contact.objects.annotate(last_ci=Lower("last_name")).filter(
            Q(last_ci__in=lowered) | Q(last_name__in=chunk)
        )
        for values in contacts.values(*_CONTACT_VALUES):
            key = _key(values["first_name"], values["last_name"], values["organisation__name"])
            found[key].append(values)
    return found


def _check_may_change(actor: User, plans: list[Plan]) -> None:
    """relations.permissions.can_change_contact, asked once per owner rather than per row."""
    allowed: dict[int | None, bool] = {}
    for plan in plans:
        owner_id = plan.existing["owner_id"]
        if owner_id not in allowed:
            allowed[owner_id] = permissions.can_change_contact(
                actor, Contact(pk=plan.contact_id, owner_id=owner_id)
            )
        if not allowed[owner_id]:
            plan.outcome = RowOutcome.ERROR
            plan.message = _(
                "Not yours: %(name)s exists and belongs to %(owner)s. Only the owner, their "
                "team lead or a network manager may change it."
            ) % {"name": _full_name(plan.existing), "owner": _owner_name(owner_id)}


def _owner_name(owner_id: int | None) -> str:
    owner = User.objects.filter(pk=owner_id).first() if owner_id else None
    return str(owner) if owner else _("nobody")


def _describe(job: ImportJob, plans: list[Plan]) -> None:
    """Work out the changes of each update and the message of each valid row."""
    updates = [p for p in plans if p.outcome == RowOutcome.UPDATE]
    tags_of = _tag_names_of([p.contact_id for p in updates])
    members = _group_members(job.group, [p.contact_id for p in updates])
    organisations = _organisations_by_name(
        {p.row.data["organisation"] for p in plans if p.row.data["organisation"]}
    )
    for plan in plans:
        if plan.outcome == RowOutcome.ERROR:
            continue
        data = plan.row.data
        wanted_tags = {tag.lower() for tag in data["tags"]} | set(job.tags)
        notes = []
        organisation = data["organisation"]
        if organisation and organisation.lower() not in organisations:
            notes.append(_("New organisation “%(name)s”.") % {"name": organisation})
        if plan.outcome == RowOutcome.NEW:
            plan.tags_added = sorted(wanted_tags)
            plan.join_group = job.group is not None
            plan.message = " ".join(notes)
            continue
        existing = plan.existing
        for name in UPDATABLE:
            new, old = data[name], existing[name] or ""
            same = new.lower() == old.lower() if name == "email" else new == old
            if new and not same:
                plan.changes[name] = new
        if organisation and organisation.lower() != (existing["organisation__name"] or "").lower():
            plan.changes["organisation"] = organisation
        plan.tags_added = sorted(wanted_tags - tags_of.get(plan.contact_id, set()))
        plan.join_group = job.group is not None and plan.contact_id not in members
        notes = [plan.message, *notes] if plan.message else notes
        if plan.changes:
            labels = [str(ImportRowForm.base_fields[name].label).lower() for name in plan.changes]
            notes.append(_("Changes %(fields)s.") % {"fields": ", ".join(labels)})
        if plan.tags_added:
            notes.append(_("Adds tags %(tags)s.") % {"tags": ", ".join(plan.tags_added)})
        if plan.join_group:
            notes.append(_("Joins %(group)s.") % {"group": job.group})
        if not (plan.changes or plan.tags_added or plan.join_group):
            notes.append(_("Already up to date."))
        if existing["archived"]:
            notes.append(_("The contact is archived."))
        plan.message = " ".join(notes)


def _tag_names_of(contact_ids: list[int]) -> dict[int, set[str]]:
    names: dict[int, set[str]] = defaultdict(set)
    through = Contact.tags.through
    for chunk in _chunks(contact_ids):
        for contact_id, name in through.objects.filter(contact_id__in=chunk).values_list(
            "contact_id", "tag__name"
        ):
            names[contact_id].add(name)
    return names


def _group_members(group: StakeholderGroup | None, contact_ids: list[int]) -> set[int]:
    if group is None:
        return set()
    members: set[int] = set()
    for chunk in _chunks(contact_ids):
        members.update(
            ContactMembership.objects.filter(group=group, contact_id__in=chunk).values_list(
                "contact_id", flat=True
            )
        )
    return members


def _organisations_by_name(names: set[str]) -> dict[str, int]:
    """Existing organisations' ids by lower-cased name."""
    found = {}
    for chunk in _chunks(sorted(names)):
        lowered = [name.lower() for name in chunk]
        organisations = Organisation.objects.annotate(name_ci=Lower("name")).filter(
            Q(name_ci__in=lowered) | Q(name__in=chunk)
        )
        for pk, name in organisations.values_list("pk", "name"):
            found[name.lower()] = pk
    return found


def _store_rows(job: ImportJob, plans: list[Plan], previous: dict | None = None) -> None:
    """Replace the job's rows by the planned ones (faster than updating 50,000 rows).

    `previous` is given after the import: the values it replaced, by row number.
    """
    imported = previous is not None
    ImportRow.objects.filter(job=job).delete()
    ImportRow.objects.bulk_create(
        (
            ImportRow(
                job=job,
                number=plan.row.number,
                values=plan.row.values,
                data=plan.row.data,
                outcome=plan.outcome,
                message=plan.message,
                contact_id=plan.contact_id,
                previous=(previous or {}).get(plan.row.number),
                added_to_group=imported and plan.join_group,
            )
            for plan in plans
        ),
        batch_size=BATCH,
    )


def _count(job: ImportJob, plans: list[Plan]) -> None:
    counts = Counter(plan.outcome for plan in plans)
    job.created_count = counts[RowOutcome.NEW]
    job.updated_count = counts[RowOutcome.UPDATE]
    job.skipped_count = counts[RowOutcome.ERROR]


@contextlib.contextmanager
def _gc_paused():
    """Python's cyclic garbage collector would scan the tens of thousands of row objects of
    a large import again and again (a third of its time); none of them need collecting
    before it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Progress of a busy job. The import writes in one transaction, which other database
# connections cannot look into (and SQLite admits no second writer meanwhile), so the
# count travels beside the database, the way the Celery messages do: through Redis when
# the project has one, through files under VAR_DIR in the embedded mode.


@functools.cache
def _progress_store(redis_url: str, folder: str) -> BaseCache:
    options = {"TIMEOUT": 6 * 3600, "KEY_PREFIX": "import-progress"}
    if redis_url:
        socket = {"socket_connect_timeout": 1, "socket_timeout": 1}
        return RedisCache(redis_url, {**options, "OPTIONS": socket})
    return FileBasedCache(folder, options)


def _progress_key(job: ImportJob) -> str:
    # The claim time tells this step of this job from an earlier one (or another database's).
    return f"{job.pk}:{job.started_at.timestamp() if job.started_at else 0}"


def _store() -> BaseCache:
    return _progress_store(settings.REDIS_URL, str(Path(settings.VAR_DIR) / "import-progress"))


def progress_set(job: ImportJob, processed: int) -> None:
    try:
        _store().set(_progress_key(job), processed)
    except Exception:  # the progress bar stands still; the import goes on
        logger.warning("Could not record the progress of import %s", job.pk, exc_info=True)


def progress_clear(job: ImportJob) -> None:
    """After a step: the stored count says it all now."""
    try:
        _store().delete(_progress_key(job))
    except Exception:
        logger.warning("Could not clear the progress of import %s", job.pk, exc_info=True)


def progress_of(job: ImportJob) -> int:
    """Rows processed so far: the live count while a worker is busy, else the stored one."""
    if not job.is_busy or job.started_at is None:
        return job.processed
    try:
        live = _store().get(_progress_key(job)) or 0
    except Exception:
        live = 0
    return min(job.total, max(job.processed, live))


# 4. Confirm and import


def import_confirm(*, actor: User, job: ImportJob) -> ImportJob:
    """Start the import of a checked file: here for a small one, on a worker otherwise."""
    _ensure_creator(actor, job)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        _ensure_status(job, ImportStatus.PREVIEWED)
        job.status = ImportStatus.RUNNING
        job.processed = 0
        job.started_at = None
        job.save(update_fields=["status", "processed", "started_at", "updated_at"])
        if job.total > BACKGROUND_ROWS:
            from transfer import tasks  # the tasks call these services

            enqueue_on_commit(tasks.run_import, job.pk)
    if job.total <= BACKGROUND_ROWS:
        import_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def import_run(*, job_id: int, notify: bool = False) -> ImportJob | None:
    """Write every valid row in one transaction: all of them or, on any failure, none.

    The rows are matched again (contacts may have changed since the preview); what each
    row did is recorded for the undo. Returns None when the job is not waiting to run or
    another worker has it. `notify` e-mails the uploader when it is done.
    """
    job = _claim(job_id, ImportStatus.RUNNING)
    if job is None:
        return None
    try:
        with _gc_paused(), translation.override(job.created_by.language or settings.LANGUAGE_CODE):
            # The rows the preview showed as errors stay skipped: the user confirmed what
            # they saw. The others are matched again: contacts may have changed since.
            rows = list(job.rows.order_by("number"))
            with transaction.atomic():
                plans = _plan(job, rows)
                previous, organisation_ids = _apply(
                    job, plans, functools.partial(progress_set, job)
                )
                _store_rows(job, plans, previous=previous)
                _count(job, plans)
                job.status = ImportStatus.DONE
                job.processed = job.total
                job.finished_at = timezone.now()
                job.created_organisation_ids = organisation_ids
                job.save()
    except IntegrityError:  # a concurrent change: an e-mail address taken meanwhile, …
        logger.warning("Import %s failed", job_id, exc_info=True)
        _fail(
            job,
            _(
                "Contacts changed while the file was imported, so nothing was imported. "
                "Check the rows again and confirm once more."
            ),
        )
        job.refresh_from_db()
    except Exception:
        logger.exception("Import %s failed", job_id)
        _fail(job, _("The import failed, so nothing was imported. Try again."))
        job.refresh_from_db()
    progress_clear(job)
    if notify:
        _notify(job)
    return job


def _apply(
    job: ImportJob, plans: list[Plan], on_progress: Callable[[int], None]
) -> tuple[dict[int, dict], list[int]]:
    """The writes of an import; returns the previous values of updated contacts (by row
    number) and the ids of the organisations it created."""
    owner = job.owner or job.created_by
    writing = [p for p in plans if p.outcome in (RowOutcome.NEW, RowOutcome.UPDATE)]
    organisation_ids, created_organisations = _organisations_for(writing, owner)
    tag_ids = {
        tag.name: tag.pk
        for tag in _tags_from_names(sorted({tag for p in writing for tag in p.tags_added}))
    }
    done = len(plans) - len(writing)  # the skipped rows are done at once
    on_progress(done)

    new = [p for p in writing if p.outcome == RowOutcome.NEW]
    for chunk in _chunks(new, BATCH):
        contacts = [_new_contact(p.row.data, organisation_ids, owner, job) for p in chunk]
        Contact.objects.bulk_create(contacts)
        for plan, contact in zip(chunk, contacts, strict=True):
            plan.contact_id = contact.pk
        done += len(chunk)
        on_progress(done)

    previous: dict[int, dict] = {}
    updates = [p for p in writing if p.outcome == RowOutcome.UPDATE]
    now = timezone.now()
    for chunk in _chunks(updates, BATCH):
        by_fields: dict[tuple, list[dict]] = defaultdict(list)
        for plan in chunk:
            if not plan.changes:
                continue
            values = {
                name: organisation_ids[value.lower()] if name == "organisation" else value
                for name, value in plan.changes.items()
            }
            before = {
                name: plan.existing["organisation_id" if name == "organisation" else name]
                for name in values
            }
            previous[plan.row.number] = {"fields": before}
            by_fields[tuple(sorted(values))].append({**values, "pk": plan.contact_id})
        for names, changes in by_fields.items():
            _update_each(
                Contact, [*names, "updated_at"], [{**c, "updated_at": now} for c in changes]
            )
        done += len(chunk)
        on_progress(done)

    through = Contact.tags.through
    links = [
        through(contact_id=p.contact_id, tag_id=tag_ids[name])
        for p in writing
        for name in p.tags_added
    ]
    through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
    for plan in updates:
        if plan.tags_added:
            entry = previous.setdefault(plan.row.number, {"fields": {}})
            entry["tags_added"] = [tag_ids[name] for name in plan.tags_added]
    if job.group is not None:
        ContactMembership.objects.bulk_create(
            (
                ContactMembership(group=job.group, contact_id=p.contact_id)
                for p in writing
                if p.join_group
            ),
            batch_size=BATCH,
        )
    return previous, created_organisations


def _organisations_for(plans: list[Plan], owner: User) -> tuple[dict[str, int], list[int]]:
    """Ids by lower-cased name of the rows' organisations, creating the missing ones (with
    the first city given for them)."""
    wanted: dict[str, tuple[str, str]] = {}
    for plan in plans:
        name = plan.row.data["organisation"]
        if name and name.lower() not in wanted:
            wanted[name.lower()] = (name, plan.row.data.get("city", ""))
        elif name and not wanted[name.lower()][1]:
            wanted[name.lower()] = (wanted[name.lower()][0], plan.row.data.get("city", ""))
    ids = _organisations_by_name({name for name, _city in wanted.values()})
    missing = [
        Organisation(name=name, city=city, owner=owner)
        for lowered, (name, city) in wanted.items()
        if lowered not in ids
    ]
    Organisation.objects.bulk_create(missing, batch_size=BATCH)
    ids.update({organisation.name.lower(): organisation.pk for organisation in missing})
    return ids, [organisation.pk for organisation in missing]


def _new_contact(data: dict, organisation_ids: dict, owner: User, job: ImportJob) -> Contact:
    contact = Contact(
        first_name=data["first_name"],
        last_name=data["last_name"],
        job_title=data["job_title"],
        email=data["email"],
        phone=data["phone"],
        notes=data["notes"],
        organisation_id=organisation_ids.get(data["organisation"].lower()),
        owner=owner,
    )
    if job.cadence_days:
        contact.cadence_days = job.cadence_days
    contact.refresh_warmth_dates()  # bulk_create skips save()
    return contact


def _notify(job: ImportJob) -> None:
    """E-mail the uploader that a background import finished (or failed)."""
    user = job.created_by
    if not user.email:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"job": job, "user": user, "site_url": settings.SITE_URL.rstrip("/")}
        if job.status == ImportStatus.DONE:
            subject = _("Your import of %(file)s is done") % {"file": job.file_name}
        else:
            subject = _("Your import of %(file)s failed") % {"file": job.file_name}
        body = render_to_string("transfer/email/import_done.txt", context)
        html = render_to_string("transfer/email/import_done.html", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], html_message=html)
    except Exception:  # the import itself succeeded; the page shows the result
        logger.warning("Could not e-mail the result of import %s", job.pk, exc_info=True)


def import_is_stuck(job: ImportJob) -> bool:
    """Waiting for a worker for a while (the broker may have been down), or claimed by one
    that died: the uploader may send it to the workers again."""
    if not job.is_busy:
        return False
    if job.started_at is None:
        return job.updated_at < timezone.now() - WAITING_TOO_LONG
    return job.started_at < timezone.now() - STALE_CLAIM


def import_requeue(*, actor: User, job: ImportJob) -> ImportJob:
    """Send a stuck job to the workers again; the claim keeps it from running twice."""
    _ensure_creator(actor, job)
    if not import_is_stuck(job):
        raise ServiceError(_("This import is being worked on; please wait a little longer."))
    from transfer import tasks  # the tasks call these services

    task = tasks.preview_import if job.status == ImportStatus.MAPPED else tasks.run_import
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now())
    enqueue_on_commit(task, job.pk)
    return job


# 5. Undo


def undo_deadline(job: ImportJob) -> datetime.datetime | None:
    return job.finished_at + UNDO_WINDOW if job.finished_at else None


def can_undo(job: ImportJob) -> bool:
    deadline = undo_deadline(job)
    return job.status == ImportStatus.DONE and deadline is not None and timezone.now() < deadline


def import_undo(*, actor: User, job: ImportJob) -> ImportJob:
    """Take the whole import back within 24 hours: delete the contacts it created, put the
    previous values back on those it updated, drop the tags and group memberships it
    added, and delete the organisations it created that nothing uses any more."""
    _ensure_can_undo(actor, job)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        _ensure_status(job, ImportStatus.DONE)
        if not can_undo(job):
            raise ServiceError(
                _("An import can be undone for 24 hours; this one ran on %(when)s.")
                % {"when": date_format(timezone.localtime(job.finished_at), "DATETIME_FORMAT")}
            )
        rows = ImportRow.objects.filter(job=job, contact__isnull=False)
        created = Contact.objects.filter(
            pk__in=Subquery(rows.filter(outcome=RowOutcome.NEW).values("contact_id"))
        )
        _ensure_unused_since(created)
        _restore(rows.filter(outcome=RowOutcome.UPDATE, previous__isnull=False))
        ContactMembership.objects.filter(
            group_id=job.group_id,
            contact_id__in=Subquery(
                rows.filter(added_to_group=True, outcome=RowOutcome.UPDATE).values("contact_id")
            ),
        ).delete()
        created.delete()
        _delete_unused_organisations(job.created_organisation_ids)
        job.status = ImportStatus.UNDONE
        job.undone_at = timezone.now()
        job.save(update_fields=["status", "undone_at", "updated_at"])
    return job


def _ensure_unused_since(created) -> None:
    """Deleting a created contact would also delete what colleagues logged about them."""
    used = created.filter(
        Exists(Interaction.contacts.through.objects.filter(contact=OuterRef("pk")))
        | Exists(FollowUp.objects.filter(contact=OuterRef("pk")))
        | Exists(Relationship.objects.filter(contact=OuterRef("pk")))
    )
    count = used.count()
    if count:
        raise ServiceError(
            ngettext(
                "%(count)d contact this import created has meetings, follow-ups or "
                "relationships logged since; undoing would delete those too.",
                "%(count)d contacts this import created have meetings, follow-ups or "
                "relationships logged since; undoing would delete those too.",
                count,
            )
            % {"count": count}
        )


def _restore(rows) -> None:
    """Put back the fields the import changed and take away the tags it added."""
    by_fields: dict[tuple, list[dict]] = defaultdict(list)
    tags_added: dict[int, list[int]] = defaultdict(list)
    for contact_id, previous in rows.values_list("contact_id", "previous").iterator():
        fields = previous.get("fields", {})
        if fields:
            by_fields[tuple(sorted(fields))].append({**fields, "pk": contact_id})
        for tag_id in previous.get("tags_added", []):
            tags_added[tag_id].append(contact_id)
    now = timezone.now()
    try:
        with transaction.atomic():
            for names, values in by_fields.items():
                _update_each(
                    Contact, [*names, "updated_at"], [{**v, "updated_at": now} for v in values]
                )
    except IntegrityError:
        raise ServiceError(
            _(
                "A contact cannot get back its earlier e-mail address: another contact has it "
                "now. Change one of the two, then undo again."
            )
        ) from None
    through = Contact.tags.through
    for tag_id, contact_ids in tags_added.items():
        for chunk in _chunks(contact_ids):
            through.objects.filter(tag_id=tag_id, contact_id__in=chunk).delete()


def _update_each(model, fields: list[str], rows: list[dict]) -> None:
    """UPDATE each row (a dict of `fields` and "pk") with its own values, in one
    executemany. bulk_update's CASE … WHEN grows with the square of the batch: minutes
    for 50,000 contacts, where this takes seconds."""
    if not rows:
        return
    opts = model._meta
    columns = [opts.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(opts.db_table)} SET {assignments} WHERE {quote(opts.pk.column)} = %s"
    params = [
        [
            column.get_db_prep_save(row[name], connection)
            for name, column in zip(fields, columns, strict=True)
        ]
        + [row["pk"]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _delete_unused_organisations(ids: list[int]) -> None:
    """Organisations the import created, unless something refers to them by now."""
    for chunk in _chunks(ids):
        unused = Organisation.objects.filter(pk__in=chunk)
        for relation in Organisation._meta.related_objects:
            unused = unused.exclude(
                Exists(
                    relation.related_model._base_manager.filter(
                        **{relation.field.name: OuterRef("pk")}
                    )
                )
            )
        unused.delete()
