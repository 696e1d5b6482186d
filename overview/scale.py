"""Testdata i nationell skala: a database filled in bulk for the overview's and the
statistics' benchmarks (bench/overview.py), never for use with real people.

``scale_seed`` writes 21 regioner and 290 kommuner (each region its real number of
kommuner), their units and staff, a chef for every kommun and region, and then the SIPs and
placements with everything the chef's overview and statistics read: persons of realistic
ages and legal sexes, SIP plans in every phase with their first meeting, kallelser (answered,
declined, unanswered, pending past their date), plan versions with two insatser, follow-ups
with their reviews (ISU), the next follow-up date, consents with their validity, placements
under SoL, LVU and LVM with their phases, dates, reviews (överväganden), follow-up visits and
cost allocations, and every case's access grants (cases.models.AccessGrant), derived by the
processes' rules (sipflow.grants, placement.grants) so that the lists show a chef what they
would show her in production. The viewflow process rows are left out: no overview or
statistics read reads them (a seeded case's own page is not for use).

Rows are written with PostgreSQL's COPY through psycopg 3, in chunks, one transaction per
chunk, with primary keys drawn from the tables' own sequences in blocks: a million
SIPs in minutes. This is the one module of ``overview`` that names the processes' models:
it writes their tables directly, which no page ever does.

Seeded organisations carry SEED_MARK in their name and seeded users the USERNAME_PREFIX:
``scale_refusal`` finds real data by their absence, and the command refuses to touch it.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection, models, transaction
from django.utils import timezone

from cases.models import AccessGrant
from consent.models import Consent, Purpose
from directory.durations import AGREEMENT_FROM
from directory.identity_numbers import luhn_check_digit
from directory.models import Membership, Organisation, Person, Unit, User
from placement.grants import CASE_KIND as PLACEMENT_CASE
from placement.grants import HVB_SOURCE
from placement.models import CostAllocation, FollowUpVisit, Placement, Review
from placement.rules import LegalBasis
from placement.services import placement_clocks_refresh
from sipflow.grants import CASE_KIND as SIP_CASE
from sipflow.models import (
    ActionReview,
    FollowUp,
    Invitation,
    Meeting,
    PlanAction,
    PlanVersion,
    SipPlan,
)

#: In every seeded organisation's name.
SEED_MARK = "[skala]"
#: The start of every seeded user's username.
USERNAME_PREFIX = "skala-"

#: The 21 regioner: code, name, number of kommuner (290 in all, as in Sweden).
REGIONS = (
    ("01", "Stockholm", 26),
    ("03", "Uppsala", 8),
    ("04", "Sörmland", 9),
    ("05", "Östergötland", 13),
    ("06", "Jönköpings län", 13),
    ("07", "Kronoberg", 8),
    ("08", "Kalmar län", 12),
    ("09", "Gotland", 1),
    ("10", "Blekinge", 5),
    ("12", "Skåne", 33),
    ("13", "Halland", 6),
    ("14", "Västra Götaland", 49),
    ("17", "Värmland", 16),
    ("18", "Örebro län", 12),
    ("19", "Västmanland", 10),
    ("20", "Dalarna", 15),
    ("21", "Gävleborg", 10),
    ("22", "Västernorrland", 7),
    ("23", "Jämtland Härjedalen", 8),
    ("24", "Västerbotten", 15),
    ("25", "Norrbotten", 14),
)

#: Age bands of the people with a SIP (share, youngest, oldest age): children and youth
#: are the largest group, then adults with psychiatric or addiction care, then the old.
SIP_AGES = (
    (0.15, 2, 12),
    (0.20, 13, 17),
    (0.08, 18, 20),
    (0.12, 21, 29),
    (0.20, 30, 49),
    (0.13, 50, 64),
    (0.12, 65, 95),
)
#: Legal sex (share): a few with annat/okänt.
SEXES = (
    (0.49, Person.LegalSex.FEMALE),
    (0.505, Person.LegalSex.MALE),
    (0.005, Person.LegalSex.OTHER_OR_UNKNOWN),
)
#: How far back the seeded cases start, in days.
HISTORY_DAYS = 4 * 365
#: Primary keys drawn from a sequence at a time.
ID_BLOCK = 5000
#: Rows per chunk (one transaction each).
CHUNK = 20_000

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class ScaleRefused(Exception):
    """The database is not one to seed: SQLite, or it holds real data."""


def scale_refusal() -> str | None:
    """Why this database must not be seeded, in Swedish, or None where it may."""
    if connection.vendor != "postgresql":
        return (
            "seed_scale fyller bara en PostgreSQL-databas (COPY); den här är "
            f"{connection.vendor}. Ange DATABASE_URL till en tom PostgreSQL-databas."
        )
    real = [
        label
        for label, found in (
            ("organisationer", Organisation.objects.exclude(name__endswith=SEED_MARK)),
            ("användare", User.objects.exclude(username__startswith=USERNAME_PREFIX)),
            (
                "personer",
                Person.objects.exclude(registered_municipality__name__endswith=SEED_MARK),
            ),
        )
        if found.exists()
    ]
    if real:
        return (
            "Databasen innehåller riktiga (inte genererade) uppgifter: "
            + ", ".join(real)
            + ". seed_scale fyller bara en tom databas, eller en som den själv har fyllt."
        )
    return None


def scale_seeded_size() -> tuple[int, int]:
    """How many SIPs and placements a seeded database holds."""
    return SipPlan.objects.count(), Placement.objects.count()


# --- Writing rows with COPY ---------------------------------------------------------------


class Table:
    """One table written with COPY: the columns named, every other NOT NULL column filled
    with its field's default (or "" where blank text is allowed), explicit primary keys."""

    def __init__(self, model: type[models.Model], names: str | Sequence[str]):
        fields = names.split() if isinstance(names, str) else list(names)
        self.model = model
        meta = model._meta
        self.fields = ["id", *fields]
        filled: dict[str, object] = {}
        now = timezone.now()
        for item in meta.concrete_fields:
            if item.primary_key or item.name in fields or item.attname in fields:
                continue
            if item.null:
                continue
            if getattr(item, "auto_now", False) or getattr(item, "auto_now_add", False):
                filled[item.column] = now
            elif item.has_default():
                default = item.get_default()
                if isinstance(default, uuid.UUID):
                    raise ValueError(f"{meta.label}.{item.name} needs a value per row")
                filled[item.column] = default
            elif item.blank and isinstance(
                item, (models.CharField, models.TextField, models.FileField)
            ):
                filled[item.column] = ""
            else:
                raise ValueError(f"{meta.label}.{item.name} needs a value")
        self.constants = tuple(filled.values())
        columns = [meta.get_field(name).column for name in fields]
        self.columns = ["id", *columns, *filled]
        self.ids: list[int] = []
        self.index = 0

    @property
    def next_id(self) -> int:
        """The primary key the next row gets, drawn from the table's own sequence in blocks
        (nextval needs only the runtime role's USAGE, and leaves the sequence past them)."""
        if self.index == len(self.ids):
            table = self.model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) "
                    "FROM generate_series(1, %s)",
                    [ID_BLOCK],
                )
                self.ids, self.index = [row[0] for row in cursor.fetchall()], 0
        return self.ids[self.index]

    def take_id(self) -> int:
        pk = self.next_id
        self.index += 1
        return pk

    def copy(self, rows: Iterable[tuple]) -> None:
        table = self.model._meta.db_table
        names = ", ".join(f'"{column}"' for column in self.columns)
        constants = self.constants
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row((*row, *constants))


