"""The one question every transition asks: may this happen now, for this person, with
these actors and this information?

A refusal says exactly what is missing: each ``Reason`` names its code, whose consent (or
view) it is about, the unit or organisation and the information categories concerned, and
renders the Swedish sentence the user reads.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import connection
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from directory.models import Guardianship, Organisation, Person, Unit
from directory.rules import AGE_OF_MAJORITY
from directory.selectors import guardians_apply

from .models import (
    CommitteeDecision,
    Consent,
    GuardiansNotCalled,
    InformationCategory,
    Purpose,
    RecordedView,
)
from .rules import (
    CHILD,
    CHILD_VIEW_AGE,
    COMMITTEE,
    GUARDIANS,
    GUARDIANS_NOT_CALLED,
    PURPOSE_OF,
    RULES,
    SELF,
    Rule,
    rule_for,
)


class ReasonCode(StrEnum):
    """Why a step is refused. Stable codes: an API reports them as they are."""

    NO_RULE = "no_rule"  # no row of the table allows the action at this age and date
    NO_CONSENT = "no_consent"  # the person has given no consent in force in the matter
    PARTY_NOT_COVERED = "party_not_covered"  # no consent names the unit/organisation
    PARTY_EXCLUDED = "party_excluded"  # the consent names the unit as excluded
    CATEGORY_NOT_COVERED = "category_not_covered"  # information outside the consent
    CATEGORY_EXCLUDED = "category_excluded"  # information the consent excludes
    NO_GUARDIAN = "no_guardian"  # a child with no vårdnadshavare registered
    COMMITTEE_DECISION_MISSING = "committee_decision_missing"  # no nämnd decision
    VIEW_MISSING = "view_missing"  # an inställning that must be recorded is not


@dataclass(frozen=True)
class Reason:
    """One thing that is missing for a step.

    ``person`` is whose consent or view is missing (the subject for ``no_rule``,
    ``no_guardian`` and ``committee_decision_missing``), ``whose`` their part (SELF, CHILD
    or GUARDIANS: a vårdnadshavare). ``unit`` or ``organisation`` is the party concerned and
    ``categories`` the information, where the reason is about them.
    """

    code: ReasonCode
    person: Person
    whose: str = ""
    unit: Unit | None = None
    organisation: Organisation | None = None
    categories: tuple[InformationCategory, ...] = ()

    @property
    def party(self) -> Unit | Organisation | None:
        return self.unit or self.organisation

    @property
    def category_codes(self) -> tuple[str, ...]:
        return tuple(category.code for category in self.categories)

    @property
    def text(self) -> str:
        """The Swedish (or the active language's) sentence for the user."""
        return _render(self)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: Rule | None
    consent_reasons: tuple[Reason, ...] = ()
    view_reasons: tuple[Reason, ...] = ()
    tasks: list[str] = field(default_factory=list)

    @property
    def consent_satisfied(self) -> bool:
        return self.rule is not None and not self.consent_reasons

    @property
    def refusals(self) -> tuple[Reason, ...]:
        """Every structured reason: the missing consents first, then the missing views."""
        return self.consent_reasons + self.view_reasons

    @property
    def missing_consents(self) -> list[str]:
        return [reason.text for reason in self.consent_reasons]

    @property
    def missing_views(self) -> list[str]:
        return [reason.text for reason in self.view_reasons]

    @property
    def reasons(self) -> list[str]:
        return self.missing_consents + self.missing_views


# --- Rendering ---------------------------------------------------------------------------


def _giver(reason: Reason) -> str:
    if reason.whose == GUARDIANS:
        return _("vårdnadshavare %(person)s") % {"person": reason.person}
    if reason.whose == CHILD:
        return _("%(person)s (barnet)") % {"person": reason.person}
    return str(reason.person)


def _category_list(categories: Sequence[InformationCategory]) -> str:
    return get_text_list([f"”{category.name}”" for category in categories], _("och"))


def _render(reason: Reason) -> str:
    code, person = reason.code, reason.person
    if code == ReasonCode.NO_RULE:
        return _("Ingen regel tillåter den här åtgärden för %(person)s.") % {"person": person}
    if code == ReasonCode.NO_GUARDIAN:
        return _("Ingen vårdnadshavare är registrerad för %(child)s.") % {"child": person}
    if code == ReasonCode.COMMITTEE_DECISION_MISSING:
        return _(
            "Vårdnadshavarna kallas inte och %(child)s kan inte själv samtycka: det krävs ett "
            "beslut av socialnämnden med angivet lagrum."
        ) % {"child": person}
    if code == ReasonCode.VIEW_MISSING:
        if reason.whose == CHILD:
            message = _("Barnets inställning (%(person)s) är inte dokumenterad.")
        elif reason.whose == GUARDIANS:
            message = _("Vårdnadshavare %(person)s inställning är inte dokumenterad.")
        else:
            message = _("%(person)s inställning är inte dokumenterad.")
        return message % {"person": person}
    if code == ReasonCode.NO_CONSENT:
        if reason.whose == GUARDIANS:
            return _("Vårdnadshavare %(guardian)s har inte samtyckt.") % {"guardian": person}
        if reason.whose == CHILD:
            return _("%(child)s (barnet) har inte samtyckt.") % {"child": person}
        return _("%(person)s har inte samtyckt.") % {"person": person}
    params = {
        "giver": _giver(reason),
        "party": reason.party,
        "categories": _category_list(reason.categories),
    }
    if code == ReasonCode.PARTY_NOT_COVERED:
        return _("Samtycket från %(giver)s omfattar inte %(party)s.") % params
    if code == ReasonCode.PARTY_EXCLUDED:
        return _("Samtycket från %(giver)s undantar %(party)s.") % params
    if code == ReasonCode.CATEGORY_NOT_COVERED:
        if reason.party is None:
            return _("Samtycket från %(giver)s omfattar inte informationen %(categories)s.") % (
                params
            )
        return (
            _("Samtycket från %(giver)s till %(party)s omfattar inte informationen %(categories)s.")
            % params
        )
    if reason.party is None:  # CATEGORY_EXCLUDED
        return _("Samtycket från %(giver)s undantar informationen %(categories)s.") % params
    return (
        _("Samtycket från %(giver)s till %(party)s undantar informationen %(categories)s.") % params
    )


# --- Scope ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Party:
    unit: Unit | None = None
    organisation: Organisation | None = None


@dataclass(frozen=True)
class ConsentReach:
    """What one consent names and excludes, by key: unit and organisation pks, category
    codes. Read for all the consents of an evaluation in one query (``consent_reaches``)."""

    units: frozenset[int] = frozenset()
    organisations: frozenset[int] = frozenset()
    excluded_units: frozenset[int] = frozenset()
    categories: frozenset[str] = frozenset()
    excluded_categories: frozenset[str] = frozenset()


#: The consent's many-to-many fields whose targets are named by pk, and those by code.
_REACH_BY_PK = ("units", "organisations", "excluded_units")
_REACH_BY_CODE = ("categories", "excluded_categories")
_REACH = (*_REACH_BY_PK, *_REACH_BY_CODE)


def _column(model, name: str) -> str:
    return f'"{model._meta.get_field(name).column}"'


def _table(model) -> str:
    return f'"{model._meta.db_table}"'


@functools.cache
def _in_force_sql() -> tuple[str, ...]:
    """The parts of a UNION ALL that give (kind, key, value, at) rows for the consents in
    force in one matter: one ``consent`` row each (pk, giver, documented at) and one row
    per unit, organisation or category it names or excludes (the field, the consent's pk,
    the target's pk or code). Each part takes subject, purpose, status and the day twice.
    Written once from the models' own table and column names, in SQL that PostgreSQL and
    SQLite both read."""
    consent = Consent._meta
    pk = f'"{consent.pk.column}"'
    where = " AND ".join(
        [
            f"{_column(Consent, 'subject')} = %s",
            f"{_column(Consent, 'purpose')} = %s",
            f"{_column(Consent, 'status')} = %s",
            f"{_column(Consent, 'valid_from')} <= %s",
            f"{_column(Consent, 'valid_until')} >= %s",
        ]
    )
    parts = [
        f"SELECT 'consent', {pk}, CAST({_column(Consent, 'given_by')} AS TEXT), "
        f"{_column(Consent, 'documented_at')} FROM {_table(Consent)} WHERE {where}"
    ]
    in_force = f"SELECT {pk} FROM {_table(Consent)} WHERE {where}"
    category = InformationCategory._meta
    for name in _REACH:
        through = consent.get_field(name).remote_field.through._meta
        own = through.get_field("consent").column
        target = next(
            field for field in through.local_fields if field.is_relation and field.name != "consent"
        )
        if name in _REACH_BY_PK:
            parts.append(
                f'SELECT \'{name}\', t."{own}", CAST(t."{target.column}" AS TEXT), NULL '
                f'FROM "{through.db_table}" t WHERE t."{own}" IN ({in_force})'
            )
        else:
            parts.append(
                f'SELECT \'{name}\', t."{own}", c."code", NULL FROM "{through.db_table}" t '
                f'JOIN "{category.db_table}" c ON c."{category.pk.column}" = t."{target.column}" '
                f'WHERE t."{own}" IN ({in_force})'
            )
    return tuple(parts)


def _in_force_params(*, subject_id: int, purpose: str, on: dt.date) -> list:
    day = connection.ops.adapt_datefield_value(on)
    return [subject_id, purpose, Consent.Status.ACTIVE, day, day] * (1 + len(_REACH))


def _by_giver(rows) -> dict[int, list[ConsentReach]]:
    """The reach of the consents in ``rows`` (see ``_in_force_sql``) by who gave them,
    newest documented first."""
    consents: list[tuple] = []
    found: dict[int, dict[str, set[str]]] = {}
    for kind, key, value, at in rows:
        if kind == "consent":
            consents.append((at, key, int(value)))
            found.setdefault(key, {name: set() for name in _REACH})
        elif kind in _REACH:
            found.setdefault(key, {name: set() for name in _REACH})[kind].add(value)
    by_giver: dict[int, list[ConsentReach]] = {}
    for _at, pk, giver in sorted(consents, key=lambda row: (row[0], row[1]), reverse=True):
        keys = found[pk]
        by_giver.setdefault(giver, []).append(
            ConsentReach(
                units=frozenset(int(key) for key in keys["units"]),
                organisations=frozenset(int(key) for key in keys["organisations"]),
                excluded_units=frozenset(int(key) for key in keys["excluded_units"]),
                categories=frozenset(keys["categories"]),
                excluded_categories=frozenset(keys["excluded_categories"]),
            )
        )
    return by_giver


def consents_in_force(
    *, subject_id: int, purpose: str, on: dt.date
) -> dict[int, list[ConsentReach]]:
    """The reach of the consents in force in this matter on ``on``, by who gave them, in one
    query (a UNION ALL over the consents and their link tables). A person may have given
    several (BUP first, primärvården later). A consent past its end date counts as expired
    at once, whatever its stored status."""
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(_in_force_sql()),
            _in_force_params(subject_id=subject_id, purpose=purpose, on=on),
        )
        return _by_giver(cursor.fetchall())


