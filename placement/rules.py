"""The legal bases of an HVB placement as data, with their sources: the action the consent
policy is asked with, the age limits of the basis, the review interval and the end limits.
Intervals and maxima are read from directory.durations; ages live here, not in code paths."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from consent.rules import Action
from directory.durations import VOLUNTARY_OR_COMPULSORY, DurationCode
from directory.identity_numbers import age_on
from directory.models import Person
from directory.rules import AGE_OF_MAJORITY, Source


class LegalBasis(models.TextChoices):
    SOL = "sol", _("SoL (frivillig placering)")
    LVU_2 = "lvu_2", _("LVU 2 § (hemmiljön)")
    LVU_3 = "lvu_3", _("LVU 3 § (eget beteende)")
    LVM = "lvm", _("LVM")


@dataclass(frozen=True)
class Basis:
    code: str
    action: str
    source: Source
    #: The person must be younger than this when care is decided (exclusive), if set.
    decided_before_age: int | None = None
    #: Care ends the day before this birthday at the latest, if set.
    ends_before_age: int | None = None
    #: The six-monthly review (övervägande / omprövning); None: no review, a maximum instead.
    review: str | None = None
    #: The longest care (LVM); None: no maximum but the age limit.
    maximum: str | None = None
    #: Compulsory care: no consent, the views recorded and a court or interim decision first.
    compulsory: bool = False


BASES: dict[str, Basis] = {
    LegalBasis.SOL: Basis(
        code=LegalBasis.SOL,
        action=Action.PLACEMENT_SOL,
        review=DurationCode.PLACEMENT_SOL_REVIEW,
        source=Source(
            law=_("Socialtjänstlagen (2025:400), frivillig placering"),
            section=VOLUNTARY_OR_COMPULSORY,
            ref="004 ≈L783-922",
        ),
    ),
    LegalBasis.LVU_2: Basis(
        code=LegalBasis.LVU_2,
        action=Action.PLACEMENT_LVU,
        decided_before_age=18,
        ends_before_age=18,
        review=DurationCode.PLACEMENT_LVU_REVIEW,
        compulsory=True,
        source=Source(
            law=_("LVU (1990:52) 2 §, 13 § och 21 §"),
            section=VOLUNTARY_OR_COMPULSORY,
            ref="004 ≈L895-900",
        ),
    ),
    LegalBasis.LVU_3: Basis(
        code=LegalBasis.LVU_3,
        action=Action.PLACEMENT_LVU,
        decided_before_age=20,
        ends_before_age=21,
        review=DurationCode.PLACEMENT_LVU_REVIEW,
        compulsory=True,
        source=Source(
            law=_("LVU (1990:52) 3 §, 13 § och 21 §"),
            section=VOLUNTARY_OR_COMPULSORY,
            ref="004 ≈L895-900; 001 ≈L1673",
        ),
    ),
    LegalBasis.LVM: Basis(
        code=LegalBasis.LVM,
        action=Action.PLACEMENT_LVM,
        maximum=DurationCode.PLACEMENT_LVM_MAX,
        compulsory=True,
        source=Source(
            law=_("LVM (1988:870) 20 §"), section=VOLUNTARY_OR_COMPULSORY, ref="004 ≈L912"
        ),
    ),
}

#: How long before the LVM care runs out its end is shown as approaching. No law sets it:
#: sipflow's choice, so that a new application or the ending can be prepared.
LVM_END_WARNING_DAYS = 30

#: An utredning follows the children's template below this age, the adults' from it.
CHILD_TEMPLATE_BEFORE_AGE = AGE_OF_MAJORITY


def birthday(person: Person, age: int) -> dt.date:
    """The first day on which the person is ``age`` years old (1 March for a 29 February
    birthday in a common year, as Person.age_on counts)."""
    return birthday_of(person.date_of_birth, age)


def birthday_of(born: dt.date, age: int) -> dt.date:
    """``birthday`` of a person born on ``born``."""
    try:
        day = born.replace(year=born.year + age)
    except ValueError:
        day = dt.date(born.year + age, 2, 28)
    while age_on(born, day) < age:
        day += dt.timedelta(days=1)
    return day
