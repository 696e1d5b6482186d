from __future__ import annotations

import datetime as dt
import importlib

import pytest

from tests.factories import person_born

TODAY = dt.date(2026, 11, 23)


def years_ago(years: int, *, today: dt.date = TODAY, days: int = 0) -> dt.date:
    """The date ``years`` years and ``days`` days before ``today`` (1 March for 29 Feb)."""
    try:
        date = today.replace(year=today.year - years)
    except ValueError:
        date = dt.date(today.year - years, 3, 1)
    return date - dt.timedelta(days=days)


@pytest.fixture
def make_person(db):
    return person_born


@pytest.fixture(autouse=True)
def information_categories(request):
    """The categories a migration seeds. A transactional test flushes them away and the test
    database is reused between runs, so every database test puts them back first."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from django.apps import apps

    seed = importlib.import_module("consent.migrations.0002_information_categories")
    seed.create(apps, None)
