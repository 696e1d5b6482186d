"""Reads for SIP pages and overviews."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull
from django.shortcuts import get_object_or_404

from cases.registry import CarriedInsats, LinkedCase, case_links
from cases.selectors import case_visible
from directory.durations import DurationCode
from directory.models import Membership, Person, Unit, User
from directory.selectors import (
    STARTER_ROLES,
    duration_end,
    duration_for,
    person_guardians,
    units_reached,
)

from .access import PlanAccess, plans_visible_to, require_plan_access
from .grants import CASE_KIND
from .models import Invitation, PlanVersion, SipPlan


def sip_plan_for_user(*, user: User, pk: int) -> tuple[SipPlan, PlanAccess]:
    """One SIP and how the user may see it (sipflow.access); Http404 otherwise."""
    plan = get_object_or_404(
        SipPlan.objects.select_related(
            "person", "started_by", "started_unit", "lead_unit", "coordinator", "process"
        ),
        pk=pk,
    )
    return plan, require_plan_access(user=user, plan=plan)


def invitation_for_user(*, user: User, pk: int) -> Invitation:
    """A kallelse of a SIP the user may see; Http404 otherwise."""
    invitation = get_object_or_404(
        Invitation.objects.select_related(
            "meeting__plan__person",
            "meeting__plan__lead_unit__organisation",
            "meeting__plan__started_unit__organisation",
            "meeting__plan__coordinator",
            "meeting__summoned_by",
            "unit__organisation",
            "organisation",
            "answered_by",
            "forwarded_from",
        ),
        pk=pk,
    )
    require_plan_access(user=user, plan=invitation.meeting.plan)
    return invitation


@dataclass(frozen=True)
class InvitationSender:
    """Who sent a kallelse and how to reach them: the person who sent it, the huvudansvarig
    person where another, and the unit in whose name it went (its functional mailbox)."""

    sent_by: User | None
    coordinator: User | None
    unit: Unit


def invitation_sender(*, invitation: Invitation) -> InvitationSender:
    """The sender of a kallelse as its page shows it (the kallelse read with
    ``invitation_for_user``: no further query)."""
    plan = invitation.meeting.plan
    sent_by = invitation.meeting.summoned_by
    coordinator = plan.coordinator if plan.coordinator_id != getattr(sent_by, "pk", None) else None
    return InvitationSender(
        sent_by=sent_by, coordinator=coordinator, unit=plan.lead_unit or plan.started_unit
    )


def may_still_see_invitation(*, user: User, invitation: Invitation) -> bool:
    """Whether the user may still open the kallelse (after forwarding it, perhaps not)."""
    from .access import plan_access

    return plan_access(user=user, plan=invitation.meeting.plan) is not None


def process_persons(*, process_ids) -> QuerySet[Person]:
    """The people whose SIPs these viewflow processes are."""
    return Person.objects.filter(sip_plans__process_id__in=process_ids).distinct()


def invitation_recipient_units(*, invitation: Invitation) -> list[Unit]:
    """Who hears about a kallelse: the invited unit, or every unit of the huvudman."""
    if invitation.unit_id:
        return units_reached(units=[invitation.unit])
    return units_reached(organisations=[invitation.organisation])


def plan_versions(*, plan: SipPlan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("lead_unit", "created_by").prefetch_related(
        "actions__responsible_unit", "actions__responsible_organisation"
    )


def _visible_plan_ids(*, user: User):
    """The SIPs the user may see now, as a subquery (sipflow.access.plans_visible_to: the
    SIPs' access grants, one SQL filter)."""
    return plans_visible_to(user=user).order_by().values("pk")


def _plan_visible(*, user: User, plan: str = "pk") -> IsNull | Q:
    """The rows whose SIP (at the path ``plan``) the user may see now, as
    ``plans_visible_to`` decides (every SIP for a superuser), asked of each row: a list
    ordered by its partial index checks only the rows it reads."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Q()
    # The SIP's own unit is read from the row only when the row is the SIP.
    own_unit = "started_unit_id" if plan == "pk" else None
    return case_visible(user=user, case_kind=CASE_KIND, case_id=plan, own_unit=own_unit)


# --- The chef's lists (cases.registry.OverviewRows with a ``query``) ----------------------
#
# Each returns the rows unevaluated, of the SIPs the user may see now (the grants' filter, as
# the case page), annotated with ``overview_due`` (when the row fell due) and, for the
# handläggare filter and the workload, ``overview_handler`` (the huvudansvarig person, else
# whoever started the SIP).


def _handler():
    return Coalesce("coordinator_id", "started_by_id")


def _top_organisations(units: QuerySet[Unit] | list[Unit]) -> QuerySet | list[int]:
    """The organisations of which these units include a top unit (one under no other): a
    kallelse sent to the whole organisation is on the list of the chef at its top. A list
    of units answers from the units themselves; a QuerySet, as a subquery."""
    if isinstance(units, QuerySet):
        return units.filter(parent__isnull=True).order_by().values("organisation_id")
    return sorted({unit.organisation_id for unit in units if unit.parent_id is None})


def _invited(units: QuerySet[Unit] | list[Unit]) -> Q:
    """Kallelser to these units, or to the whole organisation of one of their top units."""
    invitee = Q(unit__in=units)
    organisations = _top_organisations(units)
    if not isinstance(organisations, list) or organisations:
        invitee |= Q(unit__isnull=True, organisation__in=organisations)
    return invitee


def invitations_unanswered_query(
    *, user: User, units: QuerySet[Unit] | list[Unit], today: dt.date, checked: bool = True
) -> QuerySet[Invitation]:
    """Kallelser to these units (a region chef's units among them: what her units left
    unanswered), or to the whole organisation of one of its top units (a kallelse to a
    huvudman is every unit's to answer, and the chef at the organisation's top answers for
    it: ``_top_organisations``), still unanswered after their answer-by date, of the SIPs
    the user may see (all of them, unchecked, where ``checked`` is false: the overview's
    candidates, cases.registry ``OverviewRows.sorted_before_check``)."""
    rows = Invitation.objects.filter(
        _invited(units), status=Invitation.Status.PENDING, answer_by__lt=today
    )
    if checked:
        rows = rows.filter(_plan_visible(user=user, plan="meeting__plan_id"))
    return rows.annotate(overview_due=F("answer_by")).select_related(
        "meeting__plan__person", "unit", "organisation"
    )


def invitations_unanswered_unit_filter(unit: Unit) -> Q:
    """The unanswered list narrowed to one of the chef's units: its kallelser, and for a top
    unit those sent to its whole organisation (``invitations_unanswered_query``)."""
    return _invited([unit])


def invitations_unanswered(
    *, user: User, units: QuerySet[Unit] | list[Unit], today: dt.date
) -> list[Invitation]:
    """``invitations_unanswered_query``, evaluated: the longest unanswered first."""
    rows = invitations_unanswered_query(user=user, units=units, today=today)
    return list(rows.order_by("overview_due", "pk"))


def _open_led(*, user: User, units, checked: bool = True) -> QuerySet[SipPlan]:
    """Open SIPs led by these units that the user may see (every one, unchecked, where
    ``checked`` is false: a list's candidates, ``OverviewRows.sorted_before_check``)."""
    plans = SipPlan.objects.filter(lead_unit__in=units).exclude(phase__in=SipPlan.ENDED)
    if checked:
        plans = plans.filter(_plan_visible(user=user))
    return plans.annotate(overview_handler=_handler()).select_related("lead_unit", "person")


def follow_ups_overdue_query(
    *, user: User, units, today: dt.date, checked: bool = True
) -> QuerySet[SipPlan]:
    """Open SIPs led by these units whose follow-up date has passed (the partial index
    ``sip_open_follow_up``)."""
    return (
        _open_led(user=user, units=units, checked=checked)
        .filter(next_follow_up__lt=today)
        .annotate(overview_due=F("next_follow_up"))
    )


def follow_ups_overdue(*, user: User, units, today: dt.date) -> list[SipPlan]:
    """``follow_ups_overdue_query``, evaluated: the longest overdue first."""
    return list(
        follow_ups_overdue_query(user=user, units=units, today=today).order_by(
            "next_follow_up", "pk"
        )
    )


def follow_ups_unplanned_query(*, user: User, units, today: dt.date) -> QuerySet[SipPlan]:
    """Open SIPs led by these units with a plan but no next follow-up date: due since the
    plan's latest version was written (``SipPlan.plan_written_on``, which every version
    written sets, read with the SIP from the partial index ``sip_open_unplanned``)."""
    return (
        _open_led(user=user, units=units)
        .filter(
            next_follow_up__isnull=True,
            phase__in=[SipPlan.Phase.MEETING_HELD, SipPlan.Phase.FOLLOW_UP],
        )
        .annotate(overview_due=F("plan_written_on"))
    )


def plans_halted_query(*, user: User, units, today: dt.date) -> QuerySet[SipPlan]:
    """SIPs started or led by these units that halted because their consent ended, where
    no newer SIP of the person is open: due since the halt (``SipPlan.halted_on``, the
    index ``sip_halted_on``)."""
    newer_open = SipPlan.objects.filter(
        person=OuterRef("person"), started_at__gt=OuterRef("started_at")
    ).exclude(phase__in=SipPlan.ENDED)
    return (
        SipPlan.objects.filter(phase=SipPlan.Phase.HALTED)
        .filter(Q(started_unit__in=units) | Q(lead_unit__in=units))
        .filter(_plan_visible(user=user))
        .exclude(Exists(newer_open))
        .annotate(overview_handler=_handler(), overview_due=F("halted_on"))
        .select_related("lead_unit", "started_unit", "person")
    )


def consents_expiring_query(*, user: User, units, today: dt.date) -> QuerySet[SipPlan]:
    """Open SIPs led by these units whose person's consent to SIP runs out within the
    reminder's days (directory.durations ``CONSENT_EXPIRY_REMINDER``): due on the last day
    of the earliest such consent still in force, which the SIP holds
    (``SipPlan.consent_ends_on``, the index ``sip_open_consent_ends``)."""
    days = duration_for(code=DurationCode.CONSENT_EXPIRY_REMINDER, organisation=None, on=today)
    horizon = today + dt.timedelta(days=days)
    return (
        _open_led(user=user, units=units)
        .filter(consent_ends_on__range=(today, horizon))
        .annotate(overview_due=F("consent_ends_on"))
    )


def plans_open_query(*, user: User, units, today: dt.date) -> QuerySet[SipPlan]:
    """Open SIPs led by these units that the user may see (the workload per handläggare)."""
    return _open_led(user=user, units=units)


def _own_plans(*, user: User) -> QuerySet[SipPlan]:
    """The SIPs that are the user's to drive, of those she may see: she is the
    huvudansvarig person, or started it and nobody coordinates it yet (each checked as
    ``plans_visible_to`` does, row by row: her own few, not every grant of her units)."""
    if not user.is_authenticated or not user.is_active:
        return SipPlan.objects.none()
    return (
        SipPlan.objects.filter(Q(coordinator=user) | Q(coordinator__isnull=True, started_by=user))
        .filter(_plan_visible(user=user))
        .select_related("person", "lead_unit", "started_unit")
    )


def plans_of_user(*, user: User) -> list[SipPlan]:
    """Start page: the user's open SIPs, with their next date: the meeting not yet held
    (``next_meeting``) or the next follow-up, the nearest first."""
    plans = (
        _own_plans(user=user)
        .exclude(phase__in=SipPlan.ENDED)
        .annotate(next_meeting=Min("meetings__starts_at", filter=Q(meetings__held_at__isnull=True)))
        .select_related("person", "lead_unit")
    )
    return sorted(
        plans,
        key=lambda plan: (
            plan.next_meeting.date() if plan.next_meeting else plan.next_follow_up or dt.date.max,
            plan.pk,
        ),
    )


def plans_halted_of_user(*, user: User) -> list[SipPlan]:
    """Start page: the user's SIPs stopped because their consent ended, which wait for her
    to register the missing consent and resume, or to close them."""
    return list(
        _own_plans(user=user)
        .filter(phase=SipPlan.Phase.HALTED)
        .select_related("person")
        .order_by("-pk")
    )


def user_tasks(*, user: User) -> list:
    """Start page: the user's SIP tasks (her Inkorg), kallelser aside (listed on their
    own)."""
    from cases.tasks import user_task_rows

    from .access import visible_process_ids
    from .flows import SipFlow

    return user_task_rows(
        user=user,
        flow_class=SipFlow,
        visible_process_ids=visible_process_ids,
        case="sip_plan",
        task_link=task_link,
        exclude_nodes=[ANSWER_NODE],
    )


def plans_filtered(
    *,
    user: User,
    words: tuple[str, ...] = (),
    number: str | None = None,
    phase: str = "",
    unit: Unit | None = None,
    coordinator: User | None = None,
) -> QuerySet[SipPlan]:
    """The SIP list: the SIPs the user may see, narrowed by the person's whole personnummer
    (``number``) or the words of a name, the phase, a unit (starting or lead) and the
    huvudansvarig person; open ones first, the nearest follow-up first, then the newest.
    One SQL query, whatever the number of SIPs (the page takes a slice)."""
    plans = plans_visible_to(user=user)
    if number:
        plans = plans.filter(person__personal_identity_number=number)
    for word in words:
        plans = plans.filter(
            Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)
        )
    if phase:
        plans = plans.filter(phase=phase)
    if unit is not None:
        plans = plans.filter(Q(lead_unit=unit) | Q(started_unit=unit))
    if coordinator is not None:
        plans = plans.filter(coordinator=coordinator)
    ended = Case(When(phase__in=SipPlan.ENDED, then=1), default=0, output_field=IntegerField())
    return plans.select_related("coordinator").order_by(
        ended, F("next_follow_up").asc(nulls_last=True), "-pk"
    )


def plan_filter_choices(*, user: User) -> tuple[QuerySet[Unit], QuerySet[User]]:
    """The units (starting or lead) and huvudansvariga of the SIPs the user may see: what
    the SIP list can be narrowed to (two queries)."""
    visible = _visible_plan_ids(user=user)
    units = (
        Unit.objects.filter(
            Q(pk__in=SipPlan.objects.filter(pk__in=visible).values("lead_unit"))
            | Q(pk__in=SipPlan.objects.filter(pk__in=visible).values("started_unit"))
        )
        .select_related("organisation")
        .order_by("name")
    )
    coordinators = User.objects.filter(
        pk__in=SipPlan.objects.filter(pk__in=visible).values("coordinator")
    ).order_by("last_name", "first_name")
    return units, coordinators


def user_starter_units(*, user: User) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(memberships__user=user, memberships__role__in=STARTER_ROLES)
        .distinct()
        .select_related("organisation")
    )


