"""Reads for organisations, people and their relations."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import durations as duration_table
from .durations import Duration, add_calendar
from .identity_numbers import parse_identity_number
from .models import DurationOverride, Membership, Organisation, Person, RuleSwitch, Unit, User
from .rules import AGE_OF_MAJORITY


def guardians_apply(*, person: Person, on: dt.date) -> bool:
    """Whether the person has vårdnadshavare on ``on``: only until they turn 18."""
    return person.age_on(on) < AGE_OF_MAJORITY


def person_guardians(*, person: Person, on: dt.date) -> list[Person]:
    """The person's vårdnadshavare on ``on``: none once the person has turned 18."""
    if not guardians_apply(person=person, on=on):
        return []
    return [
        guardianship.guardian
        for guardianship in person.guardianships.select_related("guardian").order_by("slot")
    ]


def units_reached(
    *,
    units: Iterable[Unit] = (),
    organisations: Iterable[Organisation] = (),
    excluded: Iterable[Unit] = (),
) -> list[Unit]:
    """The units that hear of something addressed to these units and organisations: each
    unit named, and every unit of an organisation named as a whole (a huvudman), each once;
    never an excluded unit."""
    skip = {unit.pk for unit in excluded}
    reached = list(units)
    organisation_ids = [organisation.pk for organisation in organisations]
    if organisation_ids:
        reached += Unit.objects.filter(organisation__in=organisation_ids).order_by("pk")
    return [unit for unit in dict.fromkeys(reached) if unit.pk not in skip]


#: Roles that work with people's cases. HVB staff see only their placements (later issue).
CASE_ROLES = (Membership.Role.SOCIAL_WORKER, Membership.Role.HEALTH_STAFF, Membership.Role.MANAGER)


#: Roles that may start a SIP or a placement: socialsekreterare and vårdpersonal.
STARTER_ROLES = (Membership.Role.SOCIAL_WORKER, Membership.Role.HEALTH_STAFF)


def user_memberships(*, user: User) -> list[Membership]:
    """The user's memberships with their units, oldest first, read once and kept on the user
    object, as Django's ModelBackend keeps a user's permissions: a page asks for the roles
    for every menu it draws and the access log for the user's first unit, and a request
    reads its user anew."""
    memberships = getattr(user, "_sipflow_memberships", None)
    if memberships is None:
        memberships = list(
            Membership.objects.filter(user=user).select_related("unit__organisation").order_by("pk")
        )
        user._sipflow_memberships = memberships
    return memberships


def user_roles(*, user: User) -> frozenset[str]:
    """The roles the user holds in any unit (``user_memberships``, read once)."""
    return frozenset(membership.role for membership in user_memberships(user=user))


def user_starts_cases(*, user: User) -> bool:
    return not user_roles(user=user).isdisjoint(STARTER_ROLES)


def units_under(*, units: Iterable[Unit | int] | QuerySet) -> QuerySet[Unit]:
    """These units and every unit under them (``Unit.parent``, at any depth), as one SQL
    filter: a recursive CTE that walks the parent index down from ``units`` (units, their
    pks, or a one-column QuerySet of pks used as a subquery). ``UNION`` (not ``UNION ALL``)
    stops at a unit already reached, so even a cycle the admin failed to refuse ends."""
    if isinstance(units, QuerySet):
        base = units.values("pk") if units.model is Unit else units
        base_sql, params = base.order_by().query.get_compiler(using=base.db).as_sql()
    else:
        ids = sorted({unit.pk if isinstance(unit, Unit) else int(unit) for unit in units})
        if not ids:
            return Unit.objects.none()
        table = connection.ops.quote_name(Unit._meta.db_table)
        base_sql = f"SELECT id FROM {table} WHERE id IN ({', '.join(['%s'] * len(ids))})"
        params = tuple(ids)
    table = connection.ops.quote_name(Unit._meta.db_table)
    tree = (
        f"WITH RECURSIVE unit_tree(id) AS ({base_sql} UNION "
        f"SELECT child.id FROM {table} child JOIN unit_tree ON child.parent_id = unit_tree.id) "
        "SELECT id FROM unit_tree"
    )
    return Unit.objects.filter(pk__in=RawSQL(tree, tuple(params)))


def user_managed_units(*, user: User) -> QuerySet[Unit]:
    """The units the user is chef of, and every unit under them (``units_under``): one
    SQL filter."""
    return units_under(
        units=Membership.objects.filter(user=user, role=Membership.Role.MANAGER).values("unit_id")
    )


