"""Every write of the relations app: one call, one transaction, permission checked."""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from relations import permissions, selectors
from relations.models import (
    Affiliation,
    Contact,
    FollowUp,
    Interaction,
    Organisation,
    Relationship,
    ReminderLog,
    Tag,
    Team,
    User,
)

logger = logging.getLogger(__name__)


class ServiceError(Exception):
    """A business rule refused the change; `field` names the input it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class DuplicateContactEmail(ServiceError):
    def __init__(self, existing: Contact) -> None:
        super().__init__(
            _("A contact with this e-mail address already exists: %(name)s.")
            % {"name": existing.full_name},
            field="email",
        )
        self.existing = existing


class DuplicateOrganisation(ServiceError):
    def __init__(self, existing: Organisation) -> None:
        super().__init__(_("An organisation with this name already exists."), field="name")
        self.existing = existing


CONTACT_FIELDS = {
    "first_name",
    "last_name",
    "job_title",
    "organisation",
    "email",
    "phone",
    "notes",
    "owner",
    "cadence_days",
    "legal_basis",
    "legal_basis_note",
    "archived",
}
ORGANISATION_FIELDS = {"name", "sector", "city", "website", "notes", "owner"}


def _tags_from_names(names: list[str]) -> list[Tag]:
    cleaned = sorted({name.strip().lower() for name in names if name.strip()})
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=cleaned)}
    missing = [Tag(name=name) for name in cleaned if name not in existing]
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=cleaned))


def _check_unique_email(email: str, exclude_pk: int | None = None) -> None:
    existing = selectors.contact_find_by_email(email, exclude_pk=exclude_pk)
    if existing is not None:
        raise DuplicateContactEmail(existing)


@transaction.atomic
def contact_create(*, actor: User, tags: list[str] | None = None, **fields) -> Contact:
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise TypeError(f"unknown contact fields: {sorted(unknown)}")
    fields["email"] = (fields.get("email") or "").strip()
    _check_unique_email(fields["email"])
    fields.setdefault("owner", actor)
    contact = Contact(**fields)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:  # a concurrent insert with the same e-mail
        _check_unique_email(fields["email"])
        raise
    if tags:
        contact.tags.set(_tags_from_names(tags))
    return contact


@transaction.atomic
def contact_update(
    *, actor: User, contact: Contact, tags: list[str] | None = None, **fields
) -> Contact:
    permissions.ensure_can_change_contact(actor, contact)
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise TypeError(f"unknown contact fields: {sorted(unknown)}")
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip()
        _check_unique_email(fields["email"], exclude_pk=contact.pk)
    cadence_before = contact.cadence_days
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.save()
    if contact.cadence_days != cadence_before:
        contact_refresh_ties_warmth(contact)
    if tags is not None:
        contact.tags.set(_tags_from_names(tags))
    return contact


def contact_refresh_ties_warmth(contact: Contact) -> None:
    """Each of our ties with a contact follows the contact's cadence."""
    ties = list(contact.relationships.all())
    for tie in ties:
        tie.contact = contact
        tie.refresh_warmth_dates()
    Relationship.objects.bulk_update(ties, ["cooling_on", "cold_on"])


@transaction.atomic
def affiliation_add(
    *, actor: User, contact: Contact, organisation: Organisation, role: str
) -> Affiliation:
    permissions.ensure_can_change_contact(actor, contact)
    if Affiliation.objects.filter(contact=contact, organisation=organisation, role=role).exists():
        raise ServiceError(_("This affiliation already exists."), field="role")
    return Affiliation.objects.create(contact=contact, organisation=organisation, role=role)


@transaction.atomic
def affiliation_remove(*, actor: User, affiliation: Affiliation) -> None:
    permissions.ensure_can_change_contact(actor, affiliation.contact)
    affiliation.delete()


def _check_unique_organisation(name: str, exclude_pk: int | None = None) -> None:
    existing = Organisation.objects.filter(name__iexact=name.strip())
    if exclude_pk:
        existing = existing.exclude(pk=exclude_pk)
    match = existing.first()
    if match is not None:
        raise DuplicateOrganisation(match)


