"""Query parameters of the API lists.

Each FilterSet validates and documents its parameters (a bad value is a 400);
the filtering itself is done by the same selector the HTML list pages call, so
the pages and the API cannot filter differently.
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from relations import selectors
from relations.forms import MAX_ID, IdField
from relations.models import InteractionKind
from relations.selectors import Warmth


class IdFilter(filters.NumberFilter):
    """The id of a related object: a whole number from 1 to MAX_ID, not any number.

    A larger number is a 400, not a query that SQLite cannot run.
    """

    field_class = IdField


def id_filter(help_text: str) -> IdFilter:
    schema = {
        "type": "integer",
        "format": "int64",
        "minimum": 1,
        "maximum": MAX_ID,
        "description": help_text,
    }
    return extend_schema_field(schema)(IdFilter(help_text=help_text))


class SelectorFilterSet(filters.FilterSet):
    """Ignores the incoming queryset's filtering: `select` builds the list from the selector."""

    def filter_queryset(self, queryset):
        return self.select(user=self.request.user, params=self.form.cleaned_data)

    def select(self, *, user, params: dict):
        raise NotImplementedError


class ContactFilter(SelectorFilterSet):
    q = filters.CharFilter(
        label="Search",
        help_text="Words matched against name, e-mail, organisation and tags.",
    )
    owner = id_filter("Id of the owning colleague.")
    warmth = filters.ChoiceFilter(choices=Warmth.choices)
    tag = filters.CharFilter(help_text="Tag name (case-insensitive).")
    organisation = id_filter("Id of the main organisation.")
    archived = filters.BooleanFilter(
        help_text="true: only archived contacts; false or absent: only active ones."
    )

    def select(self, *, user, params):
        return selectors.contact_list_for(
            user=user,
            search=params.get("q") or "",
            owner_id=params.get("owner"),
            warmth=params.get("warmth") or "",
            tag=params.get("tag") or "",
            organisation_id=params.get("organisation"),
            archived_only=params.get("archived") is True,
        )


class OrganisationFilter(SelectorFilterSet):
    q = filters.CharFilter(label="Search", help_text="Words matched against name, city, sector.")

    def select(self, *, user, params):
        return selectors.organisation_list_for(user=user, search=params.get("q") or "")


class RelationshipFilter(SelectorFilterSet):
    user = id_filter("Id of the colleague.")
    contact = id_filter("Id of the contact.")
    warmth = filters.ChoiceFilter(
        choices=Warmth.choices, help_text="Warmth of this colleague's tie."
    )

    def select(self, *, user, params):
        return selectors.relationship_list_for(
            user=user,
            colleague_id=params.get("user"),
            contact_id=params.get("contact"),
            warmth=params.get("warmth") or "",
        )


class InteractionFilter(SelectorFilterSet):
    contact = id_filter("Id of a contact who took part.")
    kind = filters.ChoiceFilter(choices=InteractionKind.choices)
    date_from = filters.DateFilter(help_text="Occurred on or after this date.")
    date_to = filters.DateFilter(help_text="Occurred on or before this date.")
    participant = id_filter("Id of a colleague who took part.")

    def select(self, *, user, params):
        return selectors.interaction_search_for(
            user=user,
            contact_id=params.get("contact"),
            kind=params.get("kind") or "",
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
            participant_id=params.get("participant"),
        )


class FollowUpFilter(SelectorFilterSet):
    assignee = id_filter("Id of the assignee.")
    open = filters.BooleanFilter(help_text="true: not done yet; false: done.")
    due_before = filters.DateFilter(help_text="Due on or before this date.")
    contact = id_filter("Id of the contact.")
    interaction = id_filter("Id of the source interaction.")

    def select(self, *, user, params):
        is_open = params.get("open")
        return selectors.followup_list_for(
            user=user,
            done=None if is_open is None else not is_open,
            assignee_id=params.get("assignee"),
            due_by=params.get("due_before"),
            contact_id=params.get("contact"),
            interaction_id=params.get("interaction"),
        )
