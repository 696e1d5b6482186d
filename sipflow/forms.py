"""Forms for the SIP steps. They collect input; the services decide."""

from __future__ import annotations

import contextlib

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import InformationCategory
from core.widgets import DateInput
from directory.fields import VisiblePersonField
from directory.models import Organisation, Unit, User

from .models import ActionReview, FollowUp, SipPlan
from .services import ActionInput, DeclineReason

UNITS = Unit.objects.select_related("organisation").order_by("organisation__name", "name")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.organisation.name})"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.organisation.name})"


class StartPrefillForm(forms.Form):
    """The start page's link from a person (``?person=<id>``): an id, never a personnummer."""

    person = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    #: A stopped SIP the new one goes on from (its needs carried over).
    continues = forms.IntegerField(
        label=_("Fortsätter den stoppade SIP:en"), min_value=1, max_value=2**63 - 1, required=False
    )


class StartForm(forms.Form):
    personal_identity_number = VisiblePersonField(label=_("Personens personnummer"))
    unit = UnitChoiceField(label=_("Din enhet"), queryset=Unit.objects.none())
    origin = forms.ChoiceField(
        label=_("Initiativ"), choices=SipPlan.Origin.choices, widget=forms.RadioSelect
    )
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
    continues = forms.IntegerField(
        label=_("Fortsätter den stoppade SIP:en"),
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, units, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["personal_identity_number"].user = user
        self.fields["unit"].queryset = units
        if units.count() == 1:
            self.fields["unit"].initial = units.first()


class PlanFilterForm(forms.Form):
    """The SIP list's filters, sent by GET: none of them is personal data. The name or
    personnummer searched is sent by POST (CaseSearchForm) and kept in the session, under
    the opaque key ``sokning``."""

    fas = forms.ChoiceField(
        label=_("Fas"), choices=[("", _("Alla faser")), *SipPlan.Phase.choices], required=False
    )
    enhet = forms.ModelChoiceField(
        label=_("Enhet"), queryset=Unit.objects.none(), required=False, empty_label=_("Alla")
    )
    handlaggare = forms.ModelChoiceField(
        label=_("Huvudansvarig person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Alla"),
    )
    sokning = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, units, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enhet"].queryset = units
        self.fields["handlaggare"].queryset = coordinators


class HaltedCloseForm(forms.Form):
    close_reason = forms.ChoiceField(
        label=_("Varför avslutas SIP:en?"), choices=SipPlan.CloseReason.choices
    )
    note = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PrepareForm(forms.Form):
    units = UnitMultipleChoiceField(label=_("Enheter att kalla"), queryset=UNITS, required=False)
    organisations = forms.ModelMultipleChoiceField(
        label=_("Huvudmän att kalla (när personen inte är känd där)"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Information som delas"),
        queryset=InformationCategory.objects.all(),
        error_messages={"required": _("Välj vilken information som ska delas.")},
    )
    lead_unit = UnitChoiceField(label=_("Huvudansvarig enhet"), queryset=UNITS)
    coordinator = forms.ModelChoiceField(
        label=_("Huvudansvarig person"),
        queryset=User.objects.filter(memberships__isnull=False).distinct().order_by("last_name"),
    )
    placement_related = forms.BooleanField(label=_("SIP:en hör till en placering"), required=False)
    cost_allocation = forms.CharField(
        label=_("Kostnadsfördelning mellan organisationerna"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Visas inte för personen. Krävs när SIP:en hör till en placering."),
    )


class MeetingTimeForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Mötestid"), widget=DateTimeInput)
    place = forms.CharField(label=_("Plats"), required=False, max_length=200)
    video_link = forms.URLField(label=_("Videolänk"), required=False, assume_scheme="https")
    answer_by = forms.DateField(
        label=_("Svara senast"),
        widget=DateInput,
        required=False,
        help_text=_("Lämna tomt för standardtiden i arbetsdagar."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("place") and not data.get("video_link"):
            raise ValidationError(_("Ange en plats eller en videolänk."))
        return data


class AnswerForm(forms.Form):
    ACCEPT, DECLINE, FORWARD = "accept", "decline", "forward"
    answer = forms.ChoiceField(
        label=_("Svar"),
        choices=[
            (ACCEPT, _("Vi kommer")),
            (DECLINE, _("Vi avböjer")),
            (FORWARD, _("Vidarebefordra till en annan enhet")),
        ],
        widget=forms.RadioSelect,
    )
    attendees = forms.CharField(
        label=_("Vem kommer"), required=False, help_text=_("Namn och yrke.")
    )
    reason = forms.ChoiceField(
        label=_("Skäl att avböja"),
        required=False,
        choices=[("", "—"), *DeclineReason.choices],
    )
    note = forms.CharField(label=_("Förklaring"), required=False, widget=forms.Textarea)
    to_unit = UnitChoiceField(
        label=_("Vidarebefordra till"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args, organisation: Organisation, exclude_unit: Unit | None, **kwargs):
        super().__init__(*args, **kwargs)
        units = UNITS.filter(organisation=organisation)
        if exclude_unit is not None:
            units = units.exclude(pk=exclude_unit.pk)
        self.fields["to_unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("answer") == self.FORWARD and not data.get("to_unit"):
            self.add_error("to_unit", _("Välj enheten som ska få kallelsen."))
        if data.get("answer") == self.DECLINE and not data.get("reason"):
            self.add_error("reason", _("Ange varför ni avböjer."))
        return data


class MeetingForm(forms.Form):
    attendance = forms.CharField(label=_("Närvarande"), widget=forms.Textarea)
    persons_goals = forms.CharField(
        label=_("Vad är viktigt för dig? (personens egna mål)"), widget=forms.Textarea
    )
    lead_unit = UnitChoiceField(label=_("Huvudansvarig enhet"), queryset=UNITS)
    coordinator = forms.ModelChoiceField(
        label=_("Huvudansvarig person"),
        queryset=User.objects.filter(memberships__isnull=False).distinct().order_by("last_name"),
        required=False,
    )
    next_follow_up = forms.DateField(label=_("Nästa uppföljning"), widget=DateInput, required=False)
    close_reason = forms.ChoiceField(
        label=_("Avsluta SIP:en direkt efter mötet"),
        choices=[("", _("Nej, planen följs upp")), *SipPlan.CloseReason.choices],
        required=False,
    )


class ActionForm(forms.Form):
    need = forms.CharField(label=_("Behov"), widget=forms.Textarea(attrs={"rows": 2}))
    action = forms.CharField(label=_("Insats"), widget=forms.Textarea(attrs={"rows": 2}))
    responsible_organisation = forms.ModelChoiceField(
        label=_("Ansvarig organisation"), queryset=Organisation.objects.order_by("name")
    )
    responsible_unit = UnitChoiceField(label=_("Ansvarig enhet"), queryset=UNITS, required=False)
    persons_part = forms.CharField(label=_("Personens egen del"), required=False)
    starts_on = forms.DateField(label=_("Start"), widget=DateInput)
    ends_on = forms.DateField(label=_("Slut"), widget=DateInput, required=False)
    #: The key of an insats carried from a linked case (a placement), kept with the row.
    source = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        unit, organisation = data.get("responsible_unit"), data.get("responsible_organisation")
        if unit and organisation and unit.organisation_id != organisation.pk:
            self.add_error("responsible_unit", _("Enheten hör inte till organisationen."))
        return data


class BaseActionFormSet(forms.BaseFormSet):
    """The plan's rows. Every row offers the same organisations and units, read once for
    the whole formset rather than once per row."""

    #: The row's fields whose choices come from the database.
    SHARED_CHOICES = ("responsible_organisation", "responsible_unit")

    def __init__(self, *args, **kwargs):
        self.shared_choices: dict[str, list] = {}
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Ta bort insatsen ur planen")
        for name in self.SHARED_CHOICES:
            field = form.fields[name]
            if name not in self.shared_choices:
                self.shared_choices[name] = list(field.choices)
            field.choices = self.shared_choices[name]
        # A row whose organisation is chosen offers only that organisation's units (after
        # the page is sent, so that it works without JavaScript).
        organisation = self._row_organisation(form)
        if organisation:
            units = form.fields["responsible_unit"]
            units.choices = [
                choice
                for choice in self.shared_choices["responsible_unit"]
                if not choice[0] or str(choice[0].instance.organisation_id) == organisation
            ]

    def _row_organisation(self, form) -> str:
        if self.is_bound:
            return str(self.data.get(form.add_prefix("responsible_organisation")) or "")
        initial = form.initial.get("responsible_organisation")
        return str(getattr(initial, "pk", initial) or "")


#: The button that adds a row to the plan's rows (the page is sent and comes back with
#: one more, without JavaScript).
ADD_ROW = "add_row"

ActionFormSet = forms.formset_factory(
    ActionForm,
    formset=BaseActionFormSet,
    extra=1,
    min_num=1,
    validate_min=True,
    can_delete=True,
)


def formset_data_with_row_added(data):
    """The POSTed rows with one more empty row (``ADD_ROW``)."""
    data = data.copy()
    key = "actions-TOTAL_FORMS"
    with contextlib.suppress(ValueError):
        data[key] = str(min(int(data.get(key, 0)) + 1, 100))
    return data


def formset_actions(formset) -> list[ActionInput]:
    """The rows of a valid ActionFormSet as the services take them, without those marked
    for removal and the empty ones."""
    return [
        ActionInput(**{name: value for name, value in row.items() if name != "DELETE"})
        for row in formset.cleaned_data
        if row and not row.get("DELETE")
    ]


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Hur går SIP:en vidare?"),
        choices=FollowUp.Outcome.choices,
        widget=forms.RadioSelect,
    )
    next_follow_up = forms.DateField(label=_("Nästa uppföljning"), widget=DateInput, required=False)
    close_reason = forms.ChoiceField(
        label=_("Skäl till avslut"),
        choices=[("", "—"), *SipPlan.CloseReason.choices],
        required=False,
    )
    note = forms.CharField(label=_("Anteckning"), required=False, widget=forms.Textarea)

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        for action in self.actions:
            self.fields[f"done_{action.pk}"] = forms.ChoiceField(
                label=_("%(action)s – genomförd som planerat?") % {"action": action.action[:60]},
                choices=ActionReview.Answer.choices,
                widget=forms.RadioSelect,
            )
            self.fields[f"goal_{action.pk}"] = forms.ChoiceField(
                label=_("%(action)s – målet nått?") % {"action": action.action[:60]},
                choices=ActionReview.Answer.choices,
                widget=forms.RadioSelect,
            )
        reviews = [f"{kind}_{action.pk}" for action in self.actions for kind in ("done", "goal")]
        self.order_fields([*reviews, "outcome", "next_follow_up", "close_reason", "note"])

    def reviews(self) -> dict[int, tuple[str, str]]:
        return {
            action.pk: (
                self.cleaned_data[f"done_{action.pk}"],
                self.cleaned_data[f"goal_{action.pk}"],
            )
            for action in self.actions
        }
