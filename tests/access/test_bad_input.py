"""Bad input is never a server error: NUL bytes, 100 KB strings and impossible or extreme
dates in every query parameter and every form field of the site, with the URLs generated
from the URL conf (as the access matrix does).

One URL per view: the SIP's task pages repeat the same views for every step, so each view
is tried once, on a step that has a task (the open one where there is one). Each page is
tried by one user per role that can use it (a socialsekreterare of the owning unit, an
invited vårdpersonal, and a chef for the chef's own pages; a page nobody of them may use
gets the junk as the socialsekreterare) on one case object. Every request runs in a
savepoint that is rolled back, so a junk POST that goes through cannot change the case the
next page is tried on.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from consent.models import InformationCategory
from directory.models import Membership
from notifications.models import Notification
from sipflow import services
from tests.access.test_matrix import build_case, kwargs_for, url_patterns
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NUL, LONG = "a\x00b", "x" * 100_000
#: Query parameters are text: one request with a NUL in a 100 KB string, one with a date.
QUERY_JUNK = {"a NUL in 100 KB": NUL + LONG, "an impossible date": "2026-02-30"}
#: Form fields are also numbers, choices and dates: each kind of junk on its own, and the
#: first and last dates there are where a form has a date field.
FORM_JUNK = {"NUL": NUL, "100 KB": LONG, "an impossible date": "2026-02-30"}
EXTREME_DATES = {"the first date": "0001-01-01", "the last date": "9999-12-31"}
DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)
#: Query parameters the site's views and viewflow's lists read, besides the fields of the
#: page's forms and filters.
QUERY_PARAMETERS = ("q", "person", "version", "page", "_orderby", "_search", "back", "next")
#: What viewflow's bulk actions and the language switch read from a POST without a form.
POST_PARAMETERS = ("pk", "select_all", "language")
#: An id no table holds, in every id of a URL.
HUGE_ID = 2**70
#: Pages left out: logging out ends the test's session; the staff admin is for
#: administrators (tests/access/test_admin_scope.py), except its login form.
SKIPPED = ("logout", "admin:logout")
ROLES = ("socialsekreterare", "vårdpersonal", "chef")
#: Pages about case data, which each role sees differently; the login, password and
#: language pages of the frame are the same for everyone and are tried by one role.
CASE_APPS = ("people", "sip", "notifications", "overview", "deviations")


def plans_at_every_step(world, case) -> list:
    """SIPs of the child at every step, so that every step's page has an open task to be
    tried on: started, prepared, summoned (the access matrix's case) and followed up."""
    started = world.start()
    prepared = world.start()
    world.prepare(prepared)
    return [started, prepared, case["plan"], followed_up_plan(world)]


def followed_up_plan(world):
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    services.meeting_hold(
        plan=plan,
        by=world.sara,
        attendance="Alva, Anna, Johan, Sara",
        persons_goals="Kunna sova",
        actions=[
            services.ActionInput(
                need="Sömnen",
                action="Utredning på BUP",
                responsible_organisation=world.region,
                responsible_unit=world.bup,
                starts_on=timezone.localdate(),
            )
        ],
        lead_unit=world.social,
        next_follow_up=timezone.localdate() + dt.timedelta(days=30),
    )
    timers = Task.objects.filter(process=plan.process_id, status=STATUS.SCHEDULED)
    timers.update(scheduled=timezone.now() - dt.timedelta(minutes=1))
    fire_due_timers()
    return plan


def task_kwargs(name: str, plans) -> dict | None:
    """A task of the step the URL names: an open one where there is one."""
    node = name.split(":")[1]
    tasks = Task.objects.filter(
        process__in=[plan.process_id for plan in plans], flow_task__endswith=f".{node}"
    ).order_by("pk")
    task = tasks.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED]).first() or tasks.first()
    return {"process_pk": task.process_id, "task_pk": task.pk} if task else None


def targets(case, plans, users) -> list[tuple[str, str, str | None]]:
    """(name, url, url with huge ids): the first URL of each view that has an object to be
    tried on."""
    views = {}
    for name, kwarg_names in url_patterns():
        if name in SKIPPED or (name.startswith("admin:") and name != "admin:login"):
            continue
        if kwarg_names == ("process_pk", "task_pk"):
            kwargs = task_kwargs(name, plans)
        elif name == "notifications:open":
            notification = Notification.objects.filter(user=users["socialsekreterare"]).first()
            kwargs = {"pk": notification.pk}
        elif kwarg_names in (("token", "uidb64"),):
            kwargs = {"uidb64": "x", "token": "x"}  # a password reset link: junk itself
        else:
            kwargs = kwargs_for(name, kwarg_names, case)
        if kwargs is None:
            continue
        url = reverse(name, kwargs=kwargs)
        match = get_resolver().resolve(url)
        view = getattr(match.func, "view_class", match.func)
        ids = {key: HUGE_ID for key, value in kwargs.items() if isinstance(value, int)}
        huge = reverse(name, kwargs={**kwargs, **ids}) if ids else None
        views.setdefault(view, (name, url, huge))
    return sorted(views.values())


