"""Browser tests: Chromium driven through Playwright's sync API against pytest-django's live server.

The browser is started once per session; every test gets fresh contexts (no shared cookies), a
`store` helper that walks the site the way a person does (by visible labels), and a `mailbox` that
reads the development outbox. Full-page screenshots of the key steps land in test-artifacts/<test>/,
plus one of every open page when a test fails.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Generous for a cold server thread, short enough that a missing label fails fast.
TIMEOUT_MS = 10_000
VIEWPORT = {"width": 1280, "height": 900}

# Screenshots go to <project>/test-artifacts/<test name>/ (the folder is ignored by git).
ARTIFACTS_DIR = "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item so fixtures can tell a failure at teardown.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"The browser tests drive Debian's Chromium at {CHROMIUM}; install the chromium package.")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings, transactional_db) -> str:
    """The live server's address, with the settings the flows need."""
    # The development outbox only exists with DEBUG on; links in emails point to SITE_URL.
    settings.DEBUG = True
    settings.SITE_URL = live_server.url
    return live_server.url


def label(text: str) -> re.Pattern[str]:
    """A form field's label as shown: the text, then the "*" of a required field, nothing else."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$", re.IGNORECASE)


class Mailbox:
    """The development outbox (/dev/outbox/), read the way a person reads their mail: newest first."""

    def __init__(self, base_url: str) -> None:
        self.url = f"{base_url}/dev/outbox/"

    def open(self, page: Page) -> None:
        page.goto(self.url)
        expect(page.get_by_role("heading", name="Development outbox")).to_be_visible()

    def emails(self, page: Page, to: str, subject: str | re.Pattern[str] = "") -> Locator:
        """The emails to that exact address (and with that subject), newest first."""
        found = page.get_by_role("article").filter(has=page.get_by_text(to, exact=True))
        if subject:
            found = found.filter(has_text=subject)
        return found

    def latest(self, page: Page, to: str, subject: str | re.Pattern[str]) -> Locator:
        self.open(page)
        email = self.emails(page, to, subject).first
        expect(email).to_be_visible()
        return email

    def follow_link(self, page: Page, to: str, subject: str | re.Pattern[str]) -> None:
        """Open the newest such email and click the web link in its body (addresses are mailto links)."""
        email = self.latest(page, to, subject)
        links = email.get_by_role("link", name=re.compile(r"^https?:\/\/"))
        expect(links).to_have_count(1)
        links.click()
        page.wait_for_load_state()

    def code(self, page: Page, to: str) -> str:
        """The six-digit code of the newest code email to that address."""
        body = self.latest(page, to, "your code is").inner_text()
        match = re.search(r"Your code is (\d{6})", body)
        assert match, f"no code in the email: {body!r}"
        return match.group(1)


class Store:
    """Walks the store like a person: the first page by its address, everything else by its labels."""

    label = staticmethod(label)

    def __init__(self, base_url: str, browser: Browser, shots: Path) -> None:
        self.base_url = base_url
        self.browser = browser
        self.shots = shots
        self.contexts: list[BrowserContext] = []
        self._shot_count = 0

    # --- pages and screenshots ------------------------------------------------------------------

    def new_page(self) -> Page:
        """A page in a fresh browser context: its own cookies, as if another person's browser."""
        context = self.browser.new_context(viewport=VIEWPORT, locale="en-US")
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        return context.new_page()

    def start(self, page: Page | None = None) -> Page:
        """Open the store's home page: the one page reached by typing its address."""
        page = page or self.new_page()
        page.goto(f"{self.base_url}/")
        return page

    def shot(self, page: Page, name: str) -> Path:
        self._shot_count += 1
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{self._shot_count:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    # --- header ---------------------------------------------------------------------------------

    @staticmethod
    def header(page: Page) -> Locator:
        return page.get_by_role("navigation", name="Main")

    def sign_in(self, page: Page, login: str, password: str) -> None:
        """From any page: the header's "Sign in", then user id or email and password."""
        if not page.get_by_role("heading", name="Sign in", exact=True).is_visible():
            self.header(page).get_by_role("link", name="Sign in").click()
        self.fill_sign_in(page, login, password)

    @staticmethod
    def fill_sign_in(page: Page, login: str, password: str) -> None:
        expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
        page.get_by_label(label("User ID or email")).fill(login)
        page.get_by_label(label("Password")).fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_load_state()

    def expect_signed_in_as(self, page: Page, name: str) -> None:
        header = self.header(page)
        expect(header.get_by_role("button", name="Sign out")).to_be_visible()
        expect(header).to_contain_text(name)

    def expect_signed_out(self, page: Page) -> None:
        header = self.header(page)
        expect(header.get_by_role("link", name="Sign in")).to_be_visible()
        expect(header.get_by_role("button", name="Sign out")).to_have_count(0)
        expect(header.get_by_text("MY ACCOUNT")).to_have_count(0)

    def sign_out(self, page: Page) -> None:
        self.header(page).get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
        self.expect_signed_out(page)

    def my_account(self, page: Page, item: str) -> None:
        """MY ACCOUNT, then one of its entries."""
        header = self.header(page)
        header.get_by_text("MY ACCOUNT", exact=True).click()
        header.get_by_role("link", name=item, exact=True).click()
        page.wait_for_load_state()

    @staticmethod
    def expect_message(page: Page, text: str | re.Pattern[str]) -> None:
        """A message at the top of the page that reads so (it may say more)."""
        messages = page.get_by_role("status")
        try:
            expect(messages.filter(has_text=text)).to_be_visible()
        except AssertionError as exc:
            raise AssertionError(f"no message {text!r}; the page shows {messages.all_inner_texts()!r}") from exc

    # --- parts of pages -------------------------------------------------------------------------

    @staticmethod
    def section(page: Page, heading: str) -> Locator:
        """The card of the page with that heading."""
        return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))

    @staticmethod
    def contact_row(page: Page, cell: str) -> Locator:
        """The contact list's row with a cell that reads exactly so (its user id, say)."""
        return page.get_by_role("row").filter(has=page.get_by_role("cell", name=cell, exact=True))


@pytest.fixture
def store(request, site, browser) -> Iterator[Store]:
    shots = request.config.rootpath / ARTIFACTS_DIR / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    helper = Store(site, browser, shots)
    # Only this run's screenshots in the test's folder.
    shutil.rmtree(helper.shots, ignore_errors=True)
    yield helper
    failed = any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False) for when in ("setup", "call")
    )
    for n, context in enumerate(helper.contexts):
        if failed:
            for m, page in enumerate(context.pages):
                try:
                    helper.shots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(helper.shots / f"failed-context{n}-page{m}.png"), full_page=True)
                except Exception:  # a screenshot must never hide the test's own failure
                    pass
        context.close()


@pytest.fixture
def mailbox(site) -> Mailbox:
    return Mailbox(site)
