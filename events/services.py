"""Every write of the events app: one call, one transaction, permission checked.

Errors a user can fix raise relations' ServiceError (a form error, an API 400 naming the
field); what the user may not do raises NotAllowed (403).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events import permissions, selectors
from events.models import CalendarFeed, Encounter, Event, EventKind, Invitation, InvitationStatus
from relations import services as relation_services
from relations.models import Contact, InteractionKind, User
from relations.permissions import NotAllowed
from relations.services import NextStep, ServiceError
from stakeholders.models import Goal, StakeholderGroup
from stakeholders.selectors import member_contacts

EVENT_FIELDS = {
    "name",
    "starts_at",
    "ends_at",
    "location",
    "kind",
    "network",
    "organiser",
    "capacity",
    "description",
}


# Outside this range a date is a typo, and near year 1 or 9999 it cannot even be stored.
SENSIBLE_YEARS = range(1900, 2200)


def check_sensible_time(value: datetime.datetime, field: str) -> None:
    if value.year not in SENSIBLE_YEARS:
        raise ServiceError(_("Enter a date between 1900 and 2199."), field=field)


def _check_event(event: Event) -> None:
    check_sensible_time(event.starts_at, "starts_at")
    check_sensible_time(event.ends_at, "ends_at")
    if not event.name.strip():
        raise ServiceError(_("Give the event a name."), field="name")
    if event.ends_at <= event.starts_at:
        raise ServiceError(_("The end must be after the start."), field="ends_at")
    if event.capacity is not None and event.capacity < 1:
        raise ServiceError(_("Capacity must be at least 1, or empty."), field="capacity")
    if event.network_id and event.kind != EventKind.NETWORK_MEETING:
        raise ServiceError(_("Only a network meeting is linked to a network."), field="network")


@transaction.atomic
def event_create(*, actor: User, **fields) -> Event:
    permissions.ensure_can_create_event(actor)
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    fields.setdefault("organiser", actor)
    event = Event(**fields)
    event.name = event.name.strip()
    _check_event(event)
    event.save()
    return event


@transaction.atomic
def event_update(*, actor: User, event: Event, **fields) -> Event:
    permissions.ensure_can_change_event(actor, event)
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(event, name, value)
    event.name = event.name.strip()
    _check_event(event)
    outside = event.encounters.exclude(starts_at__gte=event.starts_at, starts_at__lt=event.ends_at)
    if outside.exists():
        raise ServiceError(
            ngettext(
                "%(count)d planned encounter would fall outside the new time; move it first.",
                "%(count)d planned encounters would fall outside the new time; move them first.",
                outside.count(),
            )
            % {"count": outside.count()},
            field="starts_at",
        )
    event.save()
    return event


@transaction.atomic
def event_delete(*, actor: User, event: Event) -> None:
    """The guest list and plan go with the event; logged meetings stay on the timelines."""
    permissions.ensure_can_change_event(actor, event)
    event.delete()


# The guest list

# Where a guest's status may go next. Attended and no-show only once the event began.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    InvitationStatus.PROPOSED: {InvitationStatus.INVITED, InvitationStatus.DECLINED},
    InvitationStatus.INVITED: {
        InvitationStatus.ACCEPTED,
        InvitationStatus.DECLINED,
        InvitationStatus.ATTENDED,
        InvitationStatus.NO_SHOW,
    },
    InvitationStatus.ACCEPTED: {
        InvitationStatus.DECLINED,
        InvitationStatus.ATTENDED,
        InvitationStatus.NO_SHOW,
    },
    InvitationStatus.DECLINED: {
        InvitationStatus.INVITED,
        InvitationStatus.ACCEPTED,
        InvitationStatus.ATTENDED,
    },
    InvitationStatus.ATTENDED: {InvitationStatus.NO_SHOW},
    InvitationStatus.NO_SHOW: {InvitationStatus.ATTENDED},
}
AFTER_START_STATUSES = {InvitationStatus.ATTENDED, InvitationStatus.NO_SHOW}


def status_error(invitation: Invitation, status: str) -> str | None:
    """Why the guest cannot move to `status`, or None if they can."""
    if status not in InvitationStatus.values:
        return _("Unknown status.")
    if status == invitation.status:
        return None
    if status not in STATUS_TRANSITIONS[invitation.status]:
        return _("%(contact)s cannot go from %(old)s to %(new)s.") % {
            "contact": invitation.contact,
            "old": InvitationStatus(invitation.status).label,
            "new": InvitationStatus(status).label,
        }
    if status in AFTER_START_STATUSES and not invitation.event.has_begun:
        return _("%(contact)s cannot be marked %(new)s before the event has begun.") % {
            "contact": invitation.contact,
            "new": InvitationStatus(status).label.lower(),
        }
    return None


def _check_invitable(event: Event, contact: Contact) -> None:
    if contact.archived:
        raise ServiceError(
            _("%(contact)s is archived and cannot be invited.") % {"contact": contact},
            field="contact",
        )
    if Invitation.objects.filter(event=event, contact=contact).exists():
        raise ServiceError(
            _("%(contact)s is already on the guest list.") % {"contact": contact}, field="contact"
        )


@transaction.atomic
def invitation_add(
    *,
    actor: User,
    event: Event,
    contact: Contact,
    status: str | None = None,
    host: User | None = None,
    note: str = "",
) -> Invitation:
    """Planners put a guest on the list (invited by default); anybody else proposes one."""
    planner = permissions.can_change_event(actor, event)
    if not planner and status not in (None, InvitationStatus.PROPOSED):
        raise NotAllowed(_("You may propose a guest; the planners decide."))
    status = status or (InvitationStatus.INVITED if planner else InvitationStatus.PROPOSED)
    _check_invitable(event, contact)
    invitation = Invitation(
        event=event, contact=contact, status=InvitationStatus.PROPOSED, host=host, note=note
    )
    invitation.proposed_by = actor
    error = status_error(invitation, status)
    if error:
        raise ServiceError(error, field="status")
    invitation.status = status
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:  # the same guest added at the same moment elsewhere
        raise ServiceError(
            _("%(contact)s is already on the guest list.") % {"contact": contact}, field="contact"
        ) from None
    return invitation


@transaction.atomic
def invitations_add_group(
    *, actor: User, event: Event, group: StakeholderGroup, status: str | None = None
) -> list[Invitation]:
    """Put every active member of a stakeholder group not yet on the list on it at once."""
    permissions.ensure_can_change_event(actor, event)
    status = status or InvitationStatus.INVITED
    if status not in (InvitationStatus.PROPOSED, InvitationStatus.INVITED):
        raise ServiceError(_("A new guest is proposed or invited."), field="status")
    invited = Invitation.objects.filter(event=event).values("contact_id")
    contacts = (
        member_contacts(group)
        .filter(archived=False)
        .exclude(pk__in=invited)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    invitations = [
        Invitation(event=event, contact=contact, status=status, proposed_by=actor)
        for contact in contacts
    ]
    try:
        with transaction.atomic():
            return Invitation.objects.bulk_create(invitations)
    except IntegrityError:  # somebody added one of them at the same moment
        raise ServiceError(
            _("The guest list changed meanwhile; please try again."), field="group"
        ) from None


@transaction.atomic
def invitation_update(
    *, actor: User, invitation: Invitation, status: str | None = None, **fields
) -> Invitation:
    """Change status (along STATUS_TRANSITIONS), host or note of a guest."""
    permissions.ensure_can_change_event(actor, invitation.event)
    unknown = set(fields) - {"host", "note"}
    if unknown:
        raise TypeError(f"unknown invitation fields: {sorted(unknown)}")
    if status is not None:
        error = status_error(invitation, status)
        if error:
            raise ServiceError(error, field="status")
        invitation.status = status
    for name, value in fields.items():
        setattr(invitation, name, value)
    invitation.save()
    return invitation


@transaction.atomic
def invitations_set_status(
    *, actor: User, event: Event, invitation_ids: list[int], status: str
) -> int:
    """Move several guests at once: all of them, or (naming who cannot) none."""
    permissions.ensure_can_change_event(actor, event)
    invitations = list(
        Invitation.objects.filter(event=event, pk__in=invitation_ids)
        .select_related("event", "contact")
        .select_for_update(of=("self",))
    )
    if not invitations:
        raise ServiceError(_("Choose at least one guest."), field="invitations")
    if len(invitations) != len(set(invitation_ids)):
        raise ServiceError(
            _("Some of the chosen guests are not on this event's guest list."),
            field="invitations",
        )
    errors = [error for inv in invitations if (error := status_error(inv, status))]
    if errors:
        raise ServiceError(" ".join(errors), field="status")
    changed = [inv for inv in invitations if inv.status != status]
    now = timezone.now()
    for invitation in changed:
        invitation.status = status
        invitation.updated_at = now
    Invitation.objects.bulk_update(changed, ["status", "updated_at"])
    return len(changed)


@transaction.atomic
def invitation_remove(*, actor: User, invitation: Invitation) -> None:
    permissions.ensure_can_withdraw_invitation(actor, invitation)
    invitation.delete()


# The encounter plan

ENCOUNTER_FIELDS = {"colleague", "contact", "starts_at", "minutes", "goal", "stakeholder_goal"}


def _check_encounter(encounter: Encounter) -> None:
    event = encounter.event
    check_sensible_time(encounter.starts_at, "starts_at")
    if encounter.contact.archived:
        raise ServiceError(_("This contact is archived."), field="contact")
    if not encounter.colleague.is_active:
        raise ServiceError(_("This colleague no longer works here."), field="colleague")
    if not (event.starts_at <= encounter.starts_at and encounter.ends_at <= event.ends_at):
        raise ServiceError(
            _("The encounter must fall within the event: %(start)s – %(end)s.")
            % {
                "start": timezone.localtime(event.starts_at).strftime("%d-%m-%Y %H:%M"),
                "end": timezone.localtime(event.ends_at).strftime("%d-%m-%Y %H:%M"),
            },
            field="starts_at",
        )
    goal = encounter.stakeholder_goal
    if goal is not None:
        if not selectors.goal_options_for(contact=encounter.contact).filter(pk=goal.pk).exists():
            raise ServiceError(
                _("Pick a goal of a stakeholder group %(contact)s belongs to.")
                % {"contact": encounter.contact},
                field="stakeholder_goal",
            )
        if not encounter.goal.strip():
            encounter.goal = goal.text  # the plan's goal column shows it
    encounter.goal = encounter.goal.strip()


@transaction.atomic
def encounter_add(
    *,
    actor: User,
    event: Event,
    colleague: User,
    contact: Contact,
    starts_at: datetime.datetime | None = None,
    minutes: int = 15,
    goal: str = "",
    stakeholder_goal: Goal | None = None,
) -> Encounter:
    permissions.ensure_can_change_event(actor, event)
    encounter = Encounter(
        event=event,
        colleague=colleague,
        contact=contact,
        starts_at=starts_at or event.starts_at,
        minutes=minutes,
        goal=goal or "",
        stakeholder_goal=stakeholder_goal,
    )
    _check_encounter(encounter)
    encounter.save()
    return encounter


@transaction.atomic
def encounter_update(*, actor: User, encounter: Encounter, **fields) -> Encounter:
    """Planners change any column; the colleague who meets them, the goal."""
    unknown = set(fields) - ENCOUNTER_FIELDS
    if unknown:
        raise TypeError(f"unknown encounter fields: {sorted(unknown)}")
    changed = {name for name, value in fields.items() if getattr(encounter, name) != value}
    permissions.ensure_can_write_encounter(actor, encounter, changed)
    for name, value in fields.items():
        setattr(encounter, name, value)
    if "stakeholder_goal" in changed and "goal" not in changed and encounter.stakeholder_goal:
        encounter.goal = ""  # a newly picked stakeholder goal replaces the old text
    if encounter.goal is None:
        encounter.goal = ""
    _check_encounter(encounter)
    encounter.save()
    return encounter


@transaction.atomic
def encounter_delete(*, actor: User, encounter: Encounter) -> None:
    """Remove a planned row; a meeting already logged from it stays on the timeline."""
    permissions.ensure_can_change_event(actor, encounter.event)
    encounter.delete()


@transaction.atomic
def encounter_record_outcome(
    *, actor: User, encounter: Encounter, outcome: str, next_step: NextStep | None = None
) -> Encounter:
    """After the event, in one step: the outcome, the logged meeting (kind "event
    encounter", on the event's day), the guest marked attended, and an optional next step.

    Recording again corrects the outcome and the meeting's summary.
    """
    permissions.ensure_can_record_outcome(actor, encounter)
    event = encounter.event
    if not event.has_begun:
        raise ServiceError(_("The event has not begun yet."), field="outcome")
    outcome = outcome.strip()
    if not outcome:
        raise ServiceError(_("Write down how it went."), field="outcome")
    summary = _("At %(event)s: %(outcome)s") % {"event": event.name, "outcome": outcome}
    if encounter.interaction_id is None:
        encounter.interaction = relation_services.interaction_log(
            author=actor,
            contacts=[encounter.contact],
            kind=InteractionKind.EVENT_ENCOUNTER,
            occurred_on=timezone.localtime(encounter.starts_at).date(),
            our_participants=[encounter.colleague],
            summary=summary,
            next_step=next_step,
        )
    else:
        relation_services.interaction_update(
            actor=actor, interaction=encounter.interaction, summary=summary
        )
        if next_step is not None and next_step.text.strip():
            relation_services.followup_create(
                actor=actor,
                contact=encounter.contact,
                text=next_step.text,
                due_on=next_step.due_on,
                assignee=next_step.assignee or actor,
                interaction=encounter.interaction,
            )
    encounter.outcome = outcome
    encounter.outcome_recorded_at = timezone.now()
    encounter.save(update_fields=["outcome", "outcome_recorded_at", "interaction", "updated_at"])
    # They met, so the guest was there, whatever the list said before.
    Invitation.objects.filter(event=event, contact=encounter.contact).exclude(
        status=InvitationStatus.ATTENDED
    ).update(status=InvitationStatus.ATTENDED, updated_at=timezone.now())
    return encounter


# Calendar feeds


@transaction.atomic
def feed_token_regenerate(*, user: User) -> CalendarFeed:
    """A new secret feed URL; the old one stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


@transaction.atomic
def feed_token_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()
