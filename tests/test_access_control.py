"""Access-control proof (issue "Trust"), generated from the URL configuration.

DESIGN.md §4: who may see and change what; "an object one may not read is a 404, not a
403". This module does not list URLs by hand: ENDPOINTS walks django.urls.get_resolver()
recursively and collects every URL pattern (qualified name, the arguments of its path with
their converters, its view). Three tests run per pattern, each URL its own test id:

* test_anonymous — GET and POST without signing in. A page redirects to LOGIN_URL, the
  admin to its own login, an API endpoint answers as DRF does for the view's first
  authentication class (403 for the session-first default, 401 with WWW-Authenticate for
  the token-first exports). Only PUBLIC (commented allow-list) answers otherwise.
* test_signed_in — the URL's entry in ACCESS_RULES, for every actor of tests/conftest.py
  (networker and colleague in team Alpha led by lead, outsider in team Beta, manager,
  planner) on real objects of every kind (WORLD, built once per module). Who may not read
  the object gets 404 on every method; who may read but not change gets 403 and nothing
  in the database changes; API lists hold exactly the objects the actor may read; and no
  page or answer an actor may load shows the secrets (text and links) of an object they
  may not read (a confidential summary on a contact page, a follow-up in a briefing...).
* test_unknown_ids — every argument of a URL replaced by an id that does not exist, an
  id too big for the database and junk: 404, never 500.

A URL without a rule fails: "no access rule for URL <name>; add it to
tests/test_access_control.py". A rule for a URL that no longer exists fails too.
"""

import dataclasses
import datetime
import itertools
import json
import re
from collections.abc import Callable

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.regex_helper import normalize
from rest_framework.views import APIView

from events.models import CalendarFeed, Encounter, Event, EventKind, Invitation, InvitationStatus
from network_manager import selectors as network_selectors
from network_manager.models import KeyContact, RoadmapStep, StrategyGoal
from relations import services as relation_services
from relations.models import Affiliation, Contact, Organisation, Relationship, Role, Team
from stakeholders.models import (
    ContactMembership,
    Goal,
    GoalKind,
    Network,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)
from tests.conftest import make_user
from transfer.models import ImportJob, ImportRow, ImportStatus, RowOutcome

# ---------------------------------------------------------------------------------------
# The URL configuration


@dataclasses.dataclass(frozen=True)
class Endpoint:
    name: str  # qualified URL name ("events:event_detail"); the route when it has none
    namespace: str
    route: str  # as written, prefixes included
    regex: str  # the whole path's regular expression
    converters: dict = dataclasses.field(compare=False)  # argument -> converter (path())
    callback: Callable = dataclasses.field(compare=False)

    @property
    def params(self) -> list[str]:
        return normalize(self.regex)[0][1]

    @property
    def format_suffix(self) -> bool:
        """DRF's copy of a route that ends in .json/.api (same view, same rule)."""
        return "format" in self.params

    @property
    def id(self) -> str:
        return self.name + (".<format>" if self.format_suffix else "")

    @property
    def api_view(self) -> type[APIView] | None:
        cls = getattr(self.callback, "cls", None)
        return cls if isinstance(cls, type) and issubclass(cls, APIView) else None

    @property
    def api_writes(self) -> tuple[str, ...]:
        """The unsafe methods the router maps to actions of a viewset (or the APIView has)."""
        actions = getattr(self.callback, "actions", None)
        if actions is not None:
            methods = actions
        else:
            methods = [m for m in ("post", "put", "patch", "delete") if hasattr(self.api_view, m)]
        return tuple(m for m in methods if m not in ("get", "head", "options", "trace"))

    def path(self, **values) -> str:
        pattern, params = normalize(self.regex)[0]
        assert set(values) == set(params), f"{self.id} takes {params}, got {sorted(values)}"
        return "/" + pattern % {key: str(value) for key, value in values.items()}


def _walk(resolver, regex="", route="", namespace="", converters=None):
    for entry in resolver.url_patterns:
        part = entry.pattern.regex.pattern.removeprefix("^")
        found = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, regex + part, route + str(entry.pattern), inner, found)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Endpoint(
                name=name or f"{namespace}:<unnamed {route}{entry.pattern}>",
                namespace=namespace,
                route=route + str(entry.pattern),
                regex=regex + part,
                converters=found,
                callback=entry.callback,
            )


def collect_endpoints() -> list[Endpoint]:
    """Every pattern once; a pattern whose regex repeats an earlier one is unreachable
    (each DRF router of /api/v1/ adds an api-root: the first one answers)."""
    seen, endpoints = set(), []
    for endpoint in _walk(get_resolver()):
        if endpoint.regex not in seen:
            seen.add(endpoint.regex)
            endpoints.append(endpoint)
    return endpoints


ENDPOINTS = collect_endpoints()


def _candidates(endpoint: Endpoint, param: str) -> list[str]:
    if param == "format":
        return ["json", ".json"]
    choice = re.search(rf"\(\?P<{param}>([\w|-]+)\)", endpoint.regex)
    if choice:  # an alternation of names, as admin's app_label
        return choice.group(1).split("|")
    return ["1", "abc"]


def sample_path(endpoint: Endpoint) -> str:
    """A path of the pattern (ids need not exist) that resolves to the pattern's own view."""
    params = endpoint.params
    for values in itertools.product(*(_candidates(endpoint, p) for p in params)):
        path = endpoint.path(**dict(zip(params, values, strict=True)))
        try:
            if resolve(path).func is endpoint.callback:
                return path
        except Resolver404:
            continue
    raise AssertionError(f"cannot build a path that reaches {endpoint.id} ({endpoint.route})")


# ---------------------------------------------------------------------------------------
# Public URLs: the only ones that answer a visitor who is not signed in. method -> status.

