"""The follow-up visit's form. It collects input; the service decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput


class FollowUpVisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Besöksdatum"), widget=DateInput)
    with_person = forms.BooleanField(label=_("Samtal med personen"), required=False)
    with_hvb_staff = forms.BooleanField(label=_("Samtal med HVB:ets personal"), required=False)
    with_health_care = forms.BooleanField(
        label=_("Samtal med hälso- och sjukvården"), required=False
    )
    with_relatives = forms.BooleanField(label=_("Samtal med närstående"), required=False)
    private_talk = forms.BooleanField(
        label=_("Enskilt samtal med barnet"),
        required=False,
        help_text=_("Barnet talade med dig utan vårdnadshavare eller personal."),
    )
    note = forms.CharField(label=_("Vad som kom fram"), widget=forms.Textarea)
