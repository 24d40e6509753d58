"""DESIGN.md §4 for events, in one place.

Every active user reads events, guest lists and encounter plans. Planners (event
planners and network managers) plan; an event's organiser and their team lead change
that event too. An encounter's "who of us" writes its goal and outcome. Any
networker may propose a guest and withdraw their own proposal while it is open.
"""

from django.utils.translation import gettext as _

from events.models import Encounter, Event, Invitation, InvitationStatus
from relations.models import Team
from relations.permissions import NotAllowed, is_event_planner, is_network_manager


def is_planner(user) -> bool:
    return is_network_manager(user) or is_event_planner(user)


def ensure_can_create_event(user) -> None:
    if not is_planner(user):
        raise NotAllowed(_("Only event planners and network managers may add events."))


def can_change_event(user, event: Event) -> bool:
    if is_planner(user) or (event.organiser_id is not None and event.organiser_id == user.pk):
        return True
    return (
        event.organiser_id is not None
        and Team.objects.filter(lead=user, members=event.organiser_id).exists()
    )


def ensure_can_change_event(user, event: Event) -> None:
    if not can_change_event(user, event):
        raise NotAllowed(
            _("Only event planners, network managers and the organiser may change this event.")
        )


# The fields of an encounter its "who of us" may write; the rest is the planners'.
COLLEAGUE_ENCOUNTER_FIELDS = frozenset({"goal", "stakeholder_goal"})


# Pages ask these once per row: `may_change_event` passes can_change_event's answer,
# asked once per page, so a row costs no query.


def can_write_encounter(
    user, encounter: Encounter, fields: set[str], *, may_change_event: bool | None = None
) -> bool:
    if may_change_event is None:
        may_change_event = can_change_event(user, encounter.event)
    if may_change_event:
        return True
    return encounter.colleague_id == user.pk and fields <= COLLEAGUE_ENCOUNTER_FIELDS


def ensure_can_write_encounter(user, encounter: Encounter, fields: set[str]) -> None:
    if not can_write_encounter(user, encounter, fields):
        raise NotAllowed(
            _("Only planners may change this; the colleague who meets them writes the goal.")
        )


def can_record_outcome(user, encounter: Encounter) -> bool:
    """The colleague who met them tells how it went (the meeting is logged in their name);
    network managers may log it for them."""
    return encounter.colleague_id == user.pk or is_network_manager(user)


def ensure_can_record_outcome(user, encounter: Encounter) -> None:
    if not can_record_outcome(user, encounter):
        raise NotAllowed(_("Only the colleague who met them, or a network manager, records this."))


def can_withdraw_invitation(
    user, invitation: Invitation, *, may_change_event: bool | None = None
) -> bool:
    if may_change_event is None:
        may_change_event = can_change_event(user, invitation.event)
    if may_change_event:
        return True
    return (
        invitation.status == InvitationStatus.PROPOSED
        and invitation.proposed_by_id is not None
        and invitation.proposed_by_id == user.pk
    )


def ensure_can_withdraw_invitation(user, invitation: Invitation) -> None:
    if not can_withdraw_invitation(user, invitation):
        raise NotAllowed(
            _("Only planners, or the colleague who proposed this guest, may remove it.")
        )
