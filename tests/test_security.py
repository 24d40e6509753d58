"""Hardening: login throttling, session lifetime, CSRF on every form, security headers, API
throttling.

Logins are counted per username and IP address together (django-axes): the fifth failure
locks that combination out for 15 minutes with a 429 page that says when to try again.
"""

import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from events.models import Encounter, Event
from relations.models import Contact, Interaction, Organisation, User
from stakeholders.models import StakeholderGroup

pytestmark = pytest.mark.django_db

PASSWORD = "pass-for-tests-123"  # make_user's
LOGIN = "/accounts/login/"


def attempt(
    client: Client, username: str, password: str = "wrong", ip: str = "203.0.113.7", **meta
):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **meta)


def fail(client: Client, username: str, times: int, **kwargs) -> list[int]:
    return [attempt(client, username, **kwargs).status_code for _ in range(times)]


def is_signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("relations:my_network")


# Login throttling


def test_the_fifth_failure_locks_out_with_a_page_that_says_when_to_try_again(client, networker):
    assert fail(client, "nina", 4) == [200, 200, 200, 200]  # the form says: wrong password

    response = attempt(client, "nina")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many login attempts" in html
    assert "Try again in 15 minutes" in html
    retry_at = timezone.localtime() + datetime.timedelta(minutes=15)
    assert retry_at.strftime("%H:") in html
    assert 'class="site-header"' in html  # the site's own page (base.html)
    assert response["Retry-After"] == "900"
    assert "registration/lockout.html" in [template.name for template in response.templates]


def test_a_locked_out_user_cannot_log_in_even_with_the_right_password(client, networker):
    fail(client, "nina", 5)

    response = attempt(client, "nina", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_username_and_address(client, networker, colleague):
    fail(client, "nina", 5, ip="203.0.113.7")

    # The same colleague elsewhere, and another colleague in the same office, log in.
    assert is_signed_in(attempt(Client(), "nina", PASSWORD, ip="198.51.100.20"))
    assert is_signed_in(attempt(Client(), "carl", PASSWORD, ip="203.0.113.7"))


def test_a_success_resets_the_count(client, networker):
    fail(client, "nina", 4)
    assert is_signed_in(attempt(client, "nina", PASSWORD))
    client.logout()

    assert fail(client, "nina", 4) == [200, 200, 200, 200]
    assert is_signed_in(attempt(Client(), "nina", PASSWORD))


def test_the_lockout_ends_after_15_minutes(client, networker):
    fail(client, "nina", 5)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1)
    )

    assert is_signed_in(attempt(client, "nina", PASSWORD))


def test_an_attempt_during_the_lockout_starts_the_wait_again(client, networker):
    fail(client, "nina", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))

    assert attempt(client, "nina").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    assert attempt(client, "nina", PASSWORD).status_code == 429


def test_axes_reset_lifts_the_lockout(client, networker):
    fail(client, "nina", 5)

    call_command("axes_reset", stdout=io.StringIO())

    assert is_signed_in(attempt(client, "nina", PASSWORD))


def test_the_admin_login_is_throttled_too(client, manager):
    manager.is_staff = True
    manager.save()
    url = reverse("admin:login")
    for _ in range(5):
        response = client.post(
            url, {"username": "manon", "password": "wrong"}, REMOTE_ADDR="203.0.113.7"
        )

    assert response.status_code == 429


