"""Who must consent to what: the rule table, with sources. Data, not code paths.

Ages are completed years at the moment of the action. Rows are tried in order and the
first that matches the action, the age and the date decides. Each row lists
alternatives: the step is allowed when every requirement of one alternative is met.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.rules import AGE_OF_MAJORITY

from .models import Purpose


class Action(models.TextChoices):
    SIP = "sip", _("SIP: möte, plan och informationsutbyte")
    OPEN_INTERVENTION = "open_intervention", _("Öppen insats")
    PLACEMENT_SOL = "placement_sol", _("Placering enligt SoL")
    PLACEMENT_LVU = "placement_lvu", _("Vård enligt LVU")
    PLACEMENT_LVM = "placement_lvm", _("Vård enligt LVM")


PURPOSE_OF = {
    Action.SIP: Purpose.SIP,
    Action.OPEN_INTERVENTION: Purpose.SIP,
    Action.PLACEMENT_SOL: Purpose.PLACEMENT,
    Action.PLACEMENT_LVU: Purpose.PLACEMENT,
    Action.PLACEMENT_LVM: Purpose.PLACEMENT,
}

# Requirement codes: whose consent.
SELF = "self"  # the adult's own
GUARDIANS = "guardians"  # every vårdnadshavare, both where there are two
CHILD = "child"  # the child's own

# From this age a child's view (inställning) is recorded for every step.
CHILD_VIEW_AGE = 12
CHILD_VIEW_SOURCE = "004 ≈L474-481, ≈L701-703 (barnets bästa; barnets inställning)"


@dataclass(frozen=True)
class Rule:
    code: str
    actions: frozenset[str]
    alternatives: tuple[tuple[str, ...], ...]
    source: str
    effective_from: dt.date
    effective_until: dt.date | None = None
    min_age: int = 0
    max_age: int | None = None  # exclusive
    guardian_views: bool = False  # views recorded instead of consent (LVU)
    own_view: bool = False  # the adult's view recorded instead of consent (LVM)

    def matches(self, *, action: str, age: int, on: dt.date) -> bool:
        return (
            action in self.actions
            and self.min_age <= age
            and (self.max_age is None or age < self.max_age)
            and self.effective_from <= on
            and (self.effective_until is None or on <= self.effective_until)
        )


VOLUNTARY = frozenset({Action.SIP, Action.OPEN_INTERVENTION})

RULES: tuple[Rule, ...] = (
    Rule(
        code="lvu",
        actions=frozenset({Action.PLACEMENT_LVU}),
        alternatives=((),),
        guardian_views=True,
        # Care is decided under 3 § before 20 and ends at 21 at the latest (LVU 21 §): the
        # steps of an ongoing LVU placement are allowed until then.
        max_age=21,
        source="LVU (1990:52) 1-3 §§; 004 ≈L783-922, fotnot 28",
        effective_from=dt.date(1990, 7, 1),
    ),
    Rule(
        code="lvm",
        actions=frozenset({Action.PLACEMENT_LVM}),
        alternatives=((),),
        own_view=True,
        min_age=AGE_OF_MAJORITY,
        source="LVM (1988:870); 004 ≈L783-922",
        effective_from=dt.date(1989, 1, 1),
    ),
    Rule(
        code="sol_placement_adult",
        actions=frozenset({Action.PLACEMENT_SOL}),
        alternatives=((SELF,),),
        min_age=AGE_OF_MAJORITY,
        source="SoL, frivillig placering; 004 ≈L1081",
        effective_from=dt.date(1982, 1, 1),
    ),
    Rule(
        code="sol_placement_youth_15",
        actions=frozenset({Action.PLACEMENT_SOL}),
        alternatives=((GUARDIANS, CHILD),),
        min_age=15,
        max_age=AGE_OF_MAJORITY,
        source="SoL, placering av barn som fyllt 15 år; 004 ≈L1081",
        effective_from=dt.date(1982, 1, 1),
    ),
    Rule(
        code="sol_placement_child",
        actions=frozenset({Action.PLACEMENT_SOL}),
        alternatives=((GUARDIANS,),),
        max_age=15,
        source="SoL, placering av barn; 004 ≈L1081",
        effective_from=dt.date(1982, 1, 1),
    ),
    Rule(
        code="open_intervention_child_12",
        actions=frozenset({Action.OPEN_INTERVENTION}),
        alternatives=((CHILD,), (GUARDIANS,)),
        min_age=12,
        max_age=AGE_OF_MAJORITY,
        source="SoL, öppna insatser utan vårdnadshavares samtycke från 12 år; 004 ≈L701-703",
        effective_from=dt.date(2023, 7, 1),
    ),
    Rule(
        code="open_intervention_child_15",
        actions=frozenset({Action.OPEN_INTERVENTION}),
        alternatives=((CHILD,), (GUARDIANS,)),
        min_age=15,
        max_age=AGE_OF_MAJORITY,
        source="SoL, öppna insatser från 15 år (gränsen före 2023-07-01); 004 fotnot 24",
        effective_from=dt.date(1982, 1, 1),
        effective_until=dt.date(2023, 6, 30),
    ),
    Rule(
        code="adult_own",
        actions=VOLUNTARY,
        alternatives=((SELF,),),
        min_age=AGE_OF_MAJORITY,
        source="SoL 10 kap 8 §, HSL 16 kap 4 §; 004 ≈L651-679",
        effective_from=dt.date(2010, 1, 1),
    ),
    Rule(
        code="child_guardians",
        actions=VOLUNTARY,
        alternatives=((GUARDIANS,),),
        max_age=AGE_OF_MAJORITY,
        source="Föräldrabalken 6 kap 13 §; 004 ≈L683-690 (båda vårdnadshavarna)",
        effective_from=dt.date(2010, 1, 1),
    ),
)


def rule_for(*, action: str, age: int, on: dt.date) -> Rule | None:
    return next((rule for rule in RULES if rule.matches(action=action, age=age, on=on)), None)
