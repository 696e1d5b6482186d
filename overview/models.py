"""The overview's own table: the chef's statistics as computed once a day where computing
them is slow (overview.statistics.services)."""

from __future__ import annotations

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
