"""Swedish labels for viewflow's own words in the templates that override its pages."""

from __future__ import annotations

from django import template

from cases.labels import process_status_label, task_status_label

register = template.Library()


@register.filter
def process_status(process) -> str:
    """``{{ process|process_status }}``: Pågår, Avslutad or Avbruten."""
    return process_status_label(process.status)


@register.filter
def task_status(task) -> str:
    """``{{ task|task_status }}``: Klar, Tilldelad, Väntar på datum, …"""
    return task_status_label(task.status)