@dataclass
class Buffer:
    """The rows of one chunk, per table, with ids handed out as they are made."""

    table: Table
    rows: list[tuple] = field(default_factory=list)

    def add(self, *values) -> int:
        pk = self.table.take_id()
        self.rows.append((pk, *values))
        return pk

    def flush(self) -> None:
        if self.rows:
            self.table.copy(self.rows)
            self.rows = []


# --- The organisations, units and staff ----------------------------------------------------


@dataclass
class Kommun:
    pk: int
    region: Region
    weight: float
    children: int = 0  # unit: Socialtjänst, barn och familj
    adults: int = 0  # unit: Socialtjänst, vuxen
    primary: int = 0  # the region's vårdcentral in the kommun
    staff: dict[int, list[int]] = field(default_factory=dict)  # unit -> users
    chef: int = 0


@dataclass
class Region:
    pk: int
    code: str
    name: str
    bup: int = 0
    psychiatry: int = 0
    kommuner: list[Kommun] = field(default_factory=list)
    chef: int = 0


@dataclass
class Country:
    regions: list[Region]
    kommuner: list[Kommun]
    hvbs: list[int]
    staff: dict[int, list[int]]  # unit -> users with a case role

    def kommun_chef(self, rank: int = 0) -> User:
        """The chef of the kommun with the ``rank``-th most people (0: the largest)."""
        kommun = sorted(self.kommuner, key=lambda k: -k.weight)[rank]
        return User.objects.get(pk=kommun.chef)

    def region_chef(self, rank: int = 0) -> User:
        region = sorted(self.regions, key=lambda r: -sum(k.weight for k in r.kommuner))[rank]
        return User.objects.get(pk=region.chef)


