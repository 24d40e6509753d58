"""The strategic layer of the demo organisation, called by `seed_demo` after the event year.

The strategy and its goals (linking the seeded stakeholder groups by name), a roadmap of
about two years that started nine months ago, stewards for the groups that matter most
(one key group left without an owner), key contacts assigned to teams and networkers
(some going cold, a few assigned to nobody), and a year of monthly warmth snapshots.

The snapshots are computed from the seeded interactions, by the rule of
`relations.selectors.warmth_of`: a tie counts from its first meeting on, and on the 1st
of a month it is warm, cooling or cold by its last meeting until then and the contact's
cadence. A tie never met (an owner's or an acquaintance's, nothing logged) counts as cold
in every month: otherwise the trend would jump from the last snapshot to today's figures,
which count every tie. A second run replaces this module's rows: the snapshots of the
same days, and the strategy goals, roadmap steps and key contacts with the demo's texts.
"""

import datetime
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Count

from network_manager.models import (
    KeyContact,
    RoadmapStep,
    StepStatus,
    Strategy,
    StrategyGoal,
    WarmthSnapshot,
)
from network_manager.selectors import month_starts
from network_manager.services import activity_refresh
from relations import demo_data as relation_data
from relations.models import Contact, Interaction, Relationship, Team, User
from stakeholders.models import HIGH as HIGH_INFLUENCE
from stakeholders.models import ContactMembership, OrganisationMembership, StakeholderGroup

BATCH_SIZE = 2000
SNAPSHOT_CHUNK = 20_000  # rows fetched at a time while sweeping the meetings

DEFINITION = (
    "Relationship management at Regio Verbindt is the deliberate, shared care for the "
    "people the region's goals depend on. We know who of us knows whom, we stay in touch "
    "at a rhythm that suits each relationship, and every meeting gives as well as asks. "
    "Relationships belong to the organisation, not to one colleague's address book: what "
    "we learn over coffee is logged, so that a colleague can pick up where we left off."
)
VALUE_TO_SALES_AND_MARKETING = (
    "Warm ties open doors that campaigns cannot: an alderman or a director who knows us "
    "takes the call about a Regio Deal bid or a grid pilot. The network tells marketing "
    "which groups care about which topics, so that invitations and newsletters reach the "
    "people they matter to. It tells our programme managers who can introduce them, how "
    "warm that tie is and what we already did for the organisation before they ask for "
    "co-funding. And the encounter plans turn the event budget into meetings with the "
    "right people, each with a goal."
)

# title, description, names of the stakeholder groups (stakeholders.demo_data) it needs
GOALS = [
    (
        "Grid capacity for homes and business parks",
        "Get the grid operators, the province and the housing corporations to one table, "
        "and move the region's projects up the connection queue.",
        ["Grid operators & infrastructure", "Provincial government", "Housing corporations"],
    ),
    (
        "A second Regio Deal tranche",
        "Bring national money to the region with a bid that the municipalities co-sign "
        "and the ministries trust.",
        ["National ministries", "Provincial government", "Municipalities in the region"],
    ),
    (
        "Keep graduates in the region",
        "Link universities and employers, so that internships and first jobs stay here.",
        [
            "Universities & universities of applied sciences",
            "Regional employers",
            "Business associations",
        ],
    ),
    (
        "Local ownership of the energy transition",
        "Half of the new wind and solar capacity owned locally: cooperatives, "
        "municipalities and NGOs behind the same plans.",
        [
            "Energy cooperatives & citizens' initiatives",
            "Municipalities in the region",
            "Environmental NGOs",
        ],
    ),
]