def user_case_unit_ids(*, user: User, roles: Sequence[str] = CASE_ROLES) -> QuerySet:
    """The units (a ``values`` QuerySet of pks, for a subquery) in which the user works with
    cases in one of ``roles``: the units of those memberships, and where one of them is chef,
    the units under the chef's units too (a chef sees her enheters' cases). Every access
    check, the grants' filter and the full policy alike, starts here."""
    direct = Membership.objects.filter(user=user, role__in=roles).values("unit_id")
    reached = Q(pk__in=direct)
    if Membership.Role.MANAGER in roles:
        reached |= Q(pk__in=user_managed_units(user=user).values("pk"))
    return Unit.objects.filter(reached).order_by().values("pk")


def user_works_with_cases(*, user: User) -> bool:
    """Whether the user holds a role that works with people's cases."""
    return not user_roles(user=user).isdisjoint(CASE_ROLES)


#: What a name may hold besides letters: "Anna-Karin", "O'Brien", "Ek Lund", "J. Ek".
NAME_PUNCTUATION = frozenset(" -'’.")
#: What a personnummer may hold besides digits: its separators and spaces.
IDENTITY_NUMBER_PUNCTUATION = frozenset(" -+")
#: The shortest name query: one letter would list half the kommun.
NAME_QUERY_MIN_LENGTH = 2
#: A name search shows at most this many people; a longer name narrows it.
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class PersonQuery:
    """A search read as a whole personnummer (canonical) or as the words of a name."""

    number: str | None = None
    words: tuple[str, ...] = ()


def person_query_parse(query: str, *, today: dt.date) -> PersonQuery | None:
    """Read a search: a whole personnummer or samordningsnummer (any accepted form), or a
    name. None for an empty query. Anything else raises ValidationError saying why: a search
    never widens into a list of everyone."""
    query = " ".join(query.split())
    if not query:
        return None
    if any(char.isdigit() for char in query):
        if not all(char.isdigit() or char in IDENTITY_NUMBER_PUNCTUATION for char in query):
            raise ValidationError(
                _(
                    "Sök på ett helt personnummer, till exempel 20130101-9826, eller på ett "
                    "namn. ”%(query)s” är inget av dem."
                ),
                code="neither",
                params={"query": query},
            )
        try:
            number = parse_identity_number(query, today=today)
        except ValidationError as error:
            raise ValidationError(
                _("Det ser ut som ett personnummer men är inte giltigt: %(reason)s"),
                code="invalid_number",
                params={"reason": " ".join(error.messages)},
            ) from None
        return PersonQuery(number=number.canonical)
    if not all(char.isalpha() or char in NAME_PUNCTUATION for char in query):
        raise ValidationError(
            _("Ett namn kan bara innehålla bokstäver, mellanslag, bindestreck och apostrofer."),
            code="name_characters",
        )
    words = tuple(word for word in query.split() if any(char.isalpha() for char in word))
    if sum(len(word) for word in words) < NAME_QUERY_MIN_LENGTH:
        raise ValidationError(
            _("Skriv minst %(count)d bokstäver av namnet."),
            code="name_too_short",
            params={"count": NAME_QUERY_MIN_LENGTH},
        )
    return PersonQuery(words=words)


def person_search(*, user: User, query: str) -> QuerySet[Person]:
    """The people the user may see whose personnummer is the one searched, or whose first or
    last name holds every word searched (at most ``SEARCH_LIMIT``). Nothing for an empty
    query: there is no list of everyone. A query that is neither a valid number nor a name
    raises ValidationError (person_query_parse)."""
    from .access import persons_visible_to

    parsed = person_query_parse(query, today=timezone.localdate())
    if parsed is None or not user_works_with_cases(user=user):
        return Person.objects.none()
    visible = persons_visible_to(user=user)
    if parsed.number is not None:
        return visible.filter(personal_identity_number=parsed.number)
    matches = visible
    for word in parsed.words:
        matches = matches.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return matches.order_by("last_name", "first_name")[:SEARCH_LIMIT]


def person_for_user(*, user: User, pk: int) -> Person:
    """One person the user may see (directory.access); Http404 otherwise."""
    from .access import persons_visible_to

    return get_object_or_404(persons_visible_to(user=user), pk=pk)


def _pk(organisation: Organisation | int | None) -> int | None:
    return organisation.pk if isinstance(organisation, Organisation) else organisation


