"""Swedish labels for viewflow's own words in the templates that override its pages."""

from __future__ import annotations

from django import template

from cases.labels import process_status_label, task_status_label
from cases.middleware import access_of

register = template.Library()


@register.filter
def process_status(process) -> str:
    """``{{ process|process_status }}``: Pågår, Avslutad or Avbruten."""
    return process_status_label(process.status)


@register.filter
def task_status(task) -> str:
    """``{{ task|task_status }}``: Klar, Tilldelad, Väntar på datum, …"""
    return task_status_label(task.status)


@register.simple_tag(takes_context=True)
def process_visible(context, process) -> bool:
    """Whether the user may open the process page of ``process`` (a breadcrumb links to it
    only then: someone asked to do one step of a case, such as the region's approval, gets
    a 404 there)."""
    request = context["request"]
    access = access_of(request.resolver_match)
    if access is None:
        return True
    return access.process_visible(user=request.user, process_pk=process.pk)
