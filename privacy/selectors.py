"""Reads of the privacy app: the personal-data document, the retention list, the history.

The HTML pages and the API call these same functions.
"""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.models import Encounter, Invitation
from privacy import audit, permissions
from privacy.models import Erasure
from relations.models import Contact, FollowUp, Interaction, User
from relations.selectors import today
from stakeholders.models import ContactMembership
from transfer.models import ImportRow

EXPORT_FORMAT = "netcrm-personal-data/1"


# The personal-data document (GDPR art. 15 and 20)


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _person(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": str(user)}


def _named(obj: models.Model | None) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": str(obj)}


def _legal_basis(contact: Contact) -> dict:
    return {
        "code": contact.legal_basis,
        "label": str(contact.get_legal_basis_display()),
        "note": contact.legal_basis_note,
    }


def contact_personal_data(*, contact: Contact) -> dict[str, Any]:
    """Everything the system holds about one person, as one JSON-ready document.

    Other people met at the same meetings are counted, not named: their data is not
    this person's to receive.
    """
    contact = Contact.objects.select_related("organisation", "owner").get(pk=contact.pk)
    erasure = Erasure.objects.filter(contact_ref=contact.pk).select_related("erased_by").first()
    through = Interaction.contacts.through
    interactions = (
        Interaction.objects.filter(
            pk__in=through.objects.filter(contact=contact).values("interaction_id")
        )
        .select_related("author")
        .prefetch_related("our_participants")
        .annotate(contact_count=Count("contacts"))
        .order_by("-occurred_on", "-pk")
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(timezone.now()),
        "contact": {
            "id": contact.pk,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "job_title": contact.job_title,
            "organisation": _named(contact.organisation),
            "email": contact.email,
            "phone": contact.phone,
            "notes": contact.notes,
            "owner": _person(contact.owner),
            "cadence_days": contact.cadence_days,
            "last_interaction_on": _iso(contact.last_interaction_on),
            "archived": contact.archived,
            "created_at": _iso(contact.created_at),
            "updated_at": _iso(contact.updated_at),
        },
        "legal_basis": _legal_basis(contact),
        "erasure": (
            {"erased_at": _iso(erasure.erased_at), "erased_by": _person(erasure.erased_by)}
            if erasure
            else None
        ),
        "tags": [tag.name for tag in contact.tags.order_by("name")],
        "affiliations": [
            {"organisation": _named(affiliation.organisation), "role": affiliation.role}
            for affiliation in contact.affiliations.select_related("organisation")
        ],
        "stakeholder_memberships": [
            {
                "group": _named(membership.group),
                "attitude": membership.attitude,
                "attitude_label": str(membership.get_attitude_display()),
                "note": membership.note,
                "since": _iso(membership.created_at),
            }
            for membership in ContactMembership.objects.filter(contact=contact)
            .select_related("group")
            .order_by("group__name")
        ],
        "topics": [_named(topic) for topic in contact.topics.order_by("name")],
        "networks": [_named(network) for network in contact.networks.order_by("name")],
        "relationships": [
            {
                "colleague": _person(tie.user),
                "strength": tie.strength,
                "since": _iso(tie.since),
                "context": tie.context,
                "last_interaction_on": _iso(tie.last_interaction_on),
            }
            for tie in contact.relationships.select_related("user").order_by("-strength", "pk")
        ],
        "interactions": [
            {
                "id": interaction.pk,
                "kind": interaction.kind,
                "kind_label": str(interaction.get_kind_display()),
                "occurred_on": _iso(interaction.occurred_on),
                "author": _person(interaction.author),
                "our_participants": [_person(user) for user in interaction.our_participants.all()],
                "other_contacts": interaction.contact_count - 1,
                "summary": interaction.summary,
                "given": interaction.given,
                "asked": interaction.asked,
                "confidential": interaction.confidential,
            }
            for interaction in interactions
        ],
        "followups": [
            {
                "id": followup.pk,
                "text": followup.text,
                "due_on": _iso(followup.due_on),
                "done_at": _iso(followup.done_at),
                "assignee": _person(followup.assignee),
                "created_by": _person(followup.created_by),
                "interaction_id": followup.interaction_id,
            }
            for followup in FollowUp.objects.filter(contact=contact)
            .select_related("assignee", "created_by")
            .order_by("due_on", "pk")
        ],
        "event_invitations": [
            {
                "event": _event(invitation.event),
                "status": invitation.status,
                "status_label": str(invitation.get_status_display()),
                "proposed_by": _person(invitation.proposed_by),
                "host": _person(invitation.host),
                "note": invitation.note,
            }
            for invitation in Invitation.objects.filter(contact=contact)
            .select_related("event", "proposed_by", "host")
            .order_by("event__starts_at", "pk")
        ],
        "event_encounters": [
            {
                "event": _event(encounter.event),
                "colleague": _person(encounter.colleague),
                "starts_at": _iso(encounter.starts_at),
                "minutes": encounter.minutes,
                "goal": encounter.goal,
                "outcome": encounter.outcome,
                "outcome_recorded_at": _iso(encounter.outcome_recorded_at),
                "interaction_id": encounter.interaction_id,
            }
            for encounter in Encounter.objects.filter(contact=contact)
            .select_related("event", "colleague")
            .order_by("starts_at", "pk")
        ],
        "import_rows": [
            {
                "import": {
                    "id": row.job_id,
                    "file_name": row.job.file_name,
                    "uploaded_at": _iso(row.job.created_at),
                    "uploaded_by": _person(row.job.created_by),
                },
                "row": row.number,
                "outcome": row.outcome,
                "cells": _cells(row.job.headers, row.values),
                "previous": row.previous,
            }
            for row in ImportRow.objects.filter(contact=contact)
            .select_related("job", "job__created_by")
            .order_by("job__created_at", "number")
        ],
    }


def _event(event) -> dict:
    return {"id": event.pk, "name": event.name, "starts_at": _iso(event.starts_at)}


def _cells(headers: list, values: list) -> dict[str, Any]:
    """A row's cells by column header (a vCard row has no headers: by position)."""
    names = [str(header) or str(index + 1) for index, header in enumerate(headers or [])]
    names += [str(index + 1) for index in range(len(names), len(values or []))]
    return dict(zip(names, values or [], strict=False))


# Retention


def retention_months() -> int:
    return int(getattr(settings, "RETENTION_MONTHS", 24))


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier; the month's last day where it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def retention_cutoff(
    *, on: datetime.date | None = None, months: int | None = None
) -> datetime.date:
    """The last day that counts as "too long ago": `months` before `on` (today)."""
    return months_before(on or today(), retention_months() if months is None else months)