@functools.cache
def _facts_sql() -> str:
    """``_in_force_sql`` and, in the same UNION ALL, the rest of what one evaluation reads
    about the person in the matter: their vårdnadshavare (with their slot), a record that
    the guardians are not called, the holders of recorded views, and the nämnd's decisions
    (with the guardian one replaces). Parameters: see ``_facts_params``."""
    guardianship = Guardianship
    parts = [
        *_in_force_sql(),
        f"SELECT 'guardian', {_column(guardianship, 'guardian')}, "
        f"CAST({_column(guardianship, 'slot')} AS TEXT), NULL FROM {_table(guardianship)} "
        f"WHERE {_column(guardianship, 'child')} = %s",
        f"SELECT 'not_called', {_column(GuardiansNotCalled, 'subject')}, NULL, NULL "
        f"FROM {_table(GuardiansNotCalled)} WHERE {_column(GuardiansNotCalled, 'subject')} = %s "
        f"AND {_column(GuardiansNotCalled, 'purpose')} = %s "
        f"AND {_column(GuardiansNotCalled, 'recorded_at')} <= %s",
        f"SELECT 'view', {_column(RecordedView, 'holder')}, NULL, NULL "
        f"FROM {_table(RecordedView)} WHERE {_column(RecordedView, 'subject')} = %s "
        f"AND {_column(RecordedView, 'purpose')} = %s",
        f"SELECT 'committee', {_column(CommitteeDecision, 'subject')}, "
        f"CAST({_column(CommitteeDecision, 'guardian')} AS TEXT), NULL "
        f"FROM {_table(CommitteeDecision)} WHERE {_column(CommitteeDecision, 'subject')} = %s "
        f"AND {_column(CommitteeDecision, 'purpose')} = %s "
        f"AND {_column(CommitteeDecision, 'decided_on')} <= %s",
    ]
    return " UNION ALL ".join(parts)