PUBLIC: dict[str, dict[str, set[int]]] = {
    # Signing in and out.
    "login": {"get": {200}},
    "logout": {"get": {405}, "post": {302}},  # POST only since Django 5
    "admin:login": {"get": {200}},
    "admin:logout": {"get": {302}, "post": {302}},  # a visitor is sent to the admin index
    # The language switch of the sign-in page (django.conf.urls.i18n).
    "set_language": {"get": {302}, "post": {302}},
    # Monitoring: database and broker state, no data (DESIGN §5); 503 when one is down.
    "healthz": {"get": {200, 503}, "post": {405}},
    # The OpenAPI schema and its interactive docs describe the API, they hold no data.
    "api-schema": {"get": {200}},
    "api-docs": {"get": {200}},
    # Calendar apps cannot sign in: the secret token in the URL is the key. The sample
    # path's token does not exist (404); test_calendar_feed_token checks a real one.
    "events:feed": {"get": {404}, "post": {405}},
}
# Static files are served by WhiteNoise before URL resolution: they are no URL patterns.
# There is no password reset (accounts are made by an administrator).


def _anonymous_api_status(view: type[APIView]) -> tuple[int, str | None]:
    """DRF: 401 with WWW-Authenticate when the first authentication class names a scheme
    (TokenAuthentication), 403 when it cannot (SessionAuthentication, the default)."""
    classes = view.authentication_classes
    header = classes[0]().authenticate_header(None) if classes else None
    return (401, header) if header else (403, None)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
def test_anonymous(endpoint: Endpoint, client, db):
    path = sample_path(endpoint)
    if endpoint.name in PUBLIC:
        for method, expected in PUBLIC[endpoint.name].items():
            status = getattr(client, method)(path).status_code
            assert status in expected, f"{method.upper()} {path}: {status}, expected {expected}"
        return
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        where = f"anonymous {method.upper()} {path} ({endpoint.id})"
        if endpoint.namespace == "admin":
            login = reverse("admin:login")
            assert response.status_code == 302, f"{where}: {response.status_code}"
            assert response.url.startswith(f"{login}?next="), f"{where} -> {response.url}"
        elif endpoint.api_view is not None:
            status, header = _anonymous_api_status(endpoint.api_view)
            assert response.status_code == status, f"{where}: {response.status_code}"
            assert response.get("WWW-Authenticate") == header, where
        else:
            login = resolve_url(settings.LOGIN_URL)
            assert response.status_code == 302, f"{where}: {response.status_code}"
            assert response.url.startswith(f"{login}?next="), f"{where} -> {response.url}"


# ---------------------------------------------------------------------------------------
# Who may see and change what (DESIGN §4), per kind of object

ACTORS = ("networker", "colleague", "lead", "outsider", "manager", "planner")
EVERYBODY = frozenset(ACTORS)


@dataclasses.dataclass(frozen=True)
class Access:
    changers: frozenset[str]  # who may change it; every other reader gets 403
    hidden: frozenset[str] = frozenset()  # who may not read it: 404 on every method
    patch: dict = dataclasses.field(default_factory=dict)  # an API change (PATCH, PUT)

    @property
    def readers(self) -> frozenset[str]:
        return EVERYBODY - self.hidden


def _who(*actors: str) -> frozenset[str]:
    assert set(actors) <= EVERYBODY, actors
    return frozenset(actors)


# The owner, their team lead and network managers change contacts, organisations, topics,
# networks (all owned by the networker here); relationships: the colleague themselves,
# their lead, managers. Stakeholder groups belong to team Alpha: its lead and managers.
# Events are organised by the planner: planners and managers. The encounter's "who of us"
# is the networker (goal and outcome). The import was uploaded by the networker.
OWNED = _who("networker", "lead", "manager")
GROUP = _who("lead", "manager")
PLANNERS = _who("planner", "manager")
MANAGERS = _who("manager")

KINDS: dict[str, Access] = {
    "contact": Access(OWNED, patch={"first_name": "Changed"}),
    "affiliation": Access(OWNED),
    "organisation": Access(OWNED, patch={"name": "Changed"}),
    "relationship": Access(OWNED, patch={"strength": 1}),
    # Participants (the networker), members of their teams (Alpha), network managers.
    "interaction": Access(
        _who("networker", "manager"), _who("outsider", "planner"), {"summary": "Changed"}
    ),
    # Confidential: participants and network managers only.
    "confidential": Access(
        _who("networker", "manager"),
        _who("outsider", "planner", "colleague", "lead"),
        {"summary": "Changed"},
    ),
    # Assignee and creator (the networker), their team lead, network managers.
    "followup": Access(OWNED, _who("outsider", "planner", "colleague"), {"text": "Changed"}),
    # Network managers; a team lead reads their team.
    "team": Access(
        _who("manager"), _who("networker", "colleague", "outsider", "planner"), {"name": "Changed"}
    ),
    "group": Access(GROUP, patch={"name": "Changed"}),
    "contact_membership": Access(GROUP, patch={"attitude": "critic"}),
    "organisation_membership": Access(GROUP, patch={"attitude": "critic"}),
    "goal": Access(GROUP, patch={"text": "Changed"}),
    "topic": Access(OWNED, patch={"name": "Changed"}),
    "network": Access(OWNED, patch={"name": "Changed"}),
    "event": Access(PLANNERS, patch={"name": "Changed"}),
    "invitation": Access(PLANNERS, patch={"note": "Changed"}),
    "encounter": Access(PLANNERS | {"networker"}, patch={"goal": "Changed"}),
    # Strategy goals and roadmap steps: everyone reads, network managers change.
    "strategy_goal": Access(MANAGERS, patch={"title": "Changed"}),
    "step": Access(MANAGERS, patch={"title": "Changed"}),
    # A key contact of team Alpha: network managers; Alpha's lead reads it.
    "key_contact": Access(
        MANAGERS, _who("networker", "colleague", "outsider", "planner"), {"reason": "Changed"}
    ),
    # The audit trail of an object (privacy): network managers only.
    "history": Access(MANAGERS, EVERYBODY - MANAGERS),
    # An import is seen by whom uploaded it and by network managers.
    "import": Access(
        _who("networker", "manager"), _who("colleague", "lead", "outsider", "planner")
    ),
}

# Text that only the readers of an object may ever see (markers in its fields).
SECRET_TEXT = {
    "interaction": "MARK-TEAM-MEETING",
    "confidential": "MARK-CONFIDENTIAL",
    "followup": "MARK-FOLLOW-UP",
    "import": "MARK-IMPORT-FILE",
}


