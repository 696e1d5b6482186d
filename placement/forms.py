"""Forms for the placement steps. They collect input; the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import InformationCategory
from core.widgets import DateInput
from directory.fields import VisiblePersonField
from directory.models import Organisation, Unit, User
from sipflow.models import SipPlan

from .models import (
    AlternativeTried,
    CostAllocationRow,
    EndDestination,
    HvbProfile,
    LegalStep,
    Placement,
    Review,
)
from .rules import LegalBasis


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.organisation.name})"


class StartForm(forms.Form):
    personal_identity_number = VisiblePersonField(label=_("Personens personnummer"))
    unit = UnitChoiceField(label=_("Din enhet"), queryset=Unit.objects.none())

    def __init__(self, *args, units, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["personal_identity_number"].user = user
        self.fields["unit"].queryset = units
        if units.count() == 1:
            self.fields["unit"].initial = units.first()


class AssessmentForm(forms.Form):
    """One text per area of the utredning's template."""

    def __init__(self, *args, areas, texts, **kwargs):
        super().__init__(*args, **kwargs)
        for area in areas:
            self.fields[area.code] = forms.CharField(
                label=area.title,
                help_text=area.help,
                required=False,
                initial=texts.get(area.pk, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )


class AlternativeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Insats"), choices=AlternativeTried.Kind.choices)
    started_on = forms.DateField(label=_("Från"), widget=DateInput)
    ended_on = forms.DateField(label=_("Till"), widget=DateInput, required=False)
    outcome = forms.CharField(label=_("Vad kom ut av insatsen?"), widget=forms.Textarea)


class ProposeForm(forms.Form):
    hvb_unit = UnitChoiceField(
        label=_("HVB"),
        queryset=Unit.objects.filter(hvb_profile__isnull=False)
        .exclude(hvb_profile__ivo_status=HvbProfile.IvoStatus.NONE)
        .select_related("organisation", "hvb_profile")
        .order_by("name"),
        help_text=_("Bara HVB med tillstånd från eller anmälan till IVO kan väljas."),
    )
    legal_basis = forms.ChoiceField(label=_("Lagrum"), choices=LegalBasis.choices)
    acute = forms.BooleanField(
        label=_("Akut placering (kostnadsfördelningen kan komma efter inflyttningen)"),
        required=False,
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Information som HVB:et får ta del av"),
        queryset=InformationCategory.objects.all(),
        required=False,
    )


class LegalStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Steg"), choices=LegalStep.Kind.choices)
    on = forms.DateField(label=_("Datum"), widget=DateInput)
    reference = forms.CharField(label=_("Målnummer eller diarienummer"), max_length=100)


class DecideForm(forms.Form):
    level = forms.ChoiceField(label=_("Beslutsnivå"), choices=Placement.DecisionLevel.choices)
    decided_by = forms.CharField(
        label=_("Beslutsfattare"),
        max_length=200,
        help_text=_("Delegatens namn eller det beslutande organets namn."),
    )
    on = forms.DateField(label=_("Beslutsdatum"), widget=DateInput)


class CostRowForm(forms.Form):
    what = forms.ChoiceField(label=_("Avser"), choices=CostAllocationRow.What.choices)
    paying_organisation = forms.ModelChoiceField(
        label=_("Betalas av"),
        queryset=Organisation.objects.filter(
            kind__in=[Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION]
        ).order_by("name"),
    )
    valid_from = forms.DateField(label=_("Från"), widget=DateInput)
    valid_until = forms.DateField(label=_("Till och med"), widget=DateInput, required=False)
    amount_per_day = forms.DecimalField(
        label=_("Belopp per dygn (kr)"), max_digits=9, decimal_places=2, required=False
    )
    share_percent = forms.DecimalField(
        label=_("Andel (procent)"), max_digits=5, decimal_places=2, required=False
    )


CostRowFormSet = forms.formset_factory(CostRowForm, extra=3, can_delete=False)


class CostAllocationForm(forms.Form):
    """The rows are a formset (CostRowFormSet); this form carries the service's errors."""


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Jag godkänner kostnadsfördelningen för min organisation"), required=False
    )

    def clean_confirm(self) -> bool:
        if not self.cleaned_data["confirm"]:
            raise ValidationError(_("Kryssa i att du godkänner kostnadsfördelningen."))
        return True