def test_behind_a_proxy_the_forwarded_client_address_counts(client, networker, settings):
    # What BEHIND_PROXY=1 sets (tests/test_settings.py checks the settings resolve so).
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False
    proxy = "10.0.0.2"

    # A client that makes up addresses at the left of the header is still itself.
    for spoofed in ["192.0.2.1", "192.0.2.2", "", "192.0.2.3, 192.0.2.4", "not-an-ip"]:
        forwarded = f"{spoofed}, 203.0.113.7" if spoofed else "203.0.113.7"
        attempt(client, "nina", ip=proxy, HTTP_X_FORWARDED_FOR=forwarded)

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    assert (
        attempt(
            Client(), "nina", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"
        ).status_code
        == 429
    )
    # Colleagues behind the same proxy are not locked out with them.
    assert is_signed_in(
        attempt(Client(), "nina", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    )


def test_without_a_proxy_a_forwarded_header_is_ignored(client, networker):
    for number in range(5):
        attempt(client, "nina", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    assert attempt(client, "nina", PASSWORD).status_code == 429


def test_the_test_client_logs_in_when_given_a_request(client, networker):
    """AxesStandaloneBackend needs the request: tests pass one to client.login()."""
    assert client.login(request=HttpRequest(), username="nina", password=PASSWORD)
    assert client.get(reverse("relations:my_network")).status_code == 200


# Sessions


def test_a_session_lasts_eight_hours_from_the_login(client, networker):
    response = attempt(client, "nina", PASSWORD)

    assert is_signed_in(response)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 60 * 60
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"]
    session = Session.objects.get()
    lifetime = session.expire_date - timezone.now()
    assert datetime.timedelta(hours=7, minutes=59) < lifetime <= datetime.timedelta(hours=8)


def test_an_expired_session_is_signed_out(client, networker):
    attempt(client, "nina", PASSWORD)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(reverse("relations:my_network"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_requests_do_not_extend_the_session(client, networker):
    attempt(client, "nina", PASSWORD)
    expiry = Session.objects.get().expire_date

    client.get(reverse("relations:my_network"))
    client.get(reverse("relations:contact_list"))

    assert Session.objects.get().expire_date == expiry


# CSRF


class Forms(HTMLParser):
    """The POST forms of a page, each with the names of its inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._open = {"action": attrs.get("action"), "method": method, "inputs": set()}
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None:
            self._open["inputs"].add(attrs.get("name"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def post_forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return [form for form in parser.forms if form["method"] == "post"]


@pytest.fixture
def demo(db, settings):
    call_command("seed_demo", "--contacts", "15", "--seed", "3", stdout=io.StringIO())
    return User.objects.get(username="manager")


def key_pages() -> list[str]:
    contact = Contact.objects.filter(archived=False).order_by("pk").first()
    event = Encounter.objects.order_by("pk").first().event
    return [
        reverse("relations:my_network"),
        reverse("relations:contact_list"),
        reverse("relations:contact_create"),
        reverse("relations:contact_detail", args=[contact.pk]),
        reverse("relations:contact_edit", args=[contact.pk]),
        reverse("relations:organisation_detail", args=[Organisation.objects.first().pk]),
        reverse("relations:meeting_log"),
        reverse("relations:interaction_detail", args=[Interaction.objects.first().pk]),
        reverse("relations:followup_list"),
        reverse("relations:account"),
        reverse("stakeholders:group_detail", args=[StakeholderGroup.objects.first().pk]),
        reverse("events:event_detail", args=[event.pk]),
        reverse("events:event_create"),
        reverse("events:event_delete", args=[Event.objects.first().pk]),
        reverse("transfer:import_start"),
        reverse("password_change"),
    ]


def test_every_post_form_of_the_key_pages_carries_the_csrf_token(client, demo):
    client.force_login(demo)
    seen = 0
    for url in key_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for form in post_forms(html):
            assert "csrfmiddlewaretoken" in form["inputs"], f"{url}: form to {form['action']}"
            seen += 1
        # htmx requests (hx-post, hx-delete …) send the token as a header from <body>.
        assert re.search(r"""<body hx-headers='\{"X-CSRFToken": "[^"]+"\}'>""", html), url
    assert seen >= len(key_pages())  # every page has at least the log-out form


def test_the_login_form_carries_the_csrf_token(client):
    [form] = post_forms(client.get(LOGIN).content.decode())

    assert "csrfmiddlewaretoken" in form["inputs"]


def test_a_post_without_the_token_is_refused(demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo)

    response = client.post(reverse("relations:contact_create"), {"first_name": "Zoë Csrf"})

    assert response.status_code == 403
    assert not Contact.objects.filter(first_name="Zoë Csrf").exists()


def test_a_login_without_the_token_is_refused(networker):
    client = Client(enforce_csrf_checks=True)

    response = attempt(client, "nina", PASSWORD)

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_post_with_the_token_passes(demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo)
    client.get(reverse("relations:contact_create"))  # sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.post(
        reverse("relations:contact_create"),
        {"first_name": "Zoë Csrf", "cadence_days": 90, "owner": demo.pk, "legal_basis": "consent"},
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 302
    assert Contact.objects.filter(first_name="Zoë Csrf").exists()


def test_the_api_with_a_session_needs_the_token_too(networker):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(networker)

    response = client.post("/api/v1/contacts/", {"first_name": "Eva"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# Security headers


def test_html_pages_carry_the_security_headers(client_for, networker):
    response = client_for(networker).get(reverse("relations:my_network"))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(
        (directive.split(" ", 1) + [""])[:2]
        for directive in (part.strip() for part in response["Content-Security-Policy"].split(";"))
        if directive
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].startswith("'self'")  # and the page's nonce, when it has one
    assert "unsafe-inline" not in policy["script-src"]
    assert "unsafe-eval" not in policy["script-src"]
    assert "unsafe-inline" not in policy["style-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


def test_the_login_and_lockout_pages_carry_them_too(client, networker):
    for response in [client.get(LOGIN), *[attempt(client, "nina") for _ in range(5)][-1:]]:
        assert response["X-Frame-Options"] == "DENY"
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_https_responses_carry_hsts_in_production(client_for, networker, settings):
    # The production values (tests/test_settings.py checks DEBUG=0 resolves to them).
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = client_for(networker).get(reverse("relations:my_network"), secure=True)

    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


# API throttling


def test_the_api_throttles_requests_without_a_user(monkeypatch, db):
    """What anybody may fetch (the schema: costly to build) is throttled per address."""
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    client = APIClient()

    answers = [client.get("/api/schema/?format=json").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    # Elsewhere the permission check answers first: not signed in is a 401 anyway.
    assert client.get("/api/v1/contacts/").status_code == 401


def test_the_api_throttles_a_user_generously(monkeypatch, networker):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "5/minute")
    client = APIClient()
    client.force_authenticate(networker)

    answers = [client.get("/api/v1/contacts/").status_code for _ in range(6)]

    assert answers == [200] * 5 + [429]
    throttled = client.get("/api/v1/contacts/")
    assert int(throttled["Retry-After"]) > 0
    assert "throttled" in throttled.json()["detail"].lower()


def test_the_api_throttle_rates(db):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates == {"anon": "60/minute", "user": "1200/minute"}
