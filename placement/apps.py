from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _on_consent_changed(sender, *, purpose, subject, at, **kwargs):
    """A placement consent registered or ended: the HVB's grants that rest on it follow."""
    from consent.models import Purpose

    from .grants import grants_sync_person

    if purpose == Purpose.PLACEMENT:
        grants_sync_person(person=subject, at=at)


def _on_consent_registered(sender, *, subject, purpose, at, **kwargs):
    _on_consent_changed(sender, purpose=purpose, subject=subject, at=at)


def _on_consent_ended(sender, *, consent, at, **kwargs):
    _on_consent_changed(sender, purpose=consent.purpose, subject=consent.subject, at=at)


def _on_placement_consent_ended(sender, *, consent, at, **kwargs):
    """An SoL placement whose consent ended goes on: its date and the urgent events (a
    placement being changed, or a failure, is left to the tick)."""
    from .services import placement_consent_ended

    placement_consent_ended(consent=consent, at=at)


class PlacementConfig(AppConfig):
    name = "placement"
    verbose_name = _("HVB-placeringar")

    def ready(self):
        from cases.history import register_history
        from cases.registry import register_admin_case_model
        from consent.signals import consent_ended, consent_registered
        from directory.access import register_case_persons, register_unit_cases

        from .access import case_person_ids, unit_case_person_ids
        from .events import placement_event_kinds_register
        from .history import placement_history_write
        from .models import Placement

        placement_event_kinds_register()
        register_history(Placement, write=placement_history_write)
        register_case_persons(case_person_ids)
        register_unit_cases(unit_case_person_ids)
        register_admin_case_model("placement_placement", lambda placement: placement.person)
        consent_registered.connect(
            _on_consent_registered, dispatch_uid="placement.consent_registered"
        )
        consent_ended.connect(_on_consent_ended, dispatch_uid="placement.consent_ended")

        # HVB staff's start-page list, the chef's lists, the tick, and a withdrawn SoL
        # consent (under and avslut).
        from .plugs import placement_plugs_register
        from .reportable import placement_reportable_register

        placement_plugs_register()
        placement_reportable_register()  # avvikelser are reported from a placement

        # The SIP a placement links to: what its pages show and its follow-ups carry.
        from .links import placement_links_register

        placement_links_register()
        consent_ended.connect(
            _on_placement_consent_ended, dispatch_uid="placement.consent_ended_sol"
        )

        # The process before the move (före): its flow's pages in the case layer.
        from cases.registry import (
            CaseAccess,
            CaseUrls,
            register_case_access,
            register_case_urls,
            register_page_purposes,
        )
        from cases.subjects import viewflow_manage_action, viewflow_process_pk

        from .access import process_visible, task_visible
        from .case_urls import (
            PLACEMENT_PURPOSES,
            manage_refused,
            placement_subject,
        )

        register_case_urls(CaseUrls(namespace="placement", subject=placement_subject))
        register_page_purposes(PLACEMENT_PURPOSES)
        register_case_access(
            CaseAccess(
                namespace="placement",
                process_of=viewflow_process_pk,
                process_visible=process_visible,
                is_manage_action=viewflow_manage_action,
                manage_refused=manage_refused,
                task_visible=task_visible,
            )
        )

        from directory.demo import register_demo_seeder

        from .demo import placement_demo_seed

        register_demo_seeder(placement_demo_seed)

        from .statistics import placement_statistics_register

        placement_statistics_register()
