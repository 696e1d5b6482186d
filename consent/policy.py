"""The one question every transition asks: may this happen now, for this person, with
these actors and this information?"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Organisation, Person, Unit
from directory.rules import AGE_OF_MAJORITY
from directory.selectors import person_guardians

from .models import CommitteeDecision, Consent, GuardiansNotCalled, Purpose, RecordedView
from .rules import (
    CHILD,
    CHILD_VIEW_AGE,
    PURPOSE_OF,
    SELF,
    Rule,
    rule_for,
)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: Rule | None
    missing_consents: list[str] = field(default_factory=list)
    missing_views: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)

    @property
    def consent_satisfied(self) -> bool:
        return self.rule is not None and not self.missing_consents

    @property
    def reasons(self) -> list[str]:
        return self.missing_consents + self.missing_views


def _covers(
    consent: Consent,
    *,
    units: Sequence[Unit],
    organisations: Sequence[Organisation],
    categories: Sequence[str],
) -> bool:
    unit_ids = {unit.pk for unit in consent.units.all()}
    organisation_ids = {organisation.pk for organisation in consent.organisations.all()}
    excluded_units = {unit.pk for unit in consent.excluded_units.all()}
    codes = {category.code for category in consent.categories.all()}
    excluded_codes = {category.code for category in consent.excluded_categories.all()}
    return (
        all(
            unit.pk not in excluded_units
            and (unit.pk in unit_ids or unit.organisation_id in organisation_ids)
            for unit in units
        )
        and all(organisation.pk in organisation_ids for organisation in organisations)
        and all(code in codes and code not in excluded_codes for code in categories)
    )


def _consenting(
    *, subject: Person, purpose: str, on: dt.date, units, organisations, categories
) -> set[int]:
    """Ids of the people whose consents in this matter are in force and cover the step.

    A person may have given several consents (BUP first, primärvården later): each party
    must be covered, with all the information shared, by one of them. A consent past its
    end date counts as expired at once, whatever its stored status.
    """
    consents = Consent.objects.filter(
        subject=subject,
        purpose=purpose,
        status=Consent.Status.ACTIVE,
        valid_from__lte=on,
        valid_until__gte=on,
    ).prefetch_related(
        "units", "organisations", "excluded_units", "categories", "excluded_categories"
    )
    by_giver: dict[int, list[Consent]] = {}
    for consent in consents:
        by_giver.setdefault(consent.given_by_id, []).append(consent)
    parties = [([unit], []) for unit in units] + [
        ([], [organisation]) for organisation in organisations
    ]
    return {
        giver
        for giver, given in by_giver.items()
        if all(
            any(
                _covers(consent, units=unit, organisations=organisation, categories=categories)
                for consent in given
            )
            for unit, organisation in parties or [([], [])]
        )
    }


def _missing_for(
    requirement: str,
    *,
    person: Person,
    guardians: list[Person],
    consenting: set[int],
    purpose: str,
    on: dt.date,
    tasks: list[str],
) -> list[str]:
    if requirement == SELF:
        return (
            []
            if person.pk in consenting
            else [_("%(person)s har inte samtyckt.") % {"person": person}]
        )
    if requirement == CHILD:
        return (
            []
            if person.pk in consenting
            else [_("%(child)s (barnet) har inte samtyckt.") % {"child": person}]
        )
    # GUARDIANS
    # Not calling the guardians, and a nämnd decision without one of them, are for SIP and
    # öppna insatser (öppenvård, HSL insatser; 004 ≈L705-715), never for a placement.
    voluntary = purpose == Purpose.SIP
    if voluntary and GuardiansNotCalled.objects.filter(subject=person, purpose=purpose).exists():
        tasks.append(
            _(
                "Vårdnadshavarna har inte kallats men har rätt till information om planerade "
                "insatser tills %(child)s fyller 18 år."
            )
            % {"child": person}
        )
        return []
    if not guardians:
        return [_("Ingen vårdnadshavare är registrerad för %(child)s.") % {"child": person}]
    missing = [guardian for guardian in guardians if guardian.pk not in consenting]
    if (
        voluntary
        and len(missing) == 1
        and len(guardians) == 2
        and CommitteeDecision.objects.filter(
            subject=person, guardian=missing[0], purpose=purpose, decided_on__lte=on
        ).exists()
    ):
        return []
    return [
        _("Vårdnadshavare %(guardian)s har inte samtyckt.") % {"guardian": guardian}
        for guardian in missing
    ]


def consent_evaluate(
    *,
    action: str,
    person: Person,
    at: dt.datetime,
    units: Sequence[Unit] = (),
    organisations: Sequence[Organisation] = (),
    categories: Sequence[str] = (),
) -> Decision:
    """Evaluate the rule table for one step. Ages and validity are taken at ``at``.

    ``units`` and ``organisations`` are the parties the step shares with (an organisation as
    a whole, a huvudman, must be named in the consent itself); ``categories`` the codes of
    the information shared.
    """
    on = timezone.localdate(at)
    age = person.age_on(on)
    rule = rule_for(action=action, age=age, on=on)
    if rule is None:
        return Decision(
            allowed=False,
            rule=None,
            missing_consents=[
                _("Ingen regel tillåter den här åtgärden för %(person)s.") % {"person": person}
            ],
        )
    purpose = PURPOSE_OF[action]
    guardians = person_guardians(person=person, on=on)
    consenting = _consenting(
        subject=person,
        purpose=purpose,
        on=on,
        units=units,
        organisations=organisations,
        categories=categories,
    )
    tasks: list[str] = []
    options = [
        [
            message
            for requirement in alternative
            for message in _missing_for(
                requirement,
                person=person,
                guardians=guardians,
                consenting=consenting,
                purpose=purpose,
                on=on,
                tasks=tasks,
            )
        ]
        for alternative in rule.alternatives
    ]
    missing_consents = min(options, key=len)

    holders: list[tuple[Person, str]] = []
    if CHILD_VIEW_AGE <= age < AGE_OF_MAJORITY:
        holders.append((person, _("Barnets inställning (%(person)s) är inte dokumenterad.")))
    if rule.guardian_views:
        holders += [
            (guardian, _("Vårdnadshavare %(person)s inställning är inte dokumenterad."))
            for guardian in guardians
        ]
    if rule.own_view:
        holders.append((person, _("%(person)s inställning är inte dokumenterad.")))
    recorded = set(
        RecordedView.objects.filter(subject=person, purpose=purpose).values_list(
            "holder_id", flat=True
        )
    )
    missing_views = [
        message % {"person": holder} for holder, message in holders if holder.pk not in recorded
    ]
    return Decision(
        allowed=not missing_consents and not missing_views,
        rule=rule,
        missing_consents=missing_consents,
        missing_views=missing_views,
        tasks=tasks,
    )