@dataclass(frozen=True)
class OrganisationRules:
    """The organisations' own durations and rule switches, each newest first, read at once:
    a list of cases asks it for every case without a query each (``organisation_rules``).
    ``duration_for``, ``duration_end`` and ``rule_switch_on`` answer through it too, so a
    list and a single case give the same answer."""

    overrides: Mapping[tuple[int, str], Sequence[tuple[dt.date, int]]]
    switches: Mapping[tuple[int, str], Sequence[tuple[dt.date, bool]]]
    #: The codes read: asking for another is a mistake, not "off" or "the table's value".
    read: frozenset[str] = frozenset()
    #: The answers of ``row`` and ``duration`` given so far, by their arguments: a list asks
    #: the same few for each of its thousands of cases (the rows and choices above never
    #: change; the settings a row reads do not change within one read).
    _answers: dict = field(default_factory=dict, compare=False, repr=False)

    def _require_read(self, code: str, organisation) -> None:
        if _pk(organisation) is not None and code not in self.read:
            raise LookupError(f"{code!r} was not read for these organisations")

    def switched_on(
        self, *, code: str, organisation: Organisation | int | None, on: dt.date
    ) -> bool:
        """Whether the organisation follows the proposal ``code`` on ``on``: its latest
        choice from that date or before; off without one."""
        key = ("switch", code, _pk(organisation), on)
        if key not in self._answers:
            self._require_read(code, organisation)
            self._answers[key] = next(
                (
                    enabled
                    for since, enabled in self.switches.get((_pk(organisation), code), ())
                    if since <= on
                ),
                False,
            )
        return self._answers[key]

    def _period(self, code: str, organisation: Organisation | int | None, on: dt.date) -> int:
        """Which of the periods between the days on which the answer for ``code`` may change
        for the organisation (a row of the rule table, or a proposal replacing it, coming
        into or going out of force; a switch or an override taking effect) holds ``on``:
        any two days of one period get the same row and value, so a list of thousands of
        cases, each asking on its own start date, looks the rule table up once a period."""
        return bisect.bisect_right(self._change_days(code, organisation), on)

    def next_change(
        self,
        *,
        organisation: Organisation | int | None,
        on: dt.date,
        durations: Iterable[str] = (),
        switches: Iterable[str] = (),
    ) -> dt.date | None:
        """The first day after ``on`` on which the answer for one of these durations
        (``row``, ``duration``) or switches (``switched_on``) may change for the
        organisation; None if none ever does. An answer asked on ``on`` holds until then."""
        days: list[dt.date] = []
        for code in durations:
            changes = self._change_days(code, organisation)
            following = bisect.bisect_right(changes, on)
            if following < len(changes):
                days.append(changes[following])
        for code in switches:
            self._require_read(code, organisation)
            days.extend(
                since
                for since, _on in self.switches.get((_pk(organisation), code), ())
                if since > on
            )
        return min(days, default=None)

    def _change_days(self, code: str, organisation: Organisation | int | None) -> list[dt.date]:
        """The days on which the answer for ``code`` may change for the organisation, in
        order (see ``_period``)."""
        key = ("days", code, _pk(organisation))
        days = self._answers.get(key)
        if days is None:
            pk = _pk(organisation)
            found: set[dt.date] = set()
            for row in duration_table.DURATIONS:
                if code not in (row.code, row.replaces):
                    continue
                found.add(row.effective_from)
                if row.effective_until is not None:
                    found.add(row.effective_until + dt.timedelta(days=1))
                if row.switch:
                    found.update(since for since, _on in self.switches.get((pk, row.switch), ()))
                found.update(since for since, _value in self.overrides.get((pk, row.code), ()))
            days = self._answers[key] = sorted(found)
        return days

    def row(self, *, code: str, organisation: Organisation | int | None, on: dt.date) -> Duration:
        """The rule table's row for ``code`` in force for the organisation on ``on``: a
        proposal the organisation has switched on that replaces it, else its own row (a
        proposal's own row only where switched on)."""
        key = ("row", code, _pk(organisation), self._period(code, organisation, on))
        if key not in self._answers:
            self._answers[key] = self._row(code=code, organisation=organisation, on=on)
        return self._answers[key]

    def _row(self, *, code: str, organisation: Organisation | int | None, on: dt.date) -> Duration:

        def switched(row: Duration) -> bool:
            return bool(row.switch) and self.switched_on(
                code=row.switch, organisation=organisation, on=on
            )

        for row in duration_table.DURATIONS:
            if row.replaces == code and row.in_force(on, switched=switched(row)):
                return row
        for row in duration_table.DURATIONS:
            if row.code == code and row.in_force(on, switched=switched(row)):
                return row
        raise LookupError(f"No duration {code!r} is in force on {on.isoformat()}")

    def duration(self, *, code: str, organisation: Organisation | int | None, on: dt.date) -> int:
        """The value in force (see ``duration_for``)."""
        key = ("duration", code, _pk(organisation), self._period(code, organisation, on))
        if key not in self._answers:
            self._answers[key] = self._duration(code=code, organisation=organisation, on=on)
        return self._answers[key]

    def _duration(self, *, code: str, organisation: Organisation | int | None, on: dt.date) -> int:
        row = self.row(code=code, organisation=organisation, on=on)
        if row.overridable:
            self._require_read(row.code, organisation)
            for since, value in self.overrides.get((_pk(organisation), row.code), ()):
                if since <= on:
                    if row.within_bounds(value):
                        return value
                    break
        if row.setting:
            configured = getattr(settings, row.setting, None)
            if configured is not None:
                return int(configured)
        return row.value

    def end(self, *, code: str, organisation: Organisation | int | None, start: dt.date) -> dt.date:
        """``start`` plus the duration in force on ``start`` (see ``duration_end``)."""
        row = self.row(code=code, organisation=organisation, on=start)
        value = self.duration(code=code, organisation=organisation, on=start)
        return add_calendar(start, value, row.unit)


