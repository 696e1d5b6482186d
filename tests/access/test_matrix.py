"""The access matrix: every URL that shows or changes case data, generated from the URL
conf, by every role, by the owning unit, an invited unit or an unrelated organisation, by
consent active or withdrawn. A refused case page answers as a missing id does (404, or
403 to a role that may not use the page at all) and is logged as a refused attempt.

A URL added to a case namespace (each registered by its app, cases.registry.case_urls)
without a rule here fails ``test_every_case_url_is_in_the_matrix``: a new view cannot be
forgotten.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from api.resources import DEVIATION_URLS, HEALTH_REQUEST_URLS, NAMESPACE, PLACEMENT_URLS
from audit.models import AccessLogEntry
from audit.services import sample_draw
from cases import registry
from consent.models import Consent, InformationCategory, Purpose
from consent.services import consent_withdraw, recorded_view_create
from deviations.rules import AgreementCode, Category, Harm
from deviations.services import deviation_report
from directory.models import Membership, Organisation, Unit
from notifications.selectors import notifications_unread_count
from placement import services as placement_services
from placement.grants import grants_sync_placement
from placement.models import (
    AlternativeTried,
    HealthExamRequest,
    LegalStep,
    Placement,
    RegionHandover,
)
from placement.rules import LegalBasis
from sipflow.models import SipPlan
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory
from tests.placement_world import build_placement_world, seed_templates

pytestmark = pytest.mark.django_db

#: Pages that list or start rather than show one case. They must not leak case data to
#: someone without access, but they may answer 200.
LIST_URLS = {
    "people:index",
    "sip:index",
    "sip:inbox",
    "sip:queue",
    "sip:archive",
    "sip:process_list",
    "sip:task_list",
    "sip:chart",
    "sip:start:execute",
    "sip:tasks_assign",
    "sip:tasks_unassign",
    "placement:index",
    "placement:inbox",
    "placement:queue",
    "placement:archive",
    "placement:process_list",
    "placement:task_list",
    "placement:chart",
    "placement:start:execute",
    "placement:tasks_assign",
    "placement:tasks_unassign",
    "overview:index",
    "overview:statistics",
    "overview:statistics_csv",
    "overview:statistics_xlsx",
    "people:samples",
    "deviations:index",
    "deviations:report",
    "deviations:statistics",
    "api:v1:sips",
    "api:v1:persons-lookup",
    "api:v1:persons-create",
    "api:v1:placements",
    "api:v1:deviations",
    "api:v1:deviation-statistics",
    "api:v1:overview",
    "api:v1:overview-list",
    "api:v1:statistics",
}
#: Case pages an allowed user must actually get (200).
MUST_SHOW = {
    "people:person_detail",
    "people:access_log",
    "people:sample_detail",
    "sip:plan",
    "sip:person_plan",
    "sip:invitation",
    "placement:placement",
    "placement:assessment",
    "placement:alternative",
    "placement:care_plan",
    "placement:implementation_plan",
    "placement:health_request_create",
    "placement:school",
    "placement:dental",
    "placement:health_request",
    "placement:hvb_change",
    "placement:basis_change",
    "placement:visit",
    "placement:sip_link",
    "placement:sip_start",
    "placement:handover",
    "placement:cancel",
    "placement:registration_move",
    "deviations:detail",
    "deviations:export",
    "api:v1:person-detail",
    "api:v1:person-consents",
    "api:v1:person-views",
    "api:v1:consent-detail",
    "api:v1:sip-detail",
    "api:v1:kallelse-detail",
    "api:v1:placement-detail",
    "api:v1:placement-handover",
    "api:v1:health-request-detail",
    "api:v1:deviation-detail",
    "api:v1:deviation-export",
}
ROLES = [choice for choice, _label in Membership.Role.choices]
CASE_ROLES = {Membership.Role.SOCIAL_WORKER, Membership.Role.HEALTH_STAFF, Membership.Role.MANAGER}
PLACES = ("own", "invited", "other", "hvb")
#: The HVB's own staff see the people placed there, with the genomförandeplan: these pages.
HVB_PAGES = {
    "placement:placement",
    "placement:implementation_plan",
    "api:v1:placement-detail",
    "api:v1:placement-implementation-plan",
}
#: Lists that show region staff the health parts they are asked to do (the hälsoundersökning
#: asked of the invited unit, the handover its region makes), whatever the SIP's consent.
REGION_LISTS = {"overview:index", "placement:index", "api:v1:overview"}


def url_patterns():
    """(full name, kwarg names) of every named URL, from the URL conf."""

    def walk(patterns, namespaces, converters):
        for pattern in patterns:
            found = {**converters, **getattr(pattern.pattern, "converters", {})}
            if isinstance(pattern, URLResolver):
                names = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                yield from walk(pattern.url_patterns, names, found)
            elif pattern.name:
                yield ":".join([*namespaces, pattern.name]), tuple(sorted(found))

    return sorted(set(walk(get_resolver().url_patterns, [], {})))


#: Admin pages of models that hold case data. The staff pages are for administrators:
#: everyone in the matrix is sent to the admin login; test_admin_scope covers staff.
CASE_ADMIN_MODELS = ("admin:directory_person_", "admin:consent_", "admin:audit_", "admin:sipflow_")


def case_urls():
    namespaces = registry.case_urls()
    admin_models = CASE_ADMIN_MODELS + tuple(f"admin:{m}_" for m in registry.admin_case_models())
    return [
        (name, kwargs)
        for name, kwargs in url_patterns()
        if name.split(":")[0] in namespaces or name in LIST_URLS or name.startswith(admin_models)
    ]


def kwargs_for(name: str, kwarg_names: tuple[str, ...], case) -> dict | None:
    """The case objects each URL is about; None for a URL the matrix does not know."""
    if not kwarg_names:
        return {}
    if name.startswith("admin:") and kwarg_names == ("object_id",):
        obj = case["person"] if "directory_person" in name else case["consent"]
        return {"object_id": obj.pk}
    if kwarg_names == ("person_pk",):
        return {"person_pk": case["person"].pk}
    if kwarg_names == ("code",):  # one of the chef's lists: the kallelser unanswered
        return {"code": "unanswered"}
    if kwarg_names == ("pk",) and name.startswith("deviations:"):
        return {"pk": case["deviation"].pk}
    if kwarg_names == ("pk",):
        by_name = {
            "people:consent_detail": case["consent"],
            "people:consent_withdraw": case["consent"],
            "sip:plan": case["plan"],
            "sip:reschedule": case["plan"],
            "sip:person_plan": case["plan"],
            "sip:close_halted": case["plan"],
            "sip:person_plan_pdf": case["plan"],
            "sip:invitation": case["invitation"],
            "people:sample_detail": case["sample"],
            "placement:placement": case["placement"],
            "placement:assessment": case["placement"],
            "placement:alternative": case["placement"],
            "placement:care_plan": case["placement"],
            "placement:implementation_plan": case["placement"],
            "placement:health_request_create": case["placement"],
            "placement:school": case["placement"],
            "placement:dental": case["placement"],
            "placement:health_request": case["health_request"],
            "placement:hvb_change": case["placement"],
            "placement:basis_change": case["placement"],
            "placement:handover": case["placement"],
            "placement:visit": case["placement"],
            "placement:sip_link": case["placement"],
            "placement:sip_start": case["placement"],
            "placement:cancel": case["placement"],
            "placement:registration_move": case["placement"],
            **dict.fromkeys(
                [
                    "api:v1:person-detail",
                    "api:v1:person-consents",
                    "api:v1:person-views",
                ],
                case["person"],
            ),
            **dict.fromkeys(["api:v1:consent-detail", "api:v1:consent-withdraw"], case["consent"]),
            **{name: case["plan"] for name in API_SIP_URLS},
            **{name: case["invitation"] for name in API_INVITATION_URLS},
            **{NAMESPACE + name: case["placement"] for name in PLACEMENT_URLS},
            **{NAMESPACE + name: case["health_request"] for name in HEALTH_REQUEST_URLS},
            **{NAMESPACE + name: case["deviation"] for name in DEVIATION_URLS},
        }
        return {"pk": by_name[name].pk} if name in by_name else None
    process_id = process_of(name, case)
    if kwarg_names == ("process_pk",):
        return {"process_pk": process_id}
    if kwarg_names == ("process_pk", "task_pk"):
        task = step_task(name, case) or Task.objects.filter(process=process_id).first()
        return {"process_pk": process_id, "task_pk": task.pk}
    return None


def process_of(name: str, case) -> int:
    """The process of the case a process or task URL is about."""
    return (case["placement"] if name.startswith("placement:") else case["plan"]).process_id


def step_task(name: str, case) -> Task | None:
    """The case's task of the step a task URL names (``sip:prepare:detail``: the prepare
    task), or None where the case has not reached that step."""
    node = name.split(":")[1]
    tasks = Task.objects.filter(process=process_of(name, case), flow_task__endswith=f".{node}")
    return tasks.order_by("pk").first()


def is_task_url(kwarg_names: tuple[str, ...]) -> bool:
    return kwarg_names == ("process_pk", "task_pk")


def matrix_urls(case) -> list[tuple[str, dict]]:
    """The URLs the matrix asks, with the case objects they are about: every case URL,
    except that of the task pages of the steps the case has not reached, one for each
    process and action stands for all. Those pages are asked with a task of another step,
    which the case-access middleware refuses to everyone, before any access check, the same
    way for every step (``test_a_step_the_case_has_not_reached_is_refused_to_everyone``
    asks each of them): a quarter of the matrix's requests, which would each ask the same
    line again."""
    urls, stood_in = [], set()
    for name, kwarg_names in case_urls():
        if is_task_url(kwarg_names) and step_task(name, case) is None:
            process_action = (name.split(":")[0], name.split(":")[-1])
            if process_action in stood_in:
                continue
            stood_in.add(process_action)
        urls.append((name, kwargs_for(name, kwarg_names, case)))
    return urls


#: The API's URLs about one SIP and one kallelse (api.urls).
API_SIP_URLS = [
    f"api:v1:sip-{step}"
    for step in (
        "detail",
        "prepare",
        "invite",
        "reschedule",
        "meeting",
        "follow-up",
        "close",
        "fhir",
    )
]
API_INVITATION_URLS = [
    f"api:v1:kallelse-{step}" for step in ("detail", "accept", "decline", "forward")
]


def test_every_case_url_is_in_the_matrix(world):
    case = build_case(world)
    unknown = [name for name, kwargs in case_urls() if kwargs_for(name, kwargs, case) is None]
    assert unknown == []
    assert {"people", "sip", "placement", "deviations", "api"} <= set(registry.case_urls())
    assert {name for name, _kwargs in case_urls() if name.startswith("api:")} >= {
        *API_SIP_URLS,
        *API_INVITATION_URLS,
        "api:v1:consent-withdraw",
        *(NAMESPACE + name for name in (*PLACEMENT_URLS, *HEALTH_REQUEST_URLS, *DEVIATION_URLS)),
    }
    assert len(case_urls()) > 80  # viewflow's task pages are in it


def build_case(world):
    seed_templates()
    consents = world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    sample = sample_draw(
        by=chef,
        unit=world.social,
        persons=[world.child],
        start=timezone.localdate(),
        end=timezone.localdate(),
    )
    placement = placement_decided(world)
    return {
        "sample": sample,
        "person": world.child,
        "consent": consents[0],
        "consents": consents,
        "deviation": deviation_from(world, plan),
        "plan": SipPlan.objects.get(pk=plan.pk),
        "invitation": meeting.invitations.get(unit=world.bup),
        "placement": placement,
        "health_request": health_request_to(world.bup, placement=placement, by=world.sara),
    }


def placement_decided(world):
    """The child's placement, opened with its process and decided under LVU 2 § (no consent:
    the views recorded, an interim decision) at Exempelgården, whose staff take part; the
    child's folkbokföring has moved to another region, so Region Dalarna (the invited
    unit's) has a handover to do."""
    hvb = build_placement_world(world).hvb
    for holder in (world.child, world.mother, world.father):
        recorded_view_create(
            subject=world.child,
            holder=holder,
            purpose=Purpose.PLACEMENT,
            view="Inställningen är dokumenterad.",
            recorded_by=world.sara,
        )
    placement = placement_services.placement_open_process(
        by=world.sara, person=world.child, unit=world.social
    )
    areas = placement.assessment.template.areas.values_list("code", flat=True)
    placement_services.assessment_record(
        placement=placement, by=world.sara, entries=dict.fromkeys(areas, "Bedömt.")
    )
    placement_services.alternative_record(
        placement=placement,
        by=world.sara,
        kind=AlternativeTried.Kind.FAMILY_TREATMENT,
        started_on=timezone.localdate() - dt.timedelta(days=90),
        outcome="Räckte inte.",
    )
    placement_services.placement_propose(
        placement=placement,
        by=world.sara,
        hvb_unit=hvb,
        legal_basis=LegalBasis.LVU_2,
        acute=False,
        categories=InformationCategory.objects.filter(code__in=["health", "social"]),
    )
    placement_services.legal_step_record(
        placement=placement,
        by=world.sara,
        kind=LegalStep.Kind.INTERIM,
        on=timezone.localdate(),
        reference="Dnr 2026/17",
    )
    placement = placement_services.placement_decide(
        placement=placement,
        by=world.sara,
        level=Placement.DecisionLevel.COMMITTEE,
        decided_by="Socialnämnden",
        on=timezone.localdate(),
    )
    elsewhere = OrganisationFactory(name="Region Gävleborg", kind=Organisation.Kind.REGION)
    RegionHandover.objects.create(
        placement=placement,
        from_region=world.region,
        to_region=elsewhere,
        started_on=timezone.localdate(),
        started_by=world.sara,
    )
    return placement


