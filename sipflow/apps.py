from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _on_consent_ended(sender, *, consent, reason, at, **kwargs):
    from .services import sip_consent_ended

    sip_consent_ended(consent=consent, at=at)


class SipflowConfig(AppConfig):
    name = "sipflow"
    verbose_name = _("SIP")

    def ready(self):
        from consent.signals import consent_ended

        consent_ended.connect(_on_consent_ended, dispatch_uid="sipflow.consent_ended")
