"""Load a plausible demo organisation: our people, their network, a year and a half of coffee.

The default is small enough to click through (60 contacts, 200 interactions); `--contacts N`
scales it for benchmarks, with more interactions per contact as it grows (10.5 from 50,000
contacts on: over 500,000 interactions, most contacts met a few times, some very often).
Everything is written in bulk (COPY on PostgreSQL, bulk_create elsewhere), so 50,000
contacts take about five minutes: rows are planned in memory first (dates, who met whom),
then the cached dates (last interaction, warmth thresholds) are set before inserting.
Then comes the stakeholder map (stakeholders.demo): fixed groups, topics and networks
whose members are drawn from the contacts and organisations just created. Last comes the
event year (events.demo): about 25 events around today with guest lists drawn from the
groups and networks, encounter plans, and outcomes of past encounters.
"""

import datetime
import io
import itertools
import math
import random
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from relations import demo_data as data
from relations.models import (
    Affiliation,
    Contact,
    FollowUp,
    Interaction,
    InteractionKind,
    LegalBasis,
    Organisation,
    Relationship,
    Role,
    Tag,
    Team,
    User,
)

DEFAULT_CONTACTS = 60
HORIZON_DAYS = 547  # eighteen months of history
# Interactions per contact: 3 1/3 in the default demo (200 to click through), rising
# log-linearly with the number of contacts to 10.5 at the benchmark scale of 50,000
# (issue 5: at least 500,000 interactions), and 10.5 beyond.
INTERACTIONS_PER_CONTACT = ((DEFAULT_CONTACTS, 10 / 3), (50_000, 10.5))
BATCH_SIZE = 2000
INTERACTION_CHUNK = 20000

KIND_WEIGHTS = {
    InteractionKind.COFFEE: 50,
    InteractionKind.LUNCH: 10,
    InteractionKind.CALL: 15,
    InteractionKind.VISIT: 8,
    InteractionKind.EVENT_ENCOUNTER: 9,
    InteractionKind.MESSAGE: 6,
    InteractionKind.OTHER: 2,
}
CADENCE_WEIGHTS = {30: 15, 60: 25, 90: 40, 180: 20}
PROFILE_SHARES = {"warm": 0.45, "cooling": 0.25, "cold": 0.24, "never": 0.06}


def planned_interactions(n_contacts: int) -> int:
    """How many interactions seed_demo logs for n contacts (besides event outcomes)."""
    (low_n, low), (high_n, high) = INTERACTIONS_PER_CONTACT
    share = math.log(max(n_contacts, low_n) / low_n) / math.log(high_n / low_n)
    return round(n_contacts * (low + (high - low) * min(share, 1.0)))


def demo_usernames() -> list[str]:
    names = [data.MANAGER[0], data.PLANNER[0]]
    for _team, _lead, members in data.TEAMS:
        names += [member[0] for member in members]
    return names


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


@dataclass
class PlannedContact:
    contact: Contact
    org: int
    team: int
    owner: int
    profile: str
    taker: bool
    tags: list[str]
    last_on: datetime.date | None = None
    interactions: int = 0


@dataclass(slots=True)
class PlannedInteraction:
    occurred_on: datetime.date
    contacts: list[int]
    users: list[int]
    kind: str
    confidential: bool
    gives: bool
    asks: bool


@dataclass
class Plan:
    users: list[User] = field(default_factory=list)
    team_members: list[list[int]] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    org_sectors: list[str] = field(default_factory=list)
    contacts: list[PlannedContact] = field(default_factory=list)
    interactions: list[PlannedInteraction] = field(default_factory=list)


