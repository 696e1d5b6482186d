"""What a process plugs into the shared case layer, from its ``AppConfig.ready()``.

Each process (SIP, later placement and deviations) registers here instead of being named by
the layers above it: the access log, the case-access middleware, the tick, the start page and
the chef's overview iterate these registries and never import a process. Registration is
idempotent by name, so a ``ready()`` run twice (tests, autoreload) changes nothing.

The layers run one way: directory → consent → cases → the processes → overview → config.
A process imports ``cases``; ``cases`` imports no process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

# --- Case URLs: what a request is about -----------------------------------------------------


@dataclass(frozen=True)
class CaseSubject:
    """The object a request is about, the person it concerns, and the purpose to log it with
    (in Swedish, as the access log is kept)."""

    obj: Any
    person: Any | None
    purpose: str


@dataclass(frozen=True)
class CaseUrls:
    """The URLs of one namespace: every page in it is a case page, logged on every look.
    ``subject(resolver_match)`` finds the case object and person of a URL (None for lists and
    start pages)."""

    namespace: str
    subject: Callable[[Any], CaseSubject | None]


_case_urls: dict[str, CaseUrls] = {}


def register_case_urls(urls: CaseUrls) -> None:
    _case_urls[urls.namespace] = urls


def case_urls() -> Mapping[str, CaseUrls]:
    return dict(_case_urls)


#: The purpose each page is logged with, by full URL name (``"sip:plan"``), in Swedish as the
#: log is kept. Each app names its own pages, in whatever namespace they are served.
_page_purposes: dict[str, str] = {}


def register_page_purposes(purposes: Mapping[str, str]) -> None:
    _page_purposes.update(purposes)


def page_purposes() -> Mapping[str, str]:
    return dict(_page_purposes)


#: Admin pages of models that hold case data: ``"<app_label>_<model_name>"`` → how to find
#: the person of an object (None where the object names no one).
_admin_case_models: dict[str, Callable[[Any], Any]] = {}


def register_admin_case_model(prefix: str, person_of: Callable[[Any], Any]) -> None:
    _admin_case_models[prefix] = person_of


def admin_case_models() -> Mapping[str, Callable[[Any], Any]]:
    return dict(_admin_case_models)


# --- Access: who may open a case ------------------------------------------------------------


@dataclass(frozen=True)
class CaseAccess:
    """How a process answers "may this user see this case now?" for the pages it does not
    render itself (viewflow's process and task pages).

    ``process_of(resolver_match)`` gives the viewflow process pk a URL of the namespace is
    about, or None; ``process_visible(user=, process_pk=)`` runs the full policy for it;
    ``task_visible(user=, process_pk=, task_pk=)``, where given, decides instead for the
    pages of one task (someone asked to do one step sees that step's pages, not the whole
    case); ``is_manage_action(resolver_match)`` tells viewflow's manage actions (undo,
    cancel, revive), which no one may take; ``manage_refused(request, resolver_match)``
    renders why."""

    namespace: str
    process_of: Callable[[Any], int | None]
    process_visible: Callable[..., bool]
    is_manage_action: Callable[[Any], bool] = lambda resolver_match: False
    manage_refused: Callable[[Any, Any], Any] | None = None
    task_visible: Callable[..., bool] | None = None


_case_access: dict[str, CaseAccess] = {}


def register_case_access(access: CaseAccess) -> None:
    _case_access[access.namespace] = access


def case_access() -> Mapping[str, CaseAccess]:
    return dict(_case_access)


# --- The periodic tick ----------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodicJob:
    """One part of the tick. ``run()`` commits on its own and returns how many things it did;
    the jobs run by ``order`` (timers first, mail last), each isolated from the others'
    failures."""

    name: str
    run: Callable[[], int]
    order: int = 50


_periodic_jobs: dict[str, PeriodicJob] = {}


def register_periodic_job(job: PeriodicJob) -> None:
    _periodic_jobs[job.name] = job


def periodic_jobs() -> Sequence[PeriodicJob]:
    return sorted(_periodic_jobs.values(), key=lambda job: (job.order, job.name))


# --- The chef's overview --------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewRows:
    """One list on the chef's overview (and one count in the daily digest): what is late in
    the units a chef leads (and the units under them), of the cases the chef may see now.

    The stable interface, which every consumer (the start page, the list pages, the digest,
    the API) may rely on:

    - ``rows(user=, units=, today=)`` returns every row, the most overdue first (each with
      a ``person`` attribute where it names one, so the access log records who was shown);
    - ``describe(row)`` writes one row as HTML (``format_html``, ``cases.row_html``: a list
      page shows fifty, which in the template language cost more than reading them), a link
      to ``case_url(row)`` first; ``title`` heads the list, ``empty`` says
      there is nothing late; ``code`` keys the list (its page ``/oversikt/<code>/``, the API,
      the count in the digest's data), and ``counted(n)`` names the count in the digest's
      e-mail (an ngettext phrase with ``%(count)d``).

    What lets the overview filter, sort and page a list without knowing the process:

    - ``query(user=, units=, today=)``, where given, returns the same rows unevaluated: a
      QuerySet (of cases the user may see, in these units) annotated with ``overview_due``,
      the date the row fell or falls due (never null). The overview filters it, counts it
      (up to ``overview.selectors.COUNT_CAP``, beyond which it says "more than"), orders
      it by ``(overview_due, pk)`` (the most days overdue first) and pages it by keyset in
      SQL, so a page costs the same few queries at any size. Without ``query`` the
      overview does the same in Python over ``rows()`` (lists bounded by a chef's running
      placements).
    - ``due_field`` is the path to that date on a row (``overview_due`` for a ``query``
      list), ``key_field`` a unique key of the row (the keyset's tie-breaker), ``case_url(row)``
      the case page the row links to.
    - The paths a filter applies to, ``""`` where it does not: ``unit_field`` (the unit the
      row belongs to), ``handler_field`` (the handläggare's user id), ``person_field`` (the
      Person, for the age group) and ``basis_field`` (the legal basis, one of
      ``basis_choices``). A path is a Django lookup (``placement__placing_unit_id``) and, on
      a ``rows()`` row, the same attributes one after the other. ``unit_filter(unit)``,
      where given, is the filter for one of the chef's units instead (a ``query`` list's Q:
      the unanswered kallelser include those sent to the unit's whole organisation when it
      is a top unit).
    - ``row_fields``, where given, the fields a page reads of its rows (``QuerySet.only``):
      those that ``describe``, ``case_url``, ``persons`` and the API read, each list's state
      field among them (django-fsm-2 reads it as the row is built). A page then reads a
      row's few columns, and joins only the tables they are in (``select_related`` of
      their paths' relations, whatever the query selects), not every column of the five
      tables the query joins.
    - ``sorted_before_check``: ``query`` also takes ``checked=False`` and then returns its
      rows before the access check (the same filters and annotations, the same model). A
      page's keys then come from those sorted first, each checked as it is read, by
      ``query`` itself, until the page is full: a list whose rows cost a join and the grants
      to check (a region chef's kallelser, read through their meetings) checks the page's
      rows, not all of the units' rows to sort them. The rows are the same either way.
    - ``due_label`` names the date in a row ("Uppföljning planerad").
    - ``ahead``: the rows fall due today or later, never before (a warning ahead, like a
      consent running out): the workload's count of overdue items does not read the list.
    - ``since_label``, where given, says that the date is when a state began, not a deadline
      (a SIP stopped, a handover started): a row then reads "Stoppad sedan 2026-10-01 (12
      dagar)", never "12 dagar försenad".

    ``overview.selectors.OverviewReader`` does the filtering, counting, sorting and paging
    for every consumer above the processes (the start page, the list pages, the digest, the
    API): ``page(spec, filters=, after=, limit=)`` and ``count(spec, filters)``.
    """

    code: str
    title: str
    empty: str
    describe: Callable[[Any], str]
    rows: Callable[..., Sequence[Any]]
    counted: Callable[[int], str]
    order: int = 50
    persons: Callable[[Sequence[Any]], Sequence[Any]] = lambda rows: [
        row.person for row in rows if getattr(row, "person", None) is not None
    ]
    query: Callable[..., QuerySet] | None = None
    due_field: str = "overview_due"
    key_field: str = "pk"
    due_label: str = ""
    since_label: str = ""
    unit_field: str = ""
    unit_filter: Callable[[Any], Q] | None = None
    handler_field: str = ""
    person_field: str = ""
    basis_field: str = ""
    basis_choices: Sequence[tuple[str, str]] = ()
    case_url: Callable[[Any], str] | None = None
    ahead: bool = False
    row_fields: Sequence[str] = ()
    sorted_before_check: bool = False


def overview_rows_from_query(query: Callable[..., QuerySet]) -> Callable[..., list[Any]]:
    """``OverviewRows.rows`` for a list given by its ``query``: every row, most overdue first."""

    def rows(*, user, units, today: dt.date) -> list[Any]:
        return list(query(user=user, units=units, today=today).order_by("overview_due", "pk"))

    return rows


@dataclass(frozen=True)
class OpenCases:
    """A process's open cases in a chef's units, for the workload per handläggare:
    ``query(user=, units=, today=)`` returns the open cases the user may see in these units,
    and ``handler_field`` the path to the handläggare's user id."""

    code: str
    query: Callable[..., QuerySet]
    handler_field: str
    order: int = 50


_open_cases: dict[str, OpenCases] = {}


def register_open_cases(cases: OpenCases) -> None:
    _open_cases[cases.code] = cases


def open_cases() -> Sequence[OpenCases]:
    return sorted(_open_cases.values(), key=lambda cases: (cases.order, cases.code))


_overview_rows: dict[str, OverviewRows] = {}


def register_overview_rows(rows: OverviewRows) -> None:
    _overview_rows[rows.code] = rows


def overview_rows() -> Sequence[OverviewRows]:
    return sorted(_overview_rows.values(), key=lambda rows: (rows.order, rows.code))


def overview_list(code: str) -> OverviewRows | None:
    """The list registered under ``code``, or None."""
    return _overview_rows.get(code)


@dataclass(frozen=True)
class WaitingRows:
    """One list on everyone's start page: work waiting for the user's units (kallelser to
    answer, placements to receive). ``rows(user=)`` returns them; ``template`` renders one
    row (as ``row``). With no rows the list shows ``empty``, or nothing where it is empty.
    ``persons(rows)`` names the people the rows show, so that the access log records each
    one (by default each row's ``person``, where it has one)."""

    code: str
    title: str
    empty: str
    template: str
    rows: Callable[..., Sequence[Any] | QuerySet]
    order: int = 50
    persons: Callable[[Sequence[Any]], Sequence[Any]] = lambda rows: [
        row.person for row in rows if getattr(row, "person", None) is not None
    ]


_waiting_rows: dict[str, WaitingRows] = {}


def register_waiting_rows(rows: WaitingRows) -> None:
    _waiting_rows[rows.code] = rows


def waiting_rows() -> Sequence[WaitingRows]:
    return sorted(_waiting_rows.values(), key=lambda rows: (rows.order, rows.code))


# --- Linked cases: what one process carries into another's plan --------------------------


@dataclass(frozen=True)
class CarriedInsats:
    """An insats a linked case carries into a plan's follow-up: what, who does it and when.
    ``key`` names it stably (the same insats is carried once), ``origin`` says where it
    comes from, in the user's language, and ``unit_id`` is the unit responsible for it in
    the linked case."""

    key: str
    what: str
    who: str
    when: str
    origin: str
    unit_id: int | None = None


@dataclass(frozen=True)
class LinkedCase:
    """A case linked to a plan, as the plan's page shows it to one user: ``title`` and
    ``url`` where the user may see the linked case ("" otherwise), and an annex only that
    user may read (``annex_template`` rendered with ``annex``), or none."""

    title: str = ""
    url: str = ""
    annex_template: str = ""
    annex: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class CaseLinks:
    """How one process links its cases to a plan of another of the same person (a
    placement to its SIP), so that neither imports the other.

    ``shown(case_kind=, case_id=, user=)`` gives what the plan's page shows the user of the
    cases linked to it; ``carried(case_kind=, case_id=)`` the insatser the plan's follow-up
    carries from them, or None where no case of the process is linked to the plan. Both
    cost the same number of queries whatever the number of cases."""

    code: str
    shown: Callable[..., Sequence[LinkedCase]]
    carried: Callable[..., Sequence[CarriedInsats] | None]


_case_links: dict[str, CaseLinks] = {}


def register_case_links(links: CaseLinks) -> None:
    _case_links[links.code] = links


def case_links() -> Sequence[CaseLinks]:
    return [_case_links[code] for code in sorted(_case_links)]


# --- The chef's statistics (ISU) ------------------------------------------------------------


@dataclass(frozen=True)
class StatisticsPeriod:
    """The days a statistic covers, both included (a month, a quarter or a year)."""

    start: dt.date
    end: dt.date

    @property
    def starts_at(self) -> dt.datetime:
        """The first moment of the period, local time (for a timestamp's index range)."""
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def ends_at(self) -> dt.datetime:
        """The first moment after the period, local time."""
        return timezone.make_aware(
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)
        )