def field_names(response) -> tuple[dict[str, forms.Field], dict[str, forms.Field]]:
    """The fields, by name, of the page's form and formset (sent by POST) and of its list
    filters (sent as query parameters)."""
    context = response.context
    if context is None:
        return {}, {}
    page_forms = [context.get("form")]
    formset = context.get("formset")
    if formset is not None:
        page_forms += [formset.management_form, *formset.forms]
    filterset = getattr(context.get("view"), "filterset", None)
    filters = [filterset.form] if filterset is not None else []
    return fields_of(filter(None, page_forms)), fields_of(filters)


def fields_of(page_forms) -> dict[str, forms.Field]:
    fields = {}
    for form in page_forms:
        for field_name, field in form.fields.items():
            name = form.add_prefix(field_name)
            suffixes = getattr(field.widget, "widgets_names", None) or [""]
            fields.update((name + suffix, field) for suffix in suffixes)
    return fields


def isolated(request):
    """One request, in a savepoint that is rolled back after it."""
    savepoint = transaction.savepoint()
    try:
        return request()
    finally:
        transaction.savepoint_rollback(savepoint)


def test_no_input_reaches_a_server_error(world):
    case = build_case(world)
    plans = plans_at_every_step(world, case)
    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    users = {"socialsekreterare": world.sara, "vårdpersonal": world.vera, "chef": chef}
    clients = {}
    for role, user in users.items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)

    failures, tried = [], set()
    for name, url, huge in targets(case, plans, users):
        pages, refused = {}, {}
        roles = ROLES if name.split(":")[0] in CASE_APPS else ROLES[:1]
        for role in roles:
            if role == "chef" and pages:
                break  # the chef only where neither of the others may go
            page = isolated(lambda: clients[role].get(url))  # noqa: B023
            if page.status_code >= 500:
                failures.append(f"{role}: GET {url} ({name}) gave {page.status_code}")
            elif page.status_code in (403, 404):
                refused.setdefault(role, page)
            else:
                pages[role] = page
        if pages:
            tried.add(name)
        # A page nobody here may use gets the junk once: the refusal must hold against it.
        for role, page in (pages or dict(list(refused.items())[:1])).items():
            client = clients[role]
            form_fields, filter_fields = field_names(page)
            for label, junk in QUERY_JUNK.items():
                params = dict.fromkeys({*QUERY_PARAMETERS, *form_fields, *filter_fields}, junk)
                response = isolated(lambda: client.get(url, params))  # noqa: B023
                if response.status_code >= 500:
                    failures.append(f"{role}: GET {name} with {label} gave 5xx")
            form_junk = FORM_JUNK if form_fields else {}
            if any(isinstance(field, DATE_FIELDS) for field in form_fields.values()):
                form_junk = {**form_junk, **EXTREME_DATES}
            for label, junk in form_junk.items():
                data = dict.fromkeys(form_fields, junk)
                response = isolated(lambda: client.post(url, data))  # noqa: B023
                if response.status_code >= 500:
                    failures.append(f"{role}: POST {name} with {label} gave 5xx")
            if not form_fields:
                data = dict.fromkeys({*QUERY_PARAMETERS, *POST_PARAMETERS}, NUL + LONG)
                response = isolated(lambda: client.post(url, data))  # noqa: B023
                if response.status_code >= 500:
                    failures.append(f"{role}: POST {name} with a NUL in 100 KB gave 5xx")
            if huge is not None:
                response = isolated(lambda: client.get(huge))  # noqa: B023
                if response.status_code >= 500:
                    failures.append(f"{role}: GET {name} with ids of {HUGE_ID} gave 5xx")
    assert not failures, "\n".join(failures)
    # The forms that take case data were reached, not only refused.
    steps = {f"sip:{step}:execute" for step in ("start", "prepare", "summon", "hold_meeting")}
    steps.add("sip:follow_up:execute")
    assert steps | {"people:consent_create", "sip:invitation", "people:index"} <= tried


def test_a_date_at_the_end_of_the_calendar_is_a_form_error(client, world):
    """A consent from 9999-12-31 (its year of validity ends in year 10000) and a stickprov
    up to 9999-12-31 (its last day ends the day after) were server errors."""
    message = "Ange ett datum mellan 1900-01-01 och 2199-12-31."
    client.force_login(world.sara)
    consent = client.post(
        reverse("people:consent_create", kwargs={"person_pk": world.child.pk}),
        {
            "given_by": world.mother.pk,
            "purpose": "sip",
            "form": "written",
            "units": [world.bup.pk],
            "categories": [InformationCategory.objects.get(code="health").pk],
            "valid_from": "9999-12-31",
        },
    )
    assert consent.status_code == 200
    assert consent.context["form"].errors["valid_from"] == [message]

    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    client.force_login(chef)
    sample = client.post(
        reverse("people:samples"),
        {
            "unit": world.social.pk,
            "period_start": "2026-01-01",
            "period_end": "9999-12-31",
            "size": 5,
        },
    )
    assert sample.status_code == 200
    assert sample.context["form"].errors["period_end"] == [message]