def deviation_from(world, plan):
    """BUP (the invited place) reports an avvikelse from the SIP about Barn och familj (the
    owning place): both organisations are its parties, the other place is not."""
    today = timezone.localdate()
    return deviation_report(
        by=world.vera,
        unit=world.bup,
        concerned_units=[world.social],
        case_kind="sip",
        case_id=plan.pk,
        occurred_on=today,
        description="Kallelsen besvarades inte.",
        category=Category.SIP_SUMMONS_UNANSWERED,
        harm=Harm.RISK,
        agreement=AgreementCode.HVB,
        responsibilities="Socialtjänsten kallar till ett nytt möte.",
        allocation_until=today,
    )


def health_request_to(unit, *, placement, by) -> HealthExamRequest:
    """A hälsoundersökning asked of ``unit`` (the invited place), with its health-only
    grant. Written directly: the service asks it of a placed child only, and the query
    counts' placement is still an utredning."""
    request = HealthExamRequest.objects.create(
        placement=placement,
        region_unit=unit,
        asked="Erbjud barnet en hälsoundersökning.",
        due_on=timezone.localdate(),
        requested_at=timezone.now(),
        requested_by=by,
    )
    grants_sync_placement(placement=placement)
    return request


def staff(world, case) -> dict[tuple[str, str], tuple[Client, object]]:
    """One logged-in client, and its user, per role and place; at the placement's HVB, its
    HVB staff."""
    falun = OrganisationFactory(name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY)
    units = {
        "own": world.social,
        "invited": world.bup,
        "other": UnitFactory(organisation=falun, name="Barn och familj Falun"),
    }
    clients = {}
    for place, unit in units.items():
        for role in ROLES:
            clients[(role, place)] = logged_in(MembershipFactory(unit=unit, role=role).user)
    hvb_staff = MembershipFactory(
        unit=case["placement"].hvb_unit, role=Membership.Role.HVB_STAFF
    ).user
    clients[(Membership.Role.HVB_STAFF, "hvb")] = logged_in(hvb_staff)
    return clients


