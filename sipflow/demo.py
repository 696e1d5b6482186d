"""Demo SIPs for a local installation (``manage.py seed_demo``): a year of Barn och familj,
Ludvika's SIPs with BUP Falun and Hälsocentral Ludvika, made through the services with
their dates in the past, so that the chef (carl) finds real overdue items on his overview
and real figures in the statistics (ISU): enough girls and boys in each age band that
the cells are 5 or more and shown.

Every person here is fictitious (directory.demo: serial range 98x, the surnames Demo,
Exempel, Prov and Testsson). Idempotent: nothing is made where the demo's SIPs exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task

from consent.models import Consent, InformationCategory, Purpose
from consent.services import consent_register, consent_withdraw, recorded_view_create
from directory.models import Organisation, Person, Unit, User
from directory.services import guardianship_create, person_create

from . import services
from .models import FollowUp, SipPlan

SOCIAL = "Barn och familj, Ludvika"
BUP = "BUP Falun"
PRIMARY = "Hälsocentral Ludvika"
#: How the demo knows its own SIPs (idempotency).
MARKER = "Demo: skola, sömn och oro behöver samordnas."

F, M = Person.LegalSex.FEMALE, Person.LegalSex.MALE
#: (first name, surname, age today, legal sex): six girls and six boys in each child band.
CHILDREN = [
    ("Saga", "Prov", 9, F),
    ("Wilma", "Prov", 7, F),
    ("Ebba", "Testsson", 10, F),
    ("Alice", "Testsson", 8, F),
    ("Stella", "Exempel", 11, F),
    ("Freja", "Exempel", 6, F),
    ("Hugo", "Prov", 9, M),
    ("Noah", "Prov", 7, M),
    ("Elias", "Testsson", 10, M),
    ("William", "Testsson", 8, M),
    ("Lucas", "Exempel", 11, M),
    ("Adam", "Exempel", 6, M),
    ("Tyra", "Demo", 15, F),
    ("Ines", "Demo", 14, F),
    ("Agnes", "Testsson", 16, F),
    ("Astrid", "Testsson", 15, F),
    ("Selma", "Prov", 14, F),
    ("Vera", "Prov", 16, F),
    ("Viktor", "Demo", 15, M),
    ("Melvin", "Demo", 14, M),
    ("Theo", "Testsson", 16, M),
    ("Sixten", "Testsson", 15, M),
    ("Albin", "Prov", 14, M),
    ("Malte", "Prov", 16, M),
]
#: The guardians' first names, one guardian for each two children (siblings).
GUARDIANS = [
    ("Cecilia", F),
    ("Helena", F),
    ("Jenny", F),
    ("Tobias", M),
    ("Fredrik", M),
    ("Mattias", M),
    ("Linda", F),
    ("Sofia", F),
    ("Patrik", M),
    ("Daniel", M),
    ("Malin", F),
    ("Jonas", M),
]


@dataclass(frozen=True)
class Cast:
    today: dt.date
    sara: User
    vera: User
    petra: User
    social: Unit
    bup: Unit
    primary: Unit
    kommun: Organisation
    region: Organisation

    def at(self, days_ago: int, hour: int = 10) -> dt.datetime:
        day = self.today - dt.timedelta(days=days_ago)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)


def sip_demo_seed(*, today: dt.date) -> None:
    if SipPlan.objects.filter(coordination_reason=MARKER).exists():
        return
    cast = _cast(today=today)
    if cast is None:
        return
    categories = list(InformationCategory.objects.filter(code__in=["health", "social"]))
    for index, (first, last, age, sex) in enumerate(CHILDREN):
        guardian = _guardian(cast, index)
        child = _person(cast, first, last, age, sex, guardian=guardian, salt=index)
        # Started from 330 days ago to 45 days ago, one every 12 days.
        _story(cast, child, guardian, categories, index=index, days_ago=330 - index * 12)


def _cast(*, today: dt.date) -> Cast | None:
    users = {
        user.username: user for user in User.objects.filter(username__in=["sara", "vera", "petra"])
    }
    units = {unit.name: unit for unit in Unit.objects.filter(name__in=[SOCIAL, BUP, PRIMARY])}
    if len(users) < 3 or len(units) < 3:
        return None
    return Cast(
        today,
        users["sara"],
        users["vera"],
        users["petra"],
        units[SOCIAL],
        units[BUP],
        units[PRIMARY],
        units[SOCIAL].organisation,
        units[BUP].organisation,
    )


def _person(
    cast: Cast, first: str, last: str, age: int, sex: str, *, guardian=None, salt: int = 0
) -> Person:
    from directory.demo import demo_identity_number

    person = Person.objects.filter(first_name=first, last_name=last).first()
    if person is not None:
        return person
    # ``age`` today, a birthday some weeks to months ago (``salt`` keeps the numbers apart).
    birth = dt.date(cast.today.year - age, cast.today.month, 1) - dt.timedelta(days=20 + 7 * salt)
    person = person_create(
        first_name=first,
        last_name=last,
        personal_identity_number=demo_identity_number(birth_date=birth, legal_sex=sex),
        legal_sex=sex,
        registered_municipality=cast.kommun,
        street_address="Exempelvägen 12",
        postal_code="771 31",
        city="Ludvika",
    )
    if guardian is not None:
        guardianship_create(child=person, guardian=guardian, on=cast.day(4000))
    return person


def _guardian(cast: Cast, index: int) -> Person:
    family = index // 2
    first, sex = GUARDIANS[family]
    return _person(cast, first, CHILDREN[index][1], 38 + family % 9, sex, salt=family)


def _story(
    cast: Cast, child: Person, guardian: Person, categories, *, index: int, days_ago: int
) -> None:
    """One SIP: consent, start, prepare, summon, the answers, the meeting and then, as far
    as the calendar has come, its follow-ups. Some stop on the way, as they do in a year:
    a follow-up left undone, a consent withdrawn, a kallelse left unanswered."""
    consent = consent_register(
        subject=child,
        given_by=guardian,
        purpose=Purpose.SIP,
        form=Consent.Form.WRITTEN,
        documented_by=cast.sara,
        categories=categories,
        units=[cast.social, cast.bup, cast.primary],
        valid_from=cast.day(days_ago + 10),
        at=cast.at(days_ago + 10),
    )
    recorded_view_create(
        subject=child,
        holder=child,
        purpose=Purpose.SIP,
        view="Vill få hjälp med sömnen och skolan.",
        recorded_by=cast.sara,
        at=cast.at(days_ago + 10),
    )
    plan = services.sip_start_process(
        by=cast.sara,
        person=child,
        unit=cast.social,
        origin=SipPlan.Origin.PROFESSIONAL if index % 3 else SipPlan.Origin.PERSON,
        social_needs="Stöd i familjen och i skolan.",
        health_needs="Utredning av sömn och oro på BUP, kontakt med hälsocentralen.",
        coordination_reason=MARKER,
        informed_about_sip=True,
        at=cast.at(days_ago),
    )
    invited = [cast.bup, cast.primary] if index % 4 == 0 else [cast.bup]
    services.sip_prepare(
        plan=plan,
        by=cast.sara,
        units=invited,
        categories=categories,
        lead_unit=cast.social,
        coordinator=cast.sara,
        at=cast.at(days_ago),
    )
    meeting_days_ago = days_ago - 14 - index % 5
    meeting = services.sip_summon(
        plan=plan,
        by=cast.sara,
        starts_at=cast.at(meeting_days_ago, hour=13),
        place="Familjecentralen, Ludvika",
        at=cast.at(days_ago),
    )
    if meeting_days_ago >= 0:
        # BUP answers within days (later for every seventh); the hälsocentral leaves one of
        # its kallelser unanswered.
        for invitation in meeting.invitations.select_related("unit"):
            if invitation.unit_id == cast.bup.pk:
                answered = days_ago - (2 if index % 7 else 13)
                by = cast.vera
            elif index % 8:
                answered, by = days_ago - 5, cast.petra
            else:
                continue
            services.invitation_accept(
                invitation=invitation,
                by=by,
                attendees="Sjuksköterska" if by == cast.vera else "Distriktsläkare",
                at=cast.at(min(answered, days_ago), hour=11),
            )
    if meeting_days_ago <= 0:
        return
    follow_up_on = cast.day(meeting_days_ago - 60)
    services.meeting_hold(
        plan=plan,
        by=cast.sara,
        attendance="Barnet, vårdnadshavaren, BUP och socialsekreteraren",
        persons_goals="Sova bättre och orka gå till skolan varje dag.",
        actions=_actions(cast, start=cast.day(meeting_days_ago)),
        lead_unit=cast.social,
        next_follow_up=follow_up_on,
        at=cast.at(meeting_days_ago, hour=14),
    )
    if index == 5:
        # The guardian withdraws the consent: the SIP halts (on the chef's list).
        withdrawn_at = cast.at(meeting_days_ago - 20)
        consent_withdraw(
            consent=consent,
            withdrawn_by=guardian,
            form=Consent.Form.ORAL,
            documented_by=cast.sara,
            at=withdrawn_at,
        )
        services.sip_reconsider(plan=plan, at=withdrawn_at)
        return
    # The follow-ups held so far: every second one on the day, the others a week late; one
    # in three SIPs closes with its goals met at its first follow-up, the others at their
    # third. A follow-up due in the last three weeks is not held yet (the overdue list),
    # nor is any of every ninth SIP's.
    if index % 9 == 4:
        return
    answers = [("yes", "yes"), ("yes", "partly"), ("partly", "no"), ("no", "no")]
    for held in range(3):
        held_days_ago = (cast.today - follow_up_on).days - (0 if index % 2 else 7)
        if held_days_ago < 21:
            return
        _fire_timers(plan)
        version = plan.versions.order_by("-number").first()
        rows = list(version.actions.order_by("pk"))
        close = index % 3 == 1 or (held == 2 and index % 2 == 1)
        follow_up_on = cast.day(held_days_ago - 90)
        services.follow_up_record(
            plan=plan,
            by=cast.sara,
            reviews={
                row.pk: answers[(index + held + n) % len(answers)] for n, row in enumerate(rows)
            },
            outcome=FollowUp.Outcome.CLOSE if close else FollowUp.Outcome.NEXT,
            close_reason=SipPlan.CloseReason.GOALS_MET if close else "",
            next_follow_up=None if close else follow_up_on,
            at=cast.at(held_days_ago, hour=9),
        )
        if close:
            return


def _actions(cast: Cast, *, start: dt.date) -> list[services.ActionInput]:
    return [
        services.ActionInput(
            need="Sömn och oro",
            action="Utredning och samtal på BUP",
            responsible_organisation=cast.region,
            responsible_unit=cast.bup,
            persons_part="Föra sömndagbok",
            starts_on=start,
        ),
        services.ActionInput(
            need="Skolan och familjen",
            action="Familjebehandling och stöd till skolgången",
            responsible_organisation=cast.kommun,
            responsible_unit=cast.social,
            starts_on=start,
        ),
    ]


def _fire_timers(plan: SipPlan) -> None:
    """Fire the SIP's due timers (its follow-up), as the tick would."""
    due = Task.objects.filter(
        process_id=plan.process_id,
        flow_task_type="TIMER",
        status=STATUS.SCHEDULED,
        scheduled__lte=timezone.now(),
    )
    for task in due:
        with task.activation() as activation:
            activation.start()
            activation.execute()
