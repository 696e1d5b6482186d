"""The placement part of the demo (directory.demo.seed_demo): the HVBs' profiles, and
placements in each phase and legal basis, made through the services and the flow with
their dates in the past, so that `make run` shows them to sara, hugo (Exempelgården) and
carl (chef): an utredning (Erik), an LVU decided on an interim decision (Liam: no consent
to a SIP, so none can be initiated), an SoL placement whose first review comes due (Maja:
consent to a SIP, none initiated yet; two follow-up visits), an acute placement past its
cost allocation's due date (Ella, whose hälsoundersökning BUP Falun is asked for: vera sees
that request), and one in aftercare (Oskar) whose SIP, initiated from
the placement, has its follow-up due with the insatser that went on after the placement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from consent.models import Consent, InformationCategory, Purpose
from consent.services import consent_register, recorded_view_create
from directory.models import Organisation, Person, Unit, User
from directory.services import guardianship_create, person_create
from sipflow import services as sip_services

from .links import insats_key
from .models import (
    AlternativeTried,
    CarePlanVersion,
    EndDestination,
    HvbProfile,
    LegalStep,
    Placement,
    Review,
)
from .rules import LegalBasis
from .services import (
    CostRow,
    PlanInsats,
    alternative_record,
    assessment_record,
    cost_allocation_approve,
    cost_allocation_create,
    follow_up_visit_record,
    health_exam_request,
    legal_step_record,
    placement_decide,
    placement_end,
    placement_ending_plan,
    placement_open_process,
    placement_propose,
    placement_sip_start,
    placement_start,
    plan_version_write,
    review_record,
)

PROFILES = {
    "Exempelgården, ungdomar 13–17 år": {
        "ivo_status": HvbProfile.IvoStatus.PERMIT,
        "ivo_reference": "IVO-DEMO-0001",
        "target_group": "Ungdomar 13–17 år med psykosocial problematik",
        "age_from": 13,
        "age_to": 17,
        "places": 6,
    },
    "Solbacken, vuxna": {
        "ivo_status": HvbProfile.IvoStatus.NOTIFIED,
        "ivo_reference": "IVO-DEMO-0002",
        "target_group": "Vuxna med missbruk",
        "age_from": 18,
        "places": 10,
    },
}

HVB = "Exempelgården, ungdomar 13–17 år"
SOCIAL = "Barn och familj, Ludvika"


@dataclass(frozen=True)
class Cast:
    """Who the demo placements are made by and at."""

    today: dt.date
    sara: User
    vera: User
    social: Unit
    hvb: Unit
    kommun: Organisation
    region: Organisation

    def at(self, days_ago: int) -> dt.datetime:
        day = self.today - dt.timedelta(days=days_ago)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)


def placement_demo_seed(*, today: dt.date) -> None:
    for unit_name, fields in PROFILES.items():
        unit = Unit.objects.filter(name=unit_name).first()
        if unit is not None:
            HvbProfile.objects.get_or_create(unit=unit, defaults=fields)
    sara = User.objects.filter(username="sara").first()
    erik = Person.objects.filter(first_name="Erik", last_name="Testsson").first()
    unit = Unit.objects.filter(name=SOCIAL).first()
    if None in (sara, erik, unit):
        return
    if not Placement.objects.filter(person=erik).exists():
        _investigation(erik, sara=sara, unit=unit)
    cast = _cast(today=today, sara=sara, social=unit)
    if cast is None:
        return
    maria = _person(cast, "Maria", "Lind", 44, Person.LegalSex.FEMALE)
    per = _person(cast, "Per", "Berg", 48, Person.LegalSex.MALE)
    youths = {
        "liam": (_person(cast, "Liam", "Lind", 16, Person.LegalSex.MALE, maria), maria),
        "maja": (_person(cast, "Maja", "Lind", 16, Person.LegalSex.FEMALE, maria), maria),
        "ella": (_person(cast, "Ella", "Berg", 15, Person.LegalSex.FEMALE, per), per),
        "oskar": (_person(cast, "Oskar", "Berg", 17, Person.LegalSex.MALE, per), per),
    }
    builders = {"liam": _lvu_decided, "maja": _sol_review_due, "ella": _acute, "oskar": _aftercare}
    for key, (youth, guardian) in youths.items():
        if not Placement.objects.filter(person=youth).exists():
            builders[key](cast, youth, guardian)
    _story_youth(cast)


def _story_youth(cast: Cast) -> Person:
    """Noah Sund, 16, with two guardians and no placement yet: the README's walk-through
    starts his utredning."""
    lisa = _person(cast, "Lisa", "Sund", 45, Person.LegalSex.FEMALE, born_1_march=False)
    jonas = _person(cast, "Jonas", "Sund", 47, Person.LegalSex.MALE, born_1_march=False)
    noah = _person(cast, "Noah", "Sund", 16, Person.LegalSex.MALE, lisa, born_1_march=False)
    if not noah.guardianships.filter(guardian=jonas).exists():
        guardianship_create(child=noah, guardian=jonas, on=cast.day(2000))
    return noah


def _investigation(person: Person, *, sara: User, unit: Unit) -> Placement:
    placement = placement_open_process(by=sara, person=person, unit=unit)
    areas = placement.assessment.template.areas.all()
    assessment_record(
        placement=placement,
        by=sara,
        entries={area.code: "Bedömt vid hembesök och samtal." for area in areas[:2]},
    )
    alternative_record(
        placement=placement,
        by=sara,
        kind=AlternativeTried.Kind.OUTPATIENT,
        started_on=timezone.localdate() - dt.timedelta(days=180),
        ended_on=timezone.localdate() - dt.timedelta(days=20),
        outcome="Öppenvården räckte inte: återfall efter tre månader.",
    )
    return placement


def _cast(*, today: dt.date, sara: User, social: Unit) -> Cast | None:
    vera = User.objects.filter(username="vera").first()
    hvb = Unit.objects.filter(name=HVB).first()
    region = Organisation.objects.filter(kind=Organisation.Kind.REGION).first()
    if None in (vera, hvb, region):
        return None
    return Cast(today, sara, vera, social, hvb, social.organisation, region)


def _person(
    cast: Cast, first: str, last: str, age: int, sex: str, guardian=None, *, born_1_march=True
) -> Person:
    from directory.demo import demo_identity_number

    person = Person.objects.filter(first_name=first, last_name=last).first()
    if person is None:
        birth = (
            dt.date(cast.today.year - age, 3, 1)
            if born_1_march  # the demo's placed youths: 1 March, fixed numbers
            else dt.date(cast.today.year - age, cast.today.month, 1) - dt.timedelta(days=40)
        )
        person = person_create(
            first_name=first,
            last_name=last,
            personal_identity_number=demo_identity_number(birth_date=birth, legal_sex=sex),
            legal_sex=sex,
            registered_municipality=cast.kommun,
            street_address="Exempelvägen 7",
            postal_code="771 30",
            city="Ludvika",
        )
        if guardian is not None:
            guardianship_create(child=person, guardian=guardian, on=cast.day(2000))
    return person


def _categories():
    return InformationCategory.objects.filter(code__in=["health", "social"])


def _opened(cast: Cast, youth: Person, *, days_ago: int) -> Placement:
    """An utredning through the flow, every area written and an alternative tried."""
    at = cast.at(days_ago)
    placement = placement_open_process(by=cast.sara, person=youth, unit=cast.social, at=at)
    areas = placement.assessment.template.areas.values_list("code", flat=True)
    assessment_record(
        placement=placement,
        by=cast.sara,
        entries=dict.fromkeys(areas, "Bedömt vid hembesök, i skolan och i samtal."),
        at=at,
    )
    alternative_record(
        placement=placement,
        by=cast.sara,
        kind=AlternativeTried.Kind.FAMILY_TREATMENT,
        started_on=cast.day(days_ago + 200),
        ended_on=cast.day(days_ago + 20),
        outcome="Familjebehandlingen räckte inte.",
        at=at,
    )
    return placement


def _views(
    cast: Cast, youth: Person, guardian: Person, *, days_ago: int, agree: bool = False
) -> None:
    views = (
        ("Vill prova att bo på Exempelgården.", "Står bakom placeringen.")
        if agree
        else ("Vill inte flytta men förstår varför.", "Motsätter sig placeringen.")
    )
    for holder, view in zip((youth, guardian), views, strict=True):
        recorded_view_create(
            subject=youth,
            holder=holder,
            purpose=Purpose.PLACEMENT,
            view=view,
            recorded_by=cast.sara,
            at=cast.at(days_ago),
        )


def _consents(cast: Cast, youth: Person, guardian: Person, *, days_ago: int) -> None:
    for giver in (guardian, youth):
        consent_register(
            subject=youth,
            given_by=giver,
            purpose=Purpose.PLACEMENT,
            form=Consent.Form.WRITTEN,
            documented_by=cast.sara,
            categories=_categories(),
            units=[cast.social, cast.hvb],
            valid_from=cast.day(days_ago),
            at=cast.at(days_ago),
        )
    _views(cast, youth, guardian, days_ago=days_ago, agree=True)


def _propose_and_decide(
    cast: Cast, placement: Placement, *, basis: str, acute: bool, days_ago: int
) -> Placement:
    at = cast.at(days_ago)
    placement_propose(
        placement=placement,
        by=cast.sara,
        hvb_unit=cast.hvb,
        legal_basis=basis,
        acute=acute,
        categories=_categories(),
        at=at,
    )
    if basis != LegalBasis.SOL:
        legal_step_record(
            placement=placement,
            by=cast.sara,
            kind=LegalStep.Kind.INTERIM,
            on=cast.day(days_ago),
            reference="Dnr SN 2026/41",
            at=at,
        )
    return placement_decide(
        placement=placement,
        by=cast.sara,
        level=Placement.DecisionLevel.COMMITTEE if basis != LegalBasis.SOL else "delegate",
        decided_by="Socialnämnden i Ludvika" if basis != LegalBasis.SOL else "Karin Delegat",
        on=cast.day(days_ago),
        at=at,
    )


def _costs(cast: Cast, placement: Placement, *, days_ago: int) -> None:
    at = cast.at(days_ago)
    allocation = cost_allocation_create(
        placement=placement,
        by=cast.sara,
        rows=[
            CostRow(
                what="housing",
                paying_organisation=cast.kommun,
                valid_from=cast.day(days_ago),
                amount_per_day=3100,
            ),
            CostRow(
                what="health_care",
                paying_organisation=cast.region,
                valid_from=cast.day(days_ago),
                share_percent=100,
            ),
        ],
        at=at,
    )
    cost_allocation_approve(allocation=allocation, by=cast.sara, side="municipality", at=at)
    cost_allocation_approve(allocation=allocation, by=cast.vera, side="region", at=at)


def _fire_timers(placement: Placement) -> None:
    """Fire the placement's due timers now, as the tick would (viewflow's timers)."""
    _fire_process_timers(placement.process_id)


def _fire_process_timers(process_id: int) -> None:
    due = Task.objects.filter(
        process_id=process_id,
        flow_task_type="TIMER",
        status=STATUS.SCHEDULED,
        scheduled__lte=timezone.now(),
    )
    for task in due:
        with task.activation() as activation:
            activation.start()
            activation.execute()


def _lvu_decided(cast: Cast, youth: Person, guardian: Person) -> None:
    """LVU 2 §: the interim decision taken, the views recorded, the move still ahead."""
    _views(cast, youth, guardian, days_ago=12)
    placement = _opened(cast, youth, days_ago=14)
    _propose_and_decide(cast, placement, basis=LegalBasis.LVU_2, acute=False, days_ago=10)


def _sol_review_due(cast: Cast, youth: Person, guardian: Person) -> None:
    """SoL with the consents and an approved cost allocation; its first review (six months
    from the start) is in its notice, in Sara's inbox and on Carl's list."""
    _consents(cast, youth, guardian, days_ago=185)
    placement = _opened(cast, youth, days_ago=185)
    _propose_and_decide(cast, placement, basis=LegalBasis.SOL, acute=False, days_ago=175)
    _costs(cast, placement, days_ago=170)
    placement_start(placement=placement, by=cast.sara, start_date=cast.day(165), at=cast.at(165))
    _care_plan(cast, placement, days_ago=160)
    _sip_consents(cast, youth, guardian, days_ago=20)
    _fire_timers(placement)
    follow_up_visit_record(
        placement=placement,
        by=cast.sara,
        visited_on=cast.day(110),
        with_person=True,
        with_hvb_staff=True,
        note="Maja har kommit till ro och går i skolan; personalen beskriver bråk på kvällarna.",
        at=cast.at(110),
    )
    follow_up_visit_record(
        placement=placement,
        by=cast.sara,
        visited_on=cast.day(40),
        with_person=True,
        with_relatives=True,
        private_talk=True,
        note="Enskilt samtal med Maja; därefter samtal med mamma om hemhelgerna.",
        at=cast.at(40),
    )


def _acute(cast: Cast, youth: Person, guardian: Person) -> None:
    """An acute LVU placement that moved in without a cost allocation, now past its due
    date (two months after the start): the placing kommun pays until it is written."""
    _views(cast, youth, guardian, days_ago=80)
    placement = _opened(cast, youth, days_ago=80)
    _propose_and_decide(cast, placement, basis=LegalBasis.LVU_2, acute=True, days_ago=78)
    placement_start(placement=placement, by=cast.sara, start_date=cast.day(78), at=cast.at(78))
    # BUP Falun (vera's unit) is asked for her hälsoundersökning: on vera's start page.
    region_unit = Unit.objects.filter(memberships__user=cast.vera).order_by("pk").first()
    if region_unit is not None and region_unit.organisation_id == cast.kommun.region_id:
        health_exam_request(
            placement=placement,
            by=cast.sara,
            region_unit=region_unit,
            asked="Erbjud Ella en hälsoundersökning i samband med placeringen.",
            at=cast.at(5),
        )


def _aftercare(cast: Cast, youth: Person, guardian: Person) -> None:
    """SoL: moved in ten months ago, the first review ended it, the youth moved home three
    weeks ago; the aftercare follow-up runs."""
    _consents(cast, youth, guardian, days_ago=320)
    placement = _opened(cast, youth, days_ago=320)
    _propose_and_decide(cast, placement, basis=LegalBasis.SOL, acute=False, days_ago=310)
    _costs(cast, placement, days_ago=305)
    placement_start(placement=placement, by=cast.sara, start_date=cast.day(300), at=cast.at(300))
    _care_plan(cast, placement, days_ago=298)
    _sip_consents(cast, youth, guardian, days_ago=296)
    plan = _sip_from_placement(cast, placement, days_ago=295)
    _fire_timers(placement)
    review = placement.reviews.get(held_on=None)
    held = review.due_on - dt.timedelta(days=5)
    review_record(
        placement=placement,
        by=cast.sara,
        held_on=held,
        outcome=Review.Outcome.END,
        note="Målen i vårdplanen är nådda; Oskar flyttar hem.",
        at=timezone.make_aware(dt.datetime.combine(held, dt.time(14, 0))),
    )
    placement_ending_plan(placement=placement, by=cast.sara, at=cast.at(60))
    placement_end(
        placement=placement,
        by=cast.sara,
        ended_on=cast.day(21),
        reason="Placeringens mål är nådda.",
        destination=EndDestination.HOME,
        continuing=[
            PlanInsats("Familjebehandling", "Barn och familj, Ludvika", "Varje vecka"),
            PlanInsats("Kontakt med BUP", "BUP Falun", "Varannan vecka"),
        ],
        at=cast.at(21),
    )
    _fire_process_timers(plan.process_id)  # the SIP's follow-up is due: Sara's task


def _care_plan(cast: Cast, placement: Placement, *, days_ago: int) -> None:
    plan_version_write(
        placement=placement,
        by=cast.sara,
        kind=CarePlanVersion.Kind.CARE_PLAN,
        goals="Trygg vardag, skolgång varje dag och bättre sömn.",
        insatser=[
            PlanInsats("Samtal med behandlare", "Exempelgården", "Varje vecka"),
            PlanInsats("Skolgång med särskilt stöd", "Demoskolan, högstadiet", "Varje skoldag"),
            PlanInsats("Kontakt med BUP", "BUP Falun", "Varannan vecka"),
        ],
        follow_up="Samtal med den unge, vårdnadshavaren och HVB:t.",
        follow_up_on=cast.day(days_ago - 60),
        at=cast.at(days_ago),
    )


def _sip_consents(cast: Cast, youth: Person, guardian: Person, *, days_ago: int) -> None:
    """The guardian's consent to a SIP with the placing unit, BUP and the school, and the
    youth's view."""
    units = Unit.objects.filter(
        name__in=["Barn och familj, Ludvika", "BUP Falun", "Demoskolan, högstadiet"]
    )
    consent_register(
        subject=youth,
        given_by=guardian,
        purpose=Purpose.SIP,
        form=Consent.Form.WRITTEN,
        documented_by=cast.sara,
        categories=_categories(),
        units=units,
        valid_from=cast.day(days_ago),
        at=cast.at(days_ago),
    )
    recorded_view_create(
        subject=youth,
        holder=youth,
        purpose=Purpose.SIP,
        view="Vill att skolan och BUP vet vad som händer.",
        recorded_by=cast.sara,
        at=cast.at(days_ago),
    )


