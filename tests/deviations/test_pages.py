"""The pages, in Swedish, as the parties use them: the issue's story (a nurse at BUP reports
a kallelse that was never answered, the kommun and the region agree a temporary allocation
the same day, both handlers sign off, and the chef sees it in the statistics), who sees
what (an organisation not concerned sees nothing; the person only where the case's access
reaches), and the list pages at a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from deviations import services
from deviations.models import Deviation
from deviations.rules import HandlerRole
from directory.models import Membership
from tests.deviations.helpers import report, sip_inviting_bup
from tests.factories import MembershipFactory
from tests.placement.test_under import placed_sol

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, deviation=None) -> str:
    return reverse(f"deviations:{name}", kwargs={"pk": deviation.pk} if deviation else None)


def test_the_story_in_the_browser(world, chefs):
    plan = sip_inviting_bup(world)
    today = timezone.localdate()
    vera = login(world.vera)

    form = vera.get(url("report"), {"case": f"sip:{plan.pk}"})
    assert form.status_code == 200
    page = form.content.decode()
    assert "Rapportera avvikelse i samverkan" in page and "Alva Ek" in page
    assert form.context["form"].initial["concerned_unit"] == world.social
    sent = vera.post(
        url("report"),
        {
            "case": f"sip:{plan.pk}",
            "unit": world.bup.pk,
            "concerned_unit": world.social.pk,
            "occurred_on": (today - dt.timedelta(days=2)).isoformat(),
            "category": "sip_summons_unanswered",
            "harm": "risk",
            "agreement": "hvb",
            "description": "Socialtjänsten svarade inte på kallelsen och kom inte till mötet.",
            "responsibilities": "Socialtjänsten kallar till nytt möte inom en vecka.",
            "allocation_until": (today + dt.timedelta(days=14)).isoformat(),
        },
    )
    deviation = Deviation.objects.get()
    assert sent.status_code == 302 and sent["Location"] == url("detail", deviation)
    assert deviation.person == world.child

    sara = login(world.sara)
    detail = sara.get(url("detail", deviation)).content.decode()
    assert "Parterna har ännu inte kommit överens" in detail and "SIP för Alva Ek" in detail
    assert sara.post(url("agree", deviation), {}).status_code == 302
    deviation.refresh_from_db()
    assert deviation.status == Deviation.Status.INVESTIGATING
    assert timezone.localdate(deviation.allocation_agreed_at) == today  # the same day

    for user, handler, role in (
        (chefs["social"], chefs["social"], HandlerRole.SAS),
        (world.vera, chefs["bup"], HandlerRole.DESIGNATED),
    ):
        named = login(user).post(url("handler", deviation), {"handler": handler.pk, "role": role})
        assert named.status_code == 302, named.content.decode()
    assert login(world.sara).post(url("note", deviation), {"text": "Kallelsen lästes inte."})[
        "Location"
    ] == url("detail", deviation)
    social_chef, bup_chef = login(chefs["social"]), login(chefs["bup"])
    assert (
        social_chef.post(url("measures", deviation), {"measures": "Funktionsbrevlådan bevakas."})
    ).status_code == 302
    assert social_chef.post(url("sign_off", deviation), {}).status_code == 302
    assert bup_chef.post(url("sign_off", deviation), {}).status_code == 302
    deviation.refresh_from_db()
    assert deviation.status == Deviation.Status.CLOSED
    page = bup_chef.get(url("detail", deviation)).content.decode()
    assert "Kallelsen lästes inte." in page and "Avslutad" in page

    stats = social_chef.get(url("statistics"))
    assert stats.status_code == 200
    assert stats.context["statistics"].total is None  # one report: hidden
    assert "</strong> ..</p>" in stats.content.decode()


def test_a_refused_form_answers_in_swedish_not_an_error(world):
    response = login(world.vera).post(
        url("report"),
        {
            "unit": world.bup.pk,
            "concerned_unit": world.primary.pk,
            "case": "",
            "occurred_on": "2026-02-30",
        },
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "occurred_on" in errors and "description" in errors
    deviation = report(world)
    refused = login(world.vera).post(url("sign_off", deviation), {})
    assert refused.status_code in (403, 422)
    agree_again = login(world.vera).post(url("agree", deviation), {})
    assert agree_again.status_code == 422
    assert "redan godkänt" in agree_again.content.decode()


def test_an_organisation_not_concerned_sees_nothing(world, falun):
    plan = sip_inviting_bup(world)
    deviation = report(world, plan=plan)
    for user in (falun["worker"], falun["chef"]):
        client = login(user)
        listed = client.get(url("index")).content.decode()
        assert deviation.reference not in listed and "Alva" not in listed
        for name in ("detail", "export", "export_json", "export_csv", "agree", "dispute_raise"):
            response = client.get(url(name, deviation))
            missing = client.get(reverse(f"deviations:{name}", kwargs={"pk": 2**31 - 1}))
            assert (response.status_code, missing.status_code) == (404, 404), name
        assert client.post(url("note", deviation), {"text": "x"}).status_code == 404
    entry = AccessLogEntry.objects.filter(user=falun["worker"], refused=True).first()
    assert entry is not None and entry.person_id == world.child.pk


def test_the_other_organisation_sees_the_person_only_where_the_case_reaches_it(world):
    """Vera sees the SIP (BUP is called), so her report names Alva. Staff of the kommun's
    unit that the SIP does not involve see the report without her."""
    plan = sip_inviting_bup(world)
    adults = MembershipFactory(
        unit__organisation=world.ludvika, unit__name="Vuxen och beroende Ludvika"
    )
    deviation = report(world, plan=plan, concerned=[adults.unit])
    outside = login(adults.user)
    page = outside.get(url("detail", deviation)).content.decode()
    assert deviation.reference in page
    assert "Alva" not in page and world.child.personal_identity_number not in page
    assert "Personen visas bara för den som får se ärendet" in page
    listed = outside.get(url("index")).content.decode()
    assert deviation.reference in listed and "Alva" not in listed

    vera = login(world.vera)  # the reporter sees the SIP
    assert "SIP för Alva Ek" in vera.get(url("detail", deviation)).content.decode()
    assert "Alva Ek" in vera.get(url("index")).content.decode()
    # Seeing the SIP is not enough: Sara's unit is not concerned by the report.
    assert login(world.sara).get(url("detail", deviation)).status_code == 404


def more_reports(world, plan, count: int):
    for _ in range(count):
        deviation = report(world, plan=plan)
        services.allocation_agree(deviation=deviation, by=world.sara)
        services.note_add(deviation=deviation, by=world.vera, text="Utreds.")
    report(world)  # a general one too


def test_list_pages_cost_the_same_at_two_sizes(world, chefs):
    plan = sip_inviting_bup(world)
    clients = {"vera": login(world.vera), "sara": login(world.sara), "chef": login(chefs["social"])}
    pages = [
        ("vera", url("index")),
        ("sara", url("index") + "?status=investigating"),
        ("vera", url("report")),
        ("chef", url("statistics")),
        ("chef", reverse("overview:index")),
    ]

    def measure():
        counts = {}
        for who, address in pages:
            clients[who].get(address)  # fills the caches
            with CaptureQueriesContext(connection) as queries:
                response = clients[who].get(address)
            assert response.status_code == 200, address
            counts[(who, address)] = len(queries)
        return counts

    more_reports(world, plan, 2)
    small = measure()
    more_reports(world, plan, 6)
    for _ in range(3):  # and more cases of the SIP kind
        sip_inviting_bup(world)
    large = measure()
    assert small == large


def test_the_detail_page_costs_the_same_however_long_its_log(world, chefs):
    plan = sip_inviting_bup(world)
    deviation = report(world, plan=plan)
    client = login(world.vera)
    client.get(url("detail", deviation))
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("detail", deviation)).status_code == 200
        counts.append(len(queries))
        for _note in range(4):
            services.note_add(deviation=deviation, by=world.sara, text="Mer.")
        services.allocation_propose(
            deviation=deviation,
            by=world.sara,
            responsibilities="Nytt förslag.",
            until=timezone.localdate(),
        )
    assert counts[0] == counts[1]


def test_statistics_are_for_chefs(world):
    assert login(world.vera).get(url("statistics")).status_code == 403
    chef = MembershipFactory(unit=world.bup, role=Membership.Role.MANAGER).user
    assert login(chef).get(url("statistics"), {"year": "junk"}).status_code == 200


def test_a_withdrawn_consent_hides_the_person_at_once(world):
    """BUP sees the SIP, and so Alva in the report, only while the consent covers it."""
    from consent.models import Consent
    from consent.services import consent_withdraw

    plan = sip_inviting_bup(world)
    deviation = report(world, plan=plan)
    vera = login(world.vera)
    assert "Alva Ek" in vera.get(url("detail", deviation)).content.decode()
    consent_withdraw(
        consent=Consent.objects.get(subject=world.child, given_by=world.mother),
        withdrawn_by=world.mother,
        form=Consent.Form.ORAL,
        documented_by=world.sara,
    )
    page = vera.get(url("detail", deviation))
    assert page.status_code == 200  # the avvikelse stays hers to handle
    assert "Alva" not in page.content.decode()
    assert "Alva" not in vera.get(url("index")).content.decode()
    assert "Alva Ek" in login(world.sara).get(url("index")).content.decode()  # hers is own


def test_a_case_page_offers_the_report_with_its_case_chosen(world):
    """The nurse reports from the SIP's own page: the link names the case, and the form opens
    with it chosen and the other party as the one concerned."""
    plan = sip_inviting_bup(world)
    vera = login(world.vera)
    page = vera.get(reverse("sip:plan", kwargs={"pk": plan.pk})).content.decode()
    link = f"{url('report')}?case=sip%3A{plan.pk}"
    assert f'data-action="deviation_report" href="{link}"' in page
    form = vera.get(link)
    assert form.context["form"].initial["case"] == f"sip:{plan.pk}"
    assert form.context["form"].initial["concerned_unit"] == world.social


def test_a_user_who_reports_from_no_unit_is_not_offered_the_report(pworld):
    """The HVB's staff report nothing from sipflow (their unit is no party to the
    agreement): the placement page they see offers no report; the socialsekreterare's does."""
    placement = placed_sol(pworld)
    hugo_page = login(pworld.hugo).get(reverse("placement:placement", kwargs={"pk": placement.pk}))
    sara_page = login(pworld.sara).get(reverse("placement:placement", kwargs={"pk": placement.pk}))
    assert sara_page.status_code == hugo_page.status_code == 200
    assert 'data-action="deviation_report"' in sara_page.content.decode()
    assert 'data-action="deviation_report"' not in hugo_page.content.decode()
