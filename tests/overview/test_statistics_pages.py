"""The statistics page and its exports: only chefs, nobody named, small cells hidden on the
screen and in every export alike, the CSV and the XLSX parsing back to exactly the screen's
cells, charts that need no JavaScript, and a constant number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AccessLogEntry
from directory.models import Membership, Person
from overview.statistics.tables import HIDDEN, SMALL
from sipflow.models import ActionReview
from tests.factories import MembershipFactory
from tests.overview.statistics_world import at

pytestmark = pytest.mark.django_db

PAGE = "overview:statistics"
YEAR = str(timezone.localdate().year)


class Tables(HTMLParser):
    """The statistics tables of a page: {id: [[cell text, ...] per row]}, caption first."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current = None
        self.row = None
        self.text = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id", "").startswith("table-"):
            self.current = attrs["id"][len("table-") :]
            self.tables[self.current] = []
        elif self.current and tag == "caption":
            self.text = []
        elif self.current and tag == "tr":
            self.row = []
        elif self.current and tag in ("td", "th"):
            self.text = []

    def handle_endtag(self, tag):
        if not self.current:
            return
        if tag == "caption":
            self.tables[self.current].append(["".join(self.text).strip()])
            self.text = None
        elif tag in ("td", "th") and self.row is not None:
            self.row.append("".join(self.text).strip())
            self.text = None
        elif tag == "tr":
            self.tables[self.current].append(self.row)
            self.row = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def screen_tables(content: str) -> list[list[list[str]]]:
    parser = Tables()
    parser.feed(content)
    return list(parser.tables.values())


def value(text) -> Decimal | str:
    """A cell as a value: a number (decimal comma or point) or the symbol shown."""
    if isinstance(text, int | float):
        return Decimal(str(text))
    try:
        return Decimal(str(text).replace(",", "."))
    except ArithmeticError:
        return str(text)


def blocks(lines: list[list], first_titles: list[str]) -> list[list[list]]:
    """The tables of an export, each as its title line and the lines up to the next blank."""
    found, index = [], 0
    for title in first_titles:
        while index < len(lines) and not (lines[index] and lines[index][0] == title):
            index += 1
        block = []
        while (
            index < len(lines)
            and lines[index]
            and any(cell not in ("", None) for cell in lines[index])
        ):
            block.append([cell for cell in lines[index] if cell is not None])
            index += 1
        found.append(block)
    return found


def as_values(table: list[list]) -> list[list]:
    return [[value(cell) for cell in row] for row in table]


def busy_year(stats):
    """Enough events for shown figures next to small ones: 7 women and 3 men aged 30-49
    start SIPs, whose first meetings are held, 6 girls' kallelser answered, their insatser
    reviewed."""
    women = stats.people(7, dt.date(1985, 1, 1))
    men = stats.people(3, dt.date(1985, 1, 1), Person.LegalSex.MALE)
    girls = stats.people(6, dt.date(2012, 1, 1))
    for index, person in enumerate(women + men + girls):
        plan = stats.plan(person, started=at(int(YEAR), 1, 2))
        meeting = stats.meeting(
            plan, held=at(int(YEAR), 1, 10 + index), answer_by=dt.date(int(YEAR), 1, 5)
        )
        stats.invitation(
            meeting, sent=at(int(YEAR), 1, 2), answered=at(int(YEAR), 1, 3 + index % 3)
        )
        stats.follow_up(
            plan,
            held=at(int(YEAR), 1, 20),
            due=dt.date(int(YEAR), 1, 20),
            answers=[(ActionReview.Answer.YES, ActionReview.Answer.NO)],
        )


@pytest.fixture
def chef_client(client, stats):
    client.force_login(stats.carl)
    return client


def test_a_chef_sees_the_statistics_with_small_cells_hidden(chef_client, stats):
    busy_year(stats)
    response = chef_client.get(reverse(PAGE))
    assert response.status_code == 200
    content = response.content.decode()
    tables = {table[0][0]: table for table in screen_tables(content)}
    started = tables["SIP:ar som startade"]
    assert started[1] == ["Ålder", "Kvinnor", "Män", "Flickor", "Pojkar", "Annat/okänt", "Totalt"]
    row = next(line for line in started if line[0] == "30–49")
    # 7 women and 3 men: the men are hidden, and so is the 7, or 10 - 3 would show the 3.
    assert row == ["30–49", HIDDEN, SMALL, "–", "–", "0", "10"]
    assert started[-1] == ["Totalt", HIDDEN, SMALL, "6", "0", "0", "16"]
    # Nobody is named: no name, no personnummer; no access log entry for a person.
    for person in Person.objects.all():
        assert person.last_name not in content
        assert person.personal_identity_number[:8] not in content


def test_the_charts_are_inline_svg_a_screen_reader_can_name_without_javascript(chef_client, stats):
    busy_year(stats)
    response = chef_client.get(reverse(PAGE))
    content = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    svgs = content.count("<svg")
    assert svgs == len(screen_tables(content)) > 10
    assert content.count('role="img"') >= svgs
    assert 'id="chart-sip_started-title">SIP:ar som startade</title>' in content
    assert 'id="chart-sip_started-desc">Stapeldiagram' in content
    body = content.split("<svg", 1)[1]
    assert "<script" not in body  # pygal's tooltip script is left out: CSP would refuse it


