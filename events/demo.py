"""The event year of the demo organisation, called by `seed_demo` after the stakeholder map.

About 25 events around today (`events.demo_data.EVENTS`): own events, external ones and
meetings of the seeded networks. Guest lists come from the stakeholder groups (a network
meeting: the network's members) and hold every status a guest can have; encounter plans
come in every shape a planner meets: complete, rows without a goal, a colleague planned
twice, a key guest nobody meets, or no plan yet, so every warning of
`selectors.plan_warnings` shows somewhere.

Events, guests and encounters are planned in memory and written with bulk inserts. Outcomes
go through `services.encounter_record_outcome`, the one place that logs the meeting on
the contact's timeline and marks the guest attended. They are recorded only for guests
already met on or after the event's day, so the warmth the relations seed planned (and
the neglected stakeholder group) stays as it was; the rest of the encounters of past
events stay open for the after-event nudge.
"""

import datetime
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from events import demo_data as data
from events import selectors, services
from events.models import Encounter, Event, EventKind, Invitation, InvitationStatus
from relations import demo_data as relation_data
from relations.models import Contact, User
from relations.services import NextStep
from stakeholders.models import (
    ContactMembership,
    Goal,
    GoalKind,
    GoalStatus,
    Network,
    OrganisationMembership,
    StakeholderGroup,
)

BATCH_SIZE = 2000
FULL_SCALE_CONTACTS = 50_000  # events reach their large size (`EVENTS` "guests"/"encounters")
# The first big event still to come: "an event page with 300 guests and 100 encounters".
FLAGSHIP_GUESTS = 300  # on the list and not declined
FLAGSHIP_DECLINED = 30
FLAGSHIP_ENCOUNTERS = 100
RECENT_DAYS = 14  # attendance of a past event this recent is not all marked yet
MAX_OUTCOMES_PER_EVENT = 25

S = InvitationStatus
ACTIVE = set(selectors.ACTIVE_GUEST_STATUSES)

# Shares of guest statuses by how far the event is from today, declined apart: a fixed
# share of each list, so a list of N guests has a predictable number still coming.
DECLINED_SHARE = 0.12
STATUS_WEIGHTS = {
    "far": {S.PROPOSED: 60, S.INVITED: 32, S.ACCEPTED: 8},  # more than 60 days ahead
    "soon": {S.PROPOSED: 15, S.INVITED: 40, S.ACCEPTED: 45},
    "near": {S.PROPOSED: 4, S.INVITED: 20, S.ACCEPTED: 76},  # within two weeks
    "yesterday": {S.INVITED: 15, S.ACCEPTED: 85},  # nobody marked attendance yet
    "recent": {S.INVITED: 6, S.ACCEPTED: 40, S.ATTENDED: 46, S.NO_SHOW: 8},
    "past": {S.ATTENDED: 90, S.NO_SHOW: 10},
}

# Shapes of encounter plans. complete: every row a goal, every key guest met, nobody
# twice; no_goal: a third of the rows without a goal; double: a colleague planned twice;
# unmet: complete, but a key guest nobody meets; mixed: a bit of everything; none: no plan.
PLANS = ("complete", "no_goal", "double", "unmet", "mixed", "none")


@dataclass
class PlannedEvent:
    spec: dict
    event: Event
    past: bool
    age: int  # days since the event (negative: days until it)
    big: bool = False
    flagship: bool = False
    n_encounters: int = 0
    guests: list[Invitation] = field(default_factory=list)
    encounters: list[Encounter] = field(default_factory=list)
    outcome_contacts: set[int] = field(default_factory=set)