def organisation_rules(
    *,
    organisations: Iterable[Organisation | int | None],
    durations: Iterable[str] = (),
    switches: Iterable[str] = (),
) -> OrganisationRules:
    """The organisations' overrides of these durations and their choices of these switches
    (and of the switches that put a proposal row for these durations in force): at most two
    queries, whatever the number of organisations; none for what needs none."""
    ids = sorted({pk for pk in map(_pk, organisations) if pk is not None})
    durations = set(durations)
    overridable = {
        row.code for row in duration_table.DURATIONS if row.overridable and row.code in durations
    }
    switch_codes = set(switches) | {
        row.switch
        for row in duration_table.DURATIONS
        if row.switch and (row.code in durations or row.replaces in durations)
    }
    overrides: dict[tuple[int, str], list[tuple[dt.date, int]]] = {}
    chosen: dict[tuple[int, str], list[tuple[dt.date, bool]]] = {}
    if ids and overridable:
        for organisation_id, code, since, value in DurationOverride.objects.filter(
            organisation__in=ids, code__in=overridable
        ).values_list("organisation_id", "code", "effective_from", "value"):
            overrides.setdefault((organisation_id, code), []).append((since, value))
    if ids and switch_codes:
        for organisation_id, code, since, enabled in RuleSwitch.objects.filter(
            organisation__in=ids, code__in=switch_codes
        ).values_list("organisation_id", "code", "effective_from", "enabled"):
            chosen.setdefault((organisation_id, code), []).append((since, enabled))
    for rows in (*overrides.values(), *chosen.values()):
        rows.sort(key=lambda row: row[0], reverse=True)
    return OrganisationRules(
        overrides=overrides, switches=chosen, read=frozenset(overridable | switch_codes)
    )


def rule_switch_on(*, code: str, organisation: Organisation | int | None, on: dt.date) -> bool:
    """Whether ``organisation`` follows the proposal ``code`` (directory.switches) on ``on``:
    its latest choice (RuleSwitch) from that date or before. Off without one, and for no
    organisation: a proposal is not law."""
    rules = organisation_rules(organisations=[organisation], switches=[code])
    return rules.switched_on(code=code, organisation=organisation, on=on)


def duration_for(*, code: str, organisation: Organisation | int | None, on: dt.date) -> int:
    """The value of a duration in force for ``organisation`` on ``on``: a proposal row the
    organisation has switched on, where one replaces the row; else the organisation's
    latest override from that date or before, where the sources leave the value to it;
    else the deployment's setting, where the row names one and it is set; else the rule
    table's (``directory.durations``). ``organisation`` is the organisation or its pk;
    ``None`` asks for the general value."""
    rules = organisation_rules(organisations=[organisation], durations=[code])
    return rules.duration(code=code, organisation=organisation, on=on)


def user_case_organisation(*, user: User) -> Organisation | None:
    """The organisation the user works with cases in, when it is only one (their units with
    a case role all belong to it); None when there are several or none."""
    organisations = list(
        Organisation.objects.filter(
            units__memberships__user=user, units__memberships__role__in=CASE_ROLES
        )
        .distinct()
        .order_by("pk")[:2]
    )
    return organisations[0] if len(organisations) == 1 else None


def duration_end(*, code: str, organisation: Organisation | int | None, start: dt.date) -> dt.date:
    """``start`` plus the duration in force on ``start`` (in days or months; working days
    are counted by notifications.workdays)."""
    rules = organisation_rules(organisations=[organisation], durations=[code])
    return rules.end(code=code, organisation=organisation, start=start)
