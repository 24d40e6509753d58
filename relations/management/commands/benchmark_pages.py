"""Time the main pages in-process: the network manager's dashboard as the network
manager, everything else as a networker.

Besides the contact pages: the stakeholder map, the event year, the biggest coming
event (guest list and encounter plan) and the calendar feed of the colleague with the
most encounters. A dashboard or event page whose URL does not exist yet is skipped
with a note; once it exists, anything but a 200 is an error, as for every page.

`--ensure-contacts N` (as `make bench` runs it) first makes sure the database holds the
large demo: an empty database is migrated and seeded with N contacts, one that already
holds at least N contacts is migrated and used as it is, and any other is refused, never
wiped.

Uses Django's test Client (no web server, no network), so the figures are the
view, selectors, template and database work of one request. Run it on a seeded
database (`seed_demo --contacts 50000`) with DEBUG=False for figures close to
production: with DEBUG on, every query is also logged.
"""

import datetime
import math
import statistics
import time
import warnings

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from relations import demo_data, permissions
from relations.models import Contact, Interaction, User

DASHBOARD_URL_NAME = "network_manager:dashboard"
DASHBOARD_LABEL = "network manager dashboard"


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class Command(BaseCommand):
    help = (
        "Request the network manager's dashboard as the network manager, and the contact "
        "list (plain, searched, filtered by warmth), a busy contact's detail page, My "
        "network, the stakeholder pages, the event year, the biggest coming event and a busy "
        "calendar feed as a networker; print median and p95 time and the number of SQL "
        "queries per page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20, help="Timed requests per page.")
        parser.add_argument("--warmup", type=int, default=2, help="Untimed requests first.")
        parser.add_argument("--user", default="nina", help="Username of the networker.")
        parser.add_argument(
            "--manager",
            default=demo_data.MANAGER[0],
            help="Username of the network manager who opens the dashboard (default %(default)s).",
        )
        parser.add_argument("--search", default="jansen", help="Search term for the list.")
        parser.add_argument("--warmth", default="cooling", help="Warmth filter for the list.")
        parser.add_argument(
            "--ensure-contacts",
            type=int,
            metavar="N",
            help="First migrate and seed an empty database with N contacts (seed_demo), or "
            "use one that holds at least N; refuse a database holding anything else.",
        )

    def handle(
        self,
        *args,
        runs: int,
        warmup: int,
        user: str,
        manager: str,
        search: str,
        warmth: str,
        ensure_contacts: int | None,
        **opts,
    ):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        if ensure_contacts is not None:
            self.ensure_demo(ensure_contacts)
        networker = User.objects.filter(username=user, is_active=True).first()
        if networker is None:
            raise CommandError(
                f"No active user {user!r}. Load demo data first: manage.py seed_demo."
            )
        contact, n_interactions = self.busiest_contact(networker)
        try:
            list_url = reverse("relations:contact_list")
            pages = [
                ("contact list", list_url),
                (f"contact list, search {search!r}", f"{list_url}?q={search}"),
                (f"contact list, warmth={warmth}", f"{list_url}?warmth={warmth}"),
                (
                    f"contact detail ({n_interactions} visible interactions)",
                    reverse("relations:contact_detail", args=[contact.pk]),
                ),
                ("my network", reverse("relations:my_network")),
                *self.stakeholder_pages(),
                *self.event_pages(),
            ]
        except NoReverseMatch as error:
            raise CommandError(f"A page to benchmark has no URL yet: {error}") from error
        pages = [(label, url, networker) for label, url in pages]
        head = None
        try:
            dashboard_url = reverse(DASHBOARD_URL_NAME)
        except NoReverseMatch:
            self.stdout.write(
                f"Skipped {DASHBOARD_LABEL}: no URL named {DASHBOARD_URL_NAME!r} yet."
            )
        else:
            head = User.objects.filter(username=manager, is_active=True).first()
            if head is None:
                raise CommandError(
                    f"No active user {manager!r} to open the dashboard as (--manager). "
                    "Load demo data first: manage.py seed_demo."
                )
            pages.insert(0, (DASHBOARD_LABEL, dashboard_url, head))

        # Static URLs without a collected manifest (nor WhiteNoise's warning about the
        # missing STATIC_ROOT): the timings concern views and queries.
        with (
            warnings.catch_warnings(),
            override_settings(
                STORAGES={
                    **settings.STORAGES,
                    "staticfiles": {
                        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
                    },
                }
            ),
        ):
            warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
            results = self.measure(pages, runs=runs, warmup=warmup)
        self.report(networker, head, results, runs=runs, warmup=warmup)

    def ensure_demo(self, n_contacts: int) -> None:
        """Leave a database holding at least n contacts as it is (migrated), seed an empty
        one; refuse anything else rather than wipe somebody's data."""
        if n_contacts < 1:
            raise CommandError("--ensure-contacts must be at least 1.")
        where = self.database_name()
        tables = set(connection.introspection.table_names())
        if Contact._meta.db_table in tables:
            held = Contact.objects.count()
            if held >= n_contacts:
                self.stdout.write(
                    f"{where} already holds {held:,} contacts (at least {n_contacts:,}): "
                    "not seeding again."
                )
                call_command("migrate", interactive=False, verbosity=0)
                return
            if held or User.objects.exists():
                holds = f"{held:,} contacts, fewer than {n_contacts:,}" if held else "users"
                raise CommandError(
                    f"{where} holds {holds}: the benchmark will not wipe it. Point "
                    "DATABASE_URL at an empty database (it is migrated and seeded once) or at "
                    f"one seeded with seed_demo --contacts {n_contacts}."
                )
        elif tables:
            raise CommandError(
                f"{where} holds {len(tables)} tables but none of this application's: the "
                "benchmark will not touch it. Point DATABASE_URL at an empty database."
            )
        self.stdout.write(f"{where} is empty: migrating and seeding {n_contacts:,} contacts.")
        call_command("migrate", interactive=False, verbosity=0)
        call_command(
            "seed_demo", contacts=n_contacts, verbosity=2, stdout=self.stdout, stderr=self.stderr
        )

    def database_name(self) -> str:
        settings_dict = connection.settings_dict
        host = settings_dict.get("HOST")
        return f"The {connection.vendor} database {str(settings_dict['NAME'])!r}" + (
            f" on {host}" if host else ""
        )

    def measure(self, pages, *, runs: int, warmup: int):
        clients: dict[int, Client] = {}
        results = []
        for label, url, user in pages:
            if user.pk not in clients:
                clients[user.pk] = self.client_for(user)
            client = clients[user.pk]
            for _ in range(max(1, warmup)):
                self.get(client, label, url)
            # Each request clears connection.queries (request_started); start from empty so
            # that the captured slice is this request's queries.
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                self.get(client, label, url)
            n_queries = len(queries)
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                self.get(client, label, url)
                timings.append((time.perf_counter() - started) * 1000)
            results.append((label, statistics.median(timings), p95(timings), n_queries))
        return results

    def report(self, networker: User, head: User | None, results, *, runs: int, warmup: int):
        as_whom = f"as {networker.username}"
        if head is not None:
            as_whom += f" (the dashboard as {head.username})"
        self.stdout.write(
            f"Database: {connection.vendor} {str(connection.settings_dict['NAME'])!r}; "
            f"{Contact.objects.count():,} contacts, "
            f"{Interaction.objects.count():,} interactions; {as_whom}; "
            f"{runs} timed runs per page after {max(1, warmup)} warm-up; "
            f"DEBUG={settings.DEBUG}"
        )
        width = max(len(label) for label, *_ in results)
        self.stdout.write(f"{'page':<{width}}  {'median ms':>9}  {'p95 ms':>8}  {'queries':>7}")
        for label, median, high, n_queries in results:
            self.stdout.write(f"{label:<{width}}  {median:>9.1f}  {high:>8.1f}  {n_queries:>7}")
        if settings.DEBUG:
            self.stdout.write(
                self.style.WARNING("DEBUG is on (queries are logged); DEBUG=False is faster.")
            )

    def stakeholder_pages(self) -> list[tuple[str, str]]:
        # A local import on purpose: relations must not depend on stakeholders, but this
        # command measures the product's main pages, and the stakeholder map is one of them.
        from stakeholders.models import StakeholderGroup
        from stakeholders.selectors import member_contacts

        pages = [
            ("stakeholder groups", reverse("stakeholders:group_list")),
            ("power/interest grid", reverse("stakeholders:grid")),
        ]
        biggest = max(
            StakeholderGroup.objects.all(),
            key=lambda group: member_contacts(group.pk).count(),
            default=None,
        )
        if biggest is not None:
            members = member_contacts(biggest.pk).count()
            pages.append((f"group detail ({members} member contacts)", biggest.get_absolute_url()))
        return pages

    def event_pages(self) -> list[tuple[str, str]]:
        # A local import on purpose, as for the stakeholder pages.
        from django.utils import timezone

        from events import selectors as event_selectors
        from events import services as event_services
        from events.models import Encounter, Event

        pages = []

        def add(label: str, name: str, *args) -> None:
            try:
                pages.append((label, reverse(name, args=args)))
            except NoReverseMatch:
                self.stdout.write(f"Skipped {label}: no URL named {name!r} yet.")

        year = timezone.localdate().year
        add(f"event year {year}", "events:year", year)
        biggest = (
            Event.objects.filter(starts_at__gt=timezone.now())
            .annotate(guests=Count("invitations", distinct=True))
            .order_by("-guests", "starts_at", "pk")
            .first()
        )
        if biggest is not None:
            encounters = biggest.encounters.count()
            label = f"event detail ({biggest.guests} guests, {encounters} encounters)"
            add(label, "events:event_detail", biggest.pk)
        since = timezone.now() - datetime.timedelta(days=event_selectors.FEED_PAST_DAYS)
        busiest = (
            Encounter.objects.filter(starts_at__gte=since, colleague__is_active=True)
            .values("colleague")
            .annotate(n=Count("pk"))
            .order_by("-n", "colleague")
            .first()
        )
        if busiest is not None:
            colleague = User.objects.get(pk=busiest["colleague"])
            # Reuse the colleague's feed: a new token would break a subscribed calendar.
            feed = event_selectors.feed_of(user=colleague)
            if feed is None:
                feed = event_services.feed_token_regenerate(user=colleague)
            label = f"calendar feed ({colleague.username}, {busiest['n']} encounters)"
            add(label, "events:feed", feed.token)
        return pages

    def busiest_contact(self, user: User) -> tuple[Contact, int]:
        """The contact with the most interactions this user may read (a long timeline)."""
        through = Interaction.contacts.through
        busiest = (
            through.objects.filter(interaction__in=permissions.visible_interactions(user))
            .values("contact_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "contact_id")
            .first()
        )
        if busiest is not None:
            return Contact.objects.get(pk=busiest["contact_id"]), busiest["n"]
        contact = Contact.objects.order_by("pk").first()
        if contact is None:
            raise CommandError("No contacts. Load demo data first: manage.py seed_demo.")
        return contact, 0

    def client_for(self, user: User) -> Client:
        hosts = settings.ALLOWED_HOSTS
        host = "testserver"
        if "*" not in hosts and host not in hosts and hosts:
            host = hosts[0].lstrip(".")
        client = Client(HTTP_HOST=host)
        client.force_login(user)
        return client

    def get(self, client: Client, label: str, url: str):
        try:
            # Behind SECURE_SSL_REDIRECT a plain request would only get its redirect.
            response = client.get(url, secure=settings.SECURE_SSL_REDIRECT)
        except Exception as error:
            raise CommandError(f"{label}: GET {url} raised {error!r}") from error
        if response.status_code != 200:
            where = response.get("Location", "")
            raise CommandError(
                f"{label}: GET {url} answered {response.status_code}"
                + (f" (redirect to {where})" if where else "")
                + "; expected 200."
            )
        return response