class EventSeeder:
    def __init__(
        self,
        *,
        rng: random.Random,
        today: datetime.date,
        users: Sequence[User],
        contacts: Sequence[Contact],
    ) -> None:
        self.rng = rng
        self.today = today
        self.now = timezone.now()
        self.n = len(contacts)
        self.scale = min(1.0, self.n / FULL_SCALE_CONTACTS)
        self.users = {user.username: user for user in users}
        self.user_by_pk = {user.pk: user for user in users}
        managers = {relation_data.MANAGER[0], relation_data.PLANNER[0]}
        self.networkers = [user for user in users if user.username not in managers]
        # Who meets guests at events: the networkers and the network manager.
        manager = self.users.get(relation_data.MANAGER[0])
        self.meeters = self.networkers + ([manager] if manager else [])
        self.contacts = [contact for contact in contacts if not contact.archived]
        self.contact_by_pk = {contact.pk: contact for contact in self.contacts}
        self.events: list[PlannedEvent] = []

    # The stakeholder map, read once

    def load_map(self) -> None:
        groups = dict(StakeholderGroup.objects.values_list("name", "pk"))
        key_ids = set(selectors.key_groups().values_list("pk", flat=True))
        groups_of_org: dict[int, list[int]] = {}
        for org_id, group_id in OrganisationMembership.objects.order_by("pk").values_list(
            "organisation_id", "group_id"
        ):
            groups_of_org.setdefault(org_id, []).append(group_id)
        groups_of_contact: dict[int, list[int]] = {}
        for contact_id, group_id in ContactMembership.objects.order_by("pk").values_list(
            "contact_id", "group_id"
        ):
            groups_of_contact.setdefault(contact_id, []).append(group_id)
        # Our goals and offers that an encounter may link: goal_options_for, in memory.
        goals_of_group: dict[int, list[Goal]] = {}
        for goal in Goal.objects.filter(
            status=GoalStatus.ACTIVE, kind__in=[GoalKind.OUR_GOAL, GoalKind.OUR_OFFER]
        ).order_by("group__name", "kind", "pk"):
            goals_of_group.setdefault(goal.group_id, []).append(goal)

        self.group_ids = groups
        self.members: dict[int, list[Contact]] = {pk: [] for pk in groups.values()}
        self.key_contacts: set[int] = set()
        self.goal_options: dict[int, list[Goal]] = {}
        for contact in self.contacts:
            mine = list(
                dict.fromkeys(
                    groups_of_contact.get(contact.pk, [])
                    + groups_of_org.get(contact.organisation_id, [])
                )
            )
            for group_id in mine:
                self.members[group_id].append(contact)
            if key_ids.intersection(mine):
                self.key_contacts.add(contact.pk)
            options = [goal for group_id in mine for goal in goals_of_group.get(group_id, [])]
            if options:
                self.goal_options[contact.pk] = options
        self.in_a_group = [c for c in self.contacts if groups_of_contact.get(c.pk)] + [
            c
            for c in self.contacts
            if not groups_of_contact.get(c.pk) and groups_of_org.get(c.organisation_id)
        ]

        self.networks = {network.name: network for network in Network.objects.all()}
        self.network_contacts: dict[int, list[Contact]] = {}
        for network_id, contact_id in Network.contact_members.through.objects.order_by(
            "pk"
        ).values_list("network_id", "contact_id"):
            if contact_id in self.contact_by_pk:
                self.network_contacts.setdefault(network_id, []).append(
                    self.contact_by_pk[contact_id]
                )
        self.network_users: dict[int, list[User]] = {}
        for network_id, user_id in Network.our_members.through.objects.order_by("pk").values_list(
            "network_id", "user_id"
        ):
            if user_id in self.user_by_pk:
                self.network_users.setdefault(network_id, []).append(self.user_by_pk[user_id])

    # The calendar

    def occurrence(self, when) -> datetime.date:
        """The day of a recurring event nearest to today (so within about half a year);
        never today itself."""
        if isinstance(when, int):
            return self.today + datetime.timedelta(days=when)
        month, week, weekday = when
        day = min(
            (
                nth_weekday(year, month, week, weekday)
                for year in (self.today.year - 1, self.today.year, self.today.year + 1)
            ),
            key=lambda day: (abs((day - self.today).days), day < self.today),
        )
        if day == self.today:  # past or coming, not running while the demo loads
            day += datetime.timedelta(days=7)
        return day

    def scaled(self, sizes: tuple[int, int]) -> int:
        small, large = sizes
        return small + math.floor((large - small) * self.scale)

    def plan_events(self) -> None:
        for spec in data.EVENTS:
            day = self.occurrence(spec["when"])
            starts_at, ends_at = (
                timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time.fromisoformat(clock))
                )
                for clock in spec["time"]
            )
            network = self.networks.get(spec.get("network", ""))
            event = Event(
                name=spec["name"],
                starts_at=starts_at,
                ends_at=ends_at,
                location=spec["location"],
                kind=spec["kind"],
                network=network if spec["kind"] == EventKind.NETWORK_MEETING else None,
                organiser=self.users.get(spec["organiser"]) or self.users.get("planner"),
                description=spec["description"],
            )
            self.events.append(
                PlannedEvent(
                    spec=spec,
                    event=event,
                    past=starts_at <= self.now,
                    age=(self.today - day).days,
                    big=spec.get("big", False),
                )
            )
        self.events.sort(key=lambda planned: planned.event.starts_at)
        coming_big = [p for p in self.events if p.big and not p.past]
        if coming_big:
            coming_big[0].flagship = True

    # Guest lists

    def candidates(self, planned: PlannedEvent) -> Iterator[Contact]:
        """Who to invite, best first: the event's groups, other group members, then
        anybody (a network meeting: its members); each once, in a seeded random order."""
        if planned.event.network_id:
            first = self.network_contacts.get(planned.event.network_id, [])
        else:
            first = [
                contact
                for name in planned.spec.get("groups", [])
                for contact in self.members.get(self.group_ids.get(name, -1), [])
            ]
        # A network meeting is for the network's members only.
        pools = (first,) if planned.event.network_id else (first, self.in_a_group, self.contacts)
        seen: set[int] = set()
        for pool in pools:
            for contact in lazy_shuffle(self.rng, pool):
                if contact.pk not in seen:
                    seen.add(contact.pk)
                    yield contact

    def met_since(self, contact: Contact, planned: PlannedEvent) -> bool:
        """Met on or after the event's day: logging the encounter changes no warmth."""
        day = timezone.localtime(planned.event.starts_at).date()
        return contact.last_interaction_on is not None and contact.last_interaction_on >= day

    def plan_guests(self, planned: PlannedEvent) -> None:
        rng, spec = self.rng, planned.spec
        plan = spec["plan"]
        n_guests = self.scaled(spec["guests"])
        n_encounters = 0 if plan == "none" else self.scaled(spec["encounters"])
        n_declined = round(n_guests * DECLINED_SHARE)
        if planned.flagship and self.scale >= 1:
            n_guests = FLAGSHIP_GUESTS + FLAGSHIP_DECLINED
            n_declined = FLAGSHIP_DECLINED
            n_encounters = FLAGSHIP_ENCOUNTERS
        elif planned.big and self.scale >= 1:
            n_guests = max(n_guests, FLAGSHIP_GUESTS)
        n_outcomes = self.wanted_outcomes(planned, n_encounters)
        # A complete plan meets every key guest: no more of them than the plan has rows.
        key_quota = n_encounters if plan == "complete" else n_guests

        chosen: list[Contact] = []
        meet_later: list[Contact] = []  # guests whose outcome is recorded after the event
        spill: list[Contact] = []  # passed over while looking for those
        n_key = 0
        for contact in self.candidates(planned):
            if len(chosen) >= n_guests:
                break
            key = contact.pk in self.key_contacts
            if key and n_key >= key_quota:
                continue
            if len(meet_later) < n_outcomes and self.met_since(contact, planned):
                meet_later.append(contact)
            elif len(chosen) - len(meet_later) >= n_guests - n_outcomes:
                spill.append(contact)  # the remaining places are for those
                continue
            chosen.append(contact)
            n_key += key
        for contact in spill:  # too few met since the event: others take their places
            key = contact.pk in self.key_contacts
            if len(chosen) >= n_guests or (key and n_key >= key_quota):
                continue
            chosen.append(contact)
            n_key += key
        planned.outcome_contacts = {contact.pk for contact in meet_later}

        statuses = self.statuses(planned, chosen, n_declined)
        if spec["capacity"] == "over":  # the planner invited the whole list at once
            statuses = [S.INVITED if status == S.PROPOSED else status for status in statuses]
        organiser = planned.event.organiser
        for contact, status in zip(chosen, statuses, strict=True):
            owner = self.user_by_pk.get(contact.owner_id)
            proposer = owner if status == S.PROPOSED and owner else organiser
            host = (
                owner
                if owner and planned.event.kind == EventKind.OWN and rng.random() < 0.3
                else None
            )
            note = ""
            if rng.random() < 0.12:
                note = rng.choice(data.INVITATION_NOTES).format(
                    topic=rng.choice(relation_data.TOPICS)
                )
            planned.guests.append(
                Invitation(
                    event=planned.event,
                    contact=contact,
                    status=status,
                    proposed_by=proposer,
                    host=host,
                    note=note,
                )
            )
        planned.n_encounters = n_encounters

    def status_mood(self, planned: PlannedEvent) -> str:
        if not planned.past:
            ahead = -planned.age
            return "far" if ahead > 60 else "soon" if ahead > RECENT_DAYS else "near"
        if planned.age <= 1:
            return "yesterday"
        return "recent" if planned.age <= RECENT_DAYS else "past"

    def statuses(self, planned: PlannedEvent, guests: list[Contact], n_declined: int) -> list[str]:
        rng = self.rng
        mood = self.status_mood(planned)
        kinds, weights = zip(*STATUS_WEIGHTS[mood].items(), strict=True)
        free = [i for i, c in enumerate(guests) if c.pk not in planned.outcome_contacts]
        declined = set(rng.sample(free, min(len(free), n_declined)))
        statuses = []
        for i, contact in enumerate(guests):
            if i in declined:
                statuses.append(S.DECLINED)
            elif contact.pk in planned.outcome_contacts:
                # Marked by the outcome at the latest; older events were marked before.
                statuses.append(S.ATTENDED if mood == "past" else S.ACCEPTED)
            else:
                statuses.append(rng.choices(kinds, weights=weights)[0])
        return statuses

    def wanted_outcomes(self, planned: PlannedEvent, n_encounters: int) -> int:
        """Outcomes recorded: most of an older event's, some of a recent one's, none yet
        of yesterday's (the nudge has work)."""
        if not planned.past or planned.age <= 1 or not n_encounters:
            return 0
        share = 0.6 if planned.age > RECENT_DAYS else 0.3
        return min(MAX_OUTCOMES_PER_EVENT, math.ceil(n_encounters * share))

    # Encounter plans

    def colleagues_for(self, planned: PlannedEvent) -> list[User]:
        if planned.event.network_id:
            ours = self.network_users.get(planned.event.network_id, [])
            if ours:
                return ours
        return self.meeters

    def plan_encounters(self, planned: PlannedEvent) -> None:
        rng, spec, event = self.rng, planned.spec, planned.event
        plan = spec["plan"]
        n_encounters = planned.n_encounters
        if not n_encounters or not planned.guests:
            return
        active = [inv for inv in planned.guests if inv.status in ACTIVE]
        key_guests = [inv for inv in active if inv.contact_id in self.key_contacts]
        must = [inv for inv in active if inv.contact_id in planned.outcome_contacts]
        if plan == "complete":
            must += [inv for inv in key_guests if inv not in must]
        left_out: set[int] = set()
        if plan == "unmet":
            open_keys = [inv for inv in key_guests if inv not in must]
            left_out = {inv.contact_id for inv in open_keys[: 1 + len(open_keys) // 10]}
        others = [inv for inv in active if inv not in must and inv.contact_id not in left_out]
        if planned.past and plan not in ("complete", "unmet"):
            # Somebody we planned to meet but who did not come.
            others += [inv for inv in planned.guests if inv.status == S.NO_SHOW][:1]
        rng.shuffle(others)
        rows = (must + others)[: max(n_encounters, len(must))]
        rng.shuffle(rows)

        colleagues = self.colleagues_for(planned)
        cursor = {  # when each of us is free next
            user.pk: event.starts_at + datetime.timedelta(minutes=rng.choice([0, 0, 15]))
            for user in self.meeters
        }
        slot = datetime.timedelta(minutes=spec["minutes"])
        for invitation in rows:
            contact = invitation.contact
            owner = self.user_by_pk.get(contact.owner_id)
            if invitation.host is not None:
                colleague = invitation.host
            elif owner in colleagues and rng.random() < 0.6:
                colleague = owner
            else:
                colleague = rng.choice(colleagues)
            if cursor[colleague.pk] + slot > event.ends_at:  # their afternoon is full
                colleague = min(self.meeters, key=lambda user: (cursor[user.pk], user.pk))
                if cursor[colleague.pk] + slot > event.ends_at:
                    continue
            starts_at = cursor[colleague.pk]
            cursor[colleague.pk] = (
                starts_at + slot + datetime.timedelta(minutes=rng.choice([0, 0, 5, 15]))
            )
            goal, stakeholder_goal = self.goal_for(contact)
            planned.encounters.append(
                Encounter(
                    event=event,
                    colleague=colleague,
                    contact=contact,
                    starts_at=starts_at,
                    minutes=spec["minutes"],
                    goal=goal,
                    stakeholder_goal=stakeholder_goal,
                )
            )
        self.spoil(planned)

    def goal_for(self, contact: Contact) -> tuple[str, Goal | None]:
        rng = self.rng
        options = self.goal_options.get(contact.pk)
        if options and rng.random() < 0.5:
            goal = rng.choice(options)
            return goal.text, goal  # what the service fills in when only a goal is picked
        text = rng.choice(data.ENCOUNTER_GOALS).format(
            first=contact.first_name,
            topic=rng.choice(relation_data.TOPICS),
            other_org=rng.choice(relation_data.CORE_ORGANISATIONS)[0],
        )
        return text, None

    def spoil(self, planned: PlannedEvent) -> None:
        """Rows without a goal and double bookings, as the plan's shape asks."""
        rng, plan, rows = self.rng, planned.spec["plan"], planned.encounters
        if plan in ("no_goal", "mixed") and rows:
            share = 0.35 if plan == "no_goal" else 0.15
            for encounter in rng.sample(rows, max(1, round(len(rows) * share))):
                encounter.goal, encounter.stakeholder_goal = "", None
        if plan in ("double", "mixed") and len(rows) >= 2:
            # Put a later row on an earlier one: same colleague, same time. Each move makes
            # exactly one overlap, as the rest of that colleague's afternoon lies around it.
            wanted = 1 + len(rows) // 40
            picks = sorted(rng.sample(range(len(rows)), min(len(rows) // 2 * 2, 2 * wanted)))
            for i, j in zip(picks[::2], picks[1::2], strict=True):
                earlier, later = rows[i], rows[j]
                later.colleague = earlier.colleague
                later.starts_at, later.minutes = earlier.starts_at, earlier.minutes

    # Writing

    def write(self) -> None:
        for planned in self.events:
            planned.event.capacity = self.capacity(planned)
        Event.objects.bulk_create([planned.event for planned in self.events])
        Invitation.objects.bulk_create(
            [guest for planned in self.events for guest in planned.guests], batch_size=BATCH_SIZE
        )
        Encounter.objects.bulk_create(
            [row for planned in self.events for row in planned.encounters], batch_size=BATCH_SIZE
        )

    def capacity(self, planned: PlannedEvent) -> int | None:
        rule = planned.spec["capacity"]
        expected = sum(inv.status in selectors.EXPECTED_STATUSES for inv in planned.guests)
        if rule == "over" and expected > 1:
            return expected - max(1, expected // 10)
        if rule is None:
            return None
        # Room for everybody still on the list, and some to spare.
        active = sum(inv.status in ACTIVE for inv in planned.guests)
        return math.ceil(max(10, active * 1.15) / 10) * 10

    def record_outcomes(self) -> int:
        """Through the service: the logged meeting, the guest attended, a next step."""
        rng, recorded = self.rng, 0
        for planned in self.events:
            for encounter in planned.encounters:
                if encounter.contact_id not in planned.outcome_contacts:
                    continue
                contact = encounter.contact
                values = {
                    "first": contact.first_name,
                    "topic": rng.choice(relation_data.TOPICS),
                    "other_org": rng.choice(relation_data.CORE_ORGANISATIONS)[0],
                }
                next_step = None
                if recorded % 3 == 0:
                    next_step = NextStep(
                        text=rng.choice(data.NEXT_STEPS).format(**values),
                        due_on=timezone.localtime(planned.event.ends_at).date()
                        + datetime.timedelta(days=14),
                    )
                services.encounter_record_outcome(
                    actor=encounter.colleague,
                    encounter=encounter,
                    outcome=rng.choice(data.OUTCOMES).format(**values),
                    next_step=next_step,
                )
                recorded += 1
        return recorded

    def run(self) -> dict[str, int]:
        self.load_map()
        self.plan_events()
        for planned in self.events:
            self.plan_guests(planned)
            self.plan_encounters(planned)
        self.write()
        outcomes = self.record_outcomes()
        return {
            "events": len(self.events),
            "event guests": sum(len(planned.guests) for planned in self.events),
            "planned encounters": sum(len(planned.encounters) for planned in self.events),
            "encounter outcomes": outcomes,
        }


def nth_weekday(year: int, month: int, week: int, weekday: int) -> datetime.date:
    """The `week`-th `weekday` (0 = Monday) of the month; week -1 is the last one."""
    if week > 0:
        first = datetime.date(year, month, 1)
        return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = following - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


def lazy_shuffle(rng: random.Random, pool: Sequence) -> Iterator:
    """The pool in a seeded random order, drawing only as many numbers as are consumed."""
    items = list(pool)
    for i in range(len(items)):
        j = rng.randrange(i, len(items))
        items[i], items[j] = items[j], items[i]
        yield items[i]


def seed_events(
    *,
    rng: random.Random,
    today: datetime.date,
    users: Sequence[User],
    contacts: Sequence[Contact],
) -> dict[str, int]:
    """Seed the event year on saved users, contacts and stakeholder map."""
    return EventSeeder(rng=rng, today=today, users=users, contacts=contacts).run()
