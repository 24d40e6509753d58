"""Writes of the privacy app: a logged export, and the erasure of a contact.

Erasure policy (GDPR art. 17), one transaction, irreversible:

* The contact row stays so that meetings, counts and dashboards keep adding up, but
  anonymised: first name "Erased", last name "contact #<id>"; job title, e-mail,
  phone, notes and the legal-basis note emptied; archived. Tags, affiliations, topics
  and external networks are removed. Stakeholder-group memberships stay (the group's
  attitude counts) with their notes emptied; our relationships with them stay (who
  knew them, how strongly) with their context emptied.
* Free texts: a meeting with this person alone has its summary, given and asked
  replaced by "[erased]" (a non-empty text stays non-empty, so give/ask counts hold);
  a meeting with others keeps its texts with this person's names, e-mail and phone
  replaced by "[erased]", and so do follow-ups about others that came from such a
  meeting. Their own follow-ups' texts and their encounters' goals and outcomes become
  "[erased]"; invitation notes are emptied. Dates, kinds, statuses and links stay.
  Free texts anywhere else that name them by full name, e-mail or phone (a meeting
  they were not at, another contact's notes) have those words replaced.
* Import rows that created or updated them lose their cells and the values they
  replaced (so an undo cannot bring them back).
* The audit trail keeps who did what when, but not the data: the contact's entries and
  those of every object above have the erased values replaced, and so has any entry
  naming the person by full name, e-mail or phone. One entry per changed object records
  the erasure itself, by whom, without the old values.
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.models import Encounter, Event, Invitation
from privacy import audit, permissions, selectors
from privacy.models import Erasure
from relations.models import Contact, FollowUp, Interaction, Organisation, Relationship, User
from relations.services import ServiceError
from stakeholders.models import (
    ContactMembership,
    Goal,
    Network,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)
from transfer.models import ImportRow

ERASED = "[erased]"
# Fields of Contact that describe the person; emptied or replaced by an erasure.
PERSONAL_FIELDS = ("first_name", "last_name", "job_title", "email", "phone", "notes")
PERSONAL_FIELDS += ("legal_basis_note",)
# Audited models with a `contact` foreign key.
CONTACT_KEYED = (FollowUp, Relationship, ContactMembership, Invitation, Encounter)
# Audited models whose texts may be about the person (when linked to them).
WEAK_MODELS = (Contact, Interaction, *CONTACT_KEYED)


class AlreadyErased(ServiceError):
    def __init__(self, erasure: Erasure) -> None:
        super().__init__(
            _("This contact's personal data was already erased on %(when)s.")
            % {"when": date_format(timezone.localtime(erasure.erased_at), "DATETIME_FORMAT")}
        )
        self.erasure = erasure


# Export


@transaction.atomic
def contact_export(*, actor: User, contact: Contact) -> dict[str, Any]:
    """The personal-data document of one contact; the reading is logged (who, when)."""
    permissions.ensure_can_manage_personal_data(actor)
    document = selectors.contact_personal_data(contact=contact)
    document["exported_by"] = {"id": actor.pk, "name": str(actor)}
    audit.log_access(contact, actor=actor, what="personal-data export")
    return document


# Erasure


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class Redactor:
    """Replaces what identifies the person in a text.

    `names`: full names the person had (replaced by the new name, so that lists of
    people stay readable); `strong`: e-mail addresses and phone numbers; `weak`: first
    and last names on their own, which only count in texts known to be about them.
    """

    new_name: str
    names: set[str] = field(default_factory=set)
    strong: set[str] = field(default_factory=set)
    weak: set[str] = field(default_factory=set)

    def _pattern(self, values: set[str]) -> re.Pattern | None:
        values = {value for value in values if value and len(value.strip()) >= 2}
        if not values:
            return None
        alternatives = "|".join(re.escape(value) for value in sorted(values, key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def __post_init__(self) -> None:
        # A one-word name is looked for in texts about them only (as a weak value).
        self._names = self._pattern({name for name in self.names if " " in name.strip()})
        self._exact = {_normalised(name) for name in self.names}
        self._strong = self._pattern(self.strong)
        self._weak = self._pattern(self.weak)

    def scrub(self, text: str, *, weak: bool = True) -> str:
        if not text:
            return text
        if self._names:
            text = self._names.sub(self.new_name, text)
        if self._strong:
            text = self._strong.sub(ERASED, text)
        if weak and self._weak:
            text = self._weak.sub(ERASED, text)
        return text

    def scrub_name(self, text: str) -> str:
        """An item of a list of people: the person's own name becomes the new name."""
        if _normalised(text) in self._exact:
            return self.new_name
        return self.scrub(text, weak=False)

    def identifying(self) -> list[str]:
        """Values distinctive enough to look for across the whole audit trail."""
        return sorted(
            {value for value in self.names | self.strong if len(value) >= 5},
            key=len,
            reverse=True,
        )