@dataclass(frozen=True)
class _Facts:
    """What one evaluation reads about the person in one matter (``_facts``)."""

    consents: dict[int, list[ConsentReach]]
    guardians: list[int]  # the vårdnadshavare's pks, by slot
    not_called: bool  # the guardians are not called (GUARDIANS_NOT_CALLED)
    views: frozenset[int]  # whose view is recorded
    committee: bool  # a nämnd decision in place of consent
    committee_guardians: frozenset[int]  # guardians a nämnd decision replaces


def _facts(*, person: Person, purpose: str, at: dt.datetime, on: dt.date) -> _Facts:
    """Everything one evaluation reads, in one query."""
    ops = connection.ops
    day = ops.adapt_datefield_value(on)
    params = [
        *_in_force_params(subject_id=person.pk, purpose=purpose, on=on),
        person.pk,
        *(person.pk, purpose, ops.adapt_datetimefield_value(at)),
        *(person.pk, purpose),
        *(person.pk, purpose, day),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_facts_sql(), params)
        rows = cursor.fetchall()
    guardians: list[tuple[int, int]] = []
    views: set[int] = set()
    committee_guardians: set[int] = set()
    not_called = committee = False
    for kind, key, value, _at in rows:
        if kind == "guardian":
            guardians.append((int(value), key))
        elif kind == "not_called":
            not_called = True
        elif kind == "view":
            views.add(key)
        elif kind == "committee":
            if value is None:
                committee = True
            else:
                committee_guardians.add(int(value))
    return _Facts(
        consents=_by_giver(rows),
        guardians=[pk for _slot, pk in sorted(guardians)]
        if guardians_apply(person=person, on=on)
        else [],
        not_called=not_called,
        views=frozenset(views),
        committee=committee,
        committee_guardians=frozenset(committee_guardians),
    )


