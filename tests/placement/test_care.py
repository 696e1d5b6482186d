"""The child's health, school and dental care, the vårdplan and the genomförandeplan: the
region unit asked for a hälsoundersökning sees that request only; Hugo writes the
genomförandeplan of a placement in his HVB and of no other; versions are kept; the due date
comes from the rule table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.errors import InvalidState, NotParty
from cases.models import AccessGrant
from directory.durations import DurationCode
from directory.models import DurationOverride, Membership, Organisation, Unit
from placement import services
from placement.grants import CASE_KIND, HEALTH_SOURCE
from placement.models import CarePlanVersion, HealthExamRequest
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory
from tests.placement.test_under import placed_sol

pytestmark = pytest.mark.django_db

ASKED = "Erbjud Elin en hälsoundersökning i samband med placeringen."


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def request_exam(pworld, placement, **overrides) -> HealthExamRequest:
    fields = {"region_unit": pworld.sip.bup, "asked": ASKED}
    return services.health_exam_request(
        placement=placement, by=pworld.sara, **{**fields, **overrides}
    )


def plan_fields(**overrides) -> dict:
    return {
        "kind": CarePlanVersion.Kind.IMPLEMENTATION_PLAN,
        "goals": "Elin går i skolan varje dag.",
        "insatser": [services.PlanInsats(what="Skolstöd", who="HVB:ets pedagog", when="Dagligen")],
        "follow_up": "Samtal med Elin och handläggaren.",
        "follow_up_on": timezone.localdate() + dt.timedelta(days=60),
        **overrides,
    }


def test_the_due_date_comes_from_the_rule_table_and_the_organisations_override(pworld):
    placement = placed_sol(pworld)
    today = timezone.localdate()
    assert request_exam(pworld, placement).due_on == today + dt.timedelta(days=30)
    DurationOverride.objects.create(
        organisation=pworld.sip.ludvika,
        code=DurationCode.HEALTH_EXAMINATION_DUE,
        value=14,
        effective_from=today - dt.timedelta(days=1),
    )
    assert request_exam(pworld, placement).due_on == today + dt.timedelta(days=14)


def test_the_request_writes_a_grant_limited_to_health_until_it_is_answered(pworld):
    placement = placed_sol(pworld)
    request = request_exam(pworld, placement)
    grant = AccessGrant.objects.get(case_kind=CASE_KIND, case_id=placement.pk, source=HEALTH_SOURCE)
    assert (grant.unit, grant.kind, grant.full) == (pworld.sip.bup, "invited", False)
    services.health_exam_record(
        request=request, by=pworld.vera, outcome="offered", on=timezone.localdate()
    )
    assert AccessGrant.objects.filter(source=HEALTH_SOURCE).exists()  # offered: still open
    services.health_exam_record(
        request=request, by=pworld.vera, outcome="done", on=timezone.localdate()
    )
    request.refresh_from_db()
    assert (request.outcome, request.offered_on, request.done_on) == (
        "done",
        timezone.localdate(),
        timezone.localdate(),
    )
    assert not AccessGrant.objects.filter(source=HEALTH_SOURCE).exists()
    texts = [entry.text for entry in placement.history.all()]
    assert any("Hälsoundersökning begärd hos BUP Falun" in text for text in texts)
    assert any(text.startswith("Hälsoundersökning genomförd") for text in texts)


def test_only_a_unit_of_the_placing_kommuns_region_is_asked(pworld):
    placement = placed_sol(pworld)
    other = OrganisationFactory(name="Region Gävleborg", kind=Organisation.Kind.REGION)
    with pytest.raises(ValidationError) as refused:
        request_exam(pworld, placement, region_unit=UnitFactory(organisation=other))
    assert "region_unit" in refused.value.error_dict


def test_only_the_asked_units_staff_record_the_outcome(pworld):
    placement = placed_sol(pworld)
    request = request_exam(pworld, placement)
    with pytest.raises(NotParty):
        services.health_exam_record(
            request=request, by=pworld.sara, outcome="done", on=timezone.localdate()
        )


def test_region_staff_see_the_request_only_and_record_the_outcome(pworld):
    placement = placed_sol(pworld)
    request = request_exam(pworld, placement)
    vera = logged_in(pworld.vera)
    url = reverse("placement:health_request", kwargs={"pk": request.pk})
    page = vera.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    for shown in (str(pworld.youth), pworld.youth.date_of_birth.isoformat(), ASKED):
        assert shown in body
    assert str(pworld.hvb.name) in body
    assert "Bedömt." not in body  # the utredning
    assert "2800" not in body  # the cost allocation
    for name in ("placement", "assessment", "alternative", "care_plan", "implementation_plan"):
        assert (
            vera.get(reverse(f"placement:{name}", kwargs={"pk": placement.pk})).status_code == 404
        )
    bad = vera.post(url, {"outcome": "done", "on": "2000-01-01"})
    assert bad.status_code == 422
    assert "Datumet ligger mellan begäran och i dag." in bad.content.decode()
    done = vera.post(url, {"outcome": "done", "on": timezone.localdate().isoformat()})
    assert done.status_code == 302
    assert HealthExamRequest.objects.get(pk=request.pk).outcome == "done"
    assert vera.get(url).status_code == 404  # answered: the grant has ended


def test_the_region_unit_does_not_see_the_person_through_the_request(pworld):
    placement = placed_sol(pworld)
    request_exam(pworld, placement)
    page = logged_in(pworld.vera).get(
        reverse("people:person_detail", kwargs={"person_pk": pworld.youth.pk})
    )
    assert page.status_code == 404


def test_hugo_writes_versions_of_the_genomforandeplan_in_his_hvb(pworld):
    placement = placed_sol(pworld)
    hugo = logged_in(pworld.hugo)
    url = reverse("placement:implementation_plan", kwargs={"pk": placement.pk})
    assert hugo.get(url).status_code == 200
    form = {
        "goals": "Elin går i skolan varje dag.",
        "follow_up": "Samtal varje månad.",
        "follow_up_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "insatser-TOTAL_FORMS": "3",
        "insatser-INITIAL_FORMS": "0",
        "insatser-0-what": "Skolstöd",
        "insatser-0-who": "Pedagogen",
        "insatser-0-when": "Dagligen",
    }
    assert hugo.post(url, form).status_code == 302
    assert hugo.post(url, {**form, "goals": "Elin sover bättre."}).status_code == 302
    versions = CarePlanVersion.objects.filter(placement=placement).order_by("number")
    assert [(v.number, v.goals, v.unit_id) for v in versions] == [
        (1, "Elin går i skolan varje dag.", pworld.hvb.pk),
        (2, "Elin sover bättre.", pworld.hvb.pk),
    ]
    assert versions[0].insatser.get().what == "Skolstöd"
    assert 'value="Skolstöd"' in hugo.get(url).content.decode()  # the next starts from it
    page = hugo.get(reverse("placement:placement", kwargs={"pk": placement.pk})).content.decode()
    assert "Elin sover bättre." in page and "Elin går i skolan varje dag." in page
    assert "Hälsa, skola och tandvård" not in page and "Vårdplan" not in page
    refused = hugo.post(url, {**form, "insatser-0-who": ""})
    assert refused.status_code == 422
    assert "Skriv vad, vem som gör det och när för insatsen." in refused.content.decode()
    care_plan = reverse("placement:care_plan", kwargs={"pk": placement.pk})
    assert hugo.get(care_plan).status_code == 404


def test_hugo_cannot_write_for_another_hvbs_placement(pworld):
    placement = placed_sol(pworld)
    other_hvb = UnitFactory(organisation=pworld.provider, name="Solbacken", kind=Unit.Kind.HVB)
    staff = MembershipFactory(unit=other_hvb, role=Membership.Role.HVB_STAFF).user
    url = reverse("placement:implementation_plan", kwargs={"pk": placement.pk})
    assert logged_in(staff).get(url).status_code == 404
    with pytest.raises(NotParty):
        services.plan_version_write(placement=placement, by=staff, **plan_fields())
    with pytest.raises(NotParty):
        services.plan_version_write(
            placement=placement,
            by=pworld.hugo,
            **plan_fields(kind=CarePlanVersion.Kind.CARE_PLAN),
        )


def test_plans_are_written_once_the_placement_is_decided(pworld):
    placement = pworld.open()
    with pytest.raises(InvalidState):
        services.plan_version_write(placement=placement, by=pworld.sara, **plan_fields())


def test_the_socialtjanst_keeps_every_version_of_the_vardplan(pworld):
    placement = placed_sol(pworld)
    for goals in ("Första målet.", "Andra målet.", "Tredje målet."):
        services.plan_version_write(
            placement=placement,
            by=pworld.sara,
            **plan_fields(kind=CarePlanVersion.Kind.CARE_PLAN, goals=goals),
        )
    kept = placement.plan_versions.filter(kind="care_plan").order_by("number")
    assert list(kept.values_list("number", "goals")) == [
        (1, "Första målet."),
        (2, "Andra målet."),
        (3, "Tredje målet."),
    ]


def test_school_and_dental_home_are_recorded_and_shown_with_the_rule(pworld):
    placement = placed_sol(pworld)
    sara = logged_in(pworld.sara)
    school = reverse("placement:school", kwargs={"pk": placement.pk})
    refused = sara.post(school, {"from_date": timezone.localdate().isoformat()})
    assert refused.status_code == 422
    assert "Välj en skolenhet eller skriv skolans namn." in refused.content.decode()
    sent = sara.post(
        school,
        {
            "school_name": "Solbackens skola",
            "from_date": timezone.localdate().isoformat(),
            "contact": "Rektor Åsa",
        },
    )
    assert sent.status_code == 302
    dental = reverse("placement:dental", kwargs={"pk": placement.pk})
    assert sara.post(dental, {"home_region": pworld.sip.region.pk}).status_code == 302
    page = sara.get(reverse("placement:placement", kwargs={"pk": placement.pk})).content.decode()
    assert "Solbackens skola" in page and "Region Dalarna" in page
    assert "Hemregionen kontaktas före planerad tandvård i en annan region." in page
    assert "Akut tandvård ges alltid." in page
    texts = [entry.text for entry in placement.history.all()]
    assert "Hemregion för tandvård: Region Dalarna." in texts


def test_an_adult_has_no_health_school_or_dental_arrangement_here(pworld):
    from tests.placement.test_under import placed_lvm

    placement = placed_lvm(pworld)
    with pytest.raises(InvalidState):
        services.dental_home_set(placement=placement, by=pworld.sara, home_region=pworld.sip.region)
