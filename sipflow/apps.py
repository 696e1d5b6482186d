from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SipflowConfig(AppConfig):
    name = "sipflow"
    verbose_name = _("SIP")
