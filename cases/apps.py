from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _on_consent_withdrawing(sender, *, consent, at, **kwargs):
    from django.utils import timezone

    from .services import grants_end_for_person

    grants_end_for_person(
        person=consent.subject, purpose=consent.purpose, on=timezone.localdate(at)
    )


class CasesConfig(AppConfig):
    """What every process shares. Imports directory and consent, never a process."""

    name = "cases"
    verbose_name = _("Ärenden")

    def ready(self):
        from consent.signals import consent_withdrawing

        consent_withdrawing.connect(_on_consent_withdrawing, dispatch_uid="cases.withdrawing")
