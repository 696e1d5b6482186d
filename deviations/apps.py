from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeviationsConfig(AppConfig):
    """Avvikelser and tvister between kommun and region. A process on the case layer: it
    reaches the cases it is reported from through cases.registry.ReportableCases and
    imports neither sipflow nor placement."""

    name = "deviations"
    verbose_name = _("Avvikelser i samverkan")

    def ready(self):
        from cases.history import register_history
        from cases.registry import CaseUrls, register_case_urls, register_page_purposes
        from directory.demo import register_demo_seeder

        from .case_urls import DEVIATION_PURPOSES, deviation_subject
        from .demo import deviations_demo_seed
        from .events import deviation_event_kinds_register
        from .history import deviation_history_write, dispute_history_write
        from .models import Deviation, Dispute
        from .plugs import deviation_plugs_register

        register_history(Deviation, write=deviation_history_write)
        register_history(Dispute, write=dispute_history_write)
        deviation_event_kinds_register()
        deviation_plugs_register()
        register_case_urls(CaseUrls(namespace="deviations", subject=deviation_subject))
        register_page_purposes(DEVIATION_PURPOSES)
        register_demo_seeder(deviations_demo_seed)
