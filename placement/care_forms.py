"""Forms for the child's health, school and dental care and for the vårdplan and the
genomförandeplan. They collect input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from directory.models import Organisation, Unit

from .forms import UnitChoiceField
from .models import HealthExamRequest
from .services import PlanInsats


class HealthExamRequestForm(forms.Form):
    region_unit = UnitChoiceField(label=_("Regionens enhet"), queryset=Unit.objects.none())
    asked = forms.CharField(
        label=_("Vad regionen ombeds göra"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=_("Erbjud barnet en hälsoundersökning i samband med placeringen."),
    )

    def __init__(self, *args, region_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_unit"].queryset = (
            Unit.objects.filter(organisation_id=region_id)
            .select_related("organisation")
            .order_by("name")
        )


class HealthExamOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Utfall"), choices=HealthExamRequest.Outcome.choices)
    on = forms.DateField(label=_("Datum"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(
        label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SchoolArrangementForm(forms.Form):
    school_unit = UnitChoiceField(
        label=_("Skolenhet"),
        queryset=Unit.objects.filter(kind=Unit.Kind.SCHOOL)
        .select_related("organisation")
        .order_by("name"),
        required=False,
    )
    school_name = forms.CharField(
        label=_("Skolans namn (om skolenheten inte finns i listan)"),
        max_length=200,
        required=False,
    )
    from_date = forms.DateField(label=_("Från och med"), widget=DateInput)
    contact = forms.CharField(label=_("Kontaktperson"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DentalHomeForm(forms.Form):
    home_region = forms.ModelChoiceField(
        label=_("Hemregion för tandvård"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.REGION).order_by("name"),
    )
    note = forms.CharField(
        label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class PlanVersionForm(forms.Form):
    goals = forms.CharField(label=_("Mål"), widget=forms.Textarea(attrs={"rows": 4}))
    follow_up = forms.CharField(
        label=_("Hur planen följs upp"), widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_on = forms.DateField(label=_("Följs upp senast"), widget=DateInput)


class InsatsForm(forms.Form):
    what = forms.CharField(label=_("Insats"), max_length=300, required=False)
    who = forms.CharField(label=_("Vem gör det"), max_length=200, required=False)
    when = forms.CharField(label=_("När"), max_length=200, required=False)

    def has_changed(self) -> bool:
        """A row counts when it is filled in, also when it is the last version's unchanged
        (the formset skips the rows that do not count)."""
        return any(str(self[name].value() or "").strip() for name in self.fields)

    def clean(self):
        data = super().clean()
        filled = [bool(data.get(name, "").strip()) for name in ("what", "who", "when")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(_("Skriv vad, vem som gör det och när för insatsen."))
        return data


InsatsFormSet = forms.formset_factory(InsatsForm, extra=3, can_delete=False)


def formset_insatser(formset) -> list[PlanInsats]:
    """The filled rows of a valid InsatsFormSet, as the services take them."""
    return [
        PlanInsats(what=row["what"], who=row["who"], when=row["when"])
        for row in formset.cleaned_data
        if row and row.get("what", "").strip()
    ]
