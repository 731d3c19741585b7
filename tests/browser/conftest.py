"""Real-browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Chromium comes from Debian (``apt-get install chromium``), never from ``playwright install``: the pip package
only brings Playwright's driver. Without /usr/bin/chromium the tests skip, except under CI (CI=true), where a
missing browser fails the run.

The live server runs in a thread of the test process, so the tests need the transactional database (the
``live_server`` fixture asks for it): data the test writes is committed and seen by the server, and the
tables are flushed afterwards. The flush also removes the reference data that migrations seeded (penalty
rules, credit schemes, ...), so the tests use serialized rollback: the migrated database is serialized once
and loaded back before each browser test. Under xdist each worker has its own test database and its own
live server on a free port.
"""

import importlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse

from tests.enforcement.conftest import CaseDriver, certified_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "pw-for-tests-123"  # tests.factories.UserFactory's
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "browser"


def _browser_missing() -> str:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError:
        return "the playwright package is missing: pip install -e '.[dev]'"
    return ""


def pytest_collection_modifyitems(config, items):
    # Skip at collection, before any database is set up for them; in CI the ``browser`` fixture fails instead.
    missing = _browser_missing()
    if missing and os.environ.get("CI") != "true":
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(pytest.mark.skip(reason=missing))


@dataclass
class Browser:
    """One Chromium for the test; ``as_user(user)`` gives a page in a fresh context logged in as ``user``."""

    browser: object
    base_url: str
    name: str
    errors: list[str] = field(default_factory=list)
    shots: int = 0

    def page(self, *, locale="zh-CN"):
        context = self.browser.new_context(
            base_url=self.base_url, locale=locale, viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("console", self._console)
        return page

    def _console(self, message):
        # A script blocked by the CSP or a JavaScript error shows here; a 404 the test asked for does not count.
        text = message.text
        if message.type == "error" and "Failed to load resource" not in text:
            self.errors.append(f"console: {text}")

    def as_user(self, user, **kwargs):
        page = self.page(**kwargs)
        page.goto(reverse("login"))
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("#login-submit")
        assert "/accounts/login/" not in page.url, f"{user.username} could not log in"
        return page

    def screenshot(self, page, label: str) -> Path:
        """A full-page screenshot in var/browser/ (kept by CI), named after the test and the step."""
        self.shots += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{self.shots:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def browser(request, live_server, django_db_serialized_rollback, monkeypatch):
    """A headless Chromium against the live server, for one test.

    The server's request threads close their database connection after each request (CONN_MAX_AGE 0, in
    the settings dict every thread's connection shares) rather than when the browser's keep-alive socket
    closes: no server connection is left open when PostgreSQL drops the test database at the end.

    Playwright's sync API runs an asyncio event loop in this thread from ``start()`` to ``stop()``, and Django
    refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation): the guard is meant for
    coroutines, but here the loop is only Playwright's dispatcher and every ORM call in the test body is plain
    blocking code between two browser steps. So DJANGO_ALLOW_ASYNC_UNSAFE is set only while this test's
    Playwright runs, and removed before the database is flushed. The live server's own thread has no loop.
    While the loop runs, Django's per-thread connection storage (asgiref's Local) hands this thread a second
    connection; it is closed before Playwright stops, or it would stay open past the test.
    """
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name.removeprefix("test_"))
        yield Browser(chromium, live_server.url, name)
        chromium.close()
    finally:
        connections.close_all()  # the connections opened while Playwright's loop ran (see above)
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def no_page_errors(browser):
    """Fails the test if a page raised a JavaScript error or the console reported one (e.g. a CSP block)."""
    yield
    assert not browser.errors, browser.errors


@pytest.fixture
def driver(org, cast, rules, b01_institution):
    officer2 = certified_user("b01_officer2", [("officer", org.b01)], "CERT-B01-0002")
    return CaseDriver(org, cast, officer2, rules, b01_institution)


@pytest.fixture
def rules(transactional_db):
    from enforcement.rules.models import PenaltyRule

    return {rule.code: rule for rule in PenaltyRule.objects.all()}


def pick(page, select_id: str, text: str) -> None:
    """Choose in a type-ahead picker (Tom Select over ``<select id=select_id>``): type ``text``, wait for the
    portal's search to answer, take the first match."""
    control = page.locator(f"#{select_id}-ts-control")
    control.click()
    control.fill(text)
    option = page.locator(f"#{select_id}-ts-dropdown .option", has_text=text).first
    option.wait_for()
    option.click()
