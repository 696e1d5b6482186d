"""The demo (``make run``): carl, chef of Barn och familj, Ludvika, finds real overdue items
on his overview and real figures in his statistics."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import User
from directory.selectors import user_managed_units
from overview.selectors import OverviewReader
from overview.statistics.periods import period_parse
from overview.statistics.selectors import statistics_report

pytestmark = pytest.mark.django_db


def test_carl_sees_overdue_items_and_statistics_from_the_demo(demo, client):
    carl = User.objects.get(username="carl")
    today = timezone.localdate()
    units = list(user_managed_units(user=carl))
    counts = OverviewReader(user=carl, units=units, today=today).counts()
    assert counts["overdue_follow_ups"] >= 3
    assert counts["sip_halted"] >= 1
    assert counts["sip_consents_expiring"] >= 1
    assert counts["placement_cost_allocations_overdue"] >= 1

    client.force_login(carl)
    page = client.get(reverse("overview:index")).content.decode()
    assert "dagar försenad" in page and "Inget är försenat" not in page

    # The demo's SIPs span the last eleven months: the year that holds most of them (this
    # year, the page's default, from about November on).
    periods = [period_parse(str(today.year - back), today=today) for back in (0, 1)]
    best = 0
    for period in periods:
        report = statistics_report(units=units, period=period, today=today, charts=False)
        shown = [
            cell.number
            for table in report.tables
            if table.kind == "count"
            for row in table.rows
            if not row.total
            for cell in row.cells
            if cell.shown and cell.number >= 5
        ]
        best = max(best, len(shown))
    # Several cells of a count of 5 or more, shown (not suppressed).
    assert best >= 4
    assert client.get(reverse("overview:statistics")).status_code == 200