class MeasureKind:
    """What a measure shows in each cell: a count of events, the share of events that are
    a "yes" (``stat_flag``), or the median of ``stat_value`` (days)."""

    COUNT = "count"
    SHARE = "share"
    MEDIAN = "median"


@dataclass(frozen=True)
class StatisticsEvents:
    """One query of a measure's events in the period: ``rows`` holds one row per event (a
    SIP started, a kallelse due, an insats reviewed), annotated with ``stat_on``, the local
    date of the event, on which the person's age is counted; for a share ``stat_flag``
    (True: counted as yes); for a median ``stat_value`` (whole days); for a measure with
    groups ``stat_group`` (one of its group codes). ``person`` is the path from the rows'
    model to the Person the event is about, whose legal sex and age split the statistic."""

    rows: QuerySet
    person: str = "person"


@dataclass(frozen=True)
class StatisticsMeasure:
    """One measure of the chef's statistics (individbaserad systematisk uppföljning), which
    overview.statistics splits by legal sex and age band, suppresses and exports, knowing no
    process. ``events(units=, period=, today=)`` returns the queries of the events in the
    period that concern these units (ids); the overview runs them all as one SQL statement.
    ``section`` heads the measures shown together; ``title`` and ``description`` say what is
    counted (in Swedish); ``groups`` ((code, label), ...) split the measure into one table per
    group (e.g. per legal basis)."""

    code: str
    section: str
    title: str
    description: str
    kind: str
    events: Callable[..., Sequence[StatisticsEvents]]
    groups: Sequence[tuple[str, str]] = ()
    order: int = 50