# Months after the start (nine months ago), title, description, owner's username. A step
# due before today is done, except the one that is overdue; the next two are in progress.
ROADMAP_START_MONTHS_AGO = 9
OVERDUE_STEP = "Give every key stakeholder group a steward"
ROADMAP = [
    (
        0,
        "Write down what relationship management means to us",
        "The definition and the goals on the strategy page, agreed with the board.",
        "manager",
    ),
    (
        1,
        "Map the stakeholder groups on the power/interest grid",
        "Influence, interest and priority of every group, in one uniform way.",
        "manager",
    ),
    (
        2,
        "Form two teams of networkers and name their leads",
        "Public Sector & Knowledge and Business & Society, each with its own sectors.",
        "manager",
    ),
    (
        3,
        "Bring the contacts over from the old spreadsheets",
        "Import, remove doubles, and record a legal basis for every contact.",
        "carl",
    ),
    (
        5,
        "Agree a stay-in-touch cadence for every key contact",
        "Monthly for the few who decide, quarterly for most, twice a year for the rest.",
        "sanne",
    ),
    (
        7,
        "Train every networker to log a coffee in 30 seconds",
        "Two short sessions per team and a one-page guide for the phone.",
        "joost",
    ),
    (
        8,
        OVERDUE_STEP,
        "An owning team and a steward for every group to manage closely or keep satisfied.",
        "manager",
    ),
    (
        10,
        "Reciprocity cards for every manage-closely group",
        "Their goals, our goal with them and what we offer them, on one card per group.",
        "sanne",
    ),
    (
        11,
        "A warmth review in every monthly team meeting",
        "Ten minutes on the ties going cold and the follow-ups overdue.",
        "joost",
    ),
    (
        14,
        "Encounter plans for every event of the coming year",
        "Who of us meets whom, when, and with what goal, for each event we attend.",
        "planner",
    ),
    (
        18,
        "Connect the network to the newsletter and the project pipeline",
        "Marketing and the programme managers see topics, warmth and who can introduce them.",
        "fleur",
    ),
    (
        23,
        "Evaluate two years with the board and sharpen the goals",
        "What the network brought the region, which groups we still miss, the next plan.",
        "manager",
    ),
]

# The key group left without an owning team or a steward: it shows as untended.
UNASSIGNED_GROUP = "Business associations"

# Why a contact of a group matters (by the contact's most influential group).
REASONS = {
    "Provincial government": [
        "Prepares the provincial decisions on the energy budget.",
        "Our way into the deputies' agenda.",
    ],
    "Municipalities in the region": [
        "The aldermen listen to them on housing and energy.",
        "Co-signs the regional bids.",
    ],
    "Universities & universities of applied sciences": [
        "Opens doors to research partners and students.",
        "Decides on the campus's role in the region.",
    ],
    "Housing corporations": [
        "Decides where the next thousand homes go.",
        "Leads the regional housing deal for the corporations.",
    ],
    "Grid operators & infrastructure": [
        "Knows the connection queue from the inside.",
        "Decides which grid reinforcements come first.",
    ],
    "National ministries": [
        "Close to the Regio Deal decision in The Hague.",
        "Advises the minister on regional funding.",
    ],
    "Regional employers": [
        "Speaks for the largest employers in the region.",
        "Hires the graduates we want to keep here.",
    ],
    "Business associations": [
        "Chairs the employers' platform.",
        "Sets the agenda of the business community.",
    ],
}
KEY_CONTACTS_PER_CONTACT = 1 / 200  # a few hundred at 50,000 contacts
MIN_KEY_CONTACTS = 8
GOING_COLD_SHARE = 3 / 8
UNASSIGNED_EVERY = 25  # one key contact in 25 is assigned to nobody (at least two)
TEAM_ONLY_EVERY = 6  # one in 6 is assigned to a team, no networker yet


def seed_network_manager(
    *,
    rng: random.Random,
    today: datetime.date,
    users: Sequence[User],
) -> dict[str, int]:
    """Seed the strategic layer on the saved network, stakeholder map and event year.

    Bulk writes like the rest of the seed, in about twenty queries whatever the size.
    """
    by_username = {user.username: user for user in users}
    manager = by_username[relation_data.MANAGER[0]]
    members_of = _members_of_teams()
    key_groups = key_group_list()
    return {
        "strategy goals": seed_strategy(manager),
        "roadmap steps": seed_roadmap(rng, today, by_username),
        "groups with a steward": assign_groups(key_groups, members_of),
        "key contacts": seed_key_contacts(rng, today, key_groups, members_of),
        "warmth snapshots": seed_warmth_history(today, members_of),
        # What beat recounts every 15 minutes, so the dashboard has figures at once.
        "dashboard rollup rows": activity_refresh(on=today),
    }


# The strategy and the roadmap. A second run updates the rows with the demo's texts in
# place: deleting them would write an audit entry each (privacy.audit).