class MoveInForm(forms.Form):
    start_date = forms.DateField(label=_("Inflyttning"), widget=DateInput)
    planned_end_date = forms.DateField(
        label=_("Planerat slutdatum"), widget=DateInput, required=False
    )


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Övervägandet gjordes"), widget=DateInput)
    outcome = forms.ChoiceField(
        label=_("Utfall"), choices=Review.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Anteckning"), widget=forms.Textarea, required=False)

    def __init__(self, *args, health_check: bool = False, source: str = "", **kwargs):
        """``health_check``: the first review where the organisation follows SOU 2023:66's
        proposal (placement.selectors.review_health_check_required); the service decides."""
        super().__init__(*args, **kwargs)
        if health_check:
            self.fields["health_examination_offered"] = forms.BooleanField(
                label=_("Barnet har erbjudits en hälsoundersökning"),
                required=False,
                help_text=source,
            )
            self.fields["knowledge_assessment_done"] = forms.BooleanField(
                label=_("Skolan har gjort en kunskapsbedömning"),
                required=False,
                help_text=source,
            )


class EndingPlanForm(forms.Form):
    confirm = forms.BooleanField(label=_("Jag inleder planeringen av avslutet"), required=False)

    def clean_confirm(self) -> bool:
        if not self.cleaned_data["confirm"]:
            raise ValidationError(_("Kryssa i att du inleder planeringen av avslutet."))
        return True


class EndForm(forms.Form):
    """The end; the insatser that go on are rows beside it (care_forms.InsatsFormSet)."""

    ended_on = forms.DateField(label=_("Utflyttning"), widget=DateInput)
    reason = forms.CharField(label=_("Skäl till avslutet"), widget=forms.Textarea)
    destination = forms.ChoiceField(label=_("Personen flyttar"), choices=EndDestination.choices)


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Vad uppföljningen efter placeringen visade"), widget=forms.Textarea
    )


def _choosable_hvbs():
    return (
        Unit.objects.filter(hvb_profile__isnull=False)
        .exclude(hvb_profile__ivo_status=HvbProfile.IvoStatus.NONE)
        .select_related("organisation", "hvb_profile")
        .order_by("name")
    )


