"""Who must consent to what: the rule table, with sources. Data, not code paths.

Ages are completed years at the moment of the action. Rows are tried in order and the
first that matches the action, the age, the date and the conditions that hold (such as
"guardians not called") decides. Each row lists alternatives: the step is allowed when
every requirement of one alternative is met.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.rules import AGE_OF_MAJORITY, Source

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

# Requirement codes: whose consent, or what stands in for it.
SELF = "self"  # the adult's own
GUARDIANS = "guardians"  # every vårdnadshavare, both where there are two
CHILD = "child"  # the child's own
COMMITTEE = "committee"  # socialnämndens beslut, with its legal ground

# Conditions a row may ask for. A row with a condition is tried only when it holds; such
# rows come before the general rows for the same actions.
GUARDIANS_NOT_CALLED = "guardians_not_called"  # consent.models.GuardiansNotCalled

# From this age a child's view (inställning) is recorded for every step.
CHILD_VIEW_AGE = 12
CHILD_VIEW_SOURCE = "004 ≈L474-481, ≈L701-703 (barnets bästa; barnets inställning)"

# The agreement's section headings.
CONSENT_IN_SIP = _("Samtycke och sekretess i SIP")
CONSENT_FOR_CHILDREN = _("Samtycke och sekretess för barn i SIP")
VOLUNTARY_OR_COMPULSORY = _(
    "Skillnader mellan frivillig placering (SoL) och placering vid tvångsvård (LVU, LVM)"
)
PLACEMENT_GROUNDS = _("Vad grundar socialtjänsten behovet av placering")


@dataclass(frozen=True)
class Rule:
    code: str
    actions: frozenset[str]
    alternatives: tuple[tuple[str, ...], ...]
    source: Source
    effective_from: dt.date
    effective_until: dt.date | None = None
    min_age: int = 0
    max_age: int | None = None  # exclusive
    condition: str | None = None  # the row applies only while this condition holds
    guardian_views: bool = False  # views recorded instead of consent (LVU)
    own_view: bool = False  # the adult's view recorded instead of consent (LVM)
    task: str = ""  # what staff must still do when the row applies; %(child)s

    def matches(
        self, *, action: str, age: int, on: dt.date, conditions: frozenset[str] = frozenset()
    ) -> bool:
        return (
            action in self.actions
            and (self.condition is None or self.condition in conditions)
            and self.min_age <= age
            and (self.max_age is None or age < self.max_age)
            and self.effective_from <= on
            and (self.effective_until is None or on <= self.effective_until)
        )


VOLUNTARY = frozenset({Action.SIP, Action.OPEN_INTERVENTION})

#: The day the age limit for öppna insatser without the guardians went from 15 to 12
#: (004 fotnot 24).
OPEN_INTERVENTIONS_FROM_12 = dt.date(2023, 7, 1)

GUARDIANS_INFORMED = _(
    "Vårdnadshavarna har inte kallats men har rätt till information om planerade "
    "insatser tills %(child)s fyller 18 år."
)

RULES: tuple[Rule, ...] = (
    Rule(
        code="lvu",
        actions=frozenset({Action.PLACEMENT_LVU}),
        alternatives=((),),
        guardian_views=True,
        # Care is decided under 3 § before 20 and ends at 21 at the latest (LVU 21 §): the
        # steps of an ongoing LVU placement are allowed until then.
        max_age=21,
        source=Source(
            law=_("LVU (1990:52) 1–3 §§ och 21 §"),
            section=VOLUNTARY_OR_COMPULSORY,
            ref="004 ≈L783-922, fotnot 28",
        ),
        effective_from=dt.date(1990, 7, 1),
    ),
    Rule(
        code="lvm",
        actions=frozenset({Action.PLACEMENT_LVM}),
        alternatives=((),),
        own_view=True,
        min_age=AGE_OF_MAJORITY,
        source=Source(
            law=_("LVM (1988:870)"), section=VOLUNTARY_OR_COMPULSORY, ref="004 ≈L783-922"
        ),
        effective_from=dt.date(1989, 1, 1),
    ),
    Rule(
        code="sol_placement_adult",
        actions=frozenset({Action.PLACEMENT_SOL}),
        alternatives=((SELF,),),
        min_age=AGE_OF_MAJORITY,
        source=Source(
            law=_("Socialtjänstlagen, frivillig placering med den enskildes samtycke"),
            section=VOLUNTARY_OR_COMPULSORY,
            ref="004 ≈L797-922, ≈L1081",
        ),
        effective_from=dt.date(1982, 1, 1),
    ),
    Rule(
        code="sol_placement_youth_15",
        actions=frozenset({Action.PLACEMENT_SOL}),
        alternatives=((GUARDIANS, CHILD),),
        min_age=15,
        max_age=AGE_OF_MAJORITY,
        source=Source(
            law=_("Socialtjänstlagen, placering av barn som fyllt 15 år"),
            section=PLACEMENT_GROUNDS,
            ref="004 ≈L1081",
        ),
        effective_from=dt.date(1982, 1, 1),
    ),
    Rule(
        code="sol_placement_child",
        actions=frozenset({Action.PLACEMENT_SOL}),
        alternatives=((GUARDIANS,),),
        max_age=15,
        source=Source(
            law=_("Socialtjänstlagen, placering av barn"),
            section=PLACEMENT_GROUNDS,
            ref="004 ≈L1081",
        ),
        effective_from=dt.date(1982, 1, 1),
    ),
    # Guardians not called (safety, or the child's will): their consent drops out of the
    # requirement, never the need for consent. From 12 the child's own consent carries the
    # SIP; below that only a nämnd decision with its legal ground (RULES.md §2).
    Rule(
        code="child_guardians_not_called",
        actions=VOLUNTARY,
        alternatives=((CHILD,),),
        condition=GUARDIANS_NOT_CALLED,
        min_age=12,
        max_age=AGE_OF_MAJORITY,
        source=Source(
            law=_("Socialtjänstlagen, öppna insatser med barnets eget samtycke från 12 år"),
            section=CONSENT_FOR_CHILDREN,
            ref="004 ≈L712-715, ≈L701-703; RULES.md §2 Guardians not called",
        ),
        effective_from=OPEN_INTERVENTIONS_FROM_12,
        task=GUARDIANS_INFORMED,
    ),
    Rule(
        code="child_guardians_not_called_15",
        actions=VOLUNTARY,
        alternatives=((CHILD,),),
        condition=GUARDIANS_NOT_CALLED,
        min_age=15,
        max_age=AGE_OF_MAJORITY,
        source=Source(
            law=_(
                "Socialtjänstlagen, öppna insatser med barnets eget samtycke från 15 år "
                "(gränsen före 2023-07-01)"
            ),
            section=CONSENT_FOR_CHILDREN,
            ref="004 ≈L712-715, fotnot 24",
        ),
        effective_from=dt.date(1982, 1, 1),
        effective_until=OPEN_INTERVENTIONS_FROM_12 - dt.timedelta(days=1),
        task=GUARDIANS_INFORMED,
    ),
    Rule(
        code="child_guardians_not_called_committee",
        actions=VOLUNTARY,
        alternatives=((COMMITTEE,),),
        condition=GUARDIANS_NOT_CALLED,
        max_age=AGE_OF_MAJORITY,
        source=Source(
            law=_("Socialnämndens beslut med angivet lagrum när vårdnadshavarna inte kallas"),
            section=CONSENT_FOR_CHILDREN,
            ref="004 ≈L705-715; RULES.md §2 Guardians not called",
        ),
        effective_from=dt.date(2010, 1, 1),
        task=GUARDIANS_INFORMED,
    ),
    Rule(
        code="open_intervention_child_12",
        actions=frozenset({Action.OPEN_INTERVENTION}),
        alternatives=((CHILD,), (GUARDIANS,)),
        min_age=12,
        max_age=AGE_OF_MAJORITY,
        source=Source(
            law=_("Socialtjänstlagen, öppna insatser utan vårdnadshavares samtycke från 12 år"),
            section=CONSENT_FOR_CHILDREN,
            ref="004 ≈L701-703",
        ),
        effective_from=OPEN_INTERVENTIONS_FROM_12,
    ),
    Rule(
        code="open_intervention_child_15",
        actions=frozenset({Action.OPEN_INTERVENTION}),
        alternatives=((CHILD,), (GUARDIANS,)),
        min_age=15,
        max_age=AGE_OF_MAJORITY,
        source=Source(
            law=_(
                "Socialtjänstlagen, öppna insatser utan vårdnadshavares samtycke från 15 år "
                "(gränsen före 2023-07-01)"
            ),
            section=CONSENT_FOR_CHILDREN,
            ref="004 fotnot 24",
        ),
        effective_from=dt.date(1982, 1, 1),
        effective_until=OPEN_INTERVENTIONS_FROM_12 - dt.timedelta(days=1),
    ),
    Rule(
        code="adult_own",
        actions=VOLUNTARY,
        alternatives=((SELF,),),
        min_age=AGE_OF_MAJORITY,
        source=Source(
            law=_("SoL (2025:400) 10 kap 8 §, HSL (2017:30) 16 kap 4 §"),
            section=CONSENT_IN_SIP,
            ref="004 ≈L651-679",
        ),
        effective_from=dt.date(2010, 1, 1),
    ),
    Rule(
        code="child_guardians",
        actions=VOLUNTARY,
        alternatives=((GUARDIANS,),),
        max_age=AGE_OF_MAJORITY,
        source=Source(
            law=_("Föräldrabalken 6 kap 13 § (båda vårdnadshavarna)"),
            section=CONSENT_FOR_CHILDREN,
            ref="004 ≈L683-690",
        ),
        effective_from=dt.date(2010, 1, 1),
    ),
)


def rule_for(
    *, action: str, age: int, on: dt.date, conditions: frozenset[str] = frozenset()
) -> Rule | None:
    """The first row that matches; ``conditions`` are those that hold for the person."""
    return next(
        (
            rule
            for rule in RULES
            if rule.matches(action=action, age=age, on=on, conditions=conditions)
        ),
        None,
    )
