"""Real-browser tests: Playwright drives Debian's chromium against pytest-django's live
server on PostgreSQL. One browser for the session, a context (its own cookies) per user.

Every page a journey visits passes axe-core with no serious or critical violation, and is
saved as a screenshot at desktop (1280 px) and phone (390 px) widths under ``screenshots/``
(git-ignored) for review. Without /usr/bin/chromium the tests are skipped; CI installs it
(.ci/run)."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import axe_playwright_python
import pytest
from django.conf import settings
from django.utils import timezone

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
PASSWORD = "correct-horse-battery-staple"  # tests.factories.UserFactory's
DESKTOP, PHONE = 1280, 390
#: axe-core's impacts that fail a page (WCAG 2.1 AA is the law's level).
FAILING = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip(
            "chromium is not installed (/usr/bin/chromium): apt-get install chromium; "
            "CI installs it (.ci/run)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread for the whole session;
    # Django's ORM (the database setup and each test's own data, in the same thread) refuses
    # to run beside a running loop unless told it may.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        yield launched
        launched.close()


class Clock:
    """``timezone.now`` moved by the test (the live server runs in this process, so its
    pages, the services, the selectors and viewflow's timers all read it); time goes on
    running from where it is set."""

    def __init__(self, monkeypatch):
        self._real = timezone.now
        self.offset = dt.timedelta(0)
        monkeypatch.setattr(timezone, "now", lambda: self._real() + self.offset)

    def to(self, day: dt.date, hour: int = 9) -> None:
        target = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
        self.offset = target - self._real()

    @property
    def today(self) -> dt.date:
        return timezone.localdate(timezone.now())


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


#: axe-core as axe-playwright-python ships it. Injected once per document: Turbo keeps the
#: window (and axe in it) from one page to the next.
AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")
#: The rules of WCAG 2.0 and 2.1, levels A and AA (the law's level).
AXE_RUN = """() => axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  resultTypes: ['violations'],
}).then(results => results.violations)"""


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate(AXE_RUN)


#: Waits (at most a second) for the page's finite animations and transitions to end.
ANIMATIONS_DONE = """() => Promise.race([
  Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
    .map(a => a.finished.catch(() => null))),
  new Promise(resolve => setTimeout(resolve, 1000)),
])"""


#: The tables that scroll sideways within the page: a list must be read on a phone without
#: it (its rows stack into cards, .sf-stack). The statistics' cross tables alone scroll, their
#: row headers beside their figures.
LISTS_SCROLLED = """() => [...document.querySelectorAll('table:not(.stat-table)')]
  .filter(table => table.scrollWidth > table.clientWidth + 1
    || table.getBoundingClientRect().width > document.documentElement.clientWidth)
  .map(table => table.getAttribute('aria-label') || table.className)"""


class Visit:
    """What a journey does on each page it reaches: check it with axe-core and keep its
    screenshots."""

    def __init__(self, journey: str):
        self.journey = journey
        self.count = 0
        self.folder = SCREENSHOTS / journey
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.overflow: list[str] = []

    def __call__(self, page, name: str, *, shot: bool = True) -> None:
        """axe-core on ``page``; its screenshots too where it is one of the journey's key
        pages (``shot``)."""
        page.wait_for_function(SETTLED)
        page.evaluate(ANIMATIONS_DONE)  # a message fading in has no contrast yet
        failing = [
            violation for violation in axe_violations(page) if violation["impact"] in FAILING
        ]
        assert not failing, f"axe on {name} ({page.url}):\n" + "\n".join(
            f"  {v['impact']} {v['id']}: {v['help']} – "
            + "; ".join(node["html"][:160] for node in v["nodes"][:3])
            for v in failing
        )
        self.count += 1
        if not shot:
            return
        stem = f"{self.count:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"
        height = page.viewport_size["height"]
        page.screenshot(path=self.folder / f"{stem}-{DESKTOP}.png", full_page=True)
        page.set_viewport_size({"width": PHONE, "height": 844})
        # Measured once the page has laid itself out again at the phone's width (two frames).
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > PHONE:
            self.overflow.append(f"{stem}: {width} px wide at {PHONE} px")
        scrolled = page.evaluate(LISTS_SCROLLED)
        page.screenshot(path=self.folder / f"{stem}-{PHONE}.png", full_page=True)
        page.set_viewport_size({"width": DESKTOP, "height": height})
        # A social worker on a phone reads the page without scrolling it sideways, and a
        # list's rows (person, phase, next date) without scrolling the list.
        assert width <= PHONE, f"{name} ({page.url}) is {width} px wide at {PHONE} px"
        assert not scrolled, (
            f"{name} ({page.url}): a list scrolls sideways at {PHONE} px: {scrolled}"
        )

    def write_report(self) -> None:
        (self.folder / "overflow.txt").write_text(
            "\n".join(self.overflow) + ("\n" if self.overflow else ""), encoding="utf-8"
        )


@pytest.fixture
def visit(request) -> Iterator[Visit]:
    journey = request.node.name.removeprefix("test_")
    checker = Visit(journey)
    yield checker
    checker.write_report()


@pytest.fixture
def log_in(browser, live_server):
    """``log_in(user)``: a new page in a context of its own (Swedish browser), logged in as
    ``user`` through the login form."""
    contexts = []

    def open_as(user, *, password: str = PASSWORD):
        context = browser.new_context(
            base_url=live_server.url,
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            viewport={"width": DESKTOP, "height": 900},
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/accounts/login/")
        page.get_by_label("Användarnamn").fill(user.username)
        page.get_by_label("Lösenord").fill(password)
        settle(page, page.get_by_role("button", name="Logga in").click)
        page.wait_for_url(re.compile(r"/overview/"))
        return page

    yield open_as
    # No request may still run in the live server when the test's data is flushed.
    for context in contexts:
        for page in context.pages:
            with contextlib.suppress(Exception):
                page.wait_for_load_state("networkidle", timeout=5_000)
        context.close()


#: Whether the focused element shows where the keyboard is: an outline or a focus ring.
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return outline || (style.boxShadow && style.boxShadow !== 'none');
}"""


