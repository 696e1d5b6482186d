"""Demo data for a local installation: Region Dalarna, its kommuner, units, staff, people,
and a neighbouring region (Gävleborg, with Gävle kommun and BUP Gävle) that a placed youth's
folkbokföring can move to, so that the handover between regions can be tried.

Every person here is fictitious. Their numbers pass validation (date, Luhn) but use the
serial range 98x and the surnames Demo, Exempel, Prov and Testsson.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from .identity_numbers import luhn_check_digit
from .models import Guardianship, Membership, Organisation, Person, Unit, User
from .services import guardianship_create, person_create

DEMO_PASSWORD = "sipflow-demo-2026"

REGION = ("Region Dalarna", "20")
# Kommunkoder from SCB.
MUNICIPALITIES = [
    ("Avesta", "Avesta kommun", "2084"),
    ("Borlänge", "Borlänge kommun", "2081"),
    ("Falun", "Falu kommun", "2080"),
    ("Gagnef", "Gagnefs kommun", "2026"),
    ("Hedemora", "Hedemora kommun", "2083"),
    ("Leksand", "Leksands kommun", "2029"),
    ("Ludvika", "Ludvika kommun", "2085"),
    ("Malung-Sälen", "Malung-Sälens kommun", "2023"),
    ("Mora", "Mora kommun", "2062"),
    ("Orsa", "Orsa kommun", "2034"),
    ("Rättvik", "Rättviks kommun", "2031"),
    ("Smedjebacken", "Smedjebackens kommun", "2061"),
    ("Säter", "Säters kommun", "2082"),
    ("Vansbro", "Vansbro kommun", "2021"),
    ("Älvdalen", "Älvdalens kommun", "2039"),
]

#: A neighbouring region: a youth whose folkbokföring moves there is handed over to it.
OTHER_REGION = ("Region Gävleborg", "21")
OTHER_MUNICIPALITIES = [("Gävle", "Gävle kommun", "2180")]


@dataclass(frozen=True)
class DemoUnit:
    organisation: str
    name: str
    kind: str


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    unit: str
    role: str

    @property
    def is_staff(self) -> bool:
        """Administrators work in the Django admin (directory.backends gives the rights)."""
        return self.role == Membership.Role.ADMIN


@dataclass(frozen=True)
class DemoPerson:
    key: str
    first_name: str
    last_name: str
    age: int
    legal_sex: str
    municipality: str = "Ludvika"
    protected_identity: bool = False
    guardians: tuple[str, ...] = field(default=())


K = Unit.Kind
UNITS = [
    DemoUnit("Ludvika kommun", "Barn och familj, Ludvika", K.SOCIAL_CHILDREN),
    DemoUnit("Ludvika kommun", "Vuxen och beroende, Ludvika", K.SOCIAL_ADULTS),
    DemoUnit("Falu kommun", "Barn och familj, Falun", K.SOCIAL_CHILDREN),
    DemoUnit("Falu kommun", "Vuxen och beroende, Falun", K.SOCIAL_ADULTS),
    DemoUnit("Region Dalarna", "BUP Falun", K.CHILD_PSYCHIATRY),
    DemoUnit("Region Dalarna", "Hälsocentral Ludvika", K.PRIMARY_CARE),
    DemoUnit("Region Dalarna", "Vuxenpsykiatri Ludvika", K.ADULT_PSYCHIATRY),
    DemoUnit("Region Dalarna", "Folktandvården Ludvika", K.DENTAL),
    DemoUnit("Region Gävleborg", "BUP Gävle", K.CHILD_PSYCHIATRY),
    DemoUnit("Exempelgården HVB AB", "Exempelgården, ungdomar 13–17 år", K.HVB),
    DemoUnit("HVB Solbacken (Borlänge kommun)", "Solbacken, vuxna", K.HVB),
    DemoUnit("Demoskolan Ludvika", "Demoskolan, högstadiet", K.SCHOOL),
]

R = Membership.Role
USERS = [
    DemoUser("sara", "Sara", "Socialsekreterare", "Barn och familj, Ludvika", R.SOCIAL_WORKER),
    DemoUser("vera", "Vera", "Vårdpersonal", "BUP Falun", R.HEALTH_STAFF),
    DemoUser("petra", "Petra", "Primärvård", "Hälsocentral Ludvika", R.HEALTH_STAFF),
    DemoUser("carl", "Carl", "Chef", "Barn och familj, Ludvika", R.MANAGER),
    DemoUser("hugo", "Hugo", "HVB-personal", "Exempelgården, ungdomar 13–17 år", R.HVB_STAFF),
    DemoUser("greta", "Greta", "Gävleborg", "BUP Gävle", R.HEALTH_STAFF),
    # The region's chef at BUP Falun (the region's handler of the demo's deviations).
    DemoUser("britt", "Britt", "Regionchef", "BUP Falun", R.MANAGER),
    # Not a superuser: superusers are for emergencies, and every request they make is logged.
    DemoUser("admin", "Ada", "Administratör", "Barn och familj, Ludvika", R.ADMIN),
]

F, M = Person.LegalSex.FEMALE, Person.LegalSex.MALE
PEOPLE = [
    DemoPerson("karin", "Karin", "Demo", 38, F),
    DemoPerson("elsa", "Elsa", "Demo", 8, F, protected_identity=True, guardians=("karin",)),
    DemoPerson("anna", "Anna", "Exempel", 41, F),
    DemoPerson("johan", "Johan", "Exempel", 43, M),
    DemoPerson("olle", "Olle", "Exempel", 5, M, guardians=("anna", "johan")),
    DemoPerson("alva", "Alva", "Exempel", 13, F, guardians=("anna", "johan")),
    DemoPerson("lena", "Lena", "Prov", 45, F, municipality="Falun"),
    DemoPerson("nils", "Nils", "Prov", 16, M, municipality="Falun", guardians=("lena",)),
    DemoPerson("erik", "Erik", "Testsson", 34, M),
]


def _mailbox(unit_name: str) -> str:
    """A fictitious functional mailbox, so that `make run` prints the unit's e-mails."""
    slug = slugify(unit_name.replace("å", "a").replace("ä", "a").replace("ö", "o"))
    return f"{slug}@sipflow.invalid"