def seed_strategy(manager: User) -> int:
    texts = {
        "definition": DEFINITION,
        "value_to_sales_and_marketing": VALUE_TO_SALES_AND_MARKETING,
        "updated_by": manager,
    }
    if not Strategy.objects.filter(pk=1).update(**texts):
        Strategy.objects.bulk_create([Strategy(pk=1, **texts)])
    existing = {
        goal.title: goal
        for goal in StrategyGoal.objects.filter(
            strategy_id=1, title__in=[title for title, _text, _names in GOALS]
        )
    }
    goals = []
    for position, (title, description, _names) in enumerate(GOALS, start=1):
        goal = existing.get(title) or StrategyGoal(strategy_id=1, title=title)
        goal.description, goal.position = description, position
        goals.append(goal)
    StrategyGoal.objects.bulk_update(list(existing.values()), ["description", "position"])
    StrategyGoal.objects.bulk_create([goal for goal in goals if goal.pk is None])

    names = {name for _title, _text, group_names in GOALS for name in group_names}
    group_ids = dict(StakeholderGroup.objects.filter(name__in=names).values_list("name", "pk"))
    Link = StrategyGoal.groups.through
    if existing:
        Link.objects.filter(strategygoal__in=existing.values()).delete()
    Link.objects.bulk_create(
        [
            Link(strategygoal_id=goal.pk, stakeholdergroup_id=group_ids[name])
            for goal, (_title, _text, group_names) in zip(goals, GOALS, strict=True)
            for name in group_names
        ]
    )
    return len(goals)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


def seed_roadmap(rng: random.Random, today: datetime.date, by_username: dict[str, User]) -> int:
    """Done when due before today (a few days either side), except the overdue step;
    the next two in progress; the rest planned."""
    existing = {
        step.title: step
        for step in RoadmapStep.objects.filter(title__in=[title for _m, title, _d, _o in ROADMAP])
    }
    start = add_months(today, -ROADMAP_START_MONTHS_AGO)
    steps, in_progress = [], 0
    for months, title, description, owner in ROADMAP:
        step = existing.get(title) or RoadmapStep(title=title)
        step.description, step.owner = description, by_username[owner]
        step.target_on, step.done_on = add_months(start, months), None
        if title == OVERDUE_STEP:
            step.status = StepStatus.IN_PROGRESS
            step.target_on = min(step.target_on, today - datetime.timedelta(days=10))
        elif step.target_on < today:
            step.status = StepStatus.DONE
            step.done_on = min(step.target_on + datetime.timedelta(days=rng.randint(-6, 9)), today)
        elif in_progress < 2:
            step.status, in_progress = StepStatus.IN_PROGRESS, in_progress + 1
        else:
            step.status = StepStatus.PLANNED
        steps.append(step)
    RoadmapStep.objects.bulk_update(
        list(existing.values()), ["description", "owner", "target_on", "status", "done_on"]
    )
    RoadmapStep.objects.bulk_create([step for step in steps if step.pk is None])
    return len(steps)


# Stewards for the key groups


def key_group_list() -> list[StakeholderGroup]:
    """The groups to manage closely or keep satisfied (high influence)."""
    return list(
        StakeholderGroup.objects.filter(influence__gte=HIGH_INFLUENCE).order_by(
            "-influence", "name"
        )
    )


def assign_groups(key_groups: list[StakeholderGroup], members_of: dict[int, list[int]]) -> int:
    """Each key group's steward: the member of its owning team with the most ties into it,
    spread so that nobody tends every group; one group is left to nobody."""
    ties = _ties_into_groups(key_groups)
    stewarding: dict[int, int] = defaultdict(int)
    for group in key_groups:
        if group.name == UNASSIGNED_GROUP:
            group.owning_team_id = None
        members = members_of.get(group.owning_team_id, [])
        group.steward_id = None
        if members:
            group.steward_id = min(
                members, key=lambda u, g=group.pk: (stewarding[u], -ties[g, u], u)
            )
            stewarding[group.steward_id] += 1
    StakeholderGroup.objects.bulk_update(key_groups, ["owning_team", "steward"])
    return sum(stewarding.values())


