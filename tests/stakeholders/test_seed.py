"""seed_demo also draws the stakeholder map: groups in every quadrant, flags to act on."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from relations.models import Contact, User
from stakeholders.models import (
    ContactMembership,
    Goal,
    GoalKind,
    Network,
    OrganisationMembership,
    Quadrant,
    StakeholderGroup,
    Topic,
)
from stakeholders.selectors import Flag, flags_of, group_list_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def map_sizes() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Topic,
            StakeholderGroup,
            ContactMembership,
            OrganisationMembership,
            Goal,
            Network,
        )
    }


def listed_groups() -> list[StakeholderGroup]:
    return list(group_list_for(user=User.objects.get(username="manager")))


def test_demo_maps_groups_over_all_quadrants_with_every_flag():
    output = seed()

    groups = listed_groups()
    assert 8 <= len(groups) <= 12
    assert "stakeholder groups" in output
    assert {group.quadrant for group in groups} == set(Quadrant)
    assert len({group.priority for group in groups}) == 3
    flags = Counter(flag for group in groups for flag in flags_of(group))
    assert flags[Flag.UNBALANCED] >= 2
    assert flags[Flag.NEGLECTED] >= 1
    assert 1 <= flags[Flag.UNOWNED] < len(groups) / 2  # most groups have an owning team
    neglected = [g for g in groups if Flag.NEGLECTED in flags_of(g)]
    assert all(g.influence >= 4 for g in neglected)

    # Members on both sides, with attitudes and some notes; reciprocity cards of all kinds.
    members = ContactMembership.objects.all()
    assert set(members.values_list("attitude", flat=True)) == {"supporter", "neutral", "critic"}
    assert members.exclude(note="").exists()
    assert OrganisationMembership.objects.exists()
    assert sum(g.contact_count > 0 for g in groups) >= len(groups) - 2
    assert set(Goal.objects.values_list("kind", flat=True)) == set(GoalKind.values)
    assert Goal.objects.exclude(status="active").exists()

    topics = Topic.objects.all()
    assert 8 <= topics.count() <= 14
    assert Topic.contacts.through.objects.count() >= 10
    assert StakeholderGroup.topics.through.objects.count() >= len(groups)
    assert not topics.filter(contacts__isnull=True).exists()

    networks = list(Network.objects.prefetch_related("our_members", "contact_members"))
    assert len(networks) == 2
    assert {n.closed for n in networks} == {True, False}
    for network in networks:
        assert network.membership_conditions
        assert network.our_members.all() and network.contact_members.all()

    # --if-empty leaves a seeded map alone.
    sizes = map_sizes()
    assert "no demo data loaded" in seed("--if-empty")
    assert map_sizes() == sizes


def test_a_tiny_demo_still_has_the_whole_map():
    seed("--contacts", "3")

    groups = listed_groups()
    assert Contact.objects.count() == 3
    assert 8 <= len(groups) <= 12
    assert {group.quadrant for group in groups} == set(Quadrant)
    flags = Counter(flag for group in groups for flag in flags_of(group))
    assert flags[Flag.UNBALANCED] >= 2 and flags[Flag.NEGLECTED] >= 1
    assert flags[Flag.UNOWNED] >= 1
    assert Network.objects.count() == 2