def logged_in(user) -> tuple[Client, object]:
    client = Client()
    client.force_login(user)
    return client, user


#: Pages only a chef uses at all: anyone else is refused by role (403), before any lookup,
#: so the answer is the same whatever the id.
CHEF_PAGES = {"people:access_log", "people:sample_detail"}


def expected_access(name: str, role: str, place: str, consent: str) -> bool:
    if place == "hvb":  # the placement's HVB: its youth and the genomförandeplan, no more
        return name in HVB_PAGES or name in (
            "overview:index",
            "placement:index",
            "api:v1:overview",
            "api:v1:placements",
        )
    if role not in CASE_ROLES:
        return False
    if name.startswith(NAMESPACE) and name not in LIST_URLS:
        allowed = api_expected_access(name.removeprefix(NAMESPACE), place)
        if allowed is not None:
            return allowed
    if name.startswith("deviations:") and name not in LIST_URLS:
        # The avvikelse: both organisations' units it concerns, whatever the consent (its
        # person only while the SIP's access reaches them: tests/deviations).
        return place in ("own", "invited")
    if name == "people:sample_detail":  # the chef of the unit whose cases were sampled
        return role == Membership.Role.MANAGER and place == "own"
    if name in ("placement:health_request", "placement:handover"):
        # The placing unit's, and the region asked: its unit the hälsoundersökning, the
        # old region the handover.
        return place in ("own", "invited")
    if name in REGION_LISTS and place == "invited":
        return True
    if name.startswith("placement:"):  # the placing unit's; the region sees its parts only
        return place == "own"
    case = place == "own" or (place == "invited" and consent == "active")
    if name == "people:access_log":  # who looked at the person: for chefs
        return case and role == Membership.Role.MANAGER
    return case