_statistics_measures: dict[str, StatisticsMeasure] = {}


def register_statistics_measure(measure: StatisticsMeasure) -> None:
    _statistics_measures[measure.code] = measure


def statistics_measures() -> Sequence[StatisticsMeasure]:
    return sorted(_statistics_measures.values(), key=lambda measure: (measure.order, measure.code))


# --- Cases an avvikelse is reported from ----------------------------------------------------


@dataclass(frozen=True)
class CaseReference:
    """One case as a report about it (an avvikelse, deviations) shows it to one user:
    ``title`` names the person, so a reference is only ever made for a user who may see the
    case now. ``units`` are the units taking part in it (empty where not asked for)."""

    case_kind: str
    case_id: int
    title: str
    url: str
    person: Any
    units: tuple[Any, ...] = ()


@dataclass(frozen=True)
class ReportableCases:
    """A process whose cases an avvikelse can be reported from, without the reporting app
    importing the process.

    ``case_kind`` is the process's ``AccessGrant.case_kind`` and ``label`` names the kind
    ("SIP"). ``visible_ids(user=)`` gives the ids of the cases the user may see with their
    person now, as a ``values`` QuerySet (one SQL subquery for a list, whatever its size);
    ``reference(user=, case_id=)`` runs the process's full access check for one case and
    returns it as the user may see it, with its units, or None; ``choices(user=)`` lists
    the cases the user may report from, newest first and bounded, without their units."""

    case_kind: str
    label: str
    visible_ids: Callable[..., QuerySet]
    reference: Callable[..., CaseReference | None]
    choices: Callable[..., Sequence[CaseReference]]
    order: int = 50


_reportable_cases: dict[str, ReportableCases] = {}


def register_reportable_cases(cases: ReportableCases) -> None:
    _reportable_cases[cases.case_kind] = cases


def reportable_cases() -> Sequence[ReportableCases]:
    return sorted(_reportable_cases.values(), key=lambda cases: (cases.order, cases.case_kind))


def reportable_case(case_kind: str) -> ReportableCases | None:
    return _reportable_cases.get(case_kind)


# --- Actions another app offers on every case page -------------------------------------------


@dataclass(frozen=True)
class CaseAction:
    """A link that an app above the processes offers on each case's page ("Rapportera
    avvikelse"), without the process knowing the app. ``url(user=, case_kind=, case_id=)``
    returns where the link goes for this user and case, or None where the user may not take
    the action; it must cost at most a constant number of queries. The page has already run
    the case's full access check, so an action never widens what the user sees."""

    code: str
    label: Any
    url: Callable[..., str | None]
    order: int = 50


_case_actions: dict[str, CaseAction] = {}


def register_case_action(action: CaseAction) -> None:
    _case_actions[action.code] = action


def case_actions() -> Sequence[CaseAction]:
    return sorted(_case_actions.values(), key=lambda action: (action.order, action.code))