class HvbChangeForm(forms.Form):
    to_hvb = UnitChoiceField(label=_("Nytt HVB"), queryset=Unit.objects.none())
    on = forms.DateField(label=_("Gäller från"), widget=DateInput)
    level = forms.ChoiceField(label=_("Beslutsnivå"), choices=Placement.DecisionLevel.choices)
    decided_by = forms.CharField(label=_("Beslutsfattare"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_hvb"].queryset = _choosable_hvbs()


class BasisChangeForm(forms.Form):
    legal_basis = forms.ChoiceField(
        label=_("Nytt lagrum"),
        choices=[(b.value, b.label) for b in (LegalBasis.LVU_2, LegalBasis.LVU_3)],
    )
    step_kind = forms.ChoiceField(
        label=_("Beslut som vården vilar på"),
        choices=[(k.value, k.label) for k in LegalStep.DECIDING],
    )
    reference = forms.CharField(label=_("Diarienummer eller målnummer"), max_length=100)
    on = forms.DateField(label=_("Gäller från"), widget=DateInput)
    level = forms.ChoiceField(label=_("Beslutsnivå"), choices=Placement.DecisionLevel.choices)
    decided_by = forms.CharField(label=_("Beslutsfattare"), max_length=200)


class HandoverConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Regionen har tagit över hälso- och sjukvården"), required=False
    )

    def __init__(self, *args, health_units=None, **kwargs):
        """``health_units``: where a hälsoundersökning is still asked of the old region, the
        confirming user's units in the new region, one of which takes it over."""
        super().__init__(*args, **kwargs)
        if health_units is not None:
            units = list(health_units)
            self.fields["health_unit"] = forms.ModelChoiceField(
                label=_("Enhet som tar över begäran om hälsoundersökning"),
                help_text=_(
                    "Den gamla regionen har inte gjort hälsoundersökningen ännu. Den enhet ni "
                    "väljer ser begäran och dokumenterar utfallet."
                ),
                queryset=health_units,
                initial=units[0] if len(units) == 1 else None,
                empty_label=None if len(units) == 1 else _("Välj enhet"),
                error_messages={"required": _("Välj vilken enhet som tar över begäran.")},
            )

    def clean_confirm(self) -> bool:
        if not self.cleaned_data["confirm"]:
            raise ValidationError(_("Kryssa i att regionen har tagit över."))
        return True


class SipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SipPlan) -> str:
        return _("Initierad %(on)s av %(unit)s – %(phase)s") % {
            "on": timezone.localdate(obj.started_at).isoformat(),
            "unit": obj.started_unit,
            "phase": obj.get_phase_display().lower(),
        }


class SipLinkForm(forms.Form):
    plan = SipChoiceField(
        label=_("Pågående SIP för personen"),
        queryset=SipPlan.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


class SipStartForm(forms.Form):
    """Upptäck behov, from the placement: the placing unit initiates the SIP."""

    social_needs = forms.CharField(
        label=_("Insatser som behövs från socialtjänsten"), widget=forms.Textarea
    )
    health_needs = forms.CharField(
        label=_("Insatser som behövs från hälso- och sjukvården"), widget=forms.Textarea
    )
    coordination_reason = forms.CharField(
        label=_("Varför behövs samordning?"), widget=forms.Textarea
    )
    informed_about_sip = forms.BooleanField(
        label=_("Personen har fått information om vad en SIP är"), required=False
    )


class HandoverSendForm(forms.Form):
    note = forms.CharField(
        label=_("Vad som lämnas över"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Pågående vård och behandling, planerade kontakter och vem den nya regionen når. "
            "Ni har kvar vården tills den nya regionen har bekräftat."
        ),
        required=False,
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl att avsluta utredningen utan placering"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    confirm = forms.BooleanField(
        label=_("Jag avslutar utredningen utan placering; det kan inte ångras"), required=False
    )

    def clean_confirm(self) -> bool:
        if not self.cleaned_data["confirm"]:
            raise ValidationError(_("Kryssa i att utredningen avslutas utan placering."))
        return True


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} ({obj.region.name})" if obj.region_id else obj.name


class RegistrationMoveForm(forms.Form):
    municipality = MunicipalityChoiceField(
        label=_("Ny folkbokföringskommun"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
        .select_related("region")
        .order_by("name"),
    )
    on = forms.DateField(label=_("Folkbokförd där från"), widget=DateInput)


class PlacementFilterForm(forms.Form):
    """The placement list's filters, sent by GET: none of them is personal data (the name
    or personnummer searched goes by POST and is kept in the session, ``sokning``)."""

    fas = forms.ChoiceField(
        label=_("Fas"),
        choices=[("", _("Alla faser")), *Placement.Phase.choices],
        required=False,
    )
    enhet = forms.ModelChoiceField(
        label=_("Enhet"), queryset=Unit.objects.none(), required=False, empty_label=_("Alla")
    )
    handlaggare = forms.ModelChoiceField(
        label=_("Handläggare"), queryset=User.objects.none(), required=False, empty_label=_("Alla")
    )
    sokning = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, units, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enhet"].queryset = units
        self.fields["handlaggare"].queryset = caseworkers