def tab_to(page, target, *, limit: int = 120) -> None:
    """Press Tab until ``target`` (a locator) has the focus, checking that every element the
    keyboard passes shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {target}"
            return
        focused = page.evaluate(
            "document.activeElement === document.body ? null"
            " : document.activeElement.outerHTML.slice(0, 160)"
        )
        if focused is not None:
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {focused}"
    raise AssertionError(f"Tab never reached {target}")


ARM = """() => {
  window.__sfSettled = false;
  const done = () => { window.__sfSettled = true; };
  document.addEventListener('turbo:load', done, {once: true});
  document.addEventListener('turbo:render', done, {once: true});
}"""
#: Turbo rendered the answer, or the browser loaded a new document (no flag there).
SETTLED = "() => window.__sfSettled !== false && document.readyState === 'complete'"


def settle(page, action) -> None:
    """Do ``action`` (a click that leaves the page) and wait until its page is rendered:
    viewflow's pages navigate and submit through Turbo, without a browser navigation."""
    page.evaluate(ARM)
    action()
    page.wait_for_function(SETTLED)


def submit(page, name: str, *, refused: bool = False, **options) -> None:
    """Click the form's button ``name`` and wait for the page the answer leads to; unless
    ``refused``, no form error may show there."""
    settle(page, page.get_by_role("button", name=name, **options).click)
    errors = page.locator(".sf-field__error, .vf-form__errors").all_inner_texts()
    if not refused:
        assert not errors, f"{name} on {page.url} was refused: {errors}"


def follow(page, name, **options) -> None:
    """Click the link ``name`` and wait for its page."""
    settle(page, page.get_by_role("link", name=name, **options).first.click)