def _country_build(rng: random.Random) -> Country:
    """The organisations, units, users and memberships (bulk_create: about 2,000 rows)."""
    regions = [Region(pk=0, code=code, name=name) for code, name, _count in REGIONS]
    created = Organisation.objects.bulk_create(
        Organisation(
            name=f"Region {r.name} {SEED_MARK}", kind=Organisation.Kind.REGION, code=r.code
        )
        for r in regions
    )
    for region, organisation in zip(regions, created, strict=True):
        region.pk = organisation.pk
    # Kommun sizes follow Zipf's law, as Swedish kommuner nearly do.
    count = sum(n for _code, _name, n in REGIONS)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(count)]
    rng.shuffle(weights)
    kommun_rows, kommuner = [], []
    for region, (_code, _name, n) in zip(regions, REGIONS, strict=True):
        for number in range(n):
            code = f"{region.code}{number + 1:02d}"
            kommun_rows.append(
                Organisation(
                    name=f"Kommun {code} {SEED_MARK}",
                    kind=Organisation.Kind.MUNICIPALITY,
                    code=code,
                    region_id=region.pk,
                )
            )
            kommun = Kommun(pk=0, region=region, weight=weights[len(kommuner)])
            kommuner.append(kommun)
            region.kommuner.append(kommun)
    for kommun, organisation in zip(
        kommuner, Organisation.objects.bulk_create(kommun_rows), strict=True
    ):
        kommun.pk = organisation.pk
    providers = Organisation.objects.bulk_create(
        Organisation(
            name=f"HVB-anordnare {n + 1:02d} {SEED_MARK}",
            kind=Organisation.Kind.PROVIDER,
            provider_ownership=Organisation.Ownership.PRIVATE,
            ivo_permit_number=f"IVO-{n + 1:04d}",
        )
        for n in range(20)
    )

    units: list[Unit] = []
    setters: list[Callable[[int], None]] = []

    def unit(organisation: int, name: str, kind: str, setter: Callable[[int], None]) -> None:
        units.append(Unit(organisation_id=organisation, name=name, kind=kind))
        setters.append(setter)

    for kommun in kommuner:
        unit(
            kommun.pk,
            "Barn och familj",
            Unit.Kind.SOCIAL_CHILDREN,
            lambda pk, k=kommun: setattr(k, "children", pk),
        )
        unit(
            kommun.pk,
            "Vuxenenheten",
            Unit.Kind.SOCIAL_ADULTS,
            lambda pk, k=kommun: setattr(k, "adults", pk),
        )
    for region in regions:
        unit(
            region.pk, "BUP", Unit.Kind.CHILD_PSYCHIATRY, lambda pk, r=region: setattr(r, "bup", pk)
        )
        unit(
            region.pk,
            "Vuxenpsykiatrin",
            Unit.Kind.ADULT_PSYCHIATRY,
            lambda pk, r=region: setattr(r, "psychiatry", pk),
        )
        for kommun in region.kommuner:
            code = f"{region.code}{region.kommuner.index(kommun) + 1:02d}"
            unit(
                region.pk,
                f"Vårdcentralen {code}",
                Unit.Kind.PRIMARY_CARE,
                lambda pk, k=kommun: setattr(k, "primary", pk),
            )
    hvbs: list[int] = []
    for provider in providers:
        for n in range(3):
            unit(provider.pk, f"HVB {provider.pk}-{n + 1}", Unit.Kind.HVB, hvbs.append)
    for setter, saved in zip(setters, Unit.objects.bulk_create(units), strict=True):
        setter(saved.pk)

    # Staff: two in each case unit, and a chef for each kommun and each region.
    users: list[User] = []
    roles: list[tuple[int, list[tuple[int, str]]]] = []  # index of user -> (unit, role)

    def user(name: str, memberships: list[tuple[int, str]]) -> int:
        users.append(
            User(
                username=f"{USERNAME_PREFIX}{name}",
                password="!",
                first_name="Skala",
                last_name=name,
            )
        )
        roles.append((len(users) - 1, memberships))
        return len(users) - 1

    staff_index: dict[int, list[int]] = {}
    chef_index: dict[object, int] = {}
    worker, nurse = Membership.Role.SOCIAL_WORKER, Membership.Role.HEALTH_STAFF
    for kommun in kommuner:
        code = f"k{kommun.pk}"
        for unit_pk in (kommun.children, kommun.adults):
            staff_index[unit_pk] = [
                user(f"{code}-u{unit_pk}-{n}", [(unit_pk, worker)]) for n in range(2)
            ]
        chef_index[kommun.pk] = user(
            f"{code}-chef",
            [(kommun.children, Membership.Role.MANAGER), (kommun.adults, Membership.Role.MANAGER)],
        )
    for region in regions:
        region_units = [region.bup, region.psychiatry, *(k.primary for k in region.kommuner)]
        for unit_pk in region_units:
            staff_index[unit_pk] = [
                user(f"r{region.pk}-u{unit_pk}-{n}", [(unit_pk, nurse)]) for n in range(2)
            ]
        chef_index[region.pk] = user(
            f"r{region.pk}-chef", [(unit_pk, Membership.Role.MANAGER) for unit_pk in region_units]
        )
    saved = User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(user_id=saved[index].pk, unit_id=unit_pk, role=role)
        for index, memberships in roles
        for unit_pk, role in memberships
    )
    staff = {unit_pk: [saved[i].pk for i in indexes] for unit_pk, indexes in staff_index.items()}
    for kommun in kommuner:
        kommun.chef = saved[chef_index[kommun.pk]].pk
    for region in regions:
        region.chef = saved[chef_index[region.pk]].pk
    return Country(regions=regions, kommuner=kommuner, hvbs=hvbs, staff=staff)