def _ties_into_groups(groups: list[StakeholderGroup]) -> Counter:
    """(group id, colleague id) -> ties with the group's members (directly or by their
    organisation; one in both counts twice, which is fine for ranking)."""
    ties: Counter = Counter()
    direct = (
        ContactMembership.objects.filter(group__in=groups, contact__archived=False)
        .values_list("group_id", "contact__relationships__user_id")
        .annotate(n=Count("contact__relationships"))
        .order_by()
    )
    via_organisation = (
        OrganisationMembership.objects.filter(group__in=groups)
        .filter(organisation__contacts__archived=False)
        .values_list("group_id", "organisation__contacts__relationships__user_id")
        .annotate(n=Count("organisation__contacts__relationships"))
        .order_by()
    )
    for rows in (direct, via_organisation):
        for group_id, user_id, n in rows:
            ties[group_id, user_id] += n
    return ties


def _members_of_teams() -> dict[int, list[int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in Team.members.through.objects.order_by("pk").values_list(
        "team_id", "user_id"
    ):
        members[team_id].append(user_id)
    return members


# Key contacts


def seed_key_contacts(
    rng: random.Random,
    today: datetime.date,
    key_groups: list[StakeholderGroup],
    members_of: dict[int, list[int]],
) -> int:
    """Influential contacts of the key groups, spread over the groups: some going cold,
    most warm, a few assigned to nobody, some to a team only, the rest to a team and the
    contact's owner in it."""
    groups = {group.pk: group for group in key_groups}
    contacts = list(
        Contact.objects.filter(archived=False)
        .order_by("pk")
        .values_list("pk", "organisation_id", "owner_id", "cooling_on")
    )
    best_group = _most_influential_group(contacts, groups)
    candidates = [row for row in contacts if row[0] in best_group]
    going_cold = [row for row in candidates if row[3] is None or row[3] <= today]
    warm = [row for row in candidates if not (row[3] is None or row[3] <= today)]
    wanted = min(
        len(candidates), max(MIN_KEY_CONTACTS, round(len(contacts) * KEY_CONTACTS_PER_CONTACT))
    )

    def by_group(rows: list) -> list:
        """The first of each group (most influential group first), then the second..."""
        members: dict[int, list] = defaultdict(list)
        for row in rows:
            members[best_group[row[0]]].append(row)
        order = sorted(members, key=lambda g: (-groups[g].influence, groups[g].name))
        for group_id in order:
            rng.shuffle(members[group_id])
        longest = max((len(m) for m in members.values()), default=0)
        return [members[g][i] for i in range(longest) for g in order if i < len(members[g])]

    n_cold = min(len(going_cold), max(1, round(wanted * GOING_COLD_SHARE)))
    cold_order, warm_order = by_group(going_cold), by_group(warm)
    chosen = cold_order[:n_cold] + warm_order[: wanted - n_cold]
    chosen += cold_order[n_cold : n_cold + wanted - len(chosen)]

    reasons = {reason for texts in REASONS.values() for reason in texts}
    KeyContact.objects.filter(reason__in=reasons).delete()
    team_of_user = {user_id: team_id for team_id, ids in members_of.items() for user_id in ids}
    unassigned = {
        *range(0, len(chosen), UNASSIGNED_EVERY),
        *range(len(chosen) - 1, -1, -UNASSIGNED_EVERY),
    }
    rows = []
    for k, (contact_id, _org, owner_id, _cooling_on) in enumerate(chosen):
        group = groups[best_group[contact_id]]
        key_contact = KeyContact(
            contact_id=contact_id, reason=rng.choice(REASONS.get(group.name, [""]))
        )
        if k not in unassigned:
            team_id = group.owning_team_id or team_of_user.get(owner_id)
            key_contact.team_id = team_id
            if owner_id in members_of.get(team_id, []) and k % TEAM_ONLY_EVERY != 1:
                key_contact.networker_id = owner_id
        rows.append(key_contact)
    KeyContact.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def _most_influential_group(
    contacts: Iterable[tuple], groups: dict[int, StakeholderGroup]
) -> dict[int, int]:
    """Contact id -> the key group (directly or by organisation) with the most influence."""
    of_contact: dict[int, list[int]] = defaultdict(list)
    for contact_id, group_id in ContactMembership.objects.filter(group__in=groups).values_list(
        "contact_id", "group_id"
    ):
        of_contact[contact_id].append(group_id)
    of_organisation: dict[int, list[int]] = defaultdict(list)
    for org_id, group_id in OrganisationMembership.objects.filter(group__in=groups).values_list(
        "organisation_id", "group_id"
    ):
        of_organisation[org_id].append(group_id)
    best = {}
    for contact_id, org_id, _owner, _cooling_on in contacts:
        mine = of_contact.get(contact_id, []) + of_organisation.get(org_id, [])
        if mine:
            best[contact_id] = max(mine, key=lambda g: (groups[g].influence, -g))
    return best


# Twelve months of warmth


def seed_warmth_history(today: datetime.date, members_of: dict[int, list[int]]) -> int:
    """Relationships by warmth on the 1st of each of the last 12 months, for the
    organisation and per team (a tie counts for each team of its colleague)."""
    months = month_starts(today)
    counts = warmth_history(months, members_of)
    WarmthSnapshot.objects.filter(taken_on__in=months).delete()
    rows = [
        WarmthSnapshot(taken_on=month, team_id=team_id, warm=c[0], cooling=c[1], cold=c[2])
        for team_id, per_month in counts.items()
        for month, c in zip(months, per_month, strict=True)
    ]
    WarmthSnapshot.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def warmth_history(
    months: list[datetime.date], members_of: dict[int, list[int]]
) -> dict[int | None, list[list[int]]]:
    """Team id (None: the organisation) -> per month [warm, cooling, cold].

    A merge of two sorted streams: the ties (Relationship rows, contact not archived) and
    (colleague, contact, date) of every meeting, both in the order of (colleague,
    contact), fetched in chunks; only one tie's dates are held at a time.
    """
    teams_of: dict[int, list[int]] = defaultdict(list)
    for team_id, user_ids in members_of.items():
        for user_id in user_ids:
            teams_of[user_id].append(team_id)
    counts: dict[int | None, list[list[int]]] = {
        team_id: [[0, 0, 0] for _ in months]
        for team_id in [None, *Team.objects.values_list("pk", flat=True)]
    }
    rows_of = {
        user_id: [counts[None], *(counts[t] for t in team_ids)]
        for user_id, team_ids in teams_of.items()
    }
    ordinals = [month.toordinal() for month in months]

    def tally(user_id: int, cadence: int, dates: list[int]) -> None:
        rows = rows_of.get(user_id) or [counts[None]]
        if not dates:  # never met: no date to count from, on record (cold) all year
            for row in rows:
                for month_counts in row:
                    month_counts[2] += 1
            return
        i, last = 0, None
        for k, month in enumerate(ordinals):
            while i < len(dates) and dates[i] <= month:
                last, i = dates[i], i + 1
            if last is None:
                continue  # not met yet: not a tie yet
            age = month - last
            warmth = 0 if age < cadence else 1 if age < 2 * cadence else 2
            for row in rows:
                row[k][warmth] += 1

    meetings = iter(meetings_by_tie().iterator(SNAPSHOT_CHUNK))
    meeting = next(meetings, None)
    for user_id, contact_id, cadence in tie_list().iterator(SNAPSHOT_CHUNK):
        tie = (user_id, contact_id)
        while meeting is not None and meeting[:2] < tie:  # met, but no tie on record
            meeting = next(meetings, None)
        dates = []
        while meeting is not None and meeting[:2] == tie:
            dates.append(meeting[2].toordinal())
            meeting = next(meetings, None)
        tally(user_id, cadence, dates)
    return counts


def tie_list():
    """(colleague id, contact id, cadence) of every tie with a contact not archived."""
    return (
        Relationship.objects.filter(contact__archived=False)
        .order_by("user_id", "contact_id")
        .values_list("user_id", "contact_id", "contact__cadence_days")
    )


def meetings_by_tie():
    """(colleague id, contact id, date) of every meeting, in the order of tie_list() and
    then by date. Meetings after the last snapshot count too: they tell a tie first met
    since then from one never met."""
    Participant = Interaction.our_participants.through
    return (
        Participant.objects.filter(interaction__contacts__isnull=False)
        .order_by("user_id", "interaction__contacts", "interaction__occurred_on")
        .values_list("user_id", "interaction__contacts", "interaction__occurred_on")
    )