def _redactor_for(contact: Contact) -> Redactor:
    """Every name, address and number the person had, now and in the audit trail."""
    values: dict[str, set[str]] = defaultdict(set)
    for name in ("first_name", "last_name", "email", "phone"):
        values[name].add(getattr(contact, name))
    reprs = {contact.full_name}
    for entry in audit.entries_for(Contact, contact.pk).only("changes", "object_repr"):
        reprs.add(entry.object_repr)
        for name in ("first_name", "last_name", "email", "phone"):
            change = (entry.changes or {}).get(name)
            if isinstance(change, list):
                values[name].update(v for v in change if isinstance(v, str) and v != "None")
    firsts = {value.strip() for value in values["first_name"] if value.strip()}
    lasts = {value.strip() for value in values["last_name"] if value.strip()}
    names = {f"{first} {last}".strip() for first in firsts for last in lasts | {""}}
    names |= {value for value in reprs if value and value != "None"}
    return Redactor(
        new_name=f"Erased contact #{contact.pk}",
        names={name for name in names if len(name) >= 2},
        strong={v.strip() for v in values["email"] | values["phone"] if len(v.strip()) >= 5},
        weak=firsts | lasts,
    )


@dataclass
class Touched:
    """What the erasure changed per object: field → new value (for the erasure entry),
    and which fields were erased entirely (their history loses every value)."""

    changed: dict[tuple[type[models.Model], int], dict[str, str]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    emptied: dict[tuple[type[models.Model], int], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    related: dict[type[models.Model], set[int]] = field(default_factory=lambda: defaultdict(set))

    def set(self, obj: models.Model, name: str, value: str, *, whole: bool) -> None:
        key = (type(obj), obj.pk)
        self.changed[key][name] = value
        if whole:
            self.emptied[key].add(name)


def _write(model: type[models.Model], pk: int, values: dict[str, Any]) -> None:
    # A plain UPDATE: no save() side effects, no updated_at (nobody edited the content).
    if values:
        model._base_manager.filter(pk=pk).update(**values)


def _erase_text(
    obj, names: tuple[str, ...], touched: Touched, *, whole: bool, redactor, weak: bool = True
) -> None:
    """Replace free texts of `obj`: entirely (a non-empty text becomes "[erased]"), or
    only what names the person."""
    values = {}
    for name in names:
        text = getattr(obj, name)
        if not text:
            continue
        new = ERASED if whole else redactor.scrub(text, weak=weak)
        if new != text:
            values[name] = new
            touched.set(obj, name, new, whole=whole)
    _write(type(obj), obj.pk, values)


def _empty(obj, names: tuple[str, ...], touched: Touched) -> None:
    values = {name: "" for name in names if getattr(obj, name)}
    for name in values:
        touched.set(obj, name, "", whole=True)
    _write(type(obj), obj.pk, values)


def _erase_data(contact: Contact, redactor: Redactor, touched: Touched) -> None:
    """The writes of an erasure; the caller has switched off auditlog's signals."""
    touched.related[Topic].update(contact.topics.values_list("pk", flat=True))
    touched.related[Network].update(contact.networks.values_list("pk", flat=True))
    lists = {
        "tags": contact.tags.count(),
        "topics": len(touched.related[Topic]),
        "networks": len(touched.related[Network]),
    }

    for name in PERSONAL_FIELDS:
        if getattr(contact, name):
            touched.set(contact, name, "", whole=True)
    contact.first_name = "Erased"
    contact.last_name = f"contact #{contact.pk}"
    for name in PERSONAL_FIELDS[2:]:
        setattr(contact, name, "")
    touched.set(contact, "first_name", contact.first_name, whole=True)
    touched.set(contact, "last_name", contact.last_name, whole=True)
    if not contact.archived:
        touched.changed[(Contact, contact.pk)]["archived"] = "True"
    contact.archived = True
    contact.save(update_fields=[*PERSONAL_FIELDS, "archived", "updated_at"])
    contact.tags.clear()
    contact.topics.clear()
    contact.networks.clear()
    contact.affiliations.all().delete()
    for name, count in lists.items():
        if count:
            touched.changed[(Contact, contact.pk)][name] = ""

    through = Interaction.contacts.through
    interactions = Interaction.objects.filter(
        pk__in=through.objects.filter(contact=contact).values("interaction_id")
    ).annotate(contact_count=Count("contacts"))
    for interaction in interactions:
        touched.related[Interaction].add(interaction.pk)
        _erase_text(
            interaction,
            ("summary", "given", "asked"),
            touched,
            whole=interaction.contact_count == 1,
            redactor=redactor,
        )
    for followup in FollowUp.objects.filter(
        Q(contact=contact) | Q(interaction__in=touched.related[Interaction])
    ):
        touched.related[FollowUp].add(followup.pk)
        whole = followup.contact_id == contact.pk
        _erase_text(followup, ("text",), touched, whole=whole, redactor=redactor)
    for invitation in Invitation.objects.filter(contact=contact):
        touched.related[Invitation].add(invitation.pk)
        _empty(invitation, ("note",), touched)
    for encounter in Encounter.objects.filter(contact=contact):
        touched.related[Encounter].add(encounter.pk)
        _erase_text(encounter, ("goal", "outcome"), touched, whole=True, redactor=redactor)
    for membership in ContactMembership.objects.filter(contact=contact):
        touched.related[ContactMembership].add(membership.pk)
        _empty(membership, ("note",), touched)
    for tie in Relationship.objects.filter(contact=contact):
        touched.related[Relationship].add(tie.pk)
        _empty(tie, ("context",), touched)
    ImportRow.objects.filter(contact=contact).update(
        values=[], data=None, previous=None, message=""
    )
    _redact_mentions(redactor, touched)


def _mentioning_texts() -> dict[type[models.Model], tuple[str, ...]]:
    """Free texts anywhere that may name a person."""
    return {
        Interaction: ("summary", "given", "asked"),
        FollowUp: ("text",),
        Contact: ("notes",),
        Organisation: ("notes",),
        Relationship: ("context",),
        ContactMembership: ("note",),
        OrganisationMembership: ("note",),
        Goal: ("text",),
        StakeholderGroup: ("description",),
        Topic: ("description",),
        Network: ("description",),
        Event: ("description",),
        Invitation: ("note",),
        Encounter: ("goal", "outcome"),
    }


def _redact_mentions(redactor: Redactor, touched: Touched) -> None:
    """Texts not linked to the person that still name them by full name, e-mail or phone
    (a colleague's notes, a meeting they were not at): those words are replaced."""
    values = redactor.identifying()
    if not values:
        return
    for model, names in _mentioning_texts().items():
        mentions = Q(pk__in=[])
        for name in names:
            for value in values:
                mentions |= Q(**{f"{name}__icontains": value})
        for obj in model._base_manager.filter(mentions).only("pk", *names):
            _erase_text(obj, names, touched, whole=False, redactor=redactor, weak=False)


def _content_types(models_: list[type[models.Model]]) -> dict[type[models.Model], int]:
    return {model: ContentType.objects.get_for_model(model).pk for model in models_}


def _entries_to_scrub(contact: Contact, redactor: Redactor, touched: Touched):
    """Entries of the contact, of every object the erasure touched or that pointed at
    the contact, and any entry naming the person (full name, e-mail, phone)."""
    cts = _content_types(audit.audited_models())
    near = Q(content_type_id=cts[Contact], object_id=contact.pk)
    for model, pks in touched.related.items():
        if pks:
            near |= Q(content_type_id=cts[model], object_id__in=pks)
    for model in CONTACT_KEYED:
        for side in ("0", "1"):
            near |= Q(content_type_id=cts[model], **{f"changes__contact__{side}": str(contact.pk)})
    far = Q(pk__in=[])
    for value in redactor.identifying():
        # SQLite keeps JSON as text with non-ASCII characters escaped; PostgreSQL does not.
        escaped = json.dumps(value)[1:-1]
        far |= Q(object_repr__icontains=value) | Q(changes_as_text__contains=value)
        if escaped != value:
            far |= Q(changes_as_text__contains=escaped)
    entries = (
        LogEntry.objects.filter(content_type_id__in=cts.values())
        .annotate(changes_as_text=Cast("changes", TextField()))
        .filter(near | far)
    )
    models_by_ct = {pk: model for model, pk in cts.items()}
    return entries, models_by_ct


def _scrub_value(value, *, redactor: Redactor, weak: bool):
    if isinstance(value, dict) and value.get("type") == "m2m":
        # A list of people or things by name: only the person's own entry changes.
        return {
            **value,
            "objects": [redactor.scrub_name(str(obj)) for obj in value.get("objects", [])],
        }
    if isinstance(value, str):
        return redactor.scrub(value, weak=weak)
    if isinstance(value, list):
        return [_scrub_value(item, redactor=redactor, weak=weak) for item in value]
    return value


def _points_at(entry: LogEntry, contact_pk: int) -> bool:
    change = (entry.changes or {}).get("contact")
    return isinstance(change, list) and str(contact_pk) in change


def _erased(value):
    """Every non-empty value of a change replaced: a field emptied by the erasure."""
    if isinstance(value, dict) and value.get("type") == "m2m":
        return {**value, "objects": [ERASED for _ in value.get("objects", [])]}
    if isinstance(value, list):
        return [v if v in (None, "None", "") else ERASED for v in value]
    return ERASED


def _scrub_history(contact: Contact, redactor: Redactor, touched: Touched) -> int:
    entries, models_by_ct = _entries_to_scrub(contact, redactor, touched)
    near_ids = {(model, pk) for model, pks in touched.related.items() for pk in pks}
    near_ids.add((Contact, contact.pk))
    contact_fields = {*PERSONAL_FIELDS, "tags"}
    changed = []
    for entry in entries.iterator(chunk_size=500):
        model = models_by_ct[entry.content_type_id]
        key = (model, entry.object_id)
        # First and last names alone are only looked for in texts about the person.
        is_near = model in WEAK_MODELS and (key in near_ids or _points_at(entry, contact.pk))
        emptied = touched.emptied.get(key, set())
        if key == (Contact, contact.pk):
            emptied = emptied | contact_fields
        changes = {}
        for name, value in (entry.changes or {}).items():
            if name in emptied:
                changes[name] = _erased(value)
            else:
                changes[name] = _scrub_value(value, redactor=redactor, weak=is_near)
        if key == (Contact, contact.pk):
            object_repr = redactor.new_name
        else:
            object_repr = redactor.scrub(entry.object_repr, weak=is_near)
        if (
            changes != (entry.changes or {})
            or object_repr != entry.object_repr
            or entry.serialized_data is not None
            or entry.changes_text
        ):
            entry.changes = changes if entry.changes is not None else None
            entry.object_repr = object_repr
            entry.serialized_data = None
            entry.changes_text = ""
            changed.append(entry)
    LogEntry.objects.bulk_update(
        changed, ["changes", "object_repr", "serialized_data", "changes_text"], batch_size=500
    )
    return len(changed)


def _erasure_entries(actor: User, contact: Contact, touched: Touched) -> list[LogEntry]:
    """One entry per changed object: which fields the erasure changed, not what they held."""
    objects: dict[type[models.Model], dict[int, models.Model]] = {Contact: {contact.pk: contact}}
    by_model: dict[type[models.Model], set[int]] = defaultdict(set)
    for model, pk in touched.changed:
        if model is not Contact:
            by_model[model].add(pk)
    for model, pks in by_model.items():
        objects[model] = model._base_manager.in_bulk(pks)
    entries = []
    for (model, pk), values in touched.changed.items():
        obj = objects[model].get(pk)
        if obj is None:
            continue
        changes = {
            name: [ERASED if name != "archived" else "False", new] for name, new in values.items()
        }
        for name in ("tags", "topics", "networks"):
            if model is Contact and name in values:
                changes[name] = {"type": "m2m", "operation": "delete", "objects": [ERASED]}
        entries.append(
            audit.entry_for(
                obj,
                action=LogEntry.Action.UPDATE,
                actor=actor,
                changes=changes,
                additional_data={"privacy": "erasure", "contact": contact.pk},
            )
        )
    return entries


@transaction.atomic
def contact_erase(*, actor: User, contact: Contact, confirm_name: str) -> Erasure:
    """Erase a contact's personal data for good (see the module's docstring).

    `confirm_name` must repeat the contact's name (case and spacing aside): an erasure
    cannot be undone. A second erasure of the same contact is refused.
    """
    permissions.ensure_can_manage_personal_data(actor)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    existing = Erasure.objects.filter(contact_ref=contact.pk).first()
    if existing is not None:
        raise AlreadyErased(existing)
    if _normalised(confirm_name or "") != _normalised(contact.full_name):
        raise ServiceError(
            _("Type the contact's name exactly as shown to confirm the erasure."),
            field="confirm_name",
        )
    redactor = _redactor_for(contact)
    touched = Touched()
    with disable_auditlog():
        _erase_data(contact, redactor, touched)
    _scrub_history(contact, redactor, touched)
    erasure = Erasure.objects.create(contact=contact, contact_ref=contact.pk, erased_by=actor)
    LogEntry.objects.bulk_create(_erasure_entries(actor, contact, touched))
    return erasure
