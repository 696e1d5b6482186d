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


def _on_rules_changed(sender, *, instance, **kwargs):
    """An organisation's own duration or choice of a proposal saved or removed: the stored
    clocks of its placements no longer hold (the lists compute them until the tick)."""
    from .models import Placement
    from .services import placement_clocks_expire

    placement_clocks_expire(
        placements=Placement.objects.filter(placing_unit__organisation=instance.organisation_id)
    )


def _on_person_saved(sender, *, instance, created=False, update_fields=None, **kwargs):
    """A person's date of birth may have changed (a corrected personnummer): the stored
    clocks of the person's placements no longer hold."""
    if created or (update_fields is not None and "date_of_birth" not in update_fields):
        return
    from .models import Placement
    from .services import placement_clocks_expire

    placement_clocks_expire(placements=Placement.objects.filter(person=instance.pk))


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

        # The stored clocks (placement.services.clocks) follow the rules and dates of birth
        # they count from.
        from django.db.models.signals import post_delete, post_save

        from directory.models import DurationOverride, Person, RuleSwitch

        for model in (DurationOverride, RuleSwitch):
            for name, signal in (("saved", post_save), ("deleted", post_delete)):
                signal.connect(
                    _on_rules_changed,
                    sender=model,
                    dispatch_uid=f"placement.clocks.{model.__name__}.{name}",
                )
        post_save.connect(_on_person_saved, sender=Person, dispatch_uid="placement.clocks.person")

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
