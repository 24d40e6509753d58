"""Load test: networkers of the demo data use My network, the contact list and log-a-meeting;
one user in ten is the network manager or a team lead opening their dashboard.

Run it with `make loadtest` (loadtest/run starts gunicorn on 127.0.0.1:8055 and runs
locust headless). Each simulated user logs in once, as one of the demo users in turn.

At the end it prints throughput and the 95th percentile per endpoint; any failed request
(an error status, a login page instead of the page, a meeting not logged) fails the run.
"""

import itertools
import random
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from relations.demo_data import DEMO_PASSWORD, MANAGER, TEAMS  # noqa: E402

NETWORKERS = [username for _team, _lead, members in TEAMS for username, _first, _last in members]
_next_networker = itertools.cycle(NETWORKERS)
# The organisation-wide dashboard and each team lead's.
_next_steerer = itertools.cycle([MANAGER[0], *(lead for _team, lead, _members in TEAMS)])

LOGIN = "/accounts/login/"
MY_NETWORK = "/"
DASHBOARD = "/network/"
CONTACTS = "/contacts/"
MEETING = "/meetings/new/"

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONTACT_LINK = re.compile(r'href="/contacts/(\d+)/"')
PARTICIPANTS = re.compile(r'<select name="our_participants"[^>]*>(.*?)</select>', re.S)
SELECTED = re.compile(r'<option value="(\d+)" selected>')
OCCURRED_ON = re.compile(r'name="occurred_on" value="([\d-]+)"')


def _first(pattern: re.Pattern, text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


@events.init.add_listener
def _only_localhost(environment, **kwargs) -> None:
    host = urlparse(environment.host or "").hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"The load test only runs against this machine, not {environment.host}")


class Networker(HttpUser):
    weight = 9
    wait_time = between(0.5, 1.5)

    def next_username(self) -> str:
        return next(_next_networker)

    def on_start(self) -> None:
        self.username = self.next_username()
        self.contact_ids: list[str] = []
        form = self.client.get(LOGIN, name="login (form)")
        with self.client.post(
            LOGIN,
            {
                "username": self.username,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": _first(CSRF, form.text) or "",
            },
            headers={"Referer": self.host + LOGIN},
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login as {self.username}: {response.status_code}")

    def _page(self, path: str, name: str) -> str:
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
            elif 'name="password"' in response.text:
                response.failure("the login page instead of the page")
            return response.text

    @task(3)
    def my_network(self) -> None:
        self._page(MY_NETWORK, "my network")

    @task(3)
    def contact_list(self) -> None:
        page = self._page(CONTACTS, "contact list")
        self.contact_ids = CONTACT_LINK.findall(page) or self.contact_ids

    @task(1)
    def log_a_meeting(self) -> None:
        if not self.contact_ids:
            self.contact_list()
        form = self._page(MEETING, "log a meeting (form)")
        participants = _first(PARTICIPANTS, form) or ""
        data = {
            "csrfmiddlewaretoken": _first(CSRF, form) or "",
            "kind": "coffee",
            "occurred_on": _first(OCCURRED_ON, form) or "",
            "our_participants": SELECTED.findall(participants),
            "contacts": [random.choice(self.contact_ids)] if self.contact_ids else [],
            "summary": "Load test: talked about the regional energy plan",
        }
        with self.client.post(
            MEETING,
            data,
            headers={"Referer": self.host + MEETING},
            allow_redirects=False,
            name="log a meeting (POST)",
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith(CONTACTS):
                response.failure(f"not logged: {response.status_code} {location}")


class Steerer(Networker):
    """The network manager or a team lead: a networker too, who opens the dashboard most."""

    weight = 1

    def next_username(self) -> str:
        return next(_next_steerer)

    @task(4)
    def dashboard(self) -> None:
        self._page(DASHBOARD, "dashboard")


@events.quitting.add_listener
def _report(environment, **kwargs) -> None:
    stats = environment.stats
    rows = sorted(stats.entries.values(), key=lambda entry: entry.name)
    width = max([len(entry.name) for entry in rows] + [len("total")])
    print()
    print(f"{'endpoint':<{width}}  {'requests':>8}  {'errors':>6}  {'req/s':>7}  {'p95 ms':>7}")
    for entry in [*rows, stats.total]:
        name = "total" if entry is stats.total else entry.name
        print(
            f"{name:<{width}}  {entry.num_requests:>8}  {entry.num_failures:>6}  "
            f"{entry.total_rps:>7.1f}  {entry.get_response_time_percentile(0.95):>7.0f}"
        )
    for error in stats.errors.values():
        print(f"ERROR {error.occurrences}x {error.method} {error.name}: {error.error}")
    if stats.total.num_failures or stats.errors:
        print(f"FAILED: {stats.total.num_failures} failed requests")
        environment.process_exit_code = 1
    elif not stats.total.num_requests:
        print("FAILED: no requests made")
        environment.process_exit_code = 1
