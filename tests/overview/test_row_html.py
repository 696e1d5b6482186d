"""What a row of a chef's list says about its date (overview.selectors.DaysWriter), and the
rows the processes write (cases.row_html): escaped, in Swedish and in English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse, set_script_prefix
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from hypothesis import given
from hypothesis import strategies as st

from cases.registry import OverviewRows
from cases.row_html import key_url, link, phrase, phrases_once, row_format, ymd
from overview.selectors import DaysWriter

DUE = dt.date(2026, 11, 20)


def spec(**fields) -> OverviewRows:
    return OverviewRows(
        code="t", title="T", empty="", describe=str, rows=lambda **k: [], counted=str, **fields
    )


@pytest.mark.parametrize(
    ("days", "swedish", "english", "late"),
    [
        (1, "1 dag försenad", "1 day overdue", True),
        (12, "12 dagar försenad", "12 days overdue", True),
        (0, "Senast i dag", "Due today", False),
        (-1, "om 1 dag", "in 1 day", False),
        (-30, "om 30 dagar", "in 30 days", False),
    ],
)
def test_a_rows_date_says_how_late_it_is_or_how_soon_it_falls_due(days, swedish, english, late):
    with translation.override("sv"):
        shown = DaysWriter(spec())(DUE, days)
    assert f">{swedish}</span>" in shown
    assert ("sf-days--late" in shown) is late
    with translation.override("en"):
        assert f">{english}</span>" in DaysWriter(spec())(DUE, days)


def test_a_state_that_began_says_since_when_never_how_late():
    since = spec(since_label="Stoppad sedan")
    with translation.override("sv"):
        assert ">Stoppad sedan 2026-11-20 (12 dagar)</span>" in DaysWriter(since)(DUE, 12)
        assert ">Stoppad sedan 2026-11-20 (1 dag)</span>" in DaysWriter(since)(DUE, 1)
        assert ">Stoppad sedan 2026-11-20</span>" in DaysWriter(since)(DUE, 0)
        assert "försenad" not in DaysWriter(since)(DUE, 12)
    assert DaysWriter(since)(None, None) == ""
    assert DaysWriter(spec())(None, None) == ""


def test_a_row_is_escaped_and_its_dates_are_local():
    shown = link("/sip/1/", "<b>Anna & Bo</b>")
    assert shown == '<a href="/sip/1/">&lt;b&gt;Anna &amp; Bo&lt;/b&gt;</a>'
    # 23:30 UTC on 30 November is 1 December in Stockholm, as the date filter shows it.
    late_evening = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    assert ymd(late_evening) == "2026-12-01"
    assert ymd(dt.date(2026, 1, 2)) == "2026-01-02"
    assert ymd(None) == ""


@pytest.mark.parametrize(
    "name", ["sip:plan", "sip:invitation", "placement:placement", "deviations:detail"]
)
def test_a_rows_link_is_the_url_reverse_gives(name):
    url = key_url(name)
    for key in (1, 42, 2_147_483_647, 10**12):
        assert url(key) == reverse(name, kwargs={"pk": key})


def test_a_rows_link_follows_the_script_prefix():
    url = key_url("sip:plan")
    assert url(7) == "/sip/plan/7/"
    set_script_prefix("/sipflow/")
    try:
        assert url(7) == "/sipflow/sip/plan/7/" == reverse("sip:plan", kwargs={"pk": 7})
    finally:
        set_script_prefix("/")


@given(
    texts=st.lists(st.text(max_size=30), min_size=3, max_size=3),
    safe=st.booleans(),
    number=st.integers(),
)
def test_a_row_is_written_as_format_html_writes_it(texts, safe, number):
    """``row_format`` is ``format_html`` without its lazy-string checks: the same escaping of
    text, the same trust in a safe string, whatever the text."""
    first = mark_safe(texts[0]) if safe else texts[0]
    args = (first, texts[1], number, link("/sip/1/", texts[2]))
    template = "{} – {} ({}) {}"
    written = row_format(template, *args)
    assert isinstance(written, SafeString)
    assert written == format_html(template, *args)


def test_a_pages_phrases_are_translated_once_in_the_pages_language():
    with translation.override("en"), phrases_once():
        assert phrase("samtycket har upphört") == "the consent has ended"
        assert phrase("samtycket har upphört") == "the consent has ended"
    # The next page asks again, in its own language; outside a page, every time.
    with translation.override("sv"), phrases_once():
        assert phrase("samtycket har upphört") == "samtycket har upphört"
    with translation.override("en"):
        assert phrase("samtycket har upphört") == "the consent has ended"


def test_a_pages_days_are_written_once_each_and_as_a_single_row_writes_them():
    since = spec(since_label="Stoppad sedan")
    for listed in (spec(), since):
        with translation.override("sv"):
            writer = DaysWriter(listed)
            for days in (-3, 0, 1, 12, 12, 1, None):
                due = None if days is None else DUE
                assert writer(due, days) == DaysWriter(listed)(due, days)


@given(
    day=st.dates(),
    moment=st.datetimes(
        min_value=dt.datetime(1900, 1, 1),
        max_value=dt.datetime(2200, 1, 1),
        timezones=st.just(dt.UTC),
    ),
)
def test_a_rows_date_is_written_as_the_date_filter_writes_it(day, moment):
    assert ymd(day) == date_filter(day, "Y-m-d")
    # A template gives the filter the local time (expects_localtime): so does a row.
    assert ymd(moment) == date_filter(timezone.localtime(moment), "Y-m-d")