def api_expected_access(name: str, place: str) -> bool | None:
    """The API's placements, hälsoundersökningar and avvikelser, for the case roles, as
    their pages: None for the API URLs of SIPs and persons, which the rules below decide."""
    if name.startswith("deviation-"):
        return place in ("own", "invited")
    if name.startswith(("health-request-", "placement-handover")):
        return place in ("own", "invited")
    if name.startswith("placement-cost-allocation"):
        return False  # none is written yet in the matrix's case: 404 for everyone
    if name.startswith("placement-"):
        return place == "own"
    return None


#: Aggregates for chefs (Statistik, ISU): no case and no person on them, so nothing to
#: refuse per case; every other role is refused the pages themselves (403).
STATISTICS_PAGES = ("overview:statistics", "overview:statistics_csv", "overview:statistics_xlsx")


def test_statistics_are_for_chefs_only(world):
    case = build_case(world)
    for (role, place), (client, _user) in staff(world, case).items():
        for name in STATISTICS_PAGES:
            status = client.get(reverse(name)).status_code
            expected = 200 if role == Membership.Role.MANAGER else 403
            assert status == expected, f"{role}/{place}: {name} answered {status}"


def uses_the_page(name: str, role: str) -> bool:
    """Whether the role works with pages like this one at all (then a refusal is a 404)."""
    if role not in CASE_ROLES:
        return False
    return name not in CHEF_PAGES or role == Membership.Role.MANAGER


