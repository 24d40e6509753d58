import datetime

import pytest

from relations import selectors as relation_selectors
from relations import services as relation_services
from relations.models import Contact
from relations.permissions import NotAllowed
from stakeholders import selectors, services
from stakeholders.models import Attitude, GoalKind, Quadrant, StakeholderGroup

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def province(manager, team_alpha):
    return services.group_create(
        actor=manager, name="Province", influence=5, interest=4, owning_team=team_alpha
    )


def listed(name, **filters):
    return next(g for g in selectors.group_list_for(user=None, **filters) if g.name == name)


@pytest.mark.parametrize(
    ("influence", "interest", "quadrant"),
    [
        (5, 5, Quadrant.MANAGE_CLOSELY),
        (3, 3, Quadrant.MANAGE_CLOSELY),
        (4, 2, Quadrant.KEEP_SATISFIED),
        (2, 4, Quadrant.KEEP_INFORMED),
        (1, 1, Quadrant.MONITOR),
    ],
)
def test_quadrant_filter_matches_the_groups_own_quadrant(manager, influence, interest, quadrant):
    services.group_create(actor=manager, name="G", influence=influence, interest=interest)

    group = StakeholderGroup.objects.get()
    assert group.quadrant == quadrant
    assert list(selectors.group_list_for(user=manager, quadrant=quadrant)) == [group]


def test_neglected_flips_at_the_90_day_boundary(manager, networker, province, contact):
    services.contact_membership_add(
        actor=manager, group=province, contact=contact, attitude=Attitude.SUPPORTER
    )
    on = relation_selectors.today()
    relation_services.interaction_log(
        author=networker, contacts=[contact], occurred_on=on - 90 * DAY
    )
    assert selectors.Flag.NEGLECTED not in selectors.flags_of(listed("Province"))

    Contact.objects.filter(pk=contact.pk).update(last_interaction_on=on - 91 * DAY)
    assert selectors.Flag.NEGLECTED in selectors.flags_of(listed("Province"))
    assert [g.name for g in selectors.group_list_for(user=manager, flag="neglected")] == [
        "Province"
    ]


def test_unbalanced_until_we_offer_something(manager, province):
    services.goal_add(actor=manager, group=province, kind=GoalKind.OUR_GOAL, text="Co-fund")
    assert selectors.Flag.UNBALANCED in selectors.flags_of(listed("Province"))

    services.goal_add(actor=manager, group=province, kind=GoalKind.OUR_OFFER, text="Data")
    assert selectors.Flag.UNBALANCED not in selectors.flags_of(listed("Province"))


def test_a_membership_added_twice_is_refused(manager, province, contact):
    services.contact_membership_add(
        actor=manager, group=province, contact=contact, attitude="neutral"
    )
    with pytest.raises(relation_services.ServiceError) as refused:
        services.contact_membership_add(
            actor=manager, group=province, contact=contact, attitude="critic"
        )
    assert refused.value.field == "contact"


def test_influence_outside_1_to_5_is_refused(manager):
    with pytest.raises(relation_services.ServiceError) as refused:
        services.group_create(actor=manager, name="Too big", influence=6, interest=3)
    assert refused.value.field == "influence"


def test_a_networker_cannot_change_a_group_but_the_owning_lead_can(networker, lead, province):
    with pytest.raises(NotAllowed):
        services.group_update(actor=networker, group=province, influence=1)
    services.group_update(actor=lead, group=province, influence=2)
    province.refresh_from_db()
    assert province.influence == 2


def test_deleting_a_group_keeps_its_contacts_and_interactions(
    manager, networker, province, contact
):
    services.contact_membership_add(
        actor=manager, group=province, contact=contact, attitude="neutral"
    )
    relation_services.interaction_log(author=networker, contacts=[contact])

    services.group_delete(actor=manager, group=province)

    assert Contact.objects.filter(pk=contact.pk).exists()
    assert contact.interactions.count() == 1


def test_group_detail_counts_only_interactions_the_viewer_may_see(
    manager, networker, outsider, teams, province, contact
):
    services.contact_membership_add(
        actor=manager, group=province, contact=contact, attitude="neutral"
    )
    relation_services.interaction_log(
        author=networker, contacts=[contact], given="advice", asked="x"
    )
    relation_services.interaction_log(
        author=networker, contacts=[contact], given="intro", confidential=True
    )

    mine = selectors.group_detail_for(user=networker, group=listed("Province"))
    theirs = selectors.group_detail_for(user=outsider, group=listed("Province"))

    assert (mine.balance.given, mine.balance.asked) == (2, 1)
    assert (theirs.balance.given, theirs.balance.asked) == (0, 0)
    assert theirs.recent_interactions == []
