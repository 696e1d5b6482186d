"""The overview's own tables: the chef's statistics as computed once a day, and her workload
per handläggare as counted every few minutes, where computing them on every look is slow
(overview.statistics.services, overview.workload)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatisticsSnapshot(models.Model):
    """The figures (overview.statistics.query.Aggregate, as JSON) of every statistics measure
    for one set of units and one period, computed on ``computed_on`` by the direct query
    (statistics_aggregates) and equal to it on that day. Written by the periodic tick for
    each chef's units where the direct query is slow (a large region at national scale);
    the page reads today's snapshot where there is one and computes directly otherwise.
    ``key`` names the units and the measures (overview.statistics.services.snapshot_key)."""

    key = models.CharField(_("enheter och mått"), max_length=64)
    period = models.CharField(_("period"), max_length=10)
    computed_on = models.DateField(_("räknad för dagen"))
    computed_at = models.DateTimeField(_("räknad"))
    seconds = models.FloatField(_("sekunder att räkna"))
    figures = models.JSONField(_("siffror"))

    class Meta:
        verbose_name = _("sparad statistik")
        verbose_name_plural = _("sparad statistik")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "period", "computed_on"], name="statistics_snapshot_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} ({self.computed_on})"


class WorkloadSnapshot(models.Model):
    """A chef's workload per handläggare (arbetsbelastning: open cases and overdue items in
    her units, of the cases she may see) as counted at ``computed_at`` for the day
    ``computed_on``, equal to the direct count then (OverviewReader.workload_counts).
    One per chef: written where the count took at least WORKLOAD_SNAPSHOT_SECONDS (a large
    region at national scale), then kept counted by the periodic tick; ``key`` names the
    units counted (another set of units is another count)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chef"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("enheter"), max_length=64)
    computed_on = models.DateField(_("räknad för dagen"))
    computed_at = models.DateTimeField(_("räknad"))
    seconds = models.FloatField(_("sekunder att räkna"))
    #: [[handläggare id, open cases, overdue items], ...]
    counts = models.JSONField(_("antal"))

    class Meta:
        verbose_name = _("sparad arbetsbelastning")
        verbose_name_plural = _("sparade arbetsbelastningar")

    def __str__(self) -> str:
        return f"{self.user} ({self.computed_at:%Y-%m-%d %H:%M})"