#: An id no object has.
MISSING = 2**31 - 1


#: Each role at each place, and the HVB's own staff at the placement's HVB.
ROLE_PLACES = [
    *((role, place) for place in PLACES if place != "hvb" for role in ROLES),
    (Membership.Role.HVB_STAFF, "hvb"),
]


@pytest.mark.parametrize(("role", "place"), ROLE_PLACES)
def test_access_matrix(world, role, place):
    """Every case URL as one role of one place sees it, with the SIP's consent active and
    then withdrawn. One role and place a test, so that the matrix spreads evenly over the
    suite's workers; both consents on one world, built once: the withdrawal is the only
    change between them."""
    case = build_case(world)
    clients = {role: staff(world, case)[(role, place)]}
    urls = matrix_urls(case)
    missing = MissingAnswers()
    history = SipPlan.objects.get(pk=case["plan"].pk).history
    written = history.count()
    refused: set[tuple[str, str]] = set()
    failures = matrix_failures(world, case, clients, urls, place, "active", missing, refused)
    unchanged = [history.count() == written]  # looking writes nothing in the SIP's history
    consent_withdraw(
        consent=case["consents"][0],
        withdrawn_by=world.mother,
        form=Consent.Form.ORAL,
        documented_by=world.sara,
    )
    written = history.count()
    failures += matrix_failures(
        world, case, clients, urls, place, "withdrawn", missing, refused, posted=refused.copy()
    )
    unchanged.append(history.count() == written)
    assert failures == []
    assert unchanged == [True, True]


def test_a_step_the_case_has_not_reached_is_refused_to_everyone(world):
    """Every task page of a step the case has not reached, asked with a task of another
    step, is 404 even to the handläggare who owns the case: the matrix asks one of them per
    process and action (``matrix_urls``). The same pages of the steps it has reached show
    her their task."""
    case = build_case(world)
    client, _user = logged_in(world.sara)
    shown, refused = [], []
    for name, kwarg_names in case_urls():
        if not is_task_url(kwarg_names):
            continue
        kwargs = kwargs_for(name, kwarg_names, case)
        status = client.get(reverse(name, kwargs=kwargs)).status_code
        if step_task(name, case) is None:
            refused.append(status)
        elif name.endswith(":detail"):
            shown.append(status)
    assert len(refused) > 100
    assert set(refused) == {404}
    assert shown and set(shown) == {200}


