"""The stakeholder map of the demo organisation, called by `seed_demo` after the network.

Topics, 8–12 stakeholder groups over the four quadrants, their members, reciprocity
cards (some unbalanced, one neglected, two unowned) and two external networks. Groups,
topics and networks are fixed in number; members grow with the number of contacts and
are written with bulk inserts, so the number of queries does not grow with the data.
"""

import datetime
import random
from collections.abc import Sequence

from relations.models import Contact, Organisation, Team, User
from stakeholders import demo_data as data
from stakeholders.models import (
    ContactMembership,
    Goal,
    Network,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)
from stakeholders.selectors import NEGLECTED_AFTER_DAYS

BATCH_SIZE = 2000
COLD_MARGIN_DAYS = 30  # the neglected group stays neglected for a while after seeding


def seed_stakeholders(
    *,
    rng: random.Random,
    today: datetime.date,
    users: Sequence[User],
    teams: Sequence[Team],
    organisations: Sequence[Organisation],
    organisation_sectors: Sequence[str],
    contacts: Sequence[Contact],
    contact_sectors: Sequence[str],
) -> dict[str, int]:
    """Seed the map on saved rows; the sequences run in parallel (a sector key per row)."""
    by_username = {user.username: user for user in users}
    networkers = [user for user in users if user.username not in ("manager", "planner")]
    active = [(c, s) for c, s in zip(contacts, contact_sectors, strict=True) if not c.archived]

    topics = Topic.objects.bulk_create(
        [
            Topic(name=name, description=description, owner=networkers[i % len(networkers)])
            for i, (name, description, _sectors) in enumerate(data.TOPICS)
        ]
    )
    topic_by_name = {topic.name: topic for topic in topics}
    topics_of_sector: dict[str, list[Topic]] = {}
    for topic, (_name, _description, sectors) in zip(topics, data.TOPICS, strict=True):
        for sector in sectors:
            topics_of_sector.setdefault(sector, []).append(topic)
    topic_links = []
    for contact, sector in active:
        candidates = topics_of_sector.get(sector, [])
        if candidates and rng.random() < 0.6:
            for topic in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
                topic_links.append(Topic.contacts.through(topic_id=topic.pk, contact_id=contact.pk))
    # Every topic has somebody who cares about it, even in the smallest demo.
    linked = {link.topic_id for link in topic_links}
    for topic, (_name, _description, sectors) in zip(topics, data.TOPICS, strict=True):
        people = [c for c, s in active if s in sectors] or [c for c, _s in active]
        if topic.pk not in linked and people:
            topic_links.append(Topic.contacts.through(topic_id=topic.pk, contact_id=people[0].pk))
    Topic.contacts.through.objects.bulk_create(topic_links, batch_size=BATCH_SIZE)

    groups = StakeholderGroup.objects.bulk_create(
        [
            StakeholderGroup(
                name=spec["name"],
                description=spec["description"],
                influence=spec["influence"],
                interest=spec["interest"],
                priority=spec["priority"],
                owning_team=teams[spec["team"]] if spec["team"] is not None else None,
            )
            for spec in data.GROUPS
        ]
    )
    StakeholderGroup.topics.through.objects.bulk_create(
        [
            StakeholderGroup.topics.through(
                stakeholdergroup_id=group.pk, topic_id=topic_by_name[name].pk
            )
            for group, spec in zip(groups, data.GROUPS, strict=True)
            for name in spec["topics"]
        ]
    )

    # Members grow slowly with the data: a handful in the small demo, hundreds at 50,000.
    contact_cap = 4 + len(contacts) // 250
    organisation_cap = 3 + len(organisations) // 20
    cold_before = today - datetime.timedelta(days=NEGLECTED_AFTER_DAYS + COLD_MARGIN_DAYS)
    contact_rows, organisation_rows, goal_rows = [], [], []
    attitudes = list(data.MEMBERSHIP_NOTES)
    for group, spec in zip(groups, data.GROUPS, strict=True):
        sectors, names = set(spec["sectors"]), spec.get("names", [])

        def matches(organisation: Organisation, sector: str, sectors=sectors, names=names):
            if sector not in sectors:
                return False
            return not names or any(
                organisation.name == name or organisation.name.startswith(name) for name in names
            )

        if spec.get("cold"):
            # Only people nobody met in months, and no organisations (whose other people
            # may have been met): the group shows up as neglected.
            member_orgs = []
            candidates = [
                c
                for c, s in active
                if s in sectors
                and (c.last_interaction_on is None or c.last_interaction_on < cold_before)
            ]
        else:
            member_orgs = [
                o for o, s in zip(organisations, organisation_sectors, strict=True) if matches(o, s)
            ][:organisation_cap]
            candidates = [c for c, s in active if matches(c.organisation, s)]
            if not candidates and names:
                # None of the named organisations in a small demo: people of the sector.
                candidates = [c for c, s in active if s in sectors]
        for organisation in member_orgs:
            attitude = rng.choices(attitudes, weights=spec["attitudes"])[0]
            organisation_rows.append(
                OrganisationMembership(
                    group=group,
                    organisation=organisation,
                    attitude=attitude,
                    note=note(rng, attitude, spec) if rng.random() < 0.3 else "",
                )
            )
        for contact in rng.sample(candidates, min(len(candidates), contact_cap)):
            attitude = rng.choices(attitudes, weights=spec["attitudes"])[0]
            contact_rows.append(
                ContactMembership(
                    group=group,
                    contact=contact,
                    attitude=attitude,
                    note=note(rng, attitude, spec) if rng.random() < 0.5 else "",
                )
            )
        goal_rows += [
            Goal(group=group, kind=kind, text=text, status=status)
            for kind, text, status in spec["goals"]
        ]
    ContactMembership.objects.bulk_create(contact_rows, batch_size=BATCH_SIZE)
    OrganisationMembership.objects.bulk_create(organisation_rows, batch_size=BATCH_SIZE)
    Goal.objects.bulk_create(goal_rows)

    networks = Network.objects.bulk_create(
        [
            Network(
                name=name,
                description=description,
                membership_conditions=conditions,
                closed=closed,
                owner=by_username.get("manager"),
            )
            for name, description, conditions, closed, _ours, _sectors in data.NETWORKS
        ]
    )
    ours, theirs = [], []
    network_cap = 6 + len(contacts) // 500
    for network, (*_texts, our_usernames, sectors) in zip(networks, data.NETWORKS, strict=True):
        ours += [
            Network.our_members.through(network_id=network.pk, user_id=by_username[name].pk)
            for name in our_usernames
            if name in by_username
        ]
        candidates = [c for c, s in active if s in sectors] or [c for c, _s in active]
        theirs += [
            Network.contact_members.through(network_id=network.pk, contact_id=contact.pk)
            for contact in rng.sample(candidates, min(len(candidates), network_cap))
        ]
    Network.our_members.through.objects.bulk_create(ours)
    Network.contact_members.through.objects.bulk_create(theirs, batch_size=BATCH_SIZE)

    return {
        "topics": len(topics),
        "stakeholder groups": len(groups),
        "group members": len(contact_rows) + len(organisation_rows),
        "networks": len(networks),
    }


def note(rng: random.Random, attitude: str, spec: dict) -> str:
    return rng.choice(data.MEMBERSHIP_NOTES[attitude]).format(topic=spec["topics"][0].lower())
