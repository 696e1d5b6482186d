"""Every page of the SIP and placement journeys reads in Swedish.

The socialsekreterare, the BUP nurse, the vårdcentral's nurse, the HVB staff and the chef
each walk every page they can reach from the start page and the journeys' cases (links
followed, redirects too), and on none of them may viewflow's or Django's own English show
("Done", "Process #2", "Assign", "have no rights", a date range "Past 7 days"…), nor a seed
file's name or line number ("004 ≈L683-690"): users see the law and the agreement by name and
section (RULES.md). Every page's title names the page, in Swedish. The chart of each
process is read too ("ja"/"nej", not "yes"/"no").
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Process

from placement import services as placement_services
from placement.models import AlternativeTried
from sipflow import services
from sipflow.models import Invitation
from tests.placement_world import build_placement_world
from tests.sipflow_world import action_rows

pytestmark = pytest.mark.django_db

#: viewflow's, django-filter's and Django's own English, as a user would meet it on a page.
ENGLISH = (
    "Done",
    "New",
    "Scheduled",
    "Canceled",
    "Cancelled",
    "Cancel",
    "Assigned",
    "Unassigned",
    "Started",
    "Finished",
    "Created",
    "Revived",
    "Error",
    "Process",
    "Processes",
    "Process summary",
    "Process brief",
    "Task",
    "Tasks",
    "Assign",
    "Unassign",
    "Execute",
    "Undo",
    "Revive",
    "Summary",
    "Brief",
    "Owner",
    "Description",
    "Permission",
    "Flow",
    "Queue",
    "Inbox",
    "Archive",
    "Dashboard",
    "Previous tasks",
    "Next tasks",
    "Forbidden",
    "have no rights",
    "Log in as another user",
    "Page not found",
    "Today",
    "Yesterday",
    "Past 7 days",
    "This month",
    "This year",
    "Any date",
    "Save",
    "Submit",
    "Delete",
    "Log out",
    "yes",
    "no",
)
ENGLISH_WORDS = re.compile(
    r"(?<![\w#/.-])("
    + "|".join(map(re.escape, sorted(ENGLISH, key=len, reverse=True)))
    + r")(?![\w-])"
)
#: A viewflow node named in English title case ("Announce Follow Up", "Meeting Done").
TITLE_CASE_NODE = re.compile(
    r"\b(Announce|Answered|Meeting|Continues|Follow Up|Hold Meeting|Start Process|"
    r"Wait For|After Review|Move In|Legal Done|Costs Done)\b"
)
#: A seed file or a line reference into one (RULES.md: for developers, never for users).
SEED_REFERENCE = re.compile(r"≈L|\b00[0-4]_[0-9a-f]{6,}|\b00[0-4]\s+≈|\.txt\b")

#: What the walk does not open: leaving, switching language, files, the admin and the API.
SKIP = re.compile(
    r"/logout|/i18n/|/admin/|/api/|/accounts/|/deviations/|\.(csv|xlsx|pdf|ics|svg|bpmn)\b|"
    r"/export|/chart/|/cancel/|/undo/|/revive/|/static/|/las-alla/"
)
#: One page of each address pattern (one kallelse is like the next), and so many at most.
MAX_PAGES = 70

TAGS = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.S)
ATTRIBUTES = re.compile(r'\b(?:label|aria-label|title|alt|placeholder)="([^"]*)"')
#: The options of viewflow's select widgets, which carry them as JSON in an attribute.
OPTION_LABELS = re.compile(r"&quot;label&quot;: &quot;(.*?)&quot;")


def visible_text(page: str) -> str:
    """The text a user reads or hears: the page's text, its labelling attributes and the
    options of its selects."""
    page = TAGS.sub(" ", page)
    labels = " ".join([*ATTRIBUTES.findall(page), *OPTION_LABELS.findall(page)])
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + labels)


TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.S)
#: A page's title names the page before the site (WCAG 2.1 2.4.2, Page Titled), as "Inkorg"
#: then a dash and "sipflow": never the site's name alone or viewflow's default.
NAMED_TITLE = re.compile(r"^\S.* – sipflow$")


def english_on(page: str) -> list[str]:
    text = visible_text(page)
    return sorted(
        {*ENGLISH_WORDS.findall(text), *TITLE_CASE_NODE.findall(text)}
        | {match.group(0) for match in SEED_REFERENCE.finditer(text)}
    )


def unnamed_title(page: str) -> list[str]:
    """The page's title, where it does not name the page (``NAMED_TITLE``)."""
    title = TITLE.search(page)
    title = html.unescape(title.group(1)) if title else ""
    return [] if NAMED_TITLE.match(title) else [f"<title>{title}</title>"]