def retention_due(
    *, user: User, on: datetime.date | None = None, months: int | None = None
) -> QuerySet[Contact]:
    """Contacts with no interaction for `months` (RETENTION_MONTHS): last met on or before
    the cut-off day, or never met and added on or before it. Erased ones are done."""
    permissions.ensure_can_manage_personal_data(user)
    cutoff = retention_cutoff(on=on, months=months)
    added_by = timezone.make_aware(
        datetime.datetime.combine(cutoff + datetime.timedelta(days=1), datetime.time.min)
    )
    return (
        Contact.objects.filter(
            Q(last_interaction_on__lte=cutoff)
            | Q(last_interaction_on__isnull=True, created_at__lt=added_by)
        )
        .exclude(Exists(Erasure.objects.filter(contact_ref=OuterRef("pk"))))
        .select_related("owner", "organisation")
        .order_by(F("last_interaction_on").asc(nulls_first=True), "created_at", "pk")
    )


# History


@dataclass
class HistoryTarget:
    model: type[models.Model]
    pk: int
    obj: models.Model | None
    title: str
    app_label: str
    model_name: str

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)


def history_target_for(*, user: User, app_label: str, model_name: str, pk) -> HistoryTarget:
    """The object whose history a network manager asks for; 404 for anybody else, for a
    model that is not audited, and for an id that never existed."""
    permissions.ensure_can_read_history(user)
    try:
        model = apps.get_model(app_label, model_name)
        pk = int(pk)
    except (LookupError, ValueError, TypeError):
        raise Http404(_("No history found.")) from None
    if not audit.is_audited(model) or not 1 <= pk <= 2**63 - 1:
        raise Http404(_("No history found."))
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        latest = audit.entries_for(model, pk).order_by("-timestamp", "-pk").first()
        if latest is None:
            raise Http404(_("No history found."))
        title = latest.object_repr
    else:
        title = str(obj)
    return HistoryTarget(
        model=model,
        pk=pk,
        obj=obj,
        title=title,
        app_label=model._meta.app_label,
        model_name=model._meta.model_name,
    )


def history_entries(target: HistoryTarget) -> QuerySet[LogEntry]:
    return (
        audit.entries_for(target.model, target.pk)
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )


@dataclass
class FieldChange:
    field: str
    label: str
    before: str | None
    after: str | None