class MissingAnswers:
    """What a user gets for an id no object has (status and page, its address left out), by
    method and URL: asked once a user, for both consents. The case's consent cannot change
    the answer about an object that does not exist; the answer is asked again if the user's
    unread notifications (the page's header) are not as many as when it was asked."""

    def __init__(self):
        self.answers: dict[tuple, tuple[int, str]] = {}

    def get(self, checked, how: str, send, url: str) -> tuple[int, str]:
        """``send(url)`` (``how`` names the request: method and body), or its answer as
        the user last got it."""
        key = (checked.user.pk, checked.unread, how, url)
        if key not in self.answers:
            response = send(url)
            self.answers[key] = (response.status_code, page(response, url))
        return self.answers[key]


def matrix_failures(
    world, case, clients, urls, place, consent, missing, refused, posted=frozenset()
) -> list[str]:
    """The matrix of one place under one consent: what each role's client gets. The pages
    refused to a role are added to ``refused`` (role, URL name). A page in ``posted`` was
    refused to that role under the consent before, POST included: its refusal is asked
    again (the withdrawal must not open it), its POST not, which only repeats the same
    refusal of a request that never reaches the case."""
    secrets = [world.child.personal_identity_number, "Alva Ek"]
    # The refusals of this consent's pass are those logged after this point.
    since = AccessLogEntry.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    failures = []
    for role, (client, user) in clients.items():
        checked = Checked(client, user, role, place, consent, since, missing)
        for name, kwargs in urls:
            allowed = expected_access(name, role, place, consent)
            url = reverse(name, kwargs=kwargs)
            # A message an earlier page left ("No objects selected") shows once, on whichever
            # page comes next: drop it, so that pages compare as they are.
            client.cookies.pop("messages", None)
            if name.startswith("api:") and kwargs and name not in LIST_URLS:
                failures += api_failures(checked, name, url, kwargs, allowed)
                continue
            response = client.get(url, {"q": "Alva"} if name == "people:index" else None)
            status = response.status_code
            body = response.content.decode(errors="replace") if status == 200 else ""
            who = f"{checked.who}: {name}"
            if status >= 500:
                failures.append(f"{who} gave {status}")
            elif name.startswith("admin:"):
                if status != 302 or not response["Location"].startswith("/admin/login/"):
                    failures.append(f"{who} answered {status}")
                continue
            elif name in LIST_URLS or not kwargs:
                if not allowed and any(secret in body for secret in secrets):
                    failures.append(f"{who} leaks the person")
            elif allowed and (name in MUST_SHOW or place == "hvb"):
                if status != 200:
                    failures.append(f"{who} refused ({status})")
            elif not allowed:
                refused.add((role, name))
                failures += refusal_failures(
                    checked, name, kwargs, response, post=(role, name) not in posted
                )
    return failures


class Checked:
    """One role's client and user at one place, under one consent."""

    def __init__(self, client, user, role, place, consent, since, missing):
        self.client, self.user, self.role = client, user, role
        self.unread = notifications_unread_count(user=user)
        self.who = f"{role}/{place}/{consent}"
        self.since, self.missing = since, missing

    def refusal_logged(self, url: str):
        """The access log's last entry of this user's look at ``url`` in this pass."""
        entries = AccessLogEntry.objects.filter(user=self.user, path=url, pk__gt=self.since)
        return entries.order_by("pk").last()


