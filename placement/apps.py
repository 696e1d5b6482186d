from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementConfig(AppConfig):
    name = "placement"
    verbose_name = _("HVB-placeringar")

    def ready(self):
        from .events import placement_event_kinds_register

        placement_event_kinds_register()
