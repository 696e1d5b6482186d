from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from directory.identity_numbers import (
    COORDINATION_DAY_OFFSET,
    MAX_AGE_YEARS,
    luhn_check_digit,
    parse_identity_number,
)
from tests.conftest import TODAY


def with_check_digit(yymmdd: str, serial: str) -> str:
    return f"{yymmdd}{serial}{luhn_check_digit(yymmdd + serial)}"


@pytest.mark.parametrize(
    ("value", "canonical", "birth_date", "coordination"),
    [
        ("19121212-1212", "191212121212", dt.date(1912, 12, 12), False),
        ("191212121212", "191212121212", dt.date(1912, 12, 12), False),
        ("121212+1212", "191212121212", dt.date(1912, 12, 12), False),
        ("121212-1212", "201212121212", dt.date(2012, 12, 12), False),
        ("1212121212", "201212121212", dt.date(2012, 12, 12), False),
        (" 20121212 - 1212 ", "201212121212", dt.date(2012, 12, 12), False),
        ("701063-2391", "197010632391", dt.date(1970, 10, 3), True),
        # Turns 100 in 2026: "+" from the start of that year, even before the birthday.
        (with_check_digit("261224", "123").replace("261224", "261224+"), None, None, False),
    ],
)
def test_valid_numbers_are_parsed_to_canonical_form(value, canonical, birth_date, coordination):
    number = parse_identity_number(value, today=TODAY)
    if canonical is None:  # the "+" case above
        assert number.birth_date == dt.date(1926, 12, 24)
        return
    assert number.canonical == canonical
    assert number.birth_date == birth_date
    assert number.is_coordination_number is coordination


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "format"),
        ("abc", "format"),
        ("12345", "format"),
        ("19121212-12123", "format"),
        ("191212121-212", "format"),
        ("19121212+1212", "format"),  # "+" only in the ten-digit form
        ("19121212-1213", "checksum"),
        (with_check_digit("990230", "123"), "impossible_date"),  # 30 February
        (with_check_digit("991301", "123"), "impossible_date"),  # month 13
        (with_check_digit("990100", "123"), "impossible_date"),  # day 0
        (with_check_digit("990192", "123"), "impossible_date"),  # coordination day 32
        ("20" + with_check_digit("270101", "123"), "future_date"),
        ("18" + with_check_digit("991231", "123"), "implausible_date"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as error:
        parse_identity_number(value, today=TODAY)
    assert error.value.code == code
    assert str(error.value.messages[0])  # a Swedish message for the user


def test_error_messages_are_swedish():
    with pytest.raises(ValidationError) as error:
        parse_identity_number("19121212-1213", today=TODAY)
    assert "Kontrollsiffran stämmer inte" in error.value.messages[0]


def test_ten_digit_form_without_separator_in_the_future_is_refused():
    # Born 1926-12-24 would be written with "+" (turns 100 in 2026); with "-" it means 2026.
    with pytest.raises(ValidationError) as error:
        parse_identity_number(with_check_digit("261224", "123"), today=TODAY)
    assert error.value.code == "future_date"


@st.composite
def valid_numbers(draw):
    """(written form, expected canonical, birth date) for every accepted form."""
    birth_date = draw(
        st.dates(min_value=dt.date(TODAY.year - MAX_AGE_YEARS, 1, 1), max_value=TODAY)
    )
    serial = f"{draw(st.integers(0, 999)):03d}"
    coordination = draw(st.booleans())
    day = birth_date.day + (COORDINATION_DAY_OFFSET if coordination else 0)
    yymmdd = f"{birth_date:%y%m}{day:02d}"
    ten = with_check_digit(yymmdd, serial)
    canonical = f"{birth_date.year // 100:02d}{ten}"
    separator = "+" if TODAY.year - birth_date.year >= 100 else "-"
    forms = [canonical, f"{canonical[:8]}-{canonical[8:]}", f"{ten[:6]}{separator}{ten[6:]}"]
    if separator == "-":
        forms.append(ten)
    return draw(st.sampled_from(forms)), canonical, birth_date


@given(valid_numbers())
def test_every_generated_valid_number_passes(case):
    written, canonical, birth_date = case
    number = parse_identity_number(written, today=TODAY)
    assert number.canonical == canonical
    assert number.birth_date == birth_date


@given(valid_numbers(), st.data())
def test_every_single_digit_change_of_a_valid_number_fails(case, data):
    """Every digit the check digit covers: all ten of the ten-digit form, the last ten of
    the twelve-digit form (its century digits lie outside the checksum)."""
    written, _canonical, _birth_date = case
    digit_positions = [index for index, char in enumerate(written) if char.isdigit()]
    covered = digit_positions[-10:]
    position = data.draw(st.sampled_from(covered))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != written[position]]))
    changed = written[:position] + replacement + written[position + 1 :]
    with pytest.raises(ValidationError):
        parse_identity_number(changed, today=TODAY)


@pytest.mark.parametrize(
    ("changed", "code"),
    [
        ("211212121212", "future_date"),  # 20 -> 21
        ("171212121212", "implausible_date"),  # 19 -> 17
    ],
)
def test_a_century_change_is_caught_when_it_makes_the_date_impossible(changed, code):
    with pytest.raises(ValidationError) as error:
        parse_identity_number(changed, today=TODAY)
    assert error.value.code == code