class BulkWriter:
    """Writes many rows at once: with COPY on PostgreSQL (neither model instances nor INSERT
    statements to build; several times faster at 50,000 contacts), with bulk_create
    elsewhere. Like bulk_create it sends no signals and skips save()."""

    def __init__(self) -> None:
        self.copy = connection.vendor == "postgresql"

    def rows(self, model, columns: list[str], rows: list[tuple], *, ids: bool = False):
        """Insert `rows` (values in the order of `columns`, attnames such as author_id);
        with `ids`, return the new primary keys in the order of the rows."""
        if not self.copy:
            objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
            model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
            return [obj.pk for obj in objs] if ids else None
        new_ids = None
        if ids:
            new_ids = self.reserve_ids(model, len(rows))
            columns = [model._meta.pk.attname, *columns]
            rows = [(pk, *row) for pk, row in zip(new_ids, rows, strict=True)]
        self.copy_rows(model, columns, rows)
        return new_ids

    def objects(self, model, objs: list, *, ids: bool = False) -> None:
        """Insert unsaved model instances, as bulk_create would (auto_now dates included);
        with `ids`, each instance gets its primary key."""
        if not self.copy:
            model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
            return
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        if ids:
            for obj, pk in zip(objs, self.reserve_ids(model, len(objs)), strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, connection.alias
            fields = [model._meta.pk, *fields]
        for start in range(0, len(objs), INTERACTION_CHUNK):
            self.copy_rows(
                model,
                [f.attname for f in fields],
                [
                    tuple(f.pre_save(obj, True) for f in fields)
                    for obj in objs[start : start + INTERACTION_CHUNK]
                ],
            )

    def reserve_ids(self, model, n: int) -> list[int]:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), model._meta.pk.column, n],
            )
            return sorted(pk for (pk,) in cursor.fetchall())

    def copy_rows(self, model, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        # Rows of ids only (the many-to-many tables) need no escaping.
        to_text = str if all(type(value) is int for value in rows[0]) else copy_value
        text = "".join("\t".join(map(to_text, row)) + "\n" for row in rows)
        sql = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
        )
        with connection.cursor() as cursor:
            cursor.copy_expert(sql, io.StringIO(text))


def copy_value(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return str(value)


class Command(BaseCommand):
    help = (
        "Create a demo organisation: a network manager, an event planner, 8 networkers in "
        "2 teams, contacts at Dutch organisations, 18 months of interactions and follow-ups, "
        "a stakeholder map (topics, groups with reciprocity cards, two networks) and an "
        "event year with guest lists and encounter plans."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--contacts",
            type=int,
            default=DEFAULT_CONTACTS,
            help="Number of contacts (default %(default)s); organisations, interactions "
            "and follow-ups scale along.",
        )
        parser.add_argument(
            "--seed", type=int, default=2024, help="Random seed (default %(default)s)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when contacts or the demo users exist.",
        )

    def handle(self, *args, contacts: int, seed: int, if_empty: bool, verbosity: int, **options):
        if contacts < 1:
            raise CommandError("--contacts must be at least 1.")
        has_data = (
            Contact.objects.exists() or User.objects.filter(username__in=demo_usernames()).exists()
        )
        if has_data:
            if if_empty:
                self.stdout.write("The database already holds data; no demo data loaded.")
                self.print_logins()
                return
            raise CommandError(
                "The database already holds contacts or the demo users. Seed an empty, "
                "migrated database, or pass --if-empty to skip quietly."
            )
        started = time.perf_counter()
        with transaction.atomic():
            seeder = Seeder(
                rng=random.Random(seed), n_contacts=contacts, today=timezone.localdate()
            )
            counts = seeder.run()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data loaded in {:.1f} s: {}.".format(
                    elapsed, ", ".join(f"{n:,} {what}" for what, n in counts.items())
                )
            )
        )
        if verbosity > 1:
            self.stdout.write(
                "Steps: "
                + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in seeder.timings.items())
            )
        self.print_logins()

    def print_logins(self) -> None:
        users = {
            user.username: user
            for user in User.objects.filter(username__in=demo_usernames()).prefetch_related(
                "groups", "teams", "led_teams"
            )
        }
        if not users:
            return
        self.stdout.write(f"\nDemo logins (password for each: {data.DEMO_PASSWORD})")
        for username in demo_usernames():
            user = users.get(username)
            if user is None:
                continue
            groups = {group.name for group in user.groups.all()}
            if Role.NETWORK_MANAGER in groups:
                role = "network manager"
            elif Role.EVENT_PLANNER in groups:
                role = "event planner"
            else:
                role = "networker"
            led = [team.name for team in user.led_teams.all()]
            teams = [team.name for team in user.teams.all()]
            if led:
                role += f", lead of {', '.join(led)}"
            elif teams:
                role += f", {', '.join(teams)}"
            self.stdout.write(f"  {username:<9} {user.get_full_name():<20} {role}")
        self.stdout.write("")


