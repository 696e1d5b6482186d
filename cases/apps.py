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
        from consent.services import consent_sweep

        from .task_messages import task_action_views_in_swedish

        task_action_views_in_swedish()
        from consent.signals import consent_withdrawing

        from .registry import PeriodicJob, register_periodic_job

        consent_withdrawing.connect(_on_consent_withdrawing, dispatch_uid="cases.withdrawing")
        # Expire consents (and send their 30-day reminders) for the tick; consent sits below
        # the case layer and cannot register itself.
        register_periodic_job(
            PeriodicJob(name="consents", run=lambda: consent_sweep().expired, order=20)
        )

        from .people import PEOPLE_ADMIN_CASE_MODELS, PEOPLE_PURPOSES, people_subject
        from .registry import (
            CaseUrls,
            register_admin_case_model,
            register_case_urls,
            register_page_purposes,
        )

        register_case_urls(CaseUrls(namespace="people", subject=people_subject))
        register_page_purposes(PEOPLE_PURPOSES)
        for prefix, person_of in PEOPLE_ADMIN_CASE_MODELS.items():
            register_admin_case_model(prefix, person_of)