# ---------------------------------------------------------------------------------------
# The objects: built once per module, inside a transaction rolled back at the end


class World:
    def __init__(self) -> None:
        self.obj: dict[str, object] = {}

    def __getitem__(self, key: str):
        return self.obj[key]

    def pk(self, key: str) -> int:
        return self.obj[key].pk

    def secrets(self, kind: str) -> list[str]:
        """Text and addresses that give the object away."""
        pk = self.pk(kind)
        urls = {
            "interaction": ["relations:interaction_detail", "interaction-detail"],
            "confidential": ["relations:interaction_detail", "interaction-detail"],
            "followup": ["relations:followup_done", "followup-detail"],
            "import": ["transfer:import_detail", "import-detail"],
        }[kind]
        return [SECRET_TEXT[kind], *(reverse(name, args=[pk]) for name in urls)]


EVENT_DAY = timezone.localdate() - datetime.timedelta(days=2)  # the event of WORLD


def _local(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build_world() -> World:
    world = World()
    users = {
        "lead": make_user("lead"),
        "networker": make_user("nina"),
        "colleague": make_user("carl"),
        "outsider": make_user("otto"),
        "manager": make_user("manon", Role.NETWORK_MANAGER),
        "planner": make_user("pieter", Role.EVENT_PLANNER),
    }
    world.obj.update(users)
    nina = users["networker"]
    alpha = Team.objects.create(name="Alpha", lead=users["lead"])
    alpha.members.set([users["lead"], nina, users["colleague"]])
    Team.objects.create(name="Beta").members.set([users["outsider"]])
    organisation = Organisation.objects.create(name="Gemeente Utrecht", city="Utrecht", owner=nina)
    university = Organisation.objects.create(name="Universiteit Utrecht", owner=nina)
    anna = Contact.objects.create(
        first_name="Anna", last_name="de Vries", organisation=organisation, owner=nina
    )
    bert = Contact.objects.create(first_name="Bert", last_name="Bos", owner=nina)
    mark, secret = SECRET_TEXT["interaction"], SECRET_TEXT["confidential"]
    interaction = relation_services.interaction_log(
        author=nina,
        contacts=[anna],
        occurred_on=timezone.localdate() - datetime.timedelta(days=3),
        summary=f"Coffee: {mark}",
        given=f"Gave {mark}",
        asked=f"Asked {mark}",
    )
    confidential = relation_services.interaction_log(
        author=nina,
        contacts=[anna],
        occurred_on=timezone.localdate() - datetime.timedelta(days=2),
        summary=f"Reorganisation: {secret}",
        given=f"Gave {secret}",
        asked=f"Asked {secret}",
        confidential=True,
    )
    followup = relation_services.followup_create(
        actor=nina, contact=anna, text=SECRET_TEXT["followup"], due_on=timezone.localdate()
    )
    topic = Topic.objects.create(name="Mobility", owner=nina)
    topic.contacts.add(anna)
    group = StakeholderGroup.objects.create(
        name="Provincie", influence=5, interest=4, owning_team=alpha
    )
    group.topics.add(topic)
    network = Network.objects.create(name="Economic Board", owner=nina)
    network.our_members.add(nina)
    network.contact_members.add(anna)
    event = Event.objects.create(
        name="Nieuwjaarsreceptie",
        starts_at=_local(-2, 15),
        ends_at=_local(-2, 18),
        kind=EventKind.OWN,
        organiser=users["planner"],
    )
    job = ImportJob.objects.create(
        created_by=nina,
        owner=nina,
        file_name=f"{SECRET_TEXT['import']}.csv",
        format="csv",
        status=ImportStatus.DONE,
        headers=["First name", "Last name"],
        mapping=["first_name", "last_name"],
        total=1,
        processed=1,
        created_count=1,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    ImportRow.objects.create(
        job=job, number=1, values=["Bert", "Bos"], outcome=RowOutcome.NEW, contact=bert
    )
    world.obj.update(
        {
            "alpha": alpha,
            "organisation": organisation,
            "university": university,
            "contact": anna,
            "bert": bert,
            "affiliation": Affiliation.objects.create(
                contact=anna, organisation=university, role="Board member"
            ),
            "relationship": Relationship.objects.get(user=nina, contact=anna),
            "interaction": interaction,
            "confidential": confidential,
            "followup": followup,
            "team": alpha,
            "topic": topic,
            "group": group,
            "contact_membership": ContactMembership.objects.create(group=group, contact=anna),
            "organisation_membership": OrganisationMembership.objects.create(
                group=group, organisation=organisation
            ),
            "goal": Goal.objects.create(group=group, kind=GoalKind.OUR_GOAL, text="The pilot"),
            "network": network,
            "event": event,
            "invitation": Invitation.objects.create(
                event=event,
                contact=anna,
                status=InvitationStatus.INVITED,
                proposed_by=users["planner"],
            ),
            "encounter": Encounter.objects.create(
                event=event,
                colleague=nina,
                contact=anna,
                starts_at=event.starts_at,
                minutes=15,
                goal="Ask about the pilot",
            ),
            "feed": CalendarFeed.objects.create(user=nina),
            "import": job,
            "strategy_goal": StrategyGoal.objects.create(
                strategy=network_selectors.strategy_get(), title="Regional energy plan"
            ),
            "step": RoadmapStep.objects.create(
                title="Train the first team", target_on=timezone.localdate()
            ),
            "key_contact": KeyContact.objects.create(contact=anna, team=alpha),
        }
    )
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The objects of every kind, made once; each test runs in a savepoint inside."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            built = build_world()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# ---------------------------------------------------------------------------------------
# The rule of every URL


@dataclasses.dataclass(frozen=True)
class Rule:
    """How one URL answers the signed-in actors.

    ids: the URL's arguments that are objects of WORLD (argument -> world key).
    fixed: arguments that are not objects (a year, a kind of membership).
    kind: the KINDS row that applies (default: the object of `pk`).
    get: the status of a GET by whom may read (405: the URL takes no GET, for anybody).
    change_page: the GET is a change form (or acts): readers who may not change get 403.
    writes: the unsafe methods of a page (the API's come from its router).
    data: the body of those writes, valid, so that the rule and not the form refuses.
    changers: who may change through this URL, when it differs from the kind's.
    lists: (API list) kinds whose ids the results hold exactly when the actor may read them.
    refused / create: who may not create here: a POST of `create` answers them 403 and
        changes nothing; a page (the create form) answers them 403 on GET too.
    forbidden: who gets 403 on a GET of this page or endpoint (a tool for some roles only).
    absent: who gets 404 on every method of this page: it is not theirs to know of (the
        dashboard and its lists, teams: network managers and team leads only).
    query, headers: added to every request.
    """

    ids: dict = dataclasses.field(default_factory=dict)
    fixed: dict = dataclasses.field(default_factory=dict)
    kind: str | None = None
    get: int = 200
    change_page: bool = False
    writes: tuple[str, ...] = ()
    data: Callable[[World], dict] | None = None
    changers: frozenset[str] | None = None
    lists: tuple[str, ...] = ()
    refused: frozenset[str] = frozenset()
    forbidden: frozenset[str] = frozenset()
    absent: frozenset[str] = frozenset()
    create: Callable[[World], dict] | None = None
    query: str = ""
    headers: dict = dataclasses.field(default_factory=dict)

    @property
    def access(self) -> Access | None:
        kind = self.kind or self.ids.get("pk")
        return KINDS[kind] if kind else None

    def kwargs(self, world: World) -> dict:
        return {**{arg: world.pk(key) for arg, key in self.ids.items()}, **self.fixed}


def on(key: str, **rule) -> Rule:
    """A rule for a URL whose `pk` is the object `key`."""
    return Rule(ids={"pk": key}, **rule)


POST = ("post",)
HTMX = {"HTTP_HX_REQUEST": "true"}
NOT_PLANNERS = EVERYBODY - PLANNERS
NOT_GROUP = EVERYBODY - GROUP
NOT_MANAGERS = EVERYBODY - MANAGERS
NOT_STEERERS = EVERYBODY - GROUP  # not a network manager, nor a team lead


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


ACCESS_RULES: dict[str, Rule | tuple[Rule, ...]] = {
    # relations: pages
    "relations:my_network": Rule(),
    "relations:my_relationships": Rule(),
    "relations:followup_list": Rule(),
    "relations:contact_list": Rule(),
    "relations:contact_create": Rule(),  # every user adds contacts
    "relations:contact_typeahead": Rule(query="q=Anna"),
    "relations:contact_detail": on("contact"),
    "relations:contact_edit": on("contact", change_page=True, writes=POST),
    "relations:contact_chip": on("contact"),
    "relations:affiliation_add": on(
        "contact",
        get=405,
        writes=POST,
        data=lambda w: {"organisation": w["university"].name, "role": "Adviser"},
    ),
    "relations:affiliation_remove": on("affiliation", get=405, writes=POST),
    "relations:organisation_list": Rule(),
    "relations:organisation_create": Rule(),
    "relations:organisation_typeahead": Rule(query="q=Utrecht"),
    "relations:organisation_detail": on("organisation"),
    "relations:organisation_edit": on("organisation", change_page=True, writes=POST),
    "relations:meeting_log": Rule(),  # every user logs their own meetings
    "relations:interaction_detail": (on("interaction"), on("confidential")),
    "relations:interaction_edit": (
        on("interaction", change_page=True, writes=POST),
        on("confidential", change_page=True, writes=POST),
    ),
    "relations:followup_done": on("followup", get=405, writes=POST),
    "relations:account": Rule(),  # one's own language and API token
    # relations: API
    "api-root": Rule(),
    "api-me": Rule(),
    "contact-list": Rule(lists=("contact",)),
    "contact-detail": on("contact"),
    "organisation-list": Rule(lists=("organisation",)),
    "organisation-detail": on("organisation"),
    "relationship-list": Rule(
        lists=("relationship",),
        refused=_who("colleague", "outsider", "planner"),
        create=lambda w: {"user": w.pk("networker"), "contact": w.pk("bert"), "strength": 4},
    ),
    "relationship-detail": on("relationship"),
    "interaction-list": Rule(lists=("interaction", "confidential")),
    "interaction-detail": (on("interaction"), on("confidential")),
    "followup-list": Rule(lists=("followup",)),
    "followup-detail": on("followup"),
    "followup-complete": on("followup", get=405),
    "followup-reopen": on("followup", get=405),
    "team-list": Rule(
        lists=("team",),
        refused=EVERYBODY - {"manager"},
        create=lambda w: {"name": "Gamma", "members": []},
    ),
    "team-detail": on("team"),
    # stakeholders: pages
    "stakeholders:group_list": Rule(),
    "stakeholders:grid": Rule(),
    "stakeholders:group_create": Rule(
        refused=NOT_GROUP,  # network managers and team leads
        create=lambda w: {"name": "Raad", "influence": 3, "interest": 3, "priority": 2},
    ),
    "stakeholders:member_typeahead": Rule(query="q=Anna"),
    "stakeholders:group_detail": on("group"),
    "stakeholders:group_edit": on("group", change_page=True, writes=POST),
    "stakeholders:group_delete": on("group", get=405, writes=POST),
    "stakeholders:contact_member_add": on(
        "group",
        get=405,
        writes=POST,
        data=lambda w: {"contact": w.pk("bert"), "attitude": "neutral"},
    ),
    "stakeholders:organisation_member_add": on(
        "group",
        get=405,
        writes=POST,
        data=lambda w: {"organisation": w["university"].name, "attitude": "neutral"},
    ),
    "stakeholders:membership_change": (
        on(
            "contact_membership",
            fixed={"kind": "person"},
            get=405,
            writes=POST,
            data=lambda w: {"attitude": "critic"},
        ),
        on(
            "organisation_membership",
            fixed={"kind": "organisation"},
            get=405,
            writes=POST,
            data=lambda w: {"attitude": "critic"},
        ),
    ),
    "stakeholders:membership_remove": (
        on("contact_membership", fixed={"kind": "person"}, get=405, writes=POST),
        on("organisation_membership", fixed={"kind": "organisation"}, get=405, writes=POST),
    ),
    "stakeholders:goal_add": on(
        "group",
        get=405,
        writes=POST,
        data=lambda w: {"kind": GoalKind.OUR_OFFER, "text": "Changed"},
    ),
    "stakeholders:goal_edit": on(
        "goal",
        get=405,
        writes=POST,
        data=lambda w: {"kind": GoalKind.OUR_GOAL, "text": "Changed", "status": "active"},
    ),
    "stakeholders:goal_remove": on("goal", get=405, writes=POST),
    "stakeholders:topic_list": Rule(),
    "stakeholders:topic_create": Rule(),  # every user adds topics
    "stakeholders:topic_detail": on("topic"),
    "stakeholders:network_list": Rule(),
    "stakeholders:network_detail": on("network"),
    # stakeholders: API
    "stakeholder-group-list": Rule(
        lists=("group",),
        refused=NOT_GROUP,
        create=lambda w: {
            "name": "Raad",
            "influence": 3,
            "interest": 3,
            "owning_team": w.pk("alpha"),
        },
    ),
    "stakeholder-group-detail": on("group"),
    "group-membership-list": Rule(
        lists=("contact_membership",),
        refused=NOT_GROUP,
        create=lambda w: {"group": w.pk("group"), "contact": w.pk("bert")},
    ),
    "group-membership-detail": on("contact_membership"),
    "group-organisation-membership-list": Rule(
        lists=("organisation_membership",),
        refused=NOT_GROUP,
        create=lambda w: {"group": w.pk("group"), "organisation": w.pk("university")},
    ),
    "group-organisation-membership-detail": on("organisation_membership"),
    "goal-list": Rule(
        lists=("goal",),
        refused=NOT_GROUP,
        create=lambda w: {"group": w.pk("group"), "kind": GoalKind.OUR_OFFER, "text": "Help"},
    ),
    "goal-detail": on("goal"),
    "topic-list": Rule(lists=("topic",)),
    "topic-detail": on("topic"),
    "network-list": Rule(lists=("network",)),
    "network-detail": on("network"),
    # events: pages
    "events:feed_settings": Rule(),  # one's own feed
    "events:event_ics": on("event"),
    "events:calendar": Rule(),
    "events:year": Rule(fixed={"year": timezone.localdate().year}),
    "events:month": Rule(fixed={"year": EVENT_DAY.year, "month": EVENT_DAY.month}),
    "events:event_list": Rule(query="when=past"),
    "events:event_create": Rule(
        refused=NOT_PLANNERS,
        create=lambda w: {
            "name": "Borrel",
            "starts_at": _local(5, 17),
            "ends_at": _local(5, 19),
            "kind": EventKind.OWN,
        },
    ),
    "events:event_detail": on("event"),
    "events:event_edit": on("event", change_page=True, writes=POST),
    "events:event_delete": on("event", change_page=True, writes=POST),
    "events:guests_csv": on("event"),
    "events:guest_typeahead": on("event", query="q=Bert"),
    # Any networker may propose a guest (DESIGN §4): no refusal to prove here.
    "events:guest_add": on("event", get=405),
    "events:guest_add_group": on(
        "event", get=405, writes=POST, data=lambda w: {"group": w.pk("group")}
    ),
    "events:guests_set_status": on(
        "event",
        get=405,
        writes=POST,
        data=lambda w: {"invitations": w.pk("invitation"), "status": "accepted"},
    ),
    "events:guest_remove": on("invitation", get=405, writes=POST),
    "events:encounter_add": on(
        "event",
        change_page=True,
        writes=POST,
        data=lambda w: {"colleague": w.pk("networker"), "contact": w.pk("contact")},
    ),
    "events:encounter_contacts": on("event", query="q=Anna"),
    "events:encounter_goal_options": on("event", query=""),
    "events:encounter_row": on("encounter", headers=HTMX),
    "events:encounter_edit": on(
        "encounter", change_page=True, writes=POST, data=lambda w: {"goal": "Changed"}
    ),
    "events:encounter_delete": on("encounter", get=405, writes=POST, changers=PLANNERS),
    # The colleague who met them, or a network manager, records how it went.
    "events:encounter_outcome": on(
        "encounter",
        change_page=True,
        writes=POST,
        data=lambda w: {"outcome": "Changed"},
        changers=_who("networker", "manager"),
    ),
    # Every active user reads the plan and its briefings; what a briefing shows of
    # meetings and follow-ups is what the viewer may read (the secrets check proves it).
    "events:briefing_index": on("event"),
    "events:briefing_all": on("event"),
    "events:briefing": Rule(ids={"pk": "event", "user_id": "networker"}),
    # events: API
    "api-me-calendar-feed": Rule(),  # one's own feed
    "event-list": Rule(
        lists=("event",),
        refused=NOT_PLANNERS,
        create=lambda w: {
            "name": "Borrel",
            "starts_at": _iso(_local(5, 17)),
            "ends_at": _iso(_local(5, 19)),
            "kind": EventKind.OWN,
        },
    ),
    "event-detail": on("event"),
    "event-add-group": on("event", get=405, data=lambda w: {"group": w.pk("group")}),
    "event-briefing": Rule(ids={"pk": "event", "user_id": "networker"}),
    "event-bulk-status": on(
        "event",
        get=405,
        data=lambda w: {"invitations": [w.pk("invitation")], "status": "accepted"},
    ),
    "event-suggestions": on("event"),
    "invitation-list": Rule(
        lists=("invitation",),
        # Anybody proposes a guest; only planners put one on the list as invited.
        refused=NOT_PLANNERS,
        create=lambda w: {"event": w.pk("event"), "contact": w.pk("bert"), "status": "invited"},
    ),
    "invitation-detail": on("invitation"),
    "encounter-list": Rule(
        lists=("encounter",),
        refused=NOT_PLANNERS,
        create=lambda w: {
            "event": w.pk("event"),
            "colleague": w.pk("networker"),
            "contact": w.pk("bert"),
        },
    ),
    "encounter-detail": on("encounter"),
    "encounter-record-outcome": on(
        "encounter",
        get=405,
        data=lambda w: {"outcome": "Changed"},
        changers=_who("networker", "manager"),
    ),
    # transfer: the import pages (the job is done: its other steps redirect to the result)
    "transfer:import_start": Rule(),  # one's own imports
    "transfer:import_detail": on("import"),
    "transfer:import_mapping": on("import", get=302, writes=POST),
    "transfer:import_preview": on("import", get=302),
    "transfer:import_confirm": on("import", get=405, writes=POST),
    "transfer:import_progress": on("import", get=302),
    "transfer:import_requeue": on("import", get=405, writes=POST),
    "transfer:import_undo": on("import", get=405, writes=POST),
    "transfer:contacts_export_csv": Rule(),
    "transfer:contacts_export_xlsx": Rule(),
    "transfer:contacts_export_vcf": Rule(),
    "transfer:contact_vcard": on("contact"),
    "transfer:groups_export_csv": Rule(),
    # transfer: API
    "import-list": Rule(lists=("import",)),
    "import-detail": on("import"),
    "import-rows": on("import"),
    "import-mapping": on("import", get=405),
    "import-confirm": on("import", get=405),
    "import-undo": on("import", get=405),
    "api-export-contacts-csv": Rule(),
    "api-export-contacts-xlsx": Rule(),
    "api-export-contacts-vcf": Rule(),
    "api-export-contact-vcf": on("contact"),
    "api-export-stakeholder-groups-csv": Rule(),
    # privacy: network managers only. A contact is readable, so exporting or erasing it is
    # refused (403); an object's audit history is no page for others: 404.
    "privacy:contact_export": on("contact", change_page=True, changers=MANAGERS),
    "privacy:contact_erase": on(
        "contact",
        change_page=True,
        writes=POST,
        changers=MANAGERS,
        data=lambda w: {"confirm_name": w["contact"].full_name},
    ),
    "privacy:retention": Rule(forbidden=EVERYBODY - MANAGERS),
    "privacy:history": (
        Rule(
            ids={"pk": "contact"},
            fixed={"app_label": "relations", "model": "contact"},
            kind="history",
        ),
        Rule(
            ids={"pk": "confidential"},
            fixed={"app_label": "relations", "model": "interaction"},
            kind="history",
        ),
    ),
    "privacy-contact-export": on("contact", change_page=True, changers=MANAGERS),
    "privacy-contact-erase": on(
        "contact",
        get=405,
        changers=MANAGERS,
        data=lambda w: {"confirm_name": w["contact"].full_name},
    ),
    "privacy-retention": Rule(forbidden=EVERYBODY - MANAGERS),
    "privacy-history": (
        Rule(
            ids={"pk": "contact"},
            fixed={"app_label": "relations", "model": "contact"},
            kind="history",
        ),
        Rule(
            ids={"pk": "confidential"},
            fixed={"app_label": "relations", "model": "interaction"},
            kind="history",
        ),
    ),
    # network_manager: the dashboard and the lists behind it, teams: network managers and
    # team leads (Alpha's lead sees Alpha); nobody else may know of them.
    "network_manager:dashboard": Rule(absent=NOT_STEERERS),
    "network_manager:relationships": Rule(absent=NOT_STEERERS),
    "network_manager:key_contacts": Rule(absent=NOT_STEERERS),
    "network_manager:overdue_followups": Rule(absent=NOT_STEERERS),
    "network_manager:who_knows_whom": Rule(query="q=Utrecht"),  # who of us knows whom: all
    "network_manager:strategy": Rule(),
    "network_manager:strategy_edit": Rule(
        refused=NOT_MANAGERS,
        create=lambda w: {"definition": "Changed", "value_to_sales_and_marketing": "Changed"},
    ),
    "network_manager:goal_add": Rule(refused=NOT_MANAGERS, create=lambda w: {"title": "New"}),
    "network_manager:goal_edit": on(
        "strategy_goal", change_page=True, writes=POST, data=lambda w: {"title": "Changed"}
    ),
    "network_manager:goal_delete": on("strategy_goal", get=405, writes=POST),
    "network_manager:roadmap": Rule(),
    "network_manager:step_add": Rule(
        refused=NOT_MANAGERS,
        create=lambda w: {"title": "New", "target_on": "2027-01-01", "status": "planned"},
    ),
    "network_manager:step_edit": on(
        "step",
        change_page=True,
        writes=POST,
        data=lambda w: {"title": "Changed", "target_on": "2027-01-01", "status": "planned"},
    ),
    "network_manager:step_delete": on("step", get=405, writes=POST),
    "network_manager:team_list": Rule(absent=NOT_STEERERS),
    "network_manager:team_create": Rule(
        absent=NOT_STEERERS, refused=_who("lead"), create=lambda w: {"name": "Gamma"}
    ),
    "network_manager:team_detail": on("team"),
    "network_manager:team_edit": on(
        "team", change_page=True, writes=POST, data=lambda w: {"name": "Changed"}
    ),
    "network_manager:group_assign": on(
        "group",
        change_page=True,
        writes=POST,
        changers=MANAGERS,
        data=lambda w: {"team": w.pk("alpha"), "steward": w.pk("networker")},
    ),
    "network_manager:key_contact_edit": on(
        "contact",
        change_page=True,
        writes=POST,
        changers=MANAGERS,
        data=lambda w: {"team": w.pk("alpha"), "networker": w.pk("networker")},
    ),
    "network_manager:key_contact_remove": on("key_contact", get=405, writes=POST),
    # network_manager: API
    "api-strategy": Rule(),
    "strategy-goal-list": Rule(
        lists=("strategy_goal",), refused=NOT_MANAGERS, create=lambda w: {"title": "New"}
    ),
    "strategy-goal-detail": on("strategy_goal"),
    "roadmap-step-list": Rule(
        lists=("step",),
        refused=NOT_MANAGERS,
        create=lambda w: {"title": "New", "target_on": "2027-01-01"},
    ),
    "roadmap-step-detail": on("step"),
    "roadmap-step-progress": Rule(),
    "key-contact-list": Rule(absent=NOT_STEERERS, lists=("key_contact",)),
    "key-contact-detail": on("key_contact"),
    "group-assignment-list": Rule(),
    "group-assignment-detail": Rule(
        ids={"pk": "group"},
        changers=MANAGERS,
        data=lambda w: {"team": w.pk("alpha"), "steward": w.pk("networker")},
    ),
    "api-dashboard": Rule(absent=NOT_STEERERS),
    "dashboard-relationship-list": Rule(absent=NOT_STEERERS, lists=("relationship",)),
    "dashboard-overdue-followup-list": Rule(absent=NOT_STEERERS),
    "api-who-knows-whom": Rule(query="q=Anna"),
    # Django's password change: one's own password.
    "password_change": Rule(),
    "password_change_done": Rule(),
}


def _rules(endpoint: Endpoint) -> tuple[Rule, ...]:
    rule = ACCESS_RULES.get(endpoint.name)
    if rule is None:
        pytest.fail(
            f"no access rule for URL {endpoint.name}; add it to {__name__.replace('.', '/')}.py"
        )
    return rule if isinstance(rule, tuple) else (rule,)


SIGNED_IN = [
    e for e in ENDPOINTS if not e.format_suffix and e.name not in PUBLIC and e.namespace != "admin"
]


def test_every_rule_names_a_url():
    names = {endpoint.name for endpoint in ENDPOINTS}
    assert not set(ACCESS_RULES) - names, "rules for URLs that no longer exist"
    assert not set(PUBLIC) - names, "public URLs that no longer exist"


# ---------------------------------------------------------------------------------------
# Requests


class Actors:
    """A signed-in test client per actor, made when first asked for."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.clients: dict[str, Client] = {}
        self.state: dict | None = None  # the database after the last refused write

    def __call__(self, actor: str) -> Client:
        if actor not in self.clients:
            self.state = None
            client = Client()
            client.force_login(self.world[actor])
            self.clients[actor] = client
        return self.clients[actor]


@pytest.fixture
def actors(world, db) -> Actors:
    return Actors(world)


def send(client: Client, method: str, path: str, *, api: bool, data=None, headers=None):
    headers = headers or {}
    if method == "get":
        return client.get(path, **headers)
    if api:
        body = json.dumps(data or {})
        return getattr(client, method)(path, body, content_type="application/json", **headers)
    return getattr(client, method)(path, data or {}, **headers)


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:  # a zip: the contact exports hold no secrets of ours
        return ""
    return content.decode("utf-8", errors="replace")


def assert_no_secrets(world: World, actor: str, response, where: str) -> None:
    """Nothing of an object the actor may not read is in an answer they may load."""
    if not 200 <= response.status_code < 300:
        return
    text = body_of(response)
    for kind in SECRET_TEXT:
        if actor in KINDS[kind].hidden:
            for secret in world.secrets(kind):
                assert secret not in text, f"{where}: {actor} sees {secret!r} of the {kind}"


# Everything the apps store; a refused write must leave all of it as it was.
SNAPSHOT_APPS = (
    "relations",
    "stakeholders",
    "events",
    "transfer",
    "network_manager",
    "privacy",
    "auditlog",
    "authtoken",
)


def snapshot() -> dict:
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in SNAPSHOT_APPS
    }


def assert_refused(actors: Actors, actor, method, path, status, *, api, data=None, headers=None):
    client = actors(actor)  # signing in sets last_login: before the snapshot
    before = actors.state or snapshot()
    response = send(client, method, path, api=api, data=data, headers=headers)
    where = f"{actor} {method.upper()} {path}"
    assert response.status_code == status, f"{where}: {response.status_code}, expected {status}"
    after = snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"{where} was refused but changed {changed}"
    actors.state = after  # the next refusal starts from here, unless somebody else writes


def _with_query(path: str, rule: Rule) -> str:
    return f"{path}?{rule.query}" if rule.query else path


def _result_ids(response) -> set[int]:
    data = response.json()
    rows = data["results"] if isinstance(data, dict) else data
    return {row["id"] for row in rows}


# ---------------------------------------------------------------------------------------
# Signed in


@pytest.mark.parametrize("endpoint", SIGNED_IN, ids=lambda e: e.id)
def test_signed_in(endpoint: Endpoint, world, actors):
    for rule in _rules(endpoint):
        if rule.access is None:
            _check_page(endpoint, rule, world, actors)
        else:
            _check_object(endpoint, rule, world, actors)


def _check_page(endpoint: Endpoint, rule: Rule, world: World, actors: Actors) -> None:
    """A URL without an object: it answers every actor; lists hold what they may read."""
    api = endpoint.api_view is not None
    path = _with_query(endpoint.path(**rule.kwargs(world)), rule)
    for actor in ACTORS:
        response = send(actors(actor), "get", path, api=api, headers=rule.headers)
        forbidden = actor in rule.forbidden or (actor in rule.refused and not api)
        expected = 404 if actor in rule.absent else 403 if forbidden else rule.get
        where = f"{actor} GET {path}"
        assert response.status_code == expected, f"{where}: {response.status_code}"
        assert_no_secrets(world, actor, response, where)
        if rule.lists and actor not in rule.absent:
            ids = _result_ids(response)
            for kind in rule.lists:
                may_read = actor in KINDS[kind].readers
                assert (world.pk(kind) in ids) == may_read, (
                    f"{where}: the {kind} is {'missing' if may_read else 'listed'}"
                )
    if rule.create:
        actors.state = None
        for actor in sorted(rule.refused | rule.absent):
            status = 404 if actor in rule.absent else 403
            assert_refused(actors, actor, "post", path, status, api=api, data=rule.create(world))


def _check_object(endpoint: Endpoint, rule: Rule, world: World, actors: Actors) -> None:
    access = rule.access
    changers = access.changers if rule.changers is None else rule.changers
    api = endpoint.api_view is not None
    path = _with_query(endpoint.path(**rule.kwargs(world)), rule)
    headers = rule.headers
    # GET: 404 for who may not read; the page for the readers (403 for a change page).
    for actor in ACTORS:
        response = send(actors(actor), "get", path, api=api, headers=headers)
        if rule.get == 405:
            expected = 405
        elif actor in access.hidden:
            expected = 404
        elif rule.change_page and actor not in changers:
            expected = 403
        else:
            expected = rule.get
        where = f"{actor} GET {path}"
        assert response.status_code == expected, f"{where}: {response.status_code}, {expected}"
        assert_no_secrets(world, actor, response, where)
    # OPTIONS (DRF's metadata) tells a hidden object from a missing one in no way.
    if api and access.hidden and "pk" in rule.ids:
        missing = _with_query(endpoint.path(**{**rule.kwargs(world), "pk": 999999999}), rule)
        for actor in sorted(access.hidden):
            hidden, absent = actors(actor).options(path), actors(actor).options(missing)
            assert (hidden.status_code, hidden.content) == (absent.status_code, absent.content)
    # Writes: 404 for who may not read, 403 for readers who may not change; no change.
    actors.state = None  # the GETs above may write (an export is logged)
    methods = endpoint.api_writes if api else rule.writes
    for method in methods:
        for actor in ACTORS:
            if actor in access.hidden:
                status = 404
            elif actor not in changers:
                status = 403
            else:
                continue
            data = rule.data(world) if rule.data else dict(access.patch)
            if api and method == "put":
                # A complete representation, as the reader got it, with the change.
                current = actors(actor).get(path)
                actors.state = None
                data = {**current.json(), **access.patch} if current.status_code == 200 else {}
            assert_refused(actors, actor, method, path, status, api=api, data=data, headers=headers)


# ---------------------------------------------------------------------------------------
# Unknown ids: 404, never 500

JUNK_INT = (0, 999999999, 10**30)  # no such row; too big for any integer column
# Through DRF's {pk} and str converters: words, signs, a NUL byte, a non-ASCII digit.
JUNK_TEXT = ("junk", "0", "-1", "999999999", "1" * 30, "1e3", "%00", "%D9%A1" * 9)


def _junk(endpoint: Endpoint, param: str) -> tuple:
    if isinstance(endpoint.converters.get(param), IntConverter):
        return JUNK_INT
    return JUNK_TEXT


WITH_ARGUMENTS = [e for e in SIGNED_IN if e.params]


@pytest.mark.parametrize("endpoint", WITH_ARGUMENTS, ids=lambda e: e.id)
def test_unknown_ids(endpoint: Endpoint, world, actors):
    rule = _rules(endpoint)[0]
    api = endpoint.api_view is not None
    methods = ("get",) if rule.get != 405 else ()
    methods += endpoint.api_writes if api else rule.writes
    methods = methods or ("post",)
    valid = rule.kwargs(world)
    client = actors("manager")  # may read and change everything: only the id can fail
    for param in endpoint.params:
        for junk in _junk(endpoint, param):
            path = _with_query(endpoint.path(**{**valid, param: junk}), rule)
            for method in methods:
                response = send(client, method, path, api=api, headers=rule.headers)
                assert response.status_code == 404, (
                    f"manager {method.upper()} {path}: {response.status_code}"
                )


# ---------------------------------------------------------------------------------------
# The admin and the calendar feed

ADMIN = [e for e in ENDPOINTS if e.namespace == "admin" and e.name not in PUBLIC]


@pytest.mark.parametrize("endpoint", ADMIN, ids=lambda e: e.id)
def test_admin_is_for_staff_only(endpoint: Endpoint, world, actors):
    """Our actors are no staff: the admin sends every one of them to its login."""
    path = sample_path(endpoint)
    for actor in ("outsider", "manager"):
        response = actors(actor).get(path)
        assert response.status_code == 302, f"{actor} GET {path}: {response.status_code}"
        assert response.url.startswith(reverse("admin:login")), response.url


def test_calendar_feed_token(world, client, db):
    feed = world["feed"]
    assert client.get(reverse("events:feed", args=[feed.token])).status_code == 200
    for token in ("junk", "x" * 65, feed.token[:-1], feed.token.upper() + "A"):
        assert client.get(reverse("events:feed", args=[token])).status_code == 404, token


# ---------------------------------------------------------------------------------------
# The secrets check is not vacuous, and a write cannot point at what one may not read


SHOWN_ON = {
    # kind: (a reader, a page that shows the secret to them)
    "interaction": (
        "colleague",
        lambda w: reverse("relations:contact_detail", args=[w.pk("contact")]),
    ),
    "confidential": (
        "networker",
        lambda w: reverse("relations:contact_detail", args=[w.pk("contact")]),
    ),
    "followup": ("lead", lambda w: reverse("relations:contact_detail", args=[w.pk("contact")])),
    "import": ("networker", lambda w: reverse("transfer:import_start")),
}


@pytest.mark.parametrize("kind", SECRET_TEXT)
def test_secrets_are_shown_to_their_readers(kind, world, actors):
    reader, page = SHOWN_ON[kind]
    response = actors(reader).get(page(world))
    assert response.status_code == 200
    assert SECRET_TEXT[kind] in body_of(response), f"{reader} should see the {kind} there"


def test_an_unreadable_interaction_cannot_be_named_in_a_follow_up(world, actors):
    """The API's one reference to an object not everybody reads: refused as if missing."""

    def follow_up(interaction_id: int) -> dict:
        return {
            "contact": world.pk("contact"),
            "text": "Send the report",
            "due_on": timezone.localdate().isoformat(),
            "interaction": interaction_id,
        }

    for actor in ("outsider", "colleague"):
        client = actors(actor)
        before = snapshot()
        hidden = send(
            client,
            "post",
            reverse("followup-list"),
            api=True,
            data=follow_up(world.pk("confidential")),
        )
        missing = send(
            client, "post", reverse("followup-list"), api=True, data=follow_up(999999999)
        )
        assert hidden.status_code == missing.status_code == 400, hidden.content
        assert "interaction" in hidden.json()
        assert hidden.json() == {
            "interaction": [
                m.replace("999999999", str(world.pk("confidential")))
                for m in missing.json()["interaction"]
            ]
        }
        assert snapshot() == before


def test_anybody_proposes_a_guest_and_only_planners_decide(world, actors):
    """events:guest_add has no refusal to prove: any networker proposes (DESIGN §4)."""
    event, bert = world["event"], world["bert"]
    response = actors("outsider").post(
        reverse("events:guest_add", args=[event.pk]), {"contact": bert.pk}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(event=event, contact=bert)
    assert invitation.status == InvitationStatus.PROPOSED
    assert invitation.proposed_by == world["outsider"]