class _People:
    """The person and their vårdnadshavare as Person rows, by pk: the guardians' rows are
    read (in one query) only when a refusal names one of them."""

    def __init__(self, person: Person, guardians: list[int]):
        self.person, self.guardians = person, guardians
        self._rows: dict[int, Person] | None = None

    def __getitem__(self, pk: int) -> Person:
        if pk == self.person.pk:
            return self.person
        if self._rows is None:
            self._rows = Person.objects.in_bulk(self.guardians)
        return self._rows[pk]


def _reaches(reach: ConsentReach, party: _Party) -> bool:
    """The consent names the party (a unit directly or through its organisation, an
    organisation as a whole only by itself) and does not exclude it."""
    if party.unit is not None:
        unit = party.unit
        return unit.pk not in reach.excluded_units and (
            unit.pk in reach.units or unit.organisation_id in reach.organisations
        )
    if party.organisation is not None:
        return party.organisation.pk in reach.organisations
    return True


class _Scope:
    """The parties and information of one step, and the categories by code."""

    def __init__(self, *, units, organisations, categories: Sequence[str]):
        self.parties = [_Party(unit=unit) for unit in units] + [
            _Party(organisation=organisation) for organisation in organisations
        ]
        self.codes = list(dict.fromkeys(categories))
        self._categories: dict[str, InformationCategory] | None = None

    def categories(self, codes: Sequence[str]) -> tuple[InformationCategory, ...]:
        if self._categories is None:
            self._categories = {
                category.code: category
                for category in InformationCategory.objects.filter(code__in=self.codes)
            }
        return tuple(
            self._categories.get(code) or InformationCategory(code=code, name=code)
            for code in codes
        )

    def gaps(
        self, giver: int, whose: str, given: list[ConsentReach], people: _People
    ) -> list[Reason]:
        """What the consents in force of ``giver`` (a pk) leave out of this step: nothing
        when each party is covered, with all the information shared, by one of them."""
        if not given:
            return [Reason(ReasonCode.NO_CONSENT, person=people[giver], whose=whose)]
        reasons: list[Reason] = []
        for party in self.parties or [_Party()]:
            reasons += self._party_gaps(giver, whose, given, party, people)
        return reasons

    def _party_gaps(self, giver, whose, given, party: _Party, people: _People) -> list[Reason]:
        def who() -> dict:
            return {
                "person": people[giver],
                "whose": whose,
                "unit": party.unit,
                "organisation": party.organisation,
            }

        reaching = [reach for reach in given if _reaches(reach, party)]
        if not reaching:
            excluded = party.unit is not None and any(
                party.unit.pk in reach.excluded_units for reach in given
            )
            code = ReasonCode.PARTY_EXCLUDED if excluded else ReasonCode.PARTY_NOT_COVERED
            return [Reason(code, **who())]
        # The consent that comes closest says what is missing.
        best: tuple[list[str], list[str]] | None = None
        for reach in reaching:
            excluded_codes, covered = reach.excluded_categories, reach.categories
            excluded = [code for code in self.codes if code in excluded_codes]
            missing = [
                code for code in self.codes if code not in covered and code not in excluded_codes
            ]
            if not excluded and not missing:
                return []
            if best is None or len(excluded) + len(missing) < sum(map(len, best)):
                best = (excluded, missing)
        excluded, missing = best
        reasons = []
        if excluded:
            reasons.append(
                Reason(ReasonCode.CATEGORY_EXCLUDED, categories=self.categories(excluded), **who())
            )
        if missing:
            reasons.append(
                Reason(
                    ReasonCode.CATEGORY_NOT_COVERED, categories=self.categories(missing), **who()
                )
            )
        return reasons