def test_no_access_log_entry_for_aggregates(chef_client, stats):
    busy_year(stats)
    before = AccessLogEntry.objects.count()
    for name in (PAGE, "overview:statistics_csv", "overview:statistics_xlsx"):
        assert chef_client.get(reverse(name)).status_code == 200
    assert AccessLogEntry.objects.count() == before


@pytest.mark.parametrize(
    "role",
    [
        Membership.Role.SOCIAL_WORKER,
        Membership.Role.HEALTH_STAFF,
        Membership.Role.HVB_STAFF,
        Membership.Role.ADMIN,
    ],
)
def test_only_chefs_see_statistics(client, stats, role):
    user = MembershipFactory(unit=stats.social, role=role).user
    client.force_login(user)
    for name in (PAGE, "overview:statistics_csv", "overview:statistics_xlsx"):
        assert client.get(reverse(name)).status_code == 403


def test_the_start_page_links_to_the_statistics_for_chefs_only(client, stats):
    client.force_login(stats.carl)
    assert reverse(PAGE) in client.get(reverse("overview:index")).content.decode()
    client.force_login(stats.sara)
    assert reverse(PAGE) not in client.get(reverse("overview:index")).content.decode()


def test_the_csv_opens_in_swedish_excel_and_equals_the_screen(chef_client, stats):
    busy_year(stats)
    screen = screen_tables(chef_client.get(reverse(PAGE)).content.decode())
    response = chef_client.get(reverse("overview:statistics_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="sipflow-statistik-{YEAR}.csv"' in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads å, ä, ö
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == ["Statistik (ISU)"]
    exported = blocks(lines, [table[0][0] for table in screen])
    assert [as_values(block) for block in exported] == [as_values(table) for table in screen]
    # Decimal comma, and the hidden cells as on the screen.
    assert any("," in cell for block in exported for row in block[2:] for cell in row[1:])
    assert any(SMALL in row for block in exported for row in block)


def test_the_xlsx_equals_the_screen_with_numbers_as_numbers(chef_client, stats):
    busy_year(stats)
    screen = screen_tables(chef_client.get(reverse(PAGE)).content.decode())
    response = chef_client.get(reverse("overview:statistics_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    exported = blocks(lines, [table[0][0] for table in screen])
    assert [as_values(block) for block in exported] == [as_values(table) for table in screen]
    numbers = [cell for block in exported for row in block[2:] for cell in row[1:]]
    assert any(isinstance(cell, int) for cell in numbers)
    assert any(isinstance(cell, float) for cell in numbers)
    assert SMALL in numbers and not any(
        isinstance(cell, str) and cell.isdigit() for cell in numbers
    )


def test_a_unit_name_cannot_become_a_formula_in_the_exports(chef_client, stats):
    stats.social.name = '=HYPERLINK("http://example.com")'
    stats.social.save()
    csv_text = chef_client.get(reverse("overview:statistics_csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    sheet = load_workbook(
        io.BytesIO(chef_client.get(reverse("overview:statistics_xlsx")).content)
    ).active
    names = sheet.cell(row=3, column=2)
    assert names.data_type == "s" and names.value.startswith("'=")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "2026-13"}, "Det finns ingen sådan månad."),
        ({"period": "förra året"}, "Välj en månad, ett kvartal eller ett år"),
        ({"period": "2019"}, "Välj en period från 2020 till i dag."),
        ({"period": str(int(YEAR) + 1)}, "Välj en period från 2020 till i dag."),
        ({"unit": "999999"}, "Välj ett giltigt alternativ"),
    ],
)
def test_a_wrong_choice_is_explained_in_swedish(chef_client, stats, query, message):
    response = chef_client.get(reverse(PAGE), query)
    assert response.status_code == 200
    assert message in response.content.decode()
    exported = chef_client.get(reverse("overview:statistics_csv"), query)
    assert exported.status_code == 302
    assert exported["Location"].startswith(reverse(PAGE))


def test_a_chef_chooses_the_period_and_one_of_the_units(chef_client, stats):
    other = MembershipFactory(user=stats.carl, unit=stats.bup, role=Membership.Role.MANAGER).unit
    for person in stats.people(6, dt.date(1990, 1, 1)):
        stats.plan(person, started=at(int(YEAR), 1, 2))
    content = chef_client.get(reverse(PAGE), {"period": f"{YEAR}-01"}).content.decode()
    started = screen_tables(content)[0]
    assert started[-1][-1] == "6"
    content = chef_client.get(
        reverse(PAGE), {"period": f"{YEAR}-01", "unit": str(other.pk)}
    ).content.decode()
    assert screen_tables(content)[0][-1][-1] == "0"
    assert "BUP Falun" in content


def test_the_page_costs_the_same_number_of_queries_at_two_sizes(chef_client, stats):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert chef_client.get(reverse(PAGE)).status_code == 200
        return len(queries)

    busy_year(stats)
    chef_client.get(reverse(PAGE))  # fills the caches
    small = count()
    busy_year(stats)
    busy_year(stats)
    assert count() == small
