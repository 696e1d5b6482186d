from __future__ import annotations

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .identity_numbers import parse_identity_number


class IdentityNumberFormField(forms.CharField):
    """Accepts any of the usual written forms and cleans to the canonical twelve digits."""

    def __init__(self, **kwargs):
        kwargs["max_length"] = 13
        kwargs.setdefault("help_text", _("ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN"))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return parse_identity_number(value, today=timezone.localdate()).canonical


class VisiblePersonField(IdentityNumberFormField):
    """A personnummer that names a person the user may see (``directory.access``), cleaned to
    that person. A missing person and one out of the user's sight get the same message, so
    the form does not tell a user in one kommun who is registered in another. The form sets
    ``user`` before it is cleaned."""

    default_error_messages = {
        "not_visible": _(
            "Ingen person med det personnumret finns bland de personer du kan se. Kontrollera "
            "numret; en person i en annan kommun handläggs där."
        )
    }

    def __init__(self, **kwargs):
        self.user = None
        super().__init__(**kwargs)

    def clean(self, value):
        from .access import persons_visible_to  # access imports the models, which import us

        number = super().clean(value)
        if number in self.empty_values:
            return number
        person = (
            persons_visible_to(user=self.user).filter(personal_identity_number=number).first()
            if self.user is not None
            else None
        )
        if person is None:
            raise forms.ValidationError(self.error_messages["not_visible"], code="not_visible")
        return person


class IdentityNumberField(models.CharField):
    """Personnummer or samordningsnummer, stored as twelve digits (YYYYMMDDNNNC)."""

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 12
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def clean(self, value, model_instance):
        # Normalised here rather than in to_python(): CharField runs to_python() on every
        # lookup value too, and a search for a name must not fail as a malformed number.
        if value not in self.empty_values:
            value = parse_identity_number(value, today=timezone.localdate()).canonical
        return super().clean(value, model_instance)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": IdentityNumberFormField, **kwargs})
