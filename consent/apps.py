from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _on_guardians_changed(sender, *, child, at, **kwargs):
    """Who must consent for the child has changed: for every purpose, the processes re-derive
    what rests on the child's consents, as when a consent is registered."""
    from .models import Purpose
    from .signals import consent_registered

    for purpose in Purpose.values:
        consent_registered.send(sender=sender, subject=child, purpose=purpose, at=at)


def _on_birth_date_changed(sender, *, person, at, **kwargs):
    """Who must consent for the person depends on their age: as for new vårdnadshavare."""
    _on_guardians_changed(sender, child=person, at=at)


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Samtycke")

    def ready(self):
        from directory.signals import birth_date_changed, guardians_changed

        from .events import consent_event_kinds_register

        consent_event_kinds_register()
        guardians_changed.connect(_on_guardians_changed, dispatch_uid="consent.guardians_changed")
        birth_date_changed.connect(
            _on_birth_date_changed, dispatch_uid="consent.birth_date_changed"
        )