def plan_coordinator_candidates(*, plan: SipPlan, unit_ids=()) -> QuerySet[User]:
    """Who may be the huvudansvarig person: socialsekreterare and vårdpersonal of the
    initiating unit, the called units and the lead unit (and of ``unit_ids``, the units the
    form is choosing), never HVB staff or an administrator; the present one stays offered."""
    units = {plan.started_unit_id, plan.lead_unit_id, *unit_ids}
    units |= set(plan.invited_units.values_list("pk", flat=True))
    units.discard(None)
    members = Q(
        is_active=True,
        memberships__unit__in=units,
        memberships__role__in=STARTER_ROLES,
    )
    return (
        User.objects.filter(members | Q(pk=plan.coordinator_id))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def invitations_for_units(*, user: User, limit: int = 50) -> list[Invitation]:
    """Kallelser waiting for an answer from the user's units (or their organisations), of
    the SIPs the user may see."""
    memberships = Membership.objects.filter(user=user)
    invitations = (
        Invitation.objects.filter(status=Invitation.Status.PENDING)
        .filter(
            Q(unit__in=memberships.values("unit"))
            | Q(organisation__in=memberships.values("unit__organisation"))
        )
        .filter(_plan_visible(user=user, plan="meeting__plan_id"))
        .select_related("meeting__plan__person", "unit", "organisation")
        .order_by("meeting__answer_by", "pk")
    )
    return list(invitations[:limit])


@dataclass(frozen=True)
class OpenStep:
    title: str
    who: str
    url: str


#: The flow's node for a kallelse's answer (sipflow.flows.SipFlow.answer), by name: the reads
#: do not import the flow, which imports the pages that import the reads.
ANSWER_NODE = "answer"


def plan_open_steps(*, plan: SipPlan, user: User) -> list[OpenStep]:
    """What is waiting in this SIP, for whom, and a link where the user can act on it."""
    from django.urls import reverse
    from viewflow.workflow import STATUS
    from viewflow.workflow.models import Task

    if plan.process_id is None:
        return []
    steps = []
    tasks = list(
        Task.objects.filter(
            process=plan.process_id,
            flow_task_type="HUMAN",
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
        )
        .select_related("owner")
        .order_by("pk")
    )
    # The kallelser the answer tasks are about, in one query rather than one per task.
    invitations = Invitation.objects.select_related("unit", "organisation").in_bulk(
        [task.data["invitation"] for task in tasks if task.flow_task.name == ANSWER_NODE]
    )
    for task in tasks:
        url = ""
        if task.flow_task.name == ANSWER_NODE:
            invitation = invitations[task.data["invitation"]]
            who = str(invitation.invitee)
            url = reverse("sip:invitation", kwargs={"pk": invitation.pk})
        else:
            # A lead step nobody coordinates waits in the lead unit's queue.
            who = str(task.owner or plan.lead_unit or "")
            if task.owner_id == user.pk:
                url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
            elif task.owner_id is None and task.flow_task.can_assign(user, task):
                url = task.flow_task.reverse("assign", args=[task.process_id, task.pk])
        steps.append(OpenStep(title=str(task.flow_task.task_title), who=who, url=url))
    return steps


def task_link(task) -> str | None:
    """Where a task's row in Inkorg, Kö and the task lists leads: a kallelse's answer to the
    kallelse, where the unit answers (viewflow's own page would first ask to take it)."""
    from django.urls import reverse
    from viewflow.workflow import STATUS

    if task.flow_task.name == ANSWER_NODE and task.status in (STATUS.NEW, STATUS.ASSIGNED):
        return reverse("sip:invitation", kwargs={"pk": task.data["invitation"]})
    return None


def plan_duration(*, plan: SipPlan, code: str, on: dt.date) -> int:
    """A duration (directory.durations) in force on ``on`` for the SIP's sending
    organisation: the starting unit's, in whose name its kallelser go out."""
    return duration_for(code=code, organisation=plan.started_unit.organisation_id, on=on)


def follow_up_proposed(*, plan: SipPlan, on: dt.date) -> dt.date:
    """The next follow-up the meeting and follow-up forms propose: the sending
    organisation's interval after ``on``. No source sets one (RULES.md §1)."""
    return duration_end(
        code=DurationCode.SIP_FOLLOW_UP_INTERVAL,
        organisation=plan.started_unit.organisation_id,
        start=on,
    )


# --- Cases linked to a SIP (cases.registry.CaseLinks: a placement, say) ------------------


def plan_linked_cases(*, plan: SipPlan, user: User) -> list[LinkedCase]:
    """What the SIP's page shows the user of the cases linked to it: each process decides
    whether the user may see the case and read its annex."""
    return [
        case
        for links in case_links()
        for case in links.shown(case_kind=CASE_KIND, case_id=plan.pk, user=user)
    ]


def plan_carried(*, plan: SipPlan) -> list[CarriedInsats] | None:
    """The insatser linked cases carry into the SIP's follow-up, without those the current
    plan already holds (by their key); None where no case is linked to the SIP."""
    found: list[CarriedInsats] | None = None
    for links in case_links():
        rows = links.carried(case_kind=CASE_KIND, case_id=plan.pk)
        if rows is not None:
            found = [*(found or []), *rows]
    if not found:
        return found
    current = plan.versions.order_by("-number").first()
    held = set(current.actions.values_list("source", flat=True)) if current else set()
    return [row for row in found if row.key not in held]


def plan_rows_proposed(
    *, plan: SipPlan, on: dt.date, carried: list[CarriedInsats] | None
) -> list[dict]:
    """The rows the meeting's and the follow-up's plan forms start from: the current
    version's insatser, then those the linked cases carry in, pre-filled with what they say
    (what, who, when), the unit responsible there and ``on`` as start, to be edited."""
    current = plan.versions.order_by("-number").first()
    rows = []
    if current is not None:
        rows = [
            {
                "need": action.need,
                "action": action.action,
                "responsible_organisation": action.responsible_organisation,
                "responsible_unit": action.responsible_unit,
                "persons_part": action.persons_part,
                "starts_on": action.starts_on,
                "ends_on": action.ends_on,
                "source": action.source,
            }
            for action in current.actions.select_related(
                "responsible_organisation", "responsible_unit__organisation"
            )
        ]
    units = Unit.objects.select_related("organisation").in_bulk(
        {row.unit_id for row in carried or () if row.unit_id}
    )
    for row in carried or ():
        unit = units.get(row.unit_id)
        details = ", ".join(part for part in (row.who, row.when) if part)
        rows.append(
            {
                "need": row.origin,
                "action": f"{row.what} ({details})" if details else row.what,
                "responsible_organisation": unit.organisation if unit else None,
                "responsible_unit": unit,
                "starts_on": on,
                "source": row.key,
            }
        )
    return rows


# --- The plan for the person (the printable plan and its PDF) ----------------------------


@dataclass(frozen=True)
class PersonPlan:
    """What the person, and a child's vårdnadshavare, are given of the plan: their own goals,
    who does what and when it is followed up, and whom to ask. Not the cost allocation, the
    history, the kallelser's answers or the follow-ups' notes, which are the staff's."""

    plan: SipPlan
    version: PlanVersion | None
    actions: list
    recipients: list[Person]
    guardians: list[Person]
    lead_unit: Unit | None
    coordinator: User | None
    next_follow_up: dt.date | None


def person_plan(*, plan: SipPlan, on: dt.date, number: int | None = None) -> PersonPlan:
    """The plan as the person is given it: the current version (or version ``number``),
    addressed to the person and, for a child, to each vårdnadshavare."""
    versions = plan.versions.select_related("lead_unit__organisation").order_by("-number")
    version = (versions.filter(number=number).first() if number else None) or versions.first()
    actions = (
        list(
            version.actions.select_related(
                "responsible_unit__organisation", "responsible_organisation"
            ).order_by("starts_on", "pk")
        )
        if version
        else []
    )
    guardians = person_guardians(person=plan.person, on=on)
    return PersonPlan(
        plan=plan,
        version=version,
        actions=actions,
        recipients=[plan.person, *guardians],
        guardians=guardians,
        lead_unit=(version.lead_unit if version else None) or plan.lead_unit,
        coordinator=plan.coordinator,
        next_follow_up=plan.next_follow_up if plan.is_open else None,
    )
