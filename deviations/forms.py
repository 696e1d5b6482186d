"""Forms for avvikelser. They collect input; the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.registry import CaseReference
from core.validators import validate_plausible_date
from core.widgets import DateInput
from directory.models import Unit, User

from .models import DeviationParty, Dispute
from .rules import AgreementCode, Category, HandlerRole, Harm

#: The report's case choice for a report about the agreement in general.
GENERAL = ""


def date_field(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput,
        required=required,
        help_text=help_text,
        validators=[validate_plausible_date],
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.organisation.name})"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DeviationParty) -> str:
        return str(obj.organisation)


class PartyFormMixin:
    """A ``party`` choice only for a user who acts for more than one party (works in both
    organisations): the services act for the only one otherwise."""

    def add_party_field(self, parties: list[DeviationParty]) -> None:
        if len(parties) > 1:
            self.fields["party"] = PartyChoiceField(
                label=_("Du företräder"),
                queryset=DeviationParty.objects.filter(pk__in=[party.pk for party in parties]),
            )

    def party(self) -> DeviationParty | None:
        return self.cleaned_data.get("party")


class ReportForm(forms.Form):
    case = forms.ChoiceField(
        label=_("Vad gäller avvikelsen?"),
        help_text=_(
            "Ett ärende du arbetar med, eller överenskommelsen i allmänhet. Personen i "
            "ärendet visas bara för den som själv får se ärendet."
        ),
        required=False,
    )
    unit = UnitChoiceField(label=_("Din enhet"), queryset=Unit.objects.none())
    concerned_unit = UnitChoiceField(
        label=_("Berörd enhet"),
        help_text=_("Enheten i den andra organisationen som avvikelsen rör."),
        queryset=Unit.objects.none(),
    )
    also_concerned_unit = UnitChoiceField(
        label=_("Ytterligare berörd enhet"),
        help_text=_("Bara om avvikelsen rör en tredje organisation."),
        queryset=Unit.objects.none(),
        required=False,
    )
    occurred_on = date_field(_("När inträffade det?"))
    category = forms.ChoiceField(label=_("Kategori"), choices=Category.choices)
    harm = forms.ChoiceField(
        label=_("Skada eller risk"),
        help_text=_("Kom personen till skada, eller fanns en risk för skada?"),
        choices=Harm.choices,
    )
    agreement = forms.ChoiceField(
        label=_("Överenskommelse"), choices=AgreementCode.choices, initial=AgreementCode.HVB
    )
    description = forms.CharField(
        label=_("Vad hände?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_(
            "Skriv inga namn eller personnummer: personen framgår av ärendet, för den som "
            "får se det. Beskrivningen följer med till regionens avvikelsesystem."
        ),
    )
    responsibilities = forms.CharField(
        label=_("Tillfällig ansvarsfördelning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "Vem gör vad medan avvikelsen utreds? Parterna ska omgående komma överens om "
            "det; ditt förslag gäller när den andra parten har godkänt det."
        ),
    )
    allocation_until = date_field(_("Gäller till och med"))

    def __init__(
        self, *args, units, concerned, cases: list[tuple[str, list[CaseReference]]], **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["concerned_unit"].queryset = concerned
        self.fields["also_concerned_unit"].queryset = concerned
        if len(units) == 1:
            self.fields["unit"].initial = units.first()
        self.fields["case"].choices = [
            (GENERAL, _("Överenskommelsen i allmänhet (utan personuppgifter)")),
            *(
                (label, [(f"{ref.case_kind}:{ref.case_id}", ref.title) for ref in refs])
                for label, refs in cases
                if refs
            ),
        ]

    def clean_case(self) -> tuple[str, int | None]:
        value = self.cleaned_data["case"]
        if value == GENERAL:
            return "", None
        kind, _sep, pk = value.partition(":")
        try:
            return kind, int(pk)
        except ValueError:
            raise ValidationError(_("Välj ett ärende i listan.")) from None

    def concerned_units(self) -> list[Unit]:
        return [
            unit
            for unit in (
                self.cleaned_data.get("concerned_unit"),
                self.cleaned_data.get("also_concerned_unit"),
            )
            if unit is not None
        ]


class AllocationForm(PartyFormMixin, forms.Form):
    responsibilities = forms.CharField(
        label=_("Vem gör vad?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    until = date_field(_("Gäller till och med"))

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_party_field(parties)


class PartyForm(PartyFormMixin, forms.Form):
    """A confirmation in the name of a party (approve the allocation, sign off)."""

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_party_field(parties)


class HandlerForm(PartyFormMixin, forms.Form):
    handler = UserChoiceField(label=_("Handläggare"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Handläggarens roll"), choices=HandlerRole.choices)

    def __init__(self, *args, parties, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_party_field(parties)
        self.fields["handler"].queryset = candidates


class NoteForm(PartyFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Utredningsanteckning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Alla parter läser anteckningen. Skriv inga namn eller personnummer."),
    )

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_party_field(parties)


class MeasuresForm(forms.Form):
    measures = forms.CharField(
        label=_("Vidtagna åtgärder"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_(
            "Varje parts handläggare godkänner åtgärderna. Ändras de behöver alla godkänna "
            "dem på nytt."
        ),
    )


class DisputeRaiseForm(forms.Form):
    matter = forms.CharField(
        label=_("Vad är parterna inte överens om?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class DisputeLevelForm(forms.Form):
    proposal = forms.CharField(
        label=_("Förslag till lösning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    proposal_on = date_field(_("Förslaget lämnades"), required=False)
    notice_on = date_field(
        _("Aviserad till styrgruppen för Länschefsnätverket"),
        required=False,
        help_text=_("Minst en månad före mötet där tvisten tas upp."),
    )
    written_on = date_field(_("Skriftligen tillställd styrgruppen"), required=False)
    meeting_on = date_field(_("Mötet där tvisten tas upp"), required=False)

    def __init__(self, *args, notice: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not notice:
            del self.fields["notice_on"]
            del self.fields["written_on"]


class DisputeDecideForm(forms.Form):
    RESOLVED, ESCALATE = "resolved", "escalate"

    decision = forms.CharField(
        label=_("Beslut"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    decided_on = date_field(_("Beslutsdatum"))
    outcome = forms.ChoiceField(label=_("Utfall"), widget=forms.RadioSelect)

    def __init__(self, *args, stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        onward = (
            _("Tvisten löstes inte: omförhandling av överenskommelsen, eller allmän domstol")
            if stage == Dispute.Stage.COUNCIL
            else _("Tvisten löstes inte: den förs till nästa nivå")
        )
        self.fields["outcome"].choices = [
            (self.RESOLVED, _("Tvisten är löst")),
            (self.ESCALATE, onward),
        ]


class StatisticsForm(forms.Form):
    year = forms.TypedChoiceField(label=_("År"), coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
