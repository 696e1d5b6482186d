"""viewflow's own words as a Swedish user reads them: process and task statuses, and the
filters of its list pages.

viewflow names its statuses in English (``pgettext_lazy("STATUS", "Done")``), its steps by
their node names, and django-filter its date ranges, and neither ships a Swedish catalog;
these labels are sipflow's own message ids, shown wherever viewflow would show its own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.fields import import_task_by_ref
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS, STATUS

#: A process is NEW from its start until it ends: to a user it is under way.
PROCESS_STATUS_LABELS = {
    PROCESS.NEW: _("Pågår"),
    PROCESS.DONE: _("Avslutad"),
    PROCESS.CANCELED: _("Avbruten"),
}

TASK_STATUS_LABELS = {
    STATUS.NEW: _("Väntar på handläggare"),
    STATUS.ASSIGNED: _("Tilldelad"),
    STATUS.STARTED: _("Påbörjad"),
    STATUS.SCHEDULED: _("Väntar på datum"),
    STATUS.DONE: _("Klar"),
    STATUS.CANCELED: _("Avbruten"),
    STATUS.ERROR: _("Fel"),
    STATUS.REVIVED: _("Återupptagen"),
}


def process_status_label(status: str) -> str:
    return str(PROCESS_STATUS_LABELS.get(status, status))


def task_status_label(status: str) -> str:
    return str(TASK_STATUS_LABELS.get(status, status))


#: django-filter's date ranges (DateRangeFilter), by their keys.
DATE_RANGE_LABELS = {
    "today": _("I dag"),
    "yesterday": _("I går"),
    "week": _("Senaste 7 dagarna"),
    "month": _("Denna månad"),
    "year": _("Detta år"),
}

#: viewflow's task and process filters, by field name.
FILTER_LABELS = {
    "process": _("Ärende"),
    "flow_task": _("Steg"),
    "status": _("Status"),
    "created": _("Skapad"),
    "finished": _("Avslutad"),
}


def _step_title(ref: str) -> str | None:
    try:
        return str(import_task_by_ref(ref).task_title)
    except (ImportError, AttributeError, ValueError):
        return None


def filters_in_swedish(filterset) -> None:
    """Relabel the fields of one of viewflow's list filters (and their choices) in Swedish:
    the steps by their titles, the statuses of a process or of a task, the date ranges;
    without django-filter's empty choice (the widget adds its own, viewflow showed both)."""
    statuses = (
        PROCESS_STATUS_LABELS
        if issubclass(filterset.queryset.model, Process)
        else TASK_STATUS_LABELS
    )
    labels = {
        "flow_task": _step_title,
        "status": lambda value: statuses.get(value),
        "created": DATE_RANGE_LABELS.get,
        "finished": DATE_RANGE_LABELS.get,
    }
    for name, field in filterset.form.fields.items():
        if name in FILTER_LABELS:
            field.label = FILTER_LABELS[name]
        if name not in labels or not getattr(field, "choices", None):
            continue
        field.choices = [
            (value, labels[name](value) or label) for value, label in field.choices if value
        ]