class Seeder:
    def __init__(self, *, rng: random.Random, n_contacts: int, today: datetime.date) -> None:
        self.rng = rng
        self.n = n_contacts
        self.today = today
        self.plan = Plan()
        self.writer = BulkWriter()
        self.timings: dict[str, float] = {}
        self.tz = timezone.get_current_timezone()

    def timed(self, step: str, function, *args):
        started = time.perf_counter()
        result = function(*args)
        self.timings[step] = time.perf_counter() - started
        return result

    def run(self) -> dict[str, int]:
        self.timed("people", self.create_people)
        self.timed("organisations", self.create_organisations)
        self.timed("plan contacts", self.plan_contacts)
        self.timed("plan interactions", self.plan_interactions)
        self.timed("contacts", self.create_contacts)
        interaction_ids = self.timed("interactions", self.create_interactions)
        n_relationships = self.timed("relationships", self.create_relationships)
        n_followups = self.timed("follow-ups", self.create_followups, interaction_ids)
        stakeholder_counts = self.timed("stakeholders", self.create_stakeholders)
        event_counts = self.timed("events", self.create_events)
        network_counts = self.timed("network manager", self.create_network_manager)
        return {
            "users": len(self.plan.users),
            "organisations": len(self.plan.organisations),
            "contacts": len(self.plan.contacts),
            "interactions": len(interaction_ids),
            "relationships": n_relationships,
            "follow-ups": n_followups,
            **stakeholder_counts,
            **event_counts,
            **network_counts,
        }

    # The stakeholder map: groups, topics, reciprocity cards and networks

    def create_stakeholders(self) -> dict[str, int]:
        # A local import on purpose: relations must not depend on stakeholders, but the
        # demo command seeds every app of the product, so it reaches into this one here.
        from stakeholders.demo import seed_stakeholders

        plan = self.plan
        return seed_stakeholders(
            rng=self.rng,
            today=self.today,
            users=plan.users,
            teams=plan.teams,
            organisations=plan.organisations,
            organisation_sectors=plan.org_sectors,
            contacts=[planned.contact for planned in plan.contacts],
            contact_sectors=[plan.org_sectors[planned.org] for planned in plan.contacts],
        )

    # The event year: events, guest lists, encounter plans and outcomes

    def create_events(self) -> dict[str, int]:
        # A local import on purpose, as for the stakeholder map: events depends on
        # relations and stakeholders, never the other way round.
        from events.demo import seed_events

        return seed_events(
            rng=self.rng,
            today=self.today,
            users=self.plan.users,
            contacts=[planned.contact for planned in self.plan.contacts],
        )

    # The strategic layer: strategy, roadmap, stewards, key contacts, warmth history

    def create_network_manager(self) -> dict[str, int]:
        from network_manager.demo import seed_network_manager  # local: as for events

        return seed_network_manager(rng=self.rng, today=self.today, users=self.plan.users)

    # Our people

    def create_people(self) -> None:
        password = make_password(data.DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
        people = [
            (data.MANAGER, [Role.NETWORKER, Role.NETWORK_MANAGER]),
            (data.PLANNER, [Role.NETWORKER, Role.EVENT_PLANNER]),
        ]
        for _team, _lead, members in data.TEAMS:
            people += [(member, [Role.NETWORKER]) for member in members]
        users = User.objects.bulk_create(
            [
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{ascii_slug(first)}.{ascii_slug(last)}@{data.OUR_DOMAIN}",
                    password=password,
                )
                for (username, first, last), roles in people
            ]
        )
        User.groups.through.objects.bulk_create(
            [
                User.groups.through(user_id=user.pk, group_id=groups[role].pk)
                for user, (_person, roles) in zip(users, people, strict=True)
                for role in roles
            ]
        )
        by_username = {user.username: user for user in users}
        index = {user.username: i for i, user in enumerate(users)}
        memberships = []
        for name, lead, members in data.TEAMS:
            team = Team.objects.create(name=name, lead=by_username[lead])
            self.plan.teams.append(team)
            memberships += [
                Team.members.through(team_id=team.pk, user_id=by_username[m[0]].pk) for m in members
            ]
            # The lead first: plan_contacts gives the lead a lighter share.
            self.plan.team_members.append([index[m[0]] for m in members])
        Team.members.through.objects.bulk_create(memberships)
        self.plan.users = users

    # Organisations

    def organisation_rows(self):
        yield from data.CORE_ORGANISATIONS
        yield from data.MORE_ORGANISATIONS
        cities = list(dict.fromkeys(data.CITIES))
        city_rows = [
            (pattern.format(city=city), sector, city, None)
            for pattern, sector in data.CITY_ORGANISATION_PATTERNS
            for city in cities
        ]
        self.rng.shuffle(city_rows)
        yield from city_rows
        for n in itertools.count():
            pattern, sector = self.rng.choice(data.NAME_ORGANISATION_PATTERNS[n % 2])
            last, last2 = self.rng.sample(data.LAST_NAMES, 2)
            name = pattern.format(last=last[0].upper() + last[1:], last2=last2)
            yield name, sector, self.rng.choice(cities), None

    def create_organisations(self) -> None:
        count = max(len(data.CORE_ORGANISATIONS), math.ceil(self.n / 30))
        seen: set[str] = set()
        organisations, sectors = [], []
        for name, sector, city, website in self.organisation_rows():
            if len(organisations) == count:
                break
            if name.lower() in seen:
                continue
            seen.add(name.lower())
            team_members = self.plan.team_members[data.SECTORS[sector][1]]
            organisations.append(
                Organisation(
                    name=name,
                    sector=data.SECTORS[sector][0],
                    city=city,
                    website=website or f"https://www.{slugify(name)}.nl",
                    owner=self.plan.users[team_members[0]],
                )
            )
            sectors.append(sector)
        self.plan.organisations = Organisation.objects.bulk_create(
            organisations, batch_size=BATCH_SIZE
        )
        self.plan.org_sectors = sectors

    # Contacts

    def plan_contacts(self) -> None:
        rng, plan = self.rng, self.plan
        n_orgs = len(plan.organisations)
        org_weights = [rng.choice([1, 1, 2, 3, 5]) for _ in range(n_orgs)]
        # Every organisation gets at least one contact; bigger ones get more.
        org_of = list(range(min(n_orgs, self.n)))
        org_of += rng.choices(range(n_orgs), weights=org_weights, k=self.n - len(org_of))
        used_emails: set[str] = set()
        cadences, cadence_w = zip(*CADENCE_WEIGHTS.items(), strict=True)
        # Warmth profiles in fixed proportions (not drawn one by one), so that even the small
        # demo shows warm, cooling and cold ties in the intended mix.
        profiles = [p for p, share in PROFILE_SHARES.items() for _ in range(round(self.n * share))]
        profiles = (profiles + ["warm"] * self.n)[: self.n]
        rng.shuffle(profiles)
        for org_index, profile in zip(org_of, profiles, strict=True):
            organisation = plan.organisations[org_index]
            sector = plan.org_sectors[org_index]
            team = data.SECTORS[sector][1]
            members = plan.team_members[team]
            owner = rng.choices(members, weights=[2] + [3] * (len(members) - 1))[0]
            first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
            email = self.unique_email(first, last, organisation.website, used_emails)
            if rng.random() < 0.85:
                legal_basis = LegalBasis.LEGITIMATE_INTEREST
                legal_note = rng.choice(["", "", "Professional contact in a public role."])
            else:
                legal_basis = LegalBasis.CONSENT
                legal_note = f"Consent given on the registration form of {rng.choice(data.EVENTS)}."
            tags = rng.sample(data.TAGS_BY_SECTOR[sector], rng.randint(1, 2))
            if rng.random() < 0.25:
                tags.append(rng.choice(data.GENERAL_TAGS))
            contact = Contact(
                first_name=first,
                last_name=last,
                job_title=rng.choice(data.JOB_TITLES[sector]),
                organisation=organisation,
                email=email,
                phone=f"+31 6 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                notes=rng.choice(data.CONTACT_NOTES).format(topic=rng.choice(data.TOPICS)),
                owner=plan.users[owner],
                cadence_days=rng.choices(cadences, weights=cadence_w)[0],
                legal_basis=legal_basis,
                legal_basis_note=legal_note,
                archived=rng.random() < 0.02,
            )
            plan.contacts.append(
                PlannedContact(
                    contact=contact,
                    org=org_index,
                    team=team,
                    owner=owner,
                    profile=profile,
                    taker=rng.random() < 0.15,
                    tags=tags,
                )
            )

    def unique_email(self, first: str, last: str, website: str, used: set[str]) -> str:
        domain = website.split("://", 1)[-1].removeprefix("www.").split("/")[0]
        local = f"{ascii_slug(first)}.{ascii_slug(last)}"
        email, n = f"{local}@{domain}", 1
        while email in used:
            n += 1
            email = f"{local}{n}@{domain}"
        used.add(email)
        return email

    # Interactions: who met whom when; planned before any row is written

    def plan_interactions(self) -> None:
        rng, plan, today = self.rng, self.plan, self.today
        contacts = plan.contacts
        total = planned_interactions(self.n)
        met = [i for i, c in enumerate(contacts) if c.profile != "never"]
        if not met:
            met = [0]
            contacts[0].profile = "warm"
        # A few hubs with many interactions (one of them nina's) give detail pages some weight.
        nina = next(i for i, u in enumerate(plan.users) if u.username == "nina")
        hubs = set(rng.sample(met, min(len(met), max(1, self.n // 1000))))
        ninas = [i for i in met if contacts[i].owner == nina and not contacts[i].contact.archived]
        if ninas:
            hub = ninas[0]
            hubs.add(hub)
            contacts[hub].profile = "warm"
            contacts[hub].taker = False

        for planned in contacts:
            if planned.profile != "never":
                cadence = planned.contact.cadence_days
                low, high = {
                    "warm": (0, cadence - 1),
                    "cooling": (cadence, 2 * cadence - 1),
                    "cold": (2 * cadence, HORIZON_DAYS),
                }[planned.profile]
                planned.last_on = today - datetime.timedelta(
                    days=rng.randint(min(low, HORIZON_DAYS), min(high, HORIZON_DAYS))
                )

        # Every contact met has its last meeting (which sets its warmth); the others are
        # shared out by a heavy-tailed activity: most contacts get a few, some get many.
        # A tie met often has a short cadence, and a tie that went cold long ago had less
        # time before it did.
        for i in met:
            contacts[i].interactions = 1
        weights = []
        for i in met:
            planned = contacts[i]
            span = (HORIZON_DAYS - (today - planned.last_on).days + 30) / (HORIZON_DAYS + 30)
            activity = rng.lognormvariate(0, 1.1)
            weights.append(activity * span * math.sqrt(90 / planned.contact.cadence_days))
        mean_weight = sum(weights) / len(weights)
        hub_weight = mean_weight * (10 if self.n <= 1000 else 30)
        weights = [hub_weight if i in hubs else w for i, w in zip(met, weights, strict=True)]
        for i in rng.choices(met, weights=weights, k=max(0, total - len(met))):
            contacts[i].interactions += 1

        by_org: dict[int, list[int]] = defaultdict(list)
        for i in met:
            by_org[contacts[i].org].append(i)
        kinds, kind_w = zip(*KIND_WEIGHTS.items(), strict=True)
        kind_cum = list(itertools.accumulate(kind_w))
        all_users = range(len(plan.users))
        # One date object per day, shared by the (many) interactions on it.
        days_ago = [today - datetime.timedelta(days=ago) for ago in range(HORIZON_DAYS + 1)]
        for i in met:
            planned = contacts[i]
            last_ago = (today - planned.last_on).days
            mates = [u for u in plan.team_members[planned.team] if u != planned.owner]
            colleagues = by_org[planned.org]
            for k in range(planned.interactions):
                ago = last_ago if k == 0 else rng.randint(last_ago, HORIZON_DAYS)
                occurred_on = days_ago[ago]
                roll = rng.random()
                if roll < 0.70:
                    users = [planned.owner]
                elif roll < 0.85:
                    users = [planned.owner, rng.choice(mates)]
                elif roll < 0.95:
                    users = [rng.choice(mates)]
                else:
                    users = [rng.choice(all_users)]
                met_there = [i]
                if rng.random() < 0.15:
                    # A colleague at the same organisation joined; only one whose planned
                    # last meeting is not earlier, so every contact keeps its planned warmth.
                    others = [
                        j
                        for j in rng.sample(colleagues, min(3, len(colleagues)))
                        if j != i and contacts[j].last_on >= occurred_on
                    ]
                    met_there += others[:1]
                if planned.taker:
                    gives, asks = rng.random() < 0.1, True
                else:
                    gives, asks = rng.random() < 0.6, rng.random() < 0.4
                plan.interactions.append(
                    PlannedInteraction(
                        occurred_on=occurred_on,
                        contacts=met_there,
                        users=users,
                        kind=rng.choices(kinds, cum_weights=kind_cum)[0],
                        confidential=rng.random() < 0.1,
                        gives=gives,
                        asks=asks,
                    )
                )
        # Chronological insert order, so that ids grow with time as in real use.
        plan.interactions.sort(key=lambda p: p.occurred_on)

    def create_contacts(self) -> None:
        plan = self.plan
        last_on: dict[int, datetime.date] = {}
        for planned in plan.interactions:
            for i in planned.contacts:
                if i not in last_on or last_on[i] < planned.occurred_on:
                    last_on[i] = planned.occurred_on
        for i, planned in enumerate(plan.contacts):
            planned.last_on = last_on.get(i)
            planned.contact.last_interaction_on = planned.last_on
            # bulk_create skips Contact.save(), which keeps the warmth cache.
            planned.contact.refresh_warmth_dates()
        self.writer.objects(Contact, [c.contact for c in plan.contacts], ids=True)

        tag_names = sorted({name for c in plan.contacts for name in c.tags})
        Tag.objects.bulk_create([Tag(name=name) for name in tag_names], batch_size=BATCH_SIZE)
        tag_ids = dict(Tag.objects.filter(name__in=tag_names).values_list("name", "pk"))
        self.writer.rows(
            Contact.tags.through,
            ["contact_id", "tag_id"],
            [(c.contact.pk, tag_ids[name]) for c in plan.contacts for name in c.tags],
        )

        affiliations = []
        n_orgs = len(plan.organisations)
        for planned in plan.contacts:
            if n_orgs > 1 and self.rng.random() < 0.15:
                other = (planned.org + self.rng.randrange(1, n_orgs)) % n_orgs
                affiliations.append(
                    Affiliation(
                        contact=planned.contact,
                        organisation=plan.organisations[other],
                        role=self.rng.choice(data.AFFILIATION_ROLES),
                    )
                )
        self.writer.objects(Affiliation, affiliations)

    def texts(self, planned: PlannedInteraction) -> tuple[str, str, str]:
        rng = self.rng
        contact = self.plan.contacts[planned.contacts[0]]
        organisation = self.plan.organisations[contact.org]
        values = {
            "first": contact.contact.first_name,
            "org": organisation.name,
            "city": organisation.city,
            "other_org": rng.choice(self.plan.organisations).name,
            "topic": rng.choice(data.TOPICS),
            "event": rng.choice(data.EVENTS),
        }
        values["place"] = rng.choice(data.PLACES).format(**values)
        opening = rng.choice(data.KIND_OPENINGS[planned.kind]).format(**values)
        body = rng.choice(data.SUMMARIES).format(**values)
        summary = f"{opening} {body}".strip()
        given = rng.choice(data.GIVEN).format(**values) if planned.gives else ""
        asked = rng.choice(data.ASKED).format(**values) if planned.asks else ""
        return summary, given, asked

    def create_interactions(self) -> list[int]:
        """Insert in chunks, each with its participant rows, to keep memory flat."""
        user_ids = [user.pk for user in self.plan.users]
        contact_ids = [planned.contact.pk for planned in self.plan.contacts]
        now = timezone.now()  # created_at and updated_at, as bulk_create sets them
        columns = [
            "created_at",
            "updated_at",
            "kind",
            "occurred_on",
            "author_id",
            "summary",
            "given",
            "asked",
            "confidential",
        ]
        ids: list[int] = []
        for start in range(0, len(self.plan.interactions), INTERACTION_CHUNK):
            chunk = self.plan.interactions[start : start + INTERACTION_CHUNK]
            rows = []
            for planned in chunk:
                summary, given, asked = self.texts(planned)
                rows.append(
                    (
                        now,
                        now,
                        planned.kind,
                        planned.occurred_on,
                        user_ids[planned.users[0]],
                        summary,
                        given,
                        asked,
                        planned.confidential,
                    )
                )
            chunk_ids = self.writer.rows(Interaction, columns, rows, ids=True)
            self.writer.rows(
                Interaction.our_participants.through,
                ["interaction_id", "user_id"],
                [
                    (pk, user_ids[u])
                    for pk, planned in zip(chunk_ids, chunk, strict=True)
                    for u in planned.users
                ],
            )
            self.writer.rows(
                Interaction.contacts.through,
                ["interaction_id", "contact_id"],
                [
                    (pk, contact_ids[c])
                    for pk, planned in zip(chunk_ids, chunk, strict=True)
                    for c in planned.contacts
                ],
            )
            ids += chunk_ids
        return ids

    # Relationships: every pair that met, every owner, and a few acquaintances

    def create_relationships(self) -> int:
        rng, plan = self.rng, self.plan
        first_on: dict[tuple[int, int], datetime.date] = {}
        last_on: dict[tuple[int, int], datetime.date] = {}
        for planned in plan.interactions:  # chronological
            for u in planned.users:
                for c in planned.contacts:
                    first_on.setdefault((u, c), planned.occurred_on)
                    last_on[(u, c)] = planned.occurred_on
        pairs = dict.fromkeys(first_on)
        networkers = [u for team in plan.team_members for u in team]
        for i, planned in enumerate(plan.contacts):
            pairs[(planned.owner, i)] = None
            if rng.random() < 0.2:
                pairs[(rng.choice(networkers), i)] = None
        rows = []
        for u, c in pairs:
            planned = plan.contacts[c]
            if u == planned.owner:
                strength = rng.choices([2, 3, 4, 5], weights=[2, 4, 3, 1])[0]
            else:
                strength = rng.choices([1, 2, 3], weights=[3, 4, 2])[0]
            first = first_on.get((u, c))
            since = (
                first - datetime.timedelta(days=rng.randint(0, 1500))
                if first and rng.random() < 0.7
                else None
            )
            context = rng.choice(data.RELATIONSHIP_CONTEXTS).format(event=rng.choice(data.EVENTS))
            relationship = Relationship(
                user_id=plan.users[u].pk,
                contact=planned.contact,
                strength=strength,
                since=since,
                context=context,
                last_interaction_on=last_on.get((u, c)),
            )
            relationship.refresh_warmth_dates()
            rows.append(relationship)
        self.writer.objects(Relationship, rows)
        return len(rows)

    # Follow-ups: done, overdue and open ones, and a handful for nina to see today

    def create_followups(self, interaction_ids: list[int]) -> int:
        rng, plan, today = self.rng, self.plan, self.today
        total = round(self.n * 2 / 3)
        day = datetime.timedelta(days=1)
        indices = range(len(plan.interactions))

        def since(days: int) -> list[int]:
            recent = [k for k in indices if plan.interactions[k].occurred_on >= today - days * day]
            return recent or list(indices)

        older = [k for k in indices if plan.interactions[k].occurred_on <= today - 2 * day]
        wanted = []  # (interaction index, due date, done date or None)
        for k in rng.choices(older or list(indices), k=round(total * 0.45)):
            occurred_on = plan.interactions[k].occurred_on
            due = occurred_on + rng.randint(3, 30) * day
            done = min(due + rng.randint(-5, 3) * day, today - day)
            wanted.append((k, due, max(done, occurred_on)))
        for k in rng.choices(since(90), k=round(total * 0.25)):
            occurred_on = plan.interactions[k].occurred_on
            due = occurred_on + rng.randint(1, 21) * day
            wanted.append((k, min(due, today - day), None))
        for k in rng.choices(since(30), k=total - len(wanted)):
            wanted.append((k, today + rng.randint(0, 30) * day, None))

        nina = next(i for i, u in enumerate(plan.users) if u.username == "nina")
        ninas = [k for k in reversed(indices) if nina in plan.interactions[k].users][:7]
        for k, days in zip(ninas, [0, 0, -1, -4, -9, 3, 8], strict=False):
            wanted.append((k, today + days * day, None))

        rows = []
        for k, due, done in wanted:
            planned = plan.interactions[k]
            contact = plan.contacts[planned.contacts[0]]
            author = planned.users[0]
            if nina in planned.users and k in ninas:
                assignee = nina
            else:
                assignee = author if rng.random() < 0.85 else rng.choice(planned.users)
            text = rng.choice(data.FOLLOWUP_TEXTS).format(
                first=contact.contact.first_name,
                topic=rng.choice(data.TOPICS),
                other_org=rng.choice(plan.organisations).name,
            )
            done_at = None
            if done is not None:
                done_at = datetime.datetime.combine(
                    done, datetime.time(rng.randint(8, 17), rng.choice([0, 15, 30, 45])), self.tz
                )
            rows.append(
                FollowUp(
                    text=text,
                    due_on=due,
                    assignee_id=plan.users[assignee].pk,
                    created_by_id=plan.users[author].pk,
                    contact_id=contact.contact.pk,
                    interaction_id=interaction_ids[k],
                    done_at=done_at,
                )
            )
        self.writer.objects(FollowUp, rows)
        return len(rows)