def _sip_from_placement(cast: Cast, placement: Placement, *, days_ago: int):
    """A SIP initiated from the placement, with BUP: called, answered, its first meeting
    held with the vårdplan's insatser in the plan; its follow-up falls due yesterday."""
    plan = placement_sip_start(
        placement=placement,
        by=cast.sara,
        social_needs="Placering på HVB; samtal och skolgång enligt vårdplanen.",
        health_needs="Utredning av sömnproblem och ångest på BUP.",
        coordination_reason="Placeringens och vårdens insatser måste hänga ihop.",
        informed_about_sip=True,
        at=cast.at(days_ago),
    )
    bup = Unit.objects.get(name="BUP Falun")
    sip_services.sip_prepare(
        plan=plan,
        by=cast.sara,
        units=[bup],
        categories=_categories(),
        lead_unit=cast.social,
        coordinator=cast.sara,
        at=cast.at(days_ago),
    )
    meeting = sip_services.sip_summon(
        plan=plan,
        by=cast.sara,
        starts_at=cast.at(days_ago - 10),
        place="Barn och familj, Ludvika",
        at=cast.at(days_ago),
    )
    sip_services.invitation_accept(
        invitation=meeting.invitations.get(),
        by=cast.vera,
        attendees="Vera, sjuksköterska",
        at=cast.at(days_ago - 2),
    )
    sip_services.meeting_hold(
        plan=plan,
        by=cast.sara,
        attendance="Oskar, Per, Vera (BUP), Sara",
        persons_goals="Bo hemma igen och klara skolan.",
        actions=[
            sip_services.ActionInput(
                need="Sömn och oro",
                action="Utredning och samtal på BUP",
                responsible_organisation=cast.region,
                responsible_unit=bup,
                persons_part="Föra sömndagbok",
                starts_on=cast.day(days_ago - 10),
            ),
            sip_services.ActionInput(  # carried from the vårdplan at the meeting
                need="Vårdplanen för placeringen, version 1",
                action="Samtal med behandlare (Exempelgården, Varje vecka)",
                responsible_organisation=cast.kommun,
                responsible_unit=cast.social,
                starts_on=cast.day(days_ago - 10),
                source=insats_key(
                    placement.pk, "Samtal med behandlare", "Exempelgården", "Varje vecka"
                ),
            ),
        ],
        lead_unit=cast.social,
        next_follow_up=cast.day(1),
        at=cast.at(days_ago - 10),
    )
    return plan