@dataclass
class HistoryRow:
    id: int
    timestamp: datetime.datetime
    action: str
    action_label: str
    actor: User | None
    actor_name: str
    changes: list[FieldChange] = field(default_factory=list)
    erasure: bool = False

    @property
    def actor_id(self) -> int | None:
        return self.actor.pk if self.actor else None


ACTIONS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "access",
}


def _action_label(action: str) -> str:
    return {
        "create": _("created"),
        "update": _("changed"),
        "delete": _("deleted"),
        "access": _("exported"),
    }[action]


def _model_field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def history_rows(target: HistoryTarget, entries: Iterable[LogEntry]) -> list[HistoryRow]:
    """Entries as rows of before → after per field, in words: choices by their label,
    related objects by name (looked up once per related model, not per row)."""
    entries = list(entries)
    model = target.model
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for entry in entries:
        for name, values in (entry.changes or {}).items():
            model_field = _model_field(model, name)
            is_key = model_field is not None and (model_field.many_to_one or model_field.one_to_one)
            if is_key and isinstance(values, list):
                wanted[model_field.related_model].update(
                    value for value in values if value not in (None, "None", "")
                )
    names: dict[type[models.Model], dict[str, str]] = {}
    for related, pks in wanted.items():
        valid = [pk for pk in pks if str(pk).isdigit()]
        found = related._default_manager.in_bulk(valid) if valid else {}
        names[related] = {str(pk): str(obj) for pk, obj in found.items()}

    position = {field.name: index for index, field in enumerate(model._meta.get_fields())}
    rows = []
    for entry in entries:
        action = ACTIONS.get(entry.action, "update")
        additional = entry.additional_data or {}
        row = HistoryRow(
            id=entry.pk,
            timestamp=entry.timestamp,
            action=action,
            action_label=_action_label(action),
            actor=entry.actor,
            actor_name=str(entry.actor) if entry.actor else (entry.actor_email or _("system")),
            erasure=additional.get("privacy") == "erasure",
        )
        if row.erasure:
            row.action_label = _("personal data erased")
        changes = sorted((entry.changes or {}).items(), key=lambda c: position.get(c[0], 999))
        row.changes = [_field_change(model, name, values, names) for name, values in changes]
        rows.append(row)
    return rows


def _field_change(model, name: str, values, names: dict) -> FieldChange:
    model_field = _model_field(model, name)
    label = str(getattr(model_field, "verbose_name", name)) if model_field is not None else name
    if isinstance(values, dict) and values.get("type") == "m2m":
        objects = ", ".join(str(obj) for obj in values.get("objects", []))
        if values.get("operation") == "delete":
            return FieldChange(name, label, objects, None)
        return FieldChange(name, label, None, objects)
    if not isinstance(values, list) or len(values) != 2:
        return FieldChange(name, label, None, str(values))
    before, after = (_display(model_field, value, names) for value in values)
    return FieldChange(name, label, before, after)


def _display(model_field, value, names: dict) -> str | None:
    if value is None or value == "None":
        return None
    value = str(value)
    if model_field is None:
        return value
    if model_field.is_relation and model_field.related_model in names:
        return names[model_field.related_model].get(value, _("#%(id)s (deleted)") % {"id": value})
    if model_field.choices:
        choices = {str(key): label for key, label in model_field.flatchoices}
        return str(choices.get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value == "True" else _("no")
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):  # auditlog stores UTC without an offset
                moment = timezone.make_aware(moment, datetime.UTC)
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    return value


# Erasure


@dataclass
class ErasurePreview:
    """What an erasure will touch, for the confirmation page."""

    erasure: Erasure | None
    interactions: int
    followups: int
    invitations: int
    encounters: int
    memberships: int
    relationships: int
    import_rows: int


def erasure_preview(*, user: User, contact: Contact) -> ErasurePreview:
    permissions.ensure_can_manage_personal_data(user)
    return ErasurePreview(
        erasure=Erasure.objects.filter(contact_ref=contact.pk).select_related("erased_by").first(),
        interactions=Interaction.contacts.through.objects.filter(contact=contact).count(),
        followups=FollowUp.objects.filter(contact=contact).count(),
        invitations=Invitation.objects.filter(contact=contact).count(),
        encounters=Encounter.objects.filter(contact=contact).count(),
        memberships=ContactMembership.objects.filter(contact=contact).count(),
        relationships=contact.relationships.count(),
        import_rows=ImportRow.objects.filter(contact=contact).count(),
    )