def country_load() -> Country:
    """The seeded organisations, units and staff, as ``_country_build`` made them."""
    organisations = Organisation.objects.filter(name__endswith=SEED_MARK)
    regions = {
        o.pk: Region(pk=o.pk, code=o.code, name=o.name)
        for o in organisations.filter(kind=Organisation.Kind.REGION)
    }
    kommuner = {}
    for o in organisations.filter(kind=Organisation.Kind.MUNICIPALITY).order_by("code"):
        kommun = Kommun(pk=o.pk, region=regions[o.region_id], weight=0.0)
        kommuner[o.pk] = kommun
        regions[o.region_id].kommuner.append(kommun)
    hvbs = []
    for unit in Unit.objects.filter(organisation__in=organisations).order_by("pk"):
        if unit.kind == Unit.Kind.SOCIAL_CHILDREN:
            kommuner[unit.organisation_id].children = unit.pk
        elif unit.kind == Unit.Kind.SOCIAL_ADULTS:
            kommuner[unit.organisation_id].adults = unit.pk
        elif unit.kind == Unit.Kind.CHILD_PSYCHIATRY:
            regions[unit.organisation_id].bup = unit.pk
        elif unit.kind == Unit.Kind.ADULT_PSYCHIATRY:
            regions[unit.organisation_id].psychiatry = unit.pk
        elif unit.kind == Unit.Kind.HVB:
            hvbs.append(unit.pk)
    primary = {
        unit.name.rsplit(" ", 1)[1]: unit.pk
        for unit in Unit.objects.filter(kind=Unit.Kind.PRIMARY_CARE, organisation__in=organisations)
    }
    staff: dict[int, list[int]] = {}
    chefs: dict[int, set[int]] = {}
    for membership in Membership.objects.filter(user__username__startswith=USERNAME_PREFIX):
        if membership.role == Membership.Role.MANAGER:
            chefs.setdefault(membership.user_id, set()).add(membership.unit_id)
        else:
            staff.setdefault(membership.unit_id, []).append(membership.user_id)
    for kommun in kommuner.values():
        region = kommun.region
        kommun.primary = primary[f"{region.code}{region.kommuner.index(kommun) + 1:02d}"]
    for user_pk, managed in chefs.items():
        for kommun in kommuner.values():
            if kommun.children in managed:
                kommun.chef = user_pk
        for region in regions.values():
            if region.bup in managed:
                region.chef = user_pk
    # The kommun's weight, for choosing a chef: its SIPs.
    counts = dict(
        SipPlan.objects.values_list("started_unit__organisation").annotate(models.Count("pk"))
    )
    for kommun in kommuner.values():
        kommun.weight = counts.get(kommun.pk, 0) or 1
    return Country(
        regions=list(regions.values()), kommuner=list(kommuner.values()), hvbs=hvbs, staff=staff
    )


# --- People --------------------------------------------------------------------------------