def demo_identity_number(*, birth_date: dt.date, legal_sex: str) -> str:
    """A fictitious but valid number: serial 98x, odd last serial digit for men."""
    sex_digit = 1 if legal_sex == Person.LegalSex.MALE else 2
    body = birth_date.strftime("%y%m%d") + f"98{sex_digit}"
    return f"{birth_date:%Y}{body[2:]}{luhn_check_digit(body)}"


def _organisation(name: str, **defaults) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(name=name, defaults=defaults)
    return organisation


@dataclass
class SeedSummary:
    organisations: int
    units: int
    users: list[DemoUser]
    people: int


#: What the processes add to the demo (their cases), registered from their AppConfig.ready().
_seeders: list[Callable[..., None]] = []


def register_demo_seeder(seed: Callable[..., None]) -> None:
    """``seed(today=)`` runs after the directory's demo data, idempotently."""
    if seed not in _seeders:
        _seeders.append(seed)


@transaction.atomic
def seed_demo(*, today: dt.date) -> SeedSummary:
    """Create the demo data; running it again changes nothing but the demo users' passwords
    and admin flags."""
    region = _organisation(REGION[0], kind=Organisation.Kind.REGION, code=REGION[1])
    municipalities = {
        name: _organisation(
            official_name, kind=Organisation.Kind.MUNICIPALITY, code=code, region=region
        )
        for name, official_name, code in MUNICIPALITIES
    }
    other_region = _organisation(
        OTHER_REGION[0], kind=Organisation.Kind.REGION, code=OTHER_REGION[1]
    )
    for _name, official_name, code in OTHER_MUNICIPALITIES:
        _organisation(
            official_name, kind=Organisation.Kind.MUNICIPALITY, code=code, region=other_region
        )
    _organisation(
        "Exempelgården HVB AB",
        kind=Organisation.Kind.PROVIDER,
        provider_ownership=Organisation.Ownership.PRIVATE,
        ivo_permit_number="IVO-DEMO-0001",
    )
    _organisation(
        "HVB Solbacken (Borlänge kommun)",
        kind=Organisation.Kind.PROVIDER,
        provider_ownership=Organisation.Ownership.MUNICIPAL,
        ivo_notified=True,
    )
    _organisation("Demoskolan Ludvika", kind=Organisation.Kind.SCHOOL)
    _organisation("Förvaltningsrätten i Falun", kind=Organisation.Kind.OTHER_AUTHORITY)

    units = {}
    for demo_unit in UNITS:
        units[demo_unit.name], _created = Unit.objects.get_or_create(
            organisation=Organisation.objects.get(name=demo_unit.organisation),
            name=demo_unit.name,
            defaults={"kind": demo_unit.kind, "email": _mailbox(demo_unit.name)},
        )

    for demo_user in USERS:
        user, _created = User.objects.get_or_create(
            username=demo_user.username,
            defaults={
                "first_name": demo_user.first_name,
                "last_name": demo_user.last_name,
                "email": f"{demo_user.username}@sipflow.invalid",
            },
        )
        user.set_password(DEMO_PASSWORD)
        # Also demotes the superuser `admin` that earlier versions of the demo created.
        user.is_staff, user.is_superuser = demo_user.is_staff, False
        user.save(update_fields=["password", "is_staff", "is_superuser"])
        Membership.objects.get_or_create(user=user, unit=units[demo_user.unit], role=demo_user.role)

    people: dict[str, Person] = {}
    for demo in PEOPLE:
        existing = Person.objects.filter(
            first_name=demo.first_name, last_name=demo.last_name
        ).first()
        if existing is None:
            birth_date = dt.date(today.year - demo.age, 1, 1)
            municipality = municipalities[demo.municipality]
            existing = person_create(
                first_name=demo.first_name,
                last_name=demo.last_name,
                personal_identity_number=demo_identity_number(
                    birth_date=birth_date, legal_sex=demo.legal_sex
                ),
                legal_sex=demo.legal_sex,
                registered_municipality=municipality,
                street_address="" if demo.protected_identity else "Exempelvägen 1",
                postal_code="" if demo.protected_identity else "771 30",
                city="" if demo.protected_identity else demo.municipality,
                protected_identity=demo.protected_identity,
            )
        people[demo.key] = existing
        for guardian_key in demo.guardians:
            if not Guardianship.objects.filter(
                child=existing, guardian=people[guardian_key]
            ).exists():
                guardianship_create(child=existing, guardian=people[guardian_key], on=today)

    for seed in _seeders:
        seed(today=today)
    return SeedSummary(
        organisations=Organisation.objects.count(),
        units=Unit.objects.count(),
        users=USERS,
        people=Person.objects.count(),
    )
