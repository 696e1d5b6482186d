"""The groups every statistic is split into: legal sex (kvinnor, män, flickor, pojkar,
annat/okänt: girls and boys are under 18 on the day of the event) and age band on that day.

Source: the regional agreement's individbaserad systematisk uppföljning asks for statistics
split by legal sex, with people of another gender identity among its target groups, and by
age (Dalarnas regionala överenskommelse, RULES §5, 004 ≈L1700-1840); the adult bands follow
Botkyrka's personligt ombud report (003 ≈L462-488), the children's the SIP age limits."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from directory.models import Person
from directory.rules import AGE_OF_MAJORITY, AGREEMENT


@dataclass(frozen=True)
class AgeBand:
    code: str
    label: str
    low: int
    high: int | None  # inclusive; None: no upper limit

    @property
    def children(self) -> bool:
        return self.high is not None and self.high < AGE_OF_MAJORITY


AGE_BANDS = (
    AgeBand("0-12", "0–12", 0, 12),
    AgeBand("13-17", "13–17", 13, 17),
    AgeBand("18-20", "18–20", 18, 20),
    AgeBand("21-29", "21–29", 21, 29),
    AgeBand("30-49", "30–49", 30, 49),
    AgeBand("50-64", "50–64", 50, 64),
    AgeBand("65+", "65+", 65, None),
)
# A band is all children or all adults: girls and boys never share a band with women and men.
assert all(band.children or band.low >= AGE_OF_MAJORITY for band in AGE_BANDS)


@dataclass(frozen=True)
class SexGroup:
    code: str
    label: str
    legal_sex: str
    children: bool | None  # True: under 18 only; False: 18 and over only; None: any age

    def in_band(self, band: AgeBand) -> bool:
        return self.children is None or self.children == band.children


SEX_GROUPS = (
    SexGroup("women", _("Kvinnor"), Person.LegalSex.FEMALE, False),
    SexGroup("men", _("Män"), Person.LegalSex.MALE, False),
    SexGroup("girls", _("Flickor"), Person.LegalSex.FEMALE, True),
    SexGroup("boys", _("Pojkar"), Person.LegalSex.MALE, True),
    SexGroup("other", _("Annat/okänt"), Person.LegalSex.OTHER_OR_UNKNOWN, None),
)

#: What the page cites for the split.
SOURCE = _(
    "Uppdelat på juridiskt kön och ålder vid händelsen, som överenskommelsens individbaserade "
    "systematiska uppföljning (ISU) kräver: %(agreement)s, avsnittet Individbaserad "
    "systematisk uppföljning."
)


def source_text() -> str:
    return str(SOURCE) % {"agreement": AGREEMENT}


def sex_sql(legal_sex: str, age: str) -> tuple[str, list]:
    """SQL (and its parameters) for the code of the sex group (SEX_GROUPS) of someone of
    this legal sex and age (two column expressions)."""
    whens, params = [], []
    for group in SEX_GROUPS:
        if group.children is None:
            continue
        comparison = "<" if group.children else ">="
        whens.append(f"WHEN {legal_sex} = %s AND {age} {comparison} %s THEN %s")
        params += [group.legal_sex, AGE_OF_MAJORITY, group.code]
    other = next(group for group in SEX_GROUPS if group.children is None)
    return f"CASE {' '.join(whens)} ELSE %s END", [*params, other.code]


def band_sql(age: str) -> tuple[str, list]:
    """SQL (and its parameters) for the code of the age band (AGE_BANDS) of an age."""
    whens, params = [], []
    for band in AGE_BANDS[:-1]:
        whens.append(f"WHEN {age} <= %s THEN %s")
        params += [band.high, band.code]
    return f"CASE {' '.join(whens)} ELSE %s END", [*params, AGE_BANDS[-1].code]
