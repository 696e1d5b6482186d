from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _on_consent_ended(sender, *, consent, reason, at, **kwargs):
    from .services import sip_consent_ended

    sip_consent_ended(consent=consent, at=at)


def _on_consent_ended_grants(sender, *, consent, reason, at, **kwargs):
    """After the reconsideration (which re-derives each open SIP's grants): the closed and
    halted SIPs of the person, whose grants the withdrawal ended or the expiry ran out."""
    from consent.models import Purpose

    from .grants import grants_sync_person

    if consent.purpose == Purpose.SIP:
        grants_sync_person(person=consent.subject, at=at, open_only=False)


def _on_consent_registered(sender, *, subject, purpose, at, **kwargs):
    from consent.models import Purpose

    from .grants import grants_sync_person

    if purpose == Purpose.SIP:
        grants_sync_person(person=subject, at=at)


class SipflowConfig(AppConfig):
    name = "sipflow"
    verbose_name = _("SIP")

    def ready(self):
        from cases.history import register_history
        from consent.signals import consent_ended, consent_registered
        from directory.access import register_case_persons, register_unit_cases

        from .access import case_person_ids, unit_case_person_ids
        from .events import sip_event_kinds_register
        from .history import invitation_history_write, plan_history_write
        from .models import Invitation, SipPlan
        from .plugs import sip_plugs_register
        from .reportable import sip_reportable_register

        consent_ended.connect(_on_consent_ended, dispatch_uid="sipflow.consent_ended")
        consent_ended.connect(_on_consent_ended_grants, dispatch_uid="sipflow.consent_grants")
        consent_registered.connect(
            _on_consent_registered, dispatch_uid="sipflow.consent_registered"
        )
        register_case_persons(case_person_ids)
        register_history(SipPlan, write=plan_history_write)
        register_history(Invitation, write=invitation_history_write)
        register_unit_cases(unit_case_person_ids)
        sip_event_kinds_register()
        sip_plugs_register()
        sip_reportable_register()  # avvikelser are reported from a SIP (deviations)

        from cases.registry import (
            CaseAccess,
            CaseUrls,
            register_case_access,
            register_case_urls,
            register_page_purposes,
        )
        from cases.subjects import viewflow_manage_action, viewflow_process_pk

        from .access import process_visible
        from .case_urls import (
            SIP_PURPOSES,
            manage_refused,
            sip_subject,
        )

        register_case_urls(CaseUrls(namespace="sip", subject=sip_subject))
        register_page_purposes(SIP_PURPOSES)
        register_case_access(
            CaseAccess(
                namespace="sip",
                process_of=viewflow_process_pk,
                process_visible=process_visible,
                is_manage_action=viewflow_manage_action,
                manage_refused=manage_refused,
            )
        )

        from .statistics import sip_statistics_register

        sip_statistics_register()

        from directory.demo import register_demo_seeder

        from .demo import sip_demo_seed

        register_demo_seeder(sip_demo_seed)
