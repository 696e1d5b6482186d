"""The statistics page's choice of period and unit (a GET form)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.widgets import Select
from directory.models import Unit

from .periods import Period, default_period, period_choices, period_parse


class StatisticsForm(forms.Form):
    period = forms.CharField(label=_("Period"), required=False, widget=Select)
    unit = forms.ChoiceField(label=_("Enhet"), required=False, widget=Select)

    def __init__(self, data=None, *, units: Sequence[Unit], today: dt.date):
        super().__init__(data)
        self.units = {str(unit.pk): unit for unit in units}
        self.today = today
        choices = period_choices(today=today)
        chosen = (data or {}).get("period", "")
        listed = {code for _group, options in choices for code, _label in options}
        if chosen and chosen not in listed:
            try:
                period = period_parse(chosen, today=today)
            except ValidationError:
                pass
            else:
                choices.append((_("Vald period"), [(period.code, period.label)]))
        self.fields["period"].widget.choices = choices
        self.fields["period"].initial = default_period(today=today).code
        everything = _("Alla dina enheter (%(count)d)") % {"count": len(units)}
        self.fields["unit"].choices = [("", everything)] + [
            (str(unit.pk), f"{unit.name}, {unit.organisation.name}") for unit in units
        ]

    def clean_period(self) -> Period:
        code = self.cleaned_data["period"]
        if not code:
            return default_period(today=self.today)
        return period_parse(code, today=self.today)

    def chosen(self) -> tuple[Period, list[Unit]]:
        """The period and the units to show: what was chosen, or this year and all the
        chef's units where the choice is missing or wrong (the errors say why)."""
        if self.is_bound and self.is_valid():
            period, unit = self.cleaned_data["period"], self.cleaned_data["unit"]
            return period, [self.units[unit]] if unit else list(self.units.values())
        return default_period(today=self.today), list(self.units.values())