def pattern(path: str) -> str:
    """The address with its numbers left out; a finished step's page stands for them all
    (the process page lists every step's title)."""
    return re.sub(r"/N/[a-z_]+/N/detail/$", "/N/step/N/detail/", re.sub(r"\d+", "N", path))


def walk(client: Client, starts: list[str]) -> dict[str, list[str]]:
    """Every page reachable from ``starts`` (GET only): {path: the English found on it}."""
    found: dict[str, list[str]] = {}
    seen: set[str] = set()
    per_pattern: Counter[str] = Counter()
    queue = list(starts)
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen or SKIP.search(path) or per_pattern[pattern(path)]:
            continue
        seen.add(path)
        per_pattern[pattern(path)] += 1
        response = client.get(path)
        if response.status_code in (301, 302):
            queue.insert(0, urlsplit(response["Location"]).path)
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = response.content.decode()
        found[path] = english_on(page) + unnamed_title(page)
        for href in re.findall(r'href="(/[^"#?]*)', page):
            if href not in seen:
                queue.append(html.unescape(href))
    return found


@pytest.fixture
def journeys():
    """A SIP at each step (prepared, called with one unit accepted, one declined, one
    forwarded; held with its plan) and placements in utredning and placed, around the SIP
    world's family and the placement world's HVB."""
    pworld = build_placement_world()
    world = pworld.sip
    world.consent_all()
    # Förbered open: the nurse's and the social worker's step page.
    world.start()
    # Called: BUP accepts, the vårdcentral declines with a reason.
    called = world.start()
    world.prepare(called)
    meeting = world.summon(called)
    services.invitation_accept(
        invitation=meeting.invitations.get(unit=world.bup), by=world.vera, attendees="Vera, BUP"
    )
    services.invitation_decline(
        invitation=meeting.invitations.get(unit=world.primary),
        by=world.petra,
        reason=services.DeclineReason.values[0],
        note="Vi har ingen kontakt med barnet.",
    )
    # Held: the plan, its rows and the follow-up waiting.
    held = world.start()
    world.prepare(held)
    meeting = world.summon(held)
    for invitation in meeting.invitations.filter(status=Invitation.Status.PENDING):
        attendee = world.vera if invitation.unit == world.bup else world.petra
        services.invitation_accept(invitation=invitation, by=attendee, attendees="Kommer")
    services.meeting_hold(
        plan=held,
        by=world.sara,
        attendance="Alva, Anna, Johan, Vera (BUP), Petra (VC), Sara",
        persons_goals="Kunna sova och orka gå till skolan",
        actions=action_rows(world),
        lead_unit=world.social,
        next_follow_up=timezone.localdate() + dt.timedelta(days=90),
    )
    # Placements, each with its process: one placed on SoL (with its cost allocation), one
    # in utredning.
    pworld.sol_consents()
    placement = open_with_process(pworld, pworld.youth)
    pworld.propose(placement)
    pworld.decide(placement)
    pworld.cost_allocation(placement)
    placement_services.placement_start(
        placement=placement, by=pworld.sara, start_date=timezone.localdate()
    )
    open_with_process(pworld, pworld.adult)
    return pworld