def refusal_failures(checked, name, kwargs, response, *, post: bool = True) -> list[str]:
    """A refused case page answers exactly as one that does not exist (a guessed id teaches
    nothing), with 404 unless the role may not use the page at all, and the attempt is in
    the access log, marked refused, with the person it was about."""
    client, role, who = checked.client, checked.role, f"{checked.who}: {name}"
    failures = []
    url = reverse(name, kwargs=kwargs)
    missing_url = reverse(name, kwargs=dict.fromkeys(kwargs, MISSING))
    status = response.status_code
    if status not in (403, 404) or (status != 404 and uses_the_page(name, role)):
        failures.append(f"{who} answered {status}, not 404")
    missing = checked.missing.get(checked, "GET", client.get, missing_url)
    if (status, page(response, url)) != missing:
        failures.append(f"{who} answers {status}, a missing id {missing[0]}")
    entry = checked.refusal_logged(url)
    if entry is None or not entry.refused:
        failures.append(f"{who} refused without a refused entry in the access log")
    elif name != "people:sample_detail" and entry.person_id is None:
        failures.append(f"{who} logged the refusal without its person")
    if not post:
        return failures
    post = client.post(url, {})
    if post.status_code not in (403, 404, 405):
        failures.append(f"{who}: POST answered {post.status_code}")
    elif post.status_code != 405:  # a page that takes no POST says so whatever the id
        missing_post = checked.missing.get(
            checked, "POST form", partial(client.post, data={}), missing_url
        )
        if (post.status_code, page(post, url)) != missing_post:
            failures.append(
                f"{who}: POST answers {post.status_code}, a missing id {missing_post[0]}"
            )
    return failures


def api_failures(checked, name, url, kwargs, allowed) -> list[str]:
    """An API URL about one case object, read (GET) or, for an action endpoint, sent a body
    in a format the API does not take (POST: the case is read first, so one the caller may
    not see is 404, and a party gets 415 and nothing changes, even where the step takes an
    empty body): refused exactly as a missing id, and logged as a refused attempt with the
    person."""
    client, role, who = checked.client, checked.role, f"{checked.who}: {name}"
    view = resolve(url).func.view_class
    if hasattr(view, "get"):
        how, send = "GET", client.get
    else:
        how, send = "POST text", partial(client.post, data="{}", content_type="text/plain")
    response = send(url)
    status = response.status_code
    if status >= 500:
        return [f"{who} gave {status}"]
    if allowed:
        if status == 404:
            return [f"{who} refused (404)"]
        if name in MUST_SHOW and status != 200:
            return [f"{who} answered {status}"]
        return []
    failures = []
    if status not in (403, 404) or (status != 404 and uses_the_page(name, role)):
        failures.append(f"{who} answered {status}, not 404")
    missing_url = reverse(name, kwargs=dict.fromkeys(kwargs, MISSING))
    missing = checked.missing.get(checked, how, send, missing_url)
    if (status, page(response, url)) != missing:
        failures.append(f"{who} answers {status}, a missing id {missing[0]}")
    entry = checked.refusal_logged(url)
    if entry is None or not entry.refused or entry.person_id is None:
        failures.append(f"{who} refused without a refused entry with the person")
    return failures


def page(response, url: str) -> str:
    """The page as the user sees it, with the address it was asked for (a link back to it
    after logging in) left out."""
    return response.content.decode(errors="replace").replace(url, "<url>")


def test_the_invited_unit_sees_only_the_shared_categories(client, world):
    case = build_case(world)
    client.force_login(world.vera)
    page = client.get(reverse("sip:plan", kwargs={"pk": case["plan"].pk})).content.decode()
    assert "Utredning av sömnproblem på BUP" in page  # health: shared
    assert "Stöd i familjen" in page  # social: shared
    plan = case["plan"]
    plan.categories.set(plan.categories.filter(code="health"))
    page = client.get(reverse("sip:plan", kwargs={"pk": plan.pk})).content.decode()
    assert "Stöd i familjen" not in page
    assert "Utredning av sömnproblem på BUP" in page


def test_withdrawal_ends_an_invited_units_access_at_once(client, world):
    case = build_case(world)
    client.force_login(world.vera)
    url = reverse("sip:plan", kwargs={"pk": case["plan"].pk})
    assert client.get(url).status_code == 200
    consent_withdraw(
        consent=case["consents"][1],
        withdrawn_by=world.father,
        form=Consent.Form.WRITTEN,
        documented_by=world.sara,
    )
    assert client.get(url).status_code == 404
    assert (
        client.get(
            reverse("people:person_detail", kwargs={"person_pk": world.child.pk})
        ).status_code
        == 404
    )


def test_a_unit_of_the_same_region_that_is_not_invited_sees_nothing(client, world):
    case = build_case(world)
    nurse = MembershipFactory(unit=world.adult_psych, role=Membership.Role.HEALTH_STAFF).user
    client.force_login(nurse)
    assert client.get(reverse("sip:plan", kwargs={"pk": case["plan"].pk})).status_code == 404
    assert Unit.objects.filter(pk=world.adult_psych.pk, organisation=world.region).exists()
