"""Query parameters of the events API lists.

As in relations.filters: each FilterSet validates and documents its parameters (a
bad value is a 400); the filtering is done by the selectors the pages call.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from events import selectors
from events.models import EventKind, InvitationStatus
from events.serializers import within_safe_years
from relations.filters import SelectorFilterSet, id_filter

_DATE_OR_DATETIME = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]
}


class MomentFormField(forms.DateTimeField):
    """A date (its local midnight) or an ISO 8601 date-time (without offset: local time)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None and not within_safe_years(moment):
            raise ValidationError(_("Enter a date in a year from 2 to 9998."), code="invalid")
        return moment


class MomentFilter(filters.DateTimeFilter):
    field_class = MomentFormField


def moment_filter(help_text: str) -> MomentFilter:
    schema = {**_DATE_OR_DATETIME, "description": help_text}
    return extend_schema_field(schema)(MomentFilter(help_text=help_text))


class EventFilter(SelectorFilterSet):
    q = filters.CharFilter(label="Search", help_text="Words matched against name and location.")
    kind = filters.ChoiceFilter(choices=EventKind.choices)
    team = id_filter("Id of a team: events its members organise or meet somebody at.")
    mine = filters.BooleanFilter(
        help_text="true: only events the current user organises, hosts a guest at or meets "
        "somebody at."
    )
    starts_after = moment_filter(
        "Events not over at this moment: those ending after it (so an event still running "
        "then is included). A date means its start (00:00, local time)."
    )
    starts_before = moment_filter(
        "Events starting before this moment. A date means its start (00:00, local time)."
    )

    def select(self, *, user, params):
        return selectors.event_list_for(
            user=user,
            kind=params.get("kind") or "",
            team_id=params.get("team"),
            mine=params.get("mine") is True,
            starts_from=params.get("starts_after"),
            starts_before=params.get("starts_before"),
            search=params.get("q") or "",
        )


class InvitationFilter(SelectorFilterSet):
    event = id_filter("Id of the event.")
    status = filters.ChoiceFilter(choices=InvitationStatus.choices)
    contact = id_filter("Id of the guest.")
    proposed_by = id_filter("Id of the colleague who proposed the guest.")
    host = id_filter("Id of the colleague who hosts the guest.")

    def select(self, *, user, params):
        return selectors.invitation_search_for(
            user=user,
            event_id=params.get("event"),
            status=params.get("status") or "",
            contact_id=params.get("contact"),
            proposed_by_id=params.get("proposed_by"),
            host_id=params.get("host"),
        )


class EncounterFilter(SelectorFilterSet):
    event = id_filter("Id of the event.")
    colleague = id_filter("Id of the colleague who meets the contact (who of us).")
    contact = id_filter("Id of the contact they meet (meets whom).")
    has_goal = filters.BooleanFilter(help_text="true: only rows with a goal; false: without.")
    has_outcome = filters.BooleanFilter(
        help_text="true: only rows whose outcome is recorded; false: still open."
    )

    def select(self, *, user, params):
        return selectors.encounter_search_for(
            user=user,
            event_id=params.get("event"),
            colleague_id=params.get("colleague"),
            contact_id=params.get("contact"),
            has_goal=params.get("has_goal"),
            has_outcome=params.get("has_outcome"),
        )