class People:
    """Persons with unique, valid personnummer (serials 001-899, by date and legal sex)."""

    def __init__(self, table: Table, rng: random.Random, today: dt.date):
        self.buffer = Buffer(table)
        self.rng, self.today = rng, today
        self.serials: dict[tuple[dt.date, int], int] = {}
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT personal_identity_number FROM "{Person._meta.db_table}"')
            for (number,) in cursor.fetchall():
                born = dt.date(int(number[:4]), int(number[4:6]), int(number[6:8]))
                key = (born, int(number[10]) % 2)
                self.serials[key] = max(self.serials.get(key, 0), int(number[8:11]) // 2 + 1)

    def add(self, *, age: int, sex: str, kommun: int) -> tuple[int, dt.date]:
        rng = self.rng
        born = self.today - dt.timedelta(days=age * 365 + rng.randrange(365))
        odd = 1 if sex == Person.LegalSex.MALE else 0
        if sex == Person.LegalSex.OTHER_OR_UNKNOWN:
            odd = rng.randrange(2)
        while True:
            serial = self.serials.get((born, odd), 0)
            if serial < 450:
                break
            born -= dt.timedelta(days=1)
        self.serials[(born, odd)] = serial + 1
        body = f"{born:%y%m%d}{2 * serial + 2 + odd:03d}"
        number = f"{born:%Y}{body[2:]}{luhn_check_digit(body)}"
        pk = self.buffer.add(
            "Skala", f"Person {self.buffer.table.next_id}", number, born, sex, kommun
        )
        return pk, born


PERSON_FIELDS = (
    "first_name",
    "last_name",
    "personal_identity_number",
    "date_of_birth",
    "legal_sex",
    "registered_municipality",
)


def _choose(rng: random.Random, weighted: Sequence[tuple]) -> tuple:
    pick = rng.random()
    for row in weighted:
        pick -= row[0]
        if pick <= 0:
            return row
    return weighted[-1]


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment of office hours on ``day``."""
    return dt.datetime(
        day.year, day.month, day.day, 8 + rng.randrange(9), rng.randrange(60), tzinfo=STOCKHOLM
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


# --- SIPs ------------------------------------------------------------------------------------


class SipSeeder:
    """The SIPs: each plan with its person, consent, meetings, kallelser, plan, follow-ups
    and access grants, as the services would have left them."""

    def __init__(self, country: Country, rng: random.Random, today: dt.date):
        self.country, self.rng, self.today = country, rng, today
        self.people = People(Table(Person, PERSON_FIELDS), rng, today)
        self.plans = Buffer(
            Table(
                SipPlan,
                (
                    "person started_by started_unit started_at origin social_needs "
                    "health_needs coordination_reason informed_about_sip lead_unit "
                    "coordinator next_follow_up phase halted_reason halted_on close_reason "
                    "closed_at consent_ends_on plan_written_on"
                ),
            )
        )
        self.meetings = Buffer(
            Table(
                Meeting,
                ("plan", "kind", "starts_at", "place", "answer_by", "uid", "held_at", "attendance"),
            )
        )
        self.invitations = Buffer(
            Table(
                Invitation,
                (
                    "meeting unit status attendees decline_reason answered_by answered_at sent_at "
                    "answer_by"
                ),
            )
        )
        self.versions = Buffer(
            Table(
                PlanVersion,
                (
                    "plan number meeting persons_goals lead_unit next_follow_up created_at "
                    "created_by"
                ),
            )
        )
        self.actions = Buffer(
            Table(
                PlanAction,
                ("version need action responsible_unit responsible_organisation starts_on"),
            )
        )
        self.follow_ups = Buffer(
            Table(
                FollowUp,
                ("plan", "version", "held_at", "held_by", "outcome", "due_on", "next_follow_up"),
            )
        )
        self.reviews = Buffer(
            Table(ActionReview, ("follow_up", "action", "done_as_planned", "goal_met"))
        )
        self.consents = Buffer(
            Table(
                Consent,
                (
                    "subject given_by purpose form documented_by documented_at valid_from "
                    "valid_until status"
                ),
            )
        )
        self.grants = Buffer(
            Table(
                AccessGrant,
                (
                    "case_kind case_id person unit user kind full purpose valid_from "
                    "valid_until source"
                ),
            )
        )
        self.buffers = [
            self.people.buffer,
            self.plans,
            self.meetings,
            self.invitations,
            self.versions,
            self.actions,
            self.follow_ups,
            self.reviews,
            self.consents,
            self.grants,
        ]
        self.weights = [kommun.weight for kommun in country.kommuner]

    def flush(self) -> None:
        for buffer in self.buffers:
            buffer.flush()

    def _staff(self, unit: int) -> int:
        return self.rng.choice(self.country.staff[unit])

    def add(self) -> None:
        rng, today = self.rng, self.today
        kommun = rng.choices(self.country.kommuner, weights=self.weights)[0]
        region = kommun.region
        _share, youngest, oldest = _choose(rng, SIP_AGES)
        age = rng.randint(youngest, oldest)
        sex = _choose(rng, SEXES)[1]
        started_on = today - dt.timedelta(days=rng.randrange(HISTORY_DAYS))
        age = max(age, (today - started_on).days // 365)  # a child then is older now
        person, _born = self.people.add(age=age, sex=sex, kommun=kommun.pk)
        child = age - (today - started_on).days // 365 < 18
        social = kommun.children if child else kommun.adults
        health = rng.choice([region.bup if child else region.psychiatry, kommun.primary])
        kommun_starts = rng.random() < 0.6
        started_unit, partner = (social, health) if kommun_starts else (health, social)
        started_at = _at(started_on, rng)
        plan = self.plans.table.next_id
        # The consent in force (renewed each year while the SIP runs).
        age_days = (today - started_on).days
        renewals = age_days // 365
        consent_from = started_on + dt.timedelta(days=365 * renewals)
        consent_until = consent_from + dt.timedelta(days=364)
        phase, lead, coordinator = SipPlan.Phase.NEED_IDENTIFIED, None, None
        next_follow_up, closed_at, close_reason, halted, halted_on = None, None, "", "", None
        plan_written_on = None
        organisations = {social: kommun.pk, health: region.pk}
        if age_days >= 7:
            phase = SipPlan.Phase.PREPARING
            lead = started_unit if rng.random() < 0.8 else partner
            coordinator = self._staff(lead)
        meeting_on = started_on + dt.timedelta(days=rng.randint(21, 60))
        if age_days >= 14:
            phase = SipPlan.Phase.SUMMONING
            sent = started_on + dt.timedelta(days=rng.randint(7, 13))
            answer_by = meeting_on - dt.timedelta(days=7)
            held = meeting_on <= today and rng.random() < 0.97
            meeting = self.meetings.add(
                plan,
                Meeting.Kind.FIRST,
                _at(meeting_on, rng),
                "Mötesrummet",
                answer_by,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                _at(meeting_on, rng) if held else None,
                "Alla kallade" if held else "",
            )
            invited = [partner] + (
                [kommun.primary if child else region.psychiatry] if rng.random() < 0.5 else []
            )
            for unit in dict.fromkeys(invited):
                answered_on = sent + dt.timedelta(days=int(rng.expovariate(1 / 5)))
                late = rng.random() < 0.1  # not answered by the answer-by date
                status, answered_at, by = Invitation.Status.PENDING, None, None
                if held and late:
                    status = Invitation.Status.UNANSWERED
                elif held or (answered_on <= today and not late):
                    answered_on = min(answered_on, meeting_on)
                    answered_at, by = _at(answered_on, rng), self._staff(unit)
                    status = Invitation.Status.ACCEPTED
                    if rng.random() < 0.06:
                        status = Invitation.Status.DECLINED
                self.invitations.add(
                    meeting,
                    unit,
                    status,
                    "Handläggaren" if answered_at else "",
                    "Har ingen insats" if status == Invitation.Status.DECLINED else "",
                    by,
                    answered_at,
                    _at(sent, rng),
                    answer_by,
                )
                self.grants.add(
                    SIP_CASE,
                    plan,
                    person,
                    unit,
                    None,
                    AccessGrant.Kind.INVITED,
                    False,
                    Purpose.SIP,
                    sent,
                    consent_until,
                    "invitation",
                )
            if held:
                phase = SipPlan.Phase.MEETING_HELD
                plan_written_on = meeting_on  # its one version, written at the meeting
                due = meeting_on + dt.timedelta(days=rng.choice((90, 120, 180)))
                version = self.versions.add(
                    plan,
                    1,
                    meeting,
                    "Må bra och klara skolan/arbetet.",
                    lead,
                    due,
                    _at(meeting_on, rng),
                    coordinator,
                )
                actions = [
                    (
                        self.actions.add(
                            version, "Behov", "Insats", unit, organisations[unit], meeting_on
                        ),
                        unit,
                    )
                    for unit in (social, health)
                ]
                follow_ups = 0
                while due <= today:
                    # Older follow-up dates were kept (or the SIP ended); of those of the
                    # last half year some are still waiting: the overdue list.
                    if (today - due).days < 120 and rng.random() < 0.15:
                        break
                    held_on = min(today, due + dt.timedelta(days=rng.randint(-10, 30)))
                    close = rng.random() < 0.35 or follow_ups == 11
                    following = (
                        None if close else held_on + dt.timedelta(days=rng.choice((90, 120, 180)))
                    )
                    follow_up = self.follow_ups.add(
                        plan,
                        version,
                        _at(held_on, rng),
                        coordinator,
                        FollowUp.Outcome.CLOSE if close else FollowUp.Outcome.NEXT,
                        due,
                        following,
                    )
                    for action, _unit in actions:
                        self.reviews.add(
                            follow_up,
                            action,
                            _choose(rng, ((0.6, "yes"), (0.3, "partly"), (0.1, "no")))[1],
                            _choose(rng, ((0.45, "yes"), (0.35, "partly"), (0.2, "no")))[1],
                        )
                    follow_ups += 1
                    phase = SipPlan.Phase.FOLLOW_UP
                    if close:
                        phase, closed_at = SipPlan.Phase.CLOSED, _at(held_on, rng)
                        close_reason = SipPlan.CloseReason.GOALS_MET
                        due = None
                        break
                    due = following
                next_follow_up = due
                if phase != SipPlan.Phase.CLOSED and rng.random() < 0.03:
                    next_follow_up = None  # a plan without a next follow-up date
        if phase != SipPlan.Phase.CLOSED and age_days > 10 and rng.random() < 0.03:
            phase, halted = SipPlan.Phase.HALTED, "Samtycket återkallades."
            # Stopped when a year's consent ran out (or withdrawn in the first days).
            halted_on = max(started_on + dt.timedelta(days=10), consent_from)
        self.plans.add(
            person,
            self._staff(started_unit),
            started_unit,
            started_at,
            _choose(rng, ((0.8, "professional"), (0.15, "person"), (0.05, "relative")))[1],
            "Stöd i vardagen",
            "Psykiatrisk behandling",
            "Flera huvudmän",
            True,
            lead,
            coordinator,
            next_follow_up,
            phase,
            halted,
            halted_on,
            close_reason,
            closed_at,
            consent_until if consent_from <= today <= consent_until else None,
            plan_written_on,
        )
        self.consents.add(
            person,
            person,
            Purpose.SIP,
            Consent.Form.WRITTEN,
            self._staff(started_unit),
            _at(consent_from, rng),
            consent_from,
            consent_until,
            Consent.Status.ACTIVE if consent_until >= today else Consent.Status.EXPIRED,
        )
        self.grants.add(
            SIP_CASE,
            plan,
            person,
            started_unit,
            None,
            AccessGrant.Kind.OWN,
            True,
            "",
            started_on,
            None,
            "started_unit",
        )
        if lead is not None and lead != started_unit:
            self.grants.add(
                SIP_CASE,
                plan,
                person,
                lead,
                None,
                AccessGrant.Kind.LEAD,
                True,
                Purpose.SIP,
                started_on,
                consent_until,
                "lead_unit",
            )


# --- Placements -------------------------------------------------------------------------------


class PlacementSeeder:
    """Placements on HVB under SoL, LVU and LVM, with their reviews, visits, cost
    allocations, consents and grants."""

    def __init__(self, country: Country, rng: random.Random, today: dt.date, people: People):
        self.country, self.rng, self.today, self.people = country, rng, today, people
        self.placements = Buffer(
            Table(
                Placement,
                (
                    "person placing_unit caseworker hvb_unit legal_basis acute phase "
                    "opened_at decided_on decision_level decided_by start_date "
                    "planned_end_date consent_ended_on ended_on end_reason end_destination "
                    "aftercare_until"
                ),
            )
        )
        self.reviews = Buffer(
            Table(
                Review,
                (
                    "placement",
                    "placing_unit",
                    "due_on",
                    "held_on",
                    "outcome",
                    "recorded_at",
                    "recorded_by",
                ),
            )
        )
        self.visits = Buffer(
            Table(
                FollowUpVisit,
                ("placement", "visited_on", "with_person", "note", "recorded_at", "recorded_by"),
            )
        )
        self.allocations = Buffer(
            Table(
                CostAllocation,
                (
                    "placement created_at created_by approved_by_kommun "
                    "approved_by_kommun_at approved_by_region approved_by_region_at"
                ),
            )
        )
        self.consents = Buffer(
            Table(
                Consent,
                (
                    "subject given_by purpose form documented_by documented_at valid_from "
                    "valid_until status"
                ),
            )
        )
        self.grants = Buffer(
            Table(
                AccessGrant,
                (
                    "case_kind case_id person unit user kind full purpose valid_from "
                    "valid_until source"
                ),
            )
        )
        self.buffers = [
            self.placements,
            self.reviews,
            self.visits,
            self.allocations,
            self.consents,
            self.grants,
        ]
        self.weights = [kommun.weight for kommun in country.kommuner]

    def flush(self) -> None:
        self.people.buffer.flush()
        for buffer in self.buffers:
            buffer.flush()

    def add(self) -> None:
        rng, today = self.rng, self.today
        kommun = rng.choices(self.country.kommuner, weights=self.weights)[0]
        opened_on = today - dt.timedelta(days=rng.randrange(HISTORY_DAYS))
        years_since = (today - opened_on).days // 365
        group = rng.random()
        if group < 0.75:
            age_then = rng.randint(0, 17)
            basis = _choose(
                rng, ((0.55, LegalBasis.SOL), (0.2, LegalBasis.LVU_2), (0.25, LegalBasis.LVU_3))
            )[1]
        elif group < 0.85:
            age_then = rng.randint(18, 20)
            basis = rng.choice((LegalBasis.SOL, LegalBasis.LVU_3))
        else:
            age_then = rng.randint(21, 64)
            basis = LegalBasis.LVM if rng.random() < 0.7 else LegalBasis.SOL
        sex = _choose(rng, SEXES)[1]
        person, _born = self.people.add(age=age_then + years_since, sex=sex, kommun=kommun.pk)
        unit = kommun.children if age_then < 21 and basis != LegalBasis.LVM else kommun.adults
        caseworker = rng.choice(self.country.staff[unit])
        # Acute placements as the regional agreement defines them (cost allocation within
        # two months) exist from the day it took effect.
        acute = opened_on >= AGREEMENT_FROM and rng.random() < 0.2
        decided_on = opened_on + dt.timedelta(
            days=rng.randint(0, 2) if acute else rng.randint(10, 40)
        )
        start = decided_on + dt.timedelta(days=rng.randint(0, 7))
        months = 6 if basis == LegalBasis.LVM else rng.choice((6, 9, 12, 18, 24))
        planned_end = _add_months(start, months)
        ended_on = planned_end + dt.timedelta(days=rng.randint(-60, 30))
        hvb = rng.choice(self.country.hvbs)
        Phase = Placement.Phase
        ended = end_reason = destination = aftercare = None
        if decided_on > today:
            phase = rng.choice((Phase.INVESTIGATING, Phase.PROPOSED))
            decided = None
            hvb_unit = hvb if phase == Phase.PROPOSED else None
            start_date = planned = None
        else:
            decided, hvb_unit, start_date, planned = decided_on, hvb, start, planned_end
            if start > today:
                phase = Phase.DECIDED
            elif ended_on > today:
                phase = Phase.ENDING if (planned_end - today).days < 60 else Phase.PLACED
            else:
                ended, end_reason = ended_on, "Planen genomförd."
                destination = "home"
                aftercare = ended_on + dt.timedelta(days=180)
                phase = Phase.AFTERCARE if aftercare >= today else Phase.CLOSED
        consent_ended = None
        living = phase in (Phase.PLACED, Phase.ENDING)
        if basis == LegalBasis.SOL and living and rng.random() < 0.02:
            consent_ended = today - dt.timedelta(days=rng.randint(1, 20))
        placement = self.placements.add(
            person,
            unit,
            caseworker,
            hvb_unit,
            basis,
            acute,
            phase,
            _at(opened_on, rng),
            decided,
            "delegate" if decided else "",
            "Delegaten" if decided else "",
            start_date,
            planned,
            consent_ended,
            ended,
            end_reason or "",
            destination or "",
            aftercare,
        )
        consent_until = None
        if basis == LegalBasis.SOL:
            renewals = (today - opened_on).days // 365
            valid_from = opened_on + dt.timedelta(days=365 * renewals)
            consent_until = valid_from + dt.timedelta(days=364)
            self.consents.add(
                person,
                person,
                Purpose.PLACEMENT,
                Consent.Form.WRITTEN,
                caseworker,
                _at(valid_from, rng),
                valid_from,
                consent_until,
                Consent.Status.ACTIVE if consent_until >= today else Consent.Status.EXPIRED,
            )
        self.grants.add(
            PLACEMENT_CASE,
            placement,
            person,
            unit,
            None,
            AccessGrant.Kind.OWN,
            True,
            "",
            opened_on,
            None,
            "placing_unit",
        )
        if phase in Placement.WITH_HVB:
            self.grants.add(
                PLACEMENT_CASE,
                placement,
                person,
                hvb_unit,
                None,
                AccessGrant.Kind.INVITED,
                False,
                Purpose.PLACEMENT if consent_until else "",
                decided,
                consent_until,
                HVB_SOURCE,
            )
        if start_date is None or start_date > today:
            return
        # Överväganden every six months (LVM has none: its care ends within six months).
        if basis != LegalBasis.LVM:
            last_day = min(ended or today, today)
            due = _add_months(start_date, 6)
            while True:
                if due > last_day:
                    if ended is None:
                        self.reviews.add(placement, unit, due, None, "", None, None)
                    break
                if ended is None and (today - due).days < 60 and rng.random() < 0.2:
                    # Overdue; a move out removes the open review (placement_end).
                    self.reviews.add(placement, unit, due, None, "", None, None)
                    break
                held_on = due - dt.timedelta(days=rng.randint(0, 20))
                self.reviews.add(
                    placement, unit, due, held_on, "continue", _at(held_on, rng), caseworker
                )
                due = _add_months(due, 6)
        if phase in (Phase.PLACED, Phase.ENDING):
            visited = today - dt.timedelta(days=rng.randint(0, 120))
            self.visits.add(
                placement,
                max(visited, start_date),
                True,
                "Samtal med personen.",
                _at(max(visited, start_date), rng),
                caseworker,
            )
        if acute:
            pick = rng.random()
            if pick < 0.8:
                created = _at(start_date + dt.timedelta(days=rng.randint(5, 40)), rng)
                approved = pick < 0.7
                region_staff = self.country.staff[kommun.primary]
                self.allocations.add(
                    placement,
                    created,
                    caseworker,
                    caseworker if approved else None,
                    created if approved else None,
                    rng.choice(region_staff) if approved else None,
                    created if approved else None,
                )


# --- The command's work ---------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleSummary:
    sips: int
    placements: int
    organisations: int
    units: int
    users: int
    seconds: float


def scale_seed(
    *,
    sips: int,
    placements: int,
    today: dt.date | None = None,
    seed: int = 14,
    progress: Callable[[str], None] = lambda message: None,
) -> ScaleSummary:
    """Fill the database with ``sips`` SIPs and ``placements`` placements (ScaleRefused where
    it must not be filled). A database seeded before gets its organisations back and more
    cases added."""
    import time

    started = time.perf_counter()
    refusal = scale_refusal()
    if refusal:
        raise ScaleRefused(refusal)
    today = today or timezone.localdate()
    rng = random.Random(seed)
    with transaction.atomic():
        if Organisation.objects.exists():
            country = country_load()
            rng = random.Random(seed + SipPlan.objects.count())
        else:
            country = _country_build(rng)
    progress(f"{len(country.kommuner)} kommuner, {len(country.regions)} regioner.")
    sip_seeder = SipSeeder(country, rng, today)
    placement_seeder = PlacementSeeder(country, rng, today, sip_seeder.people)
    for done in range(0, sips, CHUNK):
        with transaction.atomic():
            for _ in range(min(CHUNK, sips - done)):
                sip_seeder.add()
            sip_seeder.flush()
        progress(f"SIP: {min(done + CHUNK, sips)} av {sips}.")
    for done in range(0, placements, CHUNK):
        with transaction.atomic():
            for _ in range(min(CHUNK, placements - done)):
                placement_seeder.add()
            placement_seeder.flush()
        progress(f"Placeringar: {min(done + CHUNK, placements)} av {placements}.")
    # The placements' stored clocks, as the tick keeps them (placement.services.clocks).
    clocked = placement_clocks_refresh(on=today)
    progress(f"Placeringarnas tider: {clocked}.")
    with connection.cursor() as cursor:
        # VACUUM too, where it may run (outside a transaction): the visibility map lets the
        # overview's grant check read its index alone (cases_grant_case_check), as in a
        # database autovacuum keeps, rather than once the first autovacuum has come by.
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    return ScaleSummary(
        sips=sips,
        placements=placements,
        organisations=Organisation.objects.count(),
        units=Unit.objects.count(),
        users=User.objects.count(),
        seconds=time.perf_counter() - started,
    )
