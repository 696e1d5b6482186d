from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Samtycke")

    def ready(self):
        from .events import consent_event_kinds_register

        consent_event_kinds_register()
