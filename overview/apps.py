from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The start page, the chef's overview and digest, and the periodic tick: the layer above
    the processes, which it reaches only through cases.registry."""

    name = "overview"
    verbose_name = _("Översikt")

    def ready(self):
        from viewflow.workflow.timers import fire_due_timers

        from cases.registry import PeriodicJob, register_page_purposes, register_periodic_job
        from core.databases import sqlite_functions_register
        from notifications.services import deliveries_send

        from .digest import digest_register, escalation_digests_send
        from .statistics.services import statistics_snapshots_refresh
        from .workload import workload_snapshots_refresh

        digest_register()
        # The statistics' median on SQLite (make run); PostgreSQL has its own.
        sqlite_functions_register()
        # The start page lists the processes' rows, naming people: the access log says why.
        register_page_purposes(
            {"overview:index": "Översikt", "overview:list": "Översikt, försenat i enheterna"}
        )
        # The tick's frame: viewflow's timers first (follow-ups coming due), then the
        # processes' jobs, the digest of what they left late, and the mail last.
        register_periodic_job(PeriodicJob(name="timers", run=fire_due_timers, order=10))
        register_periodic_job(PeriodicJob(name="digests", run=escalation_digests_send, order=70))
        register_periodic_job(
            PeriodicJob(name="mail", run=lambda: deliveries_send().sent, order=90)
        )
        # Last, and within a time budget: the statistics of the chefs whose units are so
        # large that computing them on every look is slow, computed once a day.
        register_periodic_job(
            PeriodicJob(name="statistics", run=statistics_snapshots_refresh, order=95)
        )
        # And the workloads per handläggare of such chefs, counted every few minutes.
        register_periodic_job(
            PeriodicJob(name="workload", run=workload_snapshots_refresh, order=96)
        )
