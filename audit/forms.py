from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import validate_plausible_date
from core.widgets import DateInput
from directory.models import Unit


class SampleDrawForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=Unit.objects.none())
    period_start = forms.DateField(
        label=_("Från"), widget=DateInput, validators=[validate_plausible_date]
    )
    period_end = forms.DateField(
        label=_("Till och med"), widget=DateInput, validators=[validate_plausible_date]
    )
    size = forms.IntegerField(label=_("Antal"), min_value=1, max_value=200, initial=20)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        today = timezone.localdate()
        self.fields["period_start"].initial = today - dt.timedelta(days=30)
        self.fields["period_end"].initial = today


class SignOffForm(forms.Form):
    note = forms.CharField(label=_("Kommentar"), required=False, widget=forms.Textarea)
