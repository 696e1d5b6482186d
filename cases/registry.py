"""What a process plugs into the shared case layer, from its ``AppConfig.ready()``.

Each process (SIP, later placement and deviations) registers here instead of being named by
the layers above it: the access log, the case-access middleware, the tick, the start page and
the chef's overview iterate these registries and never import a process. Registration is
idempotent by name, so a ``ready()`` run twice (tests, autoreload) changes nothing.

The layers run one way: directory → consent → cases → the processes → overview → config.
A process imports ``cases``; ``cases`` imports no process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

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
    ``is_manage_action(resolver_match)`` tells viewflow's manage actions (undo, cancel,
    revive), which no one may take; ``manage_refused(request, resolver_match)`` renders why."""

    namespace: str
    process_of: Callable[[Any], int | None]
    process_visible: Callable[..., bool]
    is_manage_action: Callable[[Any], bool] = lambda resolver_match: False
    manage_refused: Callable[[Any, Any], Any] | None = None


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
    the units a chef leads, of the cases the chef may see now.

    ``rows(user=, units=, today=)`` returns the rows (each with a ``person`` attribute where
    it names one, so the access log records who was shown); ``template`` renders one row (as
    ``row``); ``title`` heads the list and ``empty`` says there is nothing late. ``code``
    keys the count in the digest's data, and ``counted(n)`` names the count in the digest's
    e-mail (an ngettext phrase with ``%(count)d``)."""

    code: str
    title: str
    empty: str
    template: str
    rows: Callable[..., Sequence[Any]]
    counted: Callable[[int], str]
    order: int = 50
    persons: Callable[[Sequence[Any]], Sequence[Any]] = lambda rows: [
        row.person for row in rows if getattr(row, "person", None) is not None
    ]


_overview_rows: dict[str, OverviewRows] = {}


def register_overview_rows(rows: OverviewRows) -> None:
    _overview_rows[rows.code] = rows


def overview_rows() -> Sequence[OverviewRows]:
    return sorted(_overview_rows.values(), key=lambda rows: (rows.order, rows.code))


@dataclass(frozen=True)
class WaitingRows:
    """One list on everyone's start page: work waiting for the user's units (kallelser to
    answer, placements to receive). ``rows(user=)`` returns them; ``template`` renders one
    row (as ``row``). With no rows the list shows ``empty``, or nothing where it is empty."""

    code: str
    title: str
    empty: str
    template: str
    rows: Callable[..., Sequence[Any] | QuerySet]
    order: int = 50


_waiting_rows: dict[str, WaitingRows] = {}


def register_waiting_rows(rows: WaitingRows) -> None:
    _waiting_rows[rows.code] = rows


def waiting_rows() -> Sequence[WaitingRows]:
    return sorted(_waiting_rows.values(), key=lambda rows: (rows.order, rows.code))


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