def _missing_for(
    requirement: str,
    *,
    person: Person,
    facts: _Facts,
    people: _People,
    scope: _Scope,
    purpose: str,
) -> list[Reason]:
    consents = facts.consents
    if requirement in (SELF, CHILD):
        return scope.gaps(person.pk, requirement, consents.get(person.pk, []), people)
    if requirement == COMMITTEE:
        if facts.committee:
            return []
        return [Reason(ReasonCode.COMMITTEE_DECISION_MISSING, person=person)]
    # GUARDIANS
    guardians = facts.guardians
    if not guardians:
        return [Reason(ReasonCode.NO_GUARDIAN, person=person)]
    gaps = {
        guardian: scope.gaps(guardian, GUARDIANS, consents.get(guardian, []), people)
        for guardian in guardians
    }
    missing = [guardian for guardian in guardians if gaps[guardian]]
    # A nämnd decision without one of two guardians is for SIP and öppna insatser
    # (öppenvård, HSL insatser; 004 ≈L705-710), never for a placement.
    if (
        purpose == Purpose.SIP
        and len(missing) == 1
        and len(guardians) == 2
        and missing[0] in facts.committee_guardians
    ):
        return []
    return [reason for guardian in missing for reason in gaps[guardian]]


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
    purpose = PURPOSE_OF[action]
    facts = _facts(person=person, purpose=purpose, at=at, on=on)
    conditions = frozenset({GUARDIANS_NOT_CALLED} if facts.not_called else ())
    rule = rule_for(action=action, age=age, on=on, conditions=conditions)
    if rule is None:
        return Decision(
            allowed=False,
            rule=None,
            consent_reasons=(Reason(ReasonCode.NO_RULE, person=person),),
        )
    people = _People(person, facts.guardians)
    scope = _Scope(units=units, organisations=organisations, categories=categories)
    options: list[list[Reason]] = []
    for alternative in rule.alternatives:
        option = [
            reason
            for requirement in alternative
            for reason in _missing_for(
                requirement,
                person=person,
                facts=facts,
                people=people,
                scope=scope,
                purpose=purpose,
            )
        ]
        if not option:  # the first alternative that is met: nothing is missing
            options = [option]
            break
        options.append(option)
    consent_reasons = tuple(min(options, key=len))
    tasks = [rule.task % {"child": person}] if rule.task else []

    holders: list[tuple[int, str]] = []
    if CHILD_VIEW_AGE <= age < AGE_OF_MAJORITY:
        holders.append((person.pk, CHILD))
    if rule.guardian_views:
        holders += [(guardian, GUARDIANS) for guardian in facts.guardians]
    if rule.own_view:
        holders.append((person.pk, SELF))
    view_reasons = tuple(
        Reason(ReasonCode.VIEW_MISSING, person=people[holder], whose=whose)
        for holder, whose in holders
        if holder not in facts.views
    )
    return Decision(
        allowed=not consent_reasons and not view_reasons,
        rule=rule,
        consent_reasons=consent_reasons,
        view_reasons=view_reasons,
        tasks=tasks,
    )


