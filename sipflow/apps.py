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
        from directory.access import register_case_persons, register_unit_cases

        from .access import case_person_ids, unit_case_person_ids

        consent_ended.connect(_on_consent_ended, dispatch_uid="sipflow.consent_ended")
        register_case_persons(case_person_ids)
        register_unit_cases(unit_case_person_ids)