@transaction.atomic
def organisation_create(*, actor: User, **fields) -> Organisation:
    unknown = set(fields) - ORGANISATION_FIELDS
    if unknown:
        raise TypeError(f"unknown organisation fields: {sorted(unknown)}")
    fields["name"] = fields["name"].strip()
    _check_unique_organisation(fields["name"])
    fields.setdefault("owner", actor)
    return Organisation.objects.create(**fields)


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, **fields) -> Organisation:
    permissions.ensure_can_change_organisation(actor, organisation)
    unknown = set(fields) - ORGANISATION_FIELDS
    if unknown:
        raise TypeError(f"unknown organisation fields: {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        _check_unique_organisation(fields["name"], exclude_pk=organisation.pk)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.save()
    return organisation


@dataclass
class NextStep:
    """The optional follow-up logged with an interaction; assignee defaults to its author."""

    text: str
    due_on: datetime.date
    assignee: User | None = None


def _refresh_warmth(*, contacts: list[Contact], users: list[User], create_ties: bool) -> None:
    """Set the last-interaction dates of the contacts and of our ties from the interactions.

    Read from the database, so logging, backdating and editing all end in the same state.
    Confidential meetings count for warmth but create no new tie: a new "who knows whom"
    would reveal them to everybody.
    """
    contact_ids = [contact.pk for contact in contacts]
    latest_by_contact = dict(
        Interaction.contacts.through.objects.filter(contact_id__in=contact_ids)
        .values("contact_id")
        .annotate(latest=Max("interaction__occurred_on"))
        .values_list("contact_id", "latest")
    )
    for contact in contacts:
        latest = latest_by_contact.get(contact.pk)
        if contact.last_interaction_on != latest:
            contact.last_interaction_on = latest
            contact.save(update_fields=["last_interaction_on", "updated_at"])
    # From the contacts' side: a contact has a few meetings, a colleague may have thousands.
    latest_by_tie = {
        (row["interaction__our_participants"], row["contact_id"]): row["latest"]
        for row in Interaction.contacts.through.objects.filter(
            contact_id__in=contact_ids,
            interaction__our_participants__in=[user.pk for user in users],
        )
        .values("interaction__our_participants", "contact_id")
        .annotate(latest=Max("interaction__occurred_on"))
    }
    ties = {
        (tie.user_id, tie.contact_id): tie
        for tie in Relationship.objects.filter(user__in=users, contact__in=contacts)
    }
    for user in users:
        for contact in contacts:
            latest = latest_by_tie.get((user.pk, contact.pk))
            tie = ties.get((user.pk, contact.pk))
            if tie is None and create_ties and latest is not None:
                tie = Relationship(user=user, contact=contact, since=latest)
            if tie is None or (tie.pk and tie.last_interaction_on == latest):
                continue
            tie.contact = contact  # its cadence sets the cached warmth dates
            tie.last_interaction_on = latest
            tie.save()


def _check_not_in_future(occurred_on: datetime.date) -> None:
    # One day of slack: a meeting abroad may already be "tomorrow" here.
    if occurred_on > selectors.today() + timedelta(days=1):
        raise ServiceError(_("A meeting cannot be logged in the future."), field="occurred_on")


@transaction.atomic
def interaction_log(
    *,
    author: User,
    contacts: list[Contact],
    kind: str = "coffee",
    occurred_on: datetime.date | None = None,
    our_participants: list[User] | None = None,
    summary: str = "",
    given: str = "",
    asked: str = "",
    confidential: bool = False,
    next_step: NextStep | None = None,
) -> Interaction:
    """Record an encounter, warm up the ties it touched, and add its next step.

    The author takes part (network managers may log for others); the date defaults to today.
    """
    contacts = list(dict.fromkeys(contacts))  # the same person twice is one person
    participants = list(dict.fromkeys(our_participants or [author]))
    if not contacts:
        raise ServiceError(_("Choose at least one person we met."), field="contacts")
    if author not in participants and not permissions.is_network_manager(author):
        raise ServiceError(
            _("Include yourself: you can only log meetings you took part in."),
            field="our_participants",
        )
    occurred_on = occurred_on or selectors.today()
    _check_not_in_future(occurred_on)
    interaction = Interaction.objects.create(
        kind=kind,
        occurred_on=occurred_on,
        author=author,
        summary=summary,
        given=given,
        asked=asked,
        confidential=confidential,
    )
    interaction.our_participants.set(participants)
    interaction.contacts.set(contacts)
    _refresh_warmth(contacts=contacts, users=participants, create_ties=not confidential)
    if next_step is not None and next_step.text.strip():
        FollowUp.objects.create(
            text=next_step.text.strip(),
            due_on=next_step.due_on,
            assignee=next_step.assignee or author,
            created_by=author,
            contact=contacts[0],
            interaction=interaction,
        )
    return interaction


def interaction_refresh_warmth(*, interaction: Interaction) -> None:
    """After a meeting's date or people changed (also in the admin): recompute warmth."""
    _refresh_warmth(
        contacts=list(interaction.contacts.all()),
        users=list(interaction.our_participants.all()),
        create_ties=False,
    )


@transaction.atomic
def interaction_update(*, actor: User, interaction: Interaction, **fields) -> Interaction:
    permissions.ensure_can_change_interaction(actor, interaction)
    allowed = {"kind", "occurred_on", "summary", "given", "asked", "confidential"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown interaction fields: {sorted(unknown)}")
    if "occurred_on" in fields:
        _check_not_in_future(fields["occurred_on"])
    for name, value in fields.items():
        setattr(interaction, name, value)
    interaction.save()
    if "occurred_on" in fields:
        interaction_refresh_warmth(interaction=interaction)
    return interaction


@transaction.atomic
def followup_create(
    *,
    actor: User,
    contact: Contact,
    text: str,
    due_on: datetime.date,
    assignee: User | None = None,
    interaction: Interaction | None = None,
) -> FollowUp:
    if not text.strip():
        raise ServiceError(_("Describe the next step."), field="text")
    return FollowUp.objects.create(
        text=text.strip(),
        due_on=due_on,
        assignee=assignee or actor,
        created_by=actor,
        contact=contact,
        interaction=interaction,
    )


@transaction.atomic
def followup_update(*, actor: User, followup: FollowUp, **fields) -> FollowUp:
    permissions.ensure_can_change_followup(actor, followup)
    allowed = {"text", "due_on", "assignee"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown follow-up fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(followup, name, value)
    followup.save()
    return followup


@transaction.atomic
def followup_complete(*, actor: User, followup: FollowUp) -> FollowUp:
    """Mark done; completing twice keeps the first time."""
    permissions.ensure_can_change_followup(actor, followup)
    now = timezone.now()
    FollowUp.objects.filter(pk=followup.pk, done_at__isnull=True).update(
        done_at=now, updated_at=now
    )
    followup.refresh_from_db(fields=["done_at", "updated_at"])
    return followup


@transaction.atomic
def followup_reopen(*, actor: User, followup: FollowUp) -> FollowUp:
    permissions.ensure_can_change_followup(actor, followup)
    followup.done_at = None
    followup.save(update_fields=["done_at", "updated_at"])
    return followup


@transaction.atomic
def relationship_upsert(
    *,
    actor: User,
    user: User,
    contact: Contact,
    strength: int,
    since: datetime.date | None = None,
    context: str = "",
) -> Relationship:
    relationship = Relationship.objects.filter(user=user, contact=contact).first()
    if relationship is None:
        relationship = Relationship(user=user, contact=contact)
    permissions.ensure_can_change_relationship(actor, relationship)
    relationship.strength = strength
    relationship.since = since
    relationship.context = context
    relationship.save()
    return relationship


@transaction.atomic
def relationship_delete(*, actor: User, relationship: Relationship) -> None:
    permissions.ensure_can_change_relationship(actor, relationship)
    relationship.delete()


@transaction.atomic
def team_save(
    *, actor: User, name: str, lead: User | None, members: list[User], team: Team | None = None
) -> Team:
    permissions.ensure_can_change_teams(actor)
    duplicate = Team.objects.filter(name__iexact=name.strip())
    if team is not None:
        duplicate = duplicate.exclude(pk=team.pk)
    if duplicate.exists():
        raise ServiceError(_("A team with this name already exists."), field="name")
    team = team or Team()
    team.name = name.strip()
    team.lead = lead
    team.save()
    # The lead belongs to the team, so the team-visibility rules hold both ways.
    team.members.set({*members, lead} - {None})
    return team


def user_set_language(*, user: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise ServiceError(_("Unknown language."), field="language")
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def api_token_regenerate(*, user: User):
    """Replace the user's personal API token with a new one (the old key stops working)."""
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()


# Reminders: what is due lives in the database; ReminderLog makes each e-mail once-only.

REMINDER_KIND = "followups_due"


def stale_claim() -> timedelta:
    """A claim older than this belongs to a worker that died half-way; it may be taken over
    (settings.REMINDER_STALE_CLAIM_SECONDS, ten minutes by default)."""
    return timedelta(seconds=settings.REMINDER_STALE_CLAIM_SECONDS)


def _claim_reminder(*, user_id: int, day: datetime.date, kind: str) -> ReminderLog | None:
    log, _created = ReminderLog.objects.get_or_create(user_id=user_id, day=day, kind=kind)
    now = timezone.now()
    claimed = (
        ReminderLog.objects.filter(pk=log.pk, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - stale_claim()))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    log.claimed_at = now
    return log


def send_once(*, user_id: int, day: datetime.date, kind: str, send: Callable[[], None]) -> bool:
    """Call `send` unless the (user, day, kind) reminder went out or is going out; True if
    it was sent now. Every reminder of every app goes through here."""
    log = _claim_reminder(user_id=user_id, day=day, kind=kind)
    if log is None:
        return False
    try:
        send()
    except Exception:
        # Release the claim (unless another worker took it over) so a retry can send it.
        ReminderLog.objects.filter(pk=log.pk, claimed_at=log.claimed_at).update(claimed_at=None)
        raise
    ReminderLog.objects.filter(pk=log.pk).update(sent_at=timezone.now())
    return True


def reminders_busy_or_done(*, day: datetime.date, kind: str) -> set[int]:
    """Users whose (day, kind) reminder went out, or is being sent right now (fresh claim)."""
    return set(
        ReminderLog.objects.filter(day=day, kind=kind)
        .filter(Q(sent_at__isnull=False) | Q(claimed_at__gte=timezone.now() - stale_claim()))
        .values_list("user_id", flat=True)
    )


def reminder_send_for(*, user_id: int, day: datetime.date) -> bool:
    """Send `user_id` their follow-ups-due e-mail for `day`, at most once. True if sent now."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    followups = selectors.followups_due_by_assignee(on=day, assignee_id=user_id).get(user_id, [])
    if not followups:
        return False
    return send_once(
        user_id=user_id,
        day=day,
        kind=REMINDER_KIND,
        send=lambda: _send_followup_email(user=user, followups=followups, day=day),
    )


def _send_followup_email(*, user: User, followups: list, day: datetime.date) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "followups": followups,
            "overdue_ids": {f.pk for f in followups if f.is_overdue_on(day)},
            "day": day,
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        subject = _("Your follow-ups for %(day)s") % {
            "day": formats.date_format(day, "SHORT_DATE_FORMAT")
        }
        body = render_to_string("relations/email/followups_due.txt", context)
        html = render_to_string("relations/email/followups_due.html", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], html_message=html)


def reminder_users_pending(*, day: datetime.date) -> list[int]:
    """Assignees with follow-ups due whose e-mail for `day` has not gone out yet."""
    busy_or_done = reminders_busy_or_done(day=day, kind=REMINDER_KIND)
    return [pk for pk in selectors.assignees_with_due_followups(on=day) if pk not in busy_or_done]


def reminders_send_all(*, day: datetime.date) -> int:
    """Send every pending reminder for `day` in this process; returns how many were sent."""
    sent = 0
    for user_id in reminder_users_pending(day=day):
        try:
            sent += reminder_send_for(user_id=user_id, day=day)
        except Exception:
            logger.exception("Reminder for user %s failed; the next sweep retries", user_id)
    return sent