def _birthday(person: Person, age: int) -> dt.date:
    """The first day on which the person is ``age`` years old."""
    born = person.date_of_birth
    try:
        day = born.replace(year=born.year + age)
    except ValueError:  # 29 February in a common year
        day = dt.date(born.year + age, 2, 28)
    while person.age_on(day) < age:
        day += dt.timedelta(days=1)
    return day


def decision_holds_until(*, action: str, person: Person, at: dt.datetime) -> dt.date | None:
    """The last day on which ``consent_evaluate`` for this action and person, taken at
    ``at``, is sure to answer the same unless something is registered or withdrawn: the
    earliest end of the consents in force in the matter, the day before the person reaches
    an age at which another row of the rule table applies (for a child, at the latest the day
    before the 18th birthday, AGE_OF_MAJORITY), and the day before a row takes effect or the
    last day of one. None: no end in sight."""
    on = timezone.localdate(at)
    ends = list(
        Consent.objects.filter(
            subject=person,
            purpose=PURPOSE_OF[action],
            status=Consent.Status.ACTIVE,
            valid_from__lte=on,
            valid_until__gte=on,
        ).values_list("valid_until", flat=True)
    )
    age = person.age_on(on)
    for rule in RULES:
        if action not in rule.actions:
            continue
        for bound in (rule.min_age, rule.max_age):
            if bound is not None and bound > age:
                ends.append(_birthday(person, bound) - dt.timedelta(days=1))
        if rule.effective_from > on:
            ends.append(rule.effective_from - dt.timedelta(days=1))
        if rule.effective_until is not None and rule.effective_until >= on:
            ends.append(rule.effective_until)
    if age < AGE_OF_MAJORITY:
        ends.append(_birthday(person, AGE_OF_MAJORITY) - dt.timedelta(days=1))
    return min(ends, default=None)
