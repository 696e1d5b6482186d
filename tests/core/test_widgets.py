"""The select written in Python is the select Django writes from its templates."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html
from hypothesis import given
from hypothesis import strategies as st

from core.widgets import Select

CHOICES = [
    ("", "Alla"),
    ("1", "Anna <Andersson> & co"),
    ("2", 'Bo "Bergström"'),
    (3, "Cecilia"),
    ("Förra året", [("2025", "2025"), ("2025-H1", "Första halvåret 2025")]),
    ("3", "Dubblett med samma värde"),
]


def both(value, attrs=None):
    ours = Select(choices=CHOICES, attrs={"class": "sf"})
    django = forms.Select(choices=CHOICES, attrs={"class": "sf"})
    return (
        ours.render("val", value, attrs=attrs),
        django.render("val", value, attrs=attrs),
    )


@pytest.mark.parametrize("value", [None, "", "1", 3, "3", "2025-H1", "finns inte"])
def test_select_writes_what_djangos_writes(value):
    ours, django = both(value, attrs={"id": "id_val", "required": True, "disabled": False})
    assert parse_html(ours) == parse_html(django)


def test_select_marks_the_first_option_holding_the_value_only():
    ours, _django = both("3")
    assert ours.count(" selected") == 1
    assert '<option value="3" selected>Cecilia</option>' in ours


def test_select_escapes_labels_and_values():
    ours, _django = both(None)
    assert "Anna &lt;Andersson&gt; &amp; co" in ours
    assert "<Andersson>" not in ours


@given(
    labels=st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=6),
    chosen=st.integers(min_value=-1, max_value=6),
)
def test_select_equals_django_for_any_labels(labels, chosen):
    choices = [(str(index), label) for index, label in enumerate(labels)]
    value = str(chosen) if chosen >= 0 else None
    ours = Select(choices=choices).render("x", value)
    django = forms.Select(choices=choices).render("x", value)
    assert parse_html(ours) == parse_html(django)
