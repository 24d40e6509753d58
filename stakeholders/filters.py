"""Query parameters of the stakeholder API lists.

As in relations.filters: each FilterSet validates and documents its parameters (a
bad value is a 400); the filtering is done by the selector the HTML pages call.
"""

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from relations.filters import SelectorFilterSet, id_filter
from stakeholders import selectors
from stakeholders.models import GoalKind, GoalStatus, Quadrant


def groups_for_api(groups: QuerySet) -> QuerySet:
    """The API shows each group's goals: one query for the whole page."""
    return groups.prefetch_related("goals")


def networks_for_api(networks: QuerySet) -> QuerySet:
    """The API lists the members of each network: two queries for the whole page."""
    return networks.prefetch_related("our_members", "contact_members")


class StakeholderGroupFilter(SelectorFilterSet):
    q = filters.CharFilter(label="Search", help_text="Words matched against the name.")
    team = id_filter("Id of the owning team.")
    topic = id_filter("Id of a topic of the group.")
    quadrant = filters.ChoiceFilter(
        choices=Quadrant.choices, help_text="Quadrant of the power/interest grid."
    )
    flag = filters.ChoiceFilter(
        choices=selectors.Flag.CHOICES, help_text="Only groups carrying this flag."
    )

    def select(self, *, user, params):
        return groups_for_api(
            selectors.group_list_for(
                user=user,
                team_id=params.get("team"),
                topic_id=params.get("topic"),
                quadrant=params.get("quadrant") or "",
                flag=params.get("flag") or "",
                search=params.get("q") or "",
            )
        )


class ContactMembershipFilter(SelectorFilterSet):
    group = id_filter("Id of the stakeholder group.")
    contact = id_filter("Id of the contact.")

    def select(self, *, user, params):
        return selectors.contact_membership_list_for(
            user=user, group_id=params.get("group"), contact_id=params.get("contact")
        )


class OrganisationMembershipFilter(SelectorFilterSet):
    group = id_filter("Id of the stakeholder group.")
    organisation = id_filter("Id of the organisation.")

    def select(self, *, user, params):
        return selectors.organisation_membership_list_for(
            user=user, group_id=params.get("group"), organisation_id=params.get("organisation")
        )


class GoalFilter(SelectorFilterSet):
    group = id_filter("Id of the stakeholder group.")
    kind = filters.ChoiceFilter(choices=GoalKind.choices)
    status = filters.ChoiceFilter(choices=GoalStatus.choices)

    def select(self, *, user, params):
        return selectors.goal_list_for(
            user=user,
            group_id=params.get("group"),
            kind=params.get("kind") or "",
            status=params.get("status") or "",
        )


class TopicFilter(SelectorFilterSet):
    q = filters.CharFilter(label="Search", help_text="Words matched against the name.")

    def select(self, *, user, params):
        return selectors.topic_list_for(user=user, search=params.get("q") or "")


class NetworkFilter(SelectorFilterSet):
    q = filters.CharFilter(label="Search", help_text="Words matched against the name.")

    def select(self, *, user, params):
        return networks_for_api(selectors.network_list_for(user=user, search=params.get("q") or ""))