def open_with_process(pworld, person):
    """The placement world's utredning (``PlacementWorld.open``), started in its process."""
    placement = placement_services.placement_open_process(
        by=pworld.sara, person=person, unit=pworld.social
    )
    areas = placement.assessment.template.areas.values_list("code", flat=True)
    placement_services.assessment_record(
        placement=placement, by=pworld.sara, entries={code: "Bedömt." for code in areas}
    )
    placement_services.alternative_record(
        placement=placement,
        by=pworld.sara,
        kind=AlternativeTried.Kind.FAMILY_TREATMENT,
        started_on=timezone.localdate() - dt.timedelta(days=200),
        ended_on=timezone.localdate() - dt.timedelta(days=30),
        outcome="Räckte inte.",
    )
    return placement


STARTS = [
    "/",
    "/sip/",
    "/sip/inbox/",
    "/sip/queue/",
    "/sip/archive/",
    "/sip/tasks/",
    "/sip/flows/",
    "/placement/",
    "/placement/inbox/",
    "/placement/queue/",
    "/placement/archive/",
    "/placement/tasks/",
    "/placement/flows/",
    "/notifications/",
    "/people/",
    # Refused and missing pages too (403 for most roles, 404 for everyone).
    "/sip/start/",
    "/placement/start/",
    "/sip/999999/",
]


def process_url(process) -> str:
    return process.flow_class.instance.reverse("process_detail", args=[process.pk])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_page_of_the_journeys_is_swedish(journeys):
    """The socialsekreterare, both nurses, the HVB staff and the chef, each on every page
    they reach; the walk reaches the journeys' steps, plan, kallelse and placement."""
    processes = [process_url(process) for process in Process.objects.all()]
    english = {}
    for user in (
        journeys.sara,
        journeys.vera,
        journeys.sip.petra,
        journeys.hugo,
        journeys.carl,
    ):
        found = walk(client_for(user), [*STARTS, *processes])
        english |= {(user.username, path): words for path, words in found.items() if words}
        if user == journeys.sara:
            reached = {pattern(path) for path in found}
    assert english == {}
    for expected in (
        "/sip/plan/N/",
        "/sip/N/",
        "/sip/kallelse/N/",
        "/placement/placering/N/",
        "/placement/N/",
    ):
        assert expected in reached, " ".join(sorted(reached))
    assert any("/execute/" in path or "/assign/" in path for path in reached), sorted(reached)


def test_the_charts_read_in_swedish(journeys):
    client = client_for(journeys.sara)
    for process in Process.objects.all():
        chart = client.get(f"{process_url(process)}chart/").content.decode()
        labels = set(re.findall(r'class="edge-label"[^>]*>([^<]*)<', chart))
        assert labels <= {"ja", "nej"}, labels
        assert english_on(chart) == []


def test_the_word_list_catches_what_users_saw():
    """What the issue reported, caught; Swedish that looks alike, not."""
    seen = (
        "<td>Done</td> <a>Process #2</a> <h1>403 Access Forbidden</h1> Vera have no rights "
        "<th>Process summary</th> <span>Announce Follow Up</span> "
        "Regel: Föräldrabalken 6 kap 13 §; 004 ≈L683-690"
    )
    assert english_on(seen) == [
        "004 ≈",
        "Announce",
        "Done",
        "Follow Up",
        "Forbidden",
        "Process",
        "Process summary",
        "have no rights",
    ]
    options = '<vf-field-select optgroups="[{&quot;label&quot;: &quot;Past 7 days&quot;}]">'
    assert english_on(options) == ["Past 7 days"]
    assert unnamed_title("<title>sipflow</title>") == ["<title>sipflow</title>"]
    assert unnamed_title("<title>Inkorg – sipflow</title>") == []
    swedish = (
        "<td>Klar</td> <a>Processkarta</a> Status: Pågår. Nej, planen följs upp. "
        '<img alt="Processkarta"> Start 2026-12-01 Föräldrabalken 6 kap 13 a §'
    )
    assert english_on(swedish) == []
