"""The audit trail: which models django-auditlog records, and the entries written by hand.

Every create, change and delete of the models in _audited() goes into auditlog's
LogEntry through model signals (many-to-many changes list the objects by name);
AuditlogMiddleware adds the signed-in user as the actor. An API request authenticated
by token reaches that middleware before DRF knows its user, so its entries have no
actor; the entries this app writes itself (exports, erasures) name theirs.

What the signals do not see, and why that is acceptable:

* Warmth caches (`last_interaction_on`, `cooling_on`, `cold_on`): derived from the
  interactions, whose own history is recorded; they are excluded here and the bulk
  refresh in relations.services.contact_refresh_ties_warmth writes no history.
* Imports (transfer.services): contacts, tags, organisations and memberships come in
  with bulk_create and a raw executemany UPDATE, and an undo deletes them in bulk. The
  ImportJob and its ImportRows are the record: who uploaded which file when, what each
  row created or changed, and the values it replaced.
* Follow-up completion (an UPDATE … WHERE done_at IS NULL claim) and the guest-list
  bulk operations of events.services (a whole group invited, several guests moved to
  a status, guests marked attended when an outcome is recorded) write no history.
* Reminder sent-logs are bookkeeping, not data about people.
"""

from typing import Any

from auditlog.models import LogEntry
from auditlog.receivers import log_update
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import pre_save

# Computed or noisy: caches kept by save(), the times of creation and last save (the
# entry has its own time), and the id (the entry names its object).
EXCLUDED_FIELDS = ["id", "created_at", "updated_at", "last_interaction_on", "cooling_on", "cold_on"]


def _audited() -> list[tuple[type[models.Model], list[str]]]:
    """(model, many-to-many fields recorded with it) for every audited model."""
    from events.models import Encounter, Event, Invitation
    from network_manager.models import KeyContact, RoadmapStep, Strategy, StrategyGoal
    from relations.models import Contact, FollowUp, Interaction, Organisation, Relationship, Team
    from stakeholders.models import (
        ContactMembership,
        Goal,
        Network,
        OrganisationMembership,
        StakeholderGroup,
        Topic,
    )

    return [
        (Contact, ["tags"]),
        (Organisation, []),
        (Interaction, ["our_participants", "contacts"]),
        (FollowUp, []),
        (Relationship, []),
        (Team, ["members"]),
        (StakeholderGroup, ["topics"]),
        (ContactMembership, []),
        (OrganisationMembership, []),
        (Goal, []),
        (Topic, ["contacts"]),
        (Network, ["our_members", "contact_members"]),
        (Event, []),
        (Invitation, []),
        (Encounter, []),
        (Strategy, []),
        (StrategyGoal, ["groups"]),
        (RoadmapStep, []),
        (KeyContact, []),
    ]


def _reverse_relations(model: type[models.Model]) -> list[str]:
    """Other models' keys to this one. auditlog would record them on create and delete as
    "app.Model.None" (and query a reverse one-to-one for it)."""
    return [
        field.name
        for field in model._meta.get_fields()
        if field.auto_created and not field.concrete and not field.many_to_many
    ]


def _log_update(sender, instance, update_fields=None, **kwargs) -> None:
    """auditlog's update receiver, skipped for a save of excluded fields only.

    auditlog reads the row as it was before every save; a save of the warmth caches
    alone (after each logged meeting, for every contact in it) would pay that query
    and then record nothing.
    """
    if update_fields is not None:
        excluded = auditlog.get_model_fields(sender)["exclude_fields"]
        if set(update_fields) <= set(excluded):
            return
    log_update(sender=sender, instance=instance, update_fields=update_fields, **kwargs)


def register_models() -> None:
    for model, m2m_fields in _audited():
        if auditlog.contains(model):
            continue
        auditlog.register(
            model,
            exclude_fields=[*EXCLUDED_FIELDS, *_reverse_relations(model)],
            m2m_fields=set(m2m_fields),
        )
        pre_save.disconnect(sender=model, dispatch_uid=auditlog._dispatch_uid(pre_save, log_update))
        pre_save.connect(
            _log_update, sender=model, dispatch_uid=f"privacy-audit-{model._meta.label}"
        )


def audited_models() -> list[type[models.Model]]:
    return [model for model, _m2m in _audited()]


def is_audited(model: type[models.Model]) -> bool:
    return auditlog.contains(model)


def entries_for(model: type[models.Model], pk: int):
    """Every log entry of one object (also after the object was deleted)."""
    content_type = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(content_type=content_type, object_id=pk)


def entry_for(
    instance: models.Model,
    *,
    action: int,
    actor,
    changes: dict[str, Any] | None = None,
    additional_data: dict[str, Any] | None = None,
) -> LogEntry:
    """An unsaved entry written by hand, with an explicit actor.

    Token-authenticated API requests reach AuditlogMiddleware before DRF knows the
    user, so the actor is named here rather than taken from the request.
    """
    return LogEntry(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_pk=str(instance.pk),
        object_id=instance.pk,
        object_repr=str(instance),
        action=action,
        changes=changes,
        actor=actor,
        actor_email=getattr(actor, "email", None) or None,
        additional_data=additional_data,
    )


def log_access(instance: models.Model, *, actor, what: str) -> LogEntry:
    """Record that `actor` read `instance` in full (an export): who, when, what."""
    entry = entry_for(
        instance, action=LogEntry.Action.ACCESS, actor=actor, additional_data={"access": what}
    )
    entry.save()
    return entry
