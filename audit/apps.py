from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: The purposes of the access log's own pages (served in the ``people`` namespace), in
#: Swedish as the log is kept.
AUDIT_PURPOSES = {
    "people:access_log": "Granskning av åtkomstloggen",
    "people:samples": "Stickprov i åtkomstloggen",
    "people:sample_detail": "Stickprov i åtkomstloggen",
}


def _entry_person(entry):
    return entry.person


def _no_person(review):
    return None


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Åtkomstlogg")

    def ready(self):
        from cases.registry import register_admin_case_model, register_page_purposes

        register_page_purposes(AUDIT_PURPOSES)
        register_admin_case_model("audit_accesslogentry", _entry_person)
        register_admin_case_model("audit_samplereview", _no_person)
