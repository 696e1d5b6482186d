from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API for the journal systems beside sipflow: above the processes, through
    their selectors and services, with the pages' access rules and access log."""

    name = "api"
    verbose_name = _("API")

    def ready(self):
        from cases.registry import (
            CaseUrls,
            PeriodicJob,
            register_case_urls,
            register_page_purposes,
            register_periodic_job,
        )

        from . import schema  # noqa: F401  (the OpenAPI authentication extensions)
        from .resources import API_PURPOSES, api_subjects_register
        from .services import idempotency_expire
        from .subjects import api_subject

        register_case_urls(CaseUrls(namespace="api", subject=api_subject))
        register_page_purposes(API_PURPOSES)
        api_subjects_register()
        register_periodic_job(PeriodicJob(name="api_idempotency", run=idempotency_expire, order=80))
