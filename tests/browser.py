"""Headless Chromium for the browser tests: Debian's Chromium driven by Playwright's sync API
(no browser download), on a desktop and a phone viewport, recording CSP errors.

Screenshots land in test-artifacts/browser/ for a person to look at.
"""

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "browser"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 375, "height": 812},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def open_page(chromium_path: str, size_name: str, monkeypatch) -> Iterator:
    """A fresh browser page; `page.csp_errors` collects Content-Security-Policy violations."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM
    # calls (not the live server's) are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(**VIEWPORTS[size_name])
        page = context.new_page()
        page.set_default_timeout(10_000)
        csp_errors: list[str] = []
        page.on(
            "console",
            lambda msg: (
                csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        page.csp_errors = csp_errors
        page.size_name = size_name
        try:
            yield page
        finally:
            # While Playwright's event loop runs, the test's own ORM calls use a connection of
            # their own (Django keeps connections per async context): close it here, or the
            # test database cannot be dropped at the end of the session.
            connections.close_all()
            context.close()
            browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def browser_page(request, chromium_path, monkeypatch):
    """The test runs twice: on a desktop and on a phone."""
    with open_page(chromium_path, request.param, monkeypatch) as page:
        yield page


@pytest.fixture
def phone_page(chromium_path, monkeypatch):
    with open_page(chromium_path, "phone", monkeypatch) as page:
        yield page


def shot(page, name: str) -> None:
    """A full-page screenshot named `<name>.png` in test-artifacts/browser/."""
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
