"""The groups every statistic is split into: legal sex (kvinnor, män, flickor, pojkar,
annat/okänt: girls and boys are under 18 on the day of the event) and age band on that day.

Source: the regional agreement's individbaserad systematisk uppföljning asks for statistics
split by legal sex, with people of another gender identity among its target groups, and by
age (Dalarnas regionala överenskommelse, RULES §5, 004 ≈L1700-1840); the adult bands follow
Botkyrka's personligt ombud report (003 ≈L462-488), the children's the SIP age limits."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import Exact, LessThan
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


def age_on(person: str, on: str):
    """The person's age in whole years on the date ``on`` (an annotation), on any engine."""
    born = f"{person}__date_of_birth"
    before_birthday = LessThan(ExtractMonth(on), ExtractMonth(born)) | (
        Exact(ExtractMonth(on), ExtractMonth(born)) & LessThan(ExtractDay(on), ExtractDay(born))
    )
    return (
        ExtractYear(on)
        - ExtractYear(born)
        - Case(When(before_birthday, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def sex_group(person: str, age) -> Case:
    """The code of the person's sex group on the day (SEX_GROUPS)."""
    legal_sex = F(f"{person}__legal_sex")
    whens = []
    for group in SEX_GROUPS:
        if group.children is None:
            continue
        condition = Q(Exact(legal_sex, group.legal_sex))
        condition &= (
            Q(LessThan(age, AGE_OF_MAJORITY))
            if group.children
            else ~Q(LessThan(age, AGE_OF_MAJORITY))
        )
        whens.append(When(condition, then=Value(group.code)))
    return Case(*whens, default=Value("other"), output_field=CharField())


def age_band(age) -> Case:
    """The code of the age band of ``age`` (AGE_BANDS)."""
    whens = [
        When(Q(LessThan(age, band.high + 1)), then=Value(band.code))
        for band in AGE_BANDS
        if band.high is not None
    ]
    return Case(*whens, default=Value(AGE_BANDS[-1].code), output_field=CharField())
