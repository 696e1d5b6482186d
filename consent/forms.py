"""Forms for consent pages. They only collect input; services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import validate_plausible_date
from core.widgets import DateInput
from directory.models import Organisation, Person, Unit
from directory.selectors import person_query_parse

from .models import Consent, GuardiansNotCalled, InformationCategory, Purpose

UNITS = Unit.objects.select_related("organisation").order_by("organisation__name", "name")


class PersonChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, roles: dict[int, str], **kwargs):
        self.roles = roles
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Person) -> str:
        return f"{obj} ({self.roles.get(obj.pk, '')})"


def person_choices(*, person: Person, guardians: list[Person]) -> dict[int, str]:
    roles = {person.pk: str(_("personen själv"))}
    roles.update({guardian.pk: str(_("vårdnadshavare")) for guardian in guardians})
    return roles


class PersonSearchForm(forms.Form):
    """Sent by POST: a personnummer must never end up in a URL (server logs, history)."""

    q = forms.CharField(
        label=_("Personnummer eller namn"),
        max_length=100,
        help_text=_("T.ex. 20130101-9826 eller Alva Andersson."),
    )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        person_query_parse(query, today=timezone.localdate())
        return query


class ConsentForm(forms.Form):
    given_by = PersonChoiceField(queryset=Person.objects.none(), roles={}, label=_("Vem samtycker"))
    purpose = forms.ChoiceField(label=_("Ändamål"), choices=Purpose.choices)
    form = forms.ChoiceField(
        label=_("Hur samtycket lämnades"), choices=Consent.Form.choices, widget=forms.RadioSelect
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisationer (huvudmän) som omfattas"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Enheter som omfattas"),
        queryset=UNITS,
        required=False,
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Information som får delas"),
        queryset=InformationCategory.objects.all(),
        required=False,
    )
    excluded_units = forms.ModelMultipleChoiceField(
        label=_("Undantagna enheter"),
        queryset=UNITS,
        required=False,
    )
    excluded_categories = forms.ModelMultipleChoiceField(
        label=_("Undantagen information"),
        queryset=InformationCategory.objects.all(),
        required=False,
    )
    excluded_persons = forms.CharField(
        label=_("Personer som inte får ta del"), required=False, widget=forms.Textarea
    )
    valid_from = forms.DateField(
        label=_("Gäller från"), widget=DateInput, validators=[validate_plausible_date]
    )
    valid_until = forms.DateField(
        label=_("Gäller till och med"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_date],
        help_text=_(
            "Högst ett år. Lämna tomt för organisationens standardtid (ett år om inget "
            "annat har valts)."
        ),
    )
    document = forms.FileField(label=_("Inskannat dokument"), required=False)

    def __init__(self, *args, person: Person, guardians: list[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = Person.objects.filter(
            pk__in=[person.pk, *[guardian.pk for guardian in guardians]]
        )
        self.fields["given_by"].roles = person_choices(person=person, guardians=guardians)


class WithdrawForm(forms.Form):
    withdrawn_by = PersonChoiceField(
        queryset=Person.objects.none(), roles={}, label=_("Vem återkallar samtycket")
    )
    form = forms.ChoiceField(
        label=_("Hur återkallelsen lämnades"),
        choices=Consent.Form.choices,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("Jag har kontrollerat att det är den som lämnade samtycket som återkallar det"),
    )

    def __init__(self, *args, person: Person, guardians: list[Person], giver: Person, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [person.pk, *[guardian.pk for guardian in guardians], giver.pk]
        self.fields["withdrawn_by"].queryset = Person.objects.filter(pk__in=choices)
        roles = person_choices(person=person, guardians=guardians)
        roles.setdefault(giver.pk, str(_("lämnade samtycket")))
        self.fields["withdrawn_by"].roles = roles
        self.fields["withdrawn_by"].initial = giver.pk


class RecordedViewForm(forms.Form):
    holder = PersonChoiceField(
        queryset=Person.objects.none(), roles={}, label=_("Vems inställning")
    )
    purpose = forms.ChoiceField(label=_("Ändamål"), choices=Purpose.choices)
    view = forms.CharField(label=_("Inställning"), widget=forms.Textarea)

    def __init__(self, *args, person: Person, guardians: list[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = Person.objects.filter(
            pk__in=[person.pk, *[guardian.pk for guardian in guardians]]
        )
        self.fields["holder"].roles = person_choices(person=person, guardians=guardians)


class CommitteeDecisionForm(forms.Form):
    guardian = PersonChoiceField(
        queryset=Person.objects.none(),
        roles={},
        label=_("Vårdnadshavare vars samtycke saknas"),
        required=False,
        help_text=_("Lämna tomt när vårdnadshavarna inte kallas."),
    )
    purpose = forms.ChoiceField(label=_("Ändamål"), choices=Purpose.choices)
    legal_ground = forms.CharField(
        label=_("Lagrum"), max_length=200, help_text=_("T.ex. SoL eller HSL 6 kap 13 a §.")
    )
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DateInput)

    def __init__(self, *args, person: Person, guardians: list[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = Person.objects.filter(
            pk__in=[guardian.pk for guardian in guardians]
        )
        self.fields["guardian"].roles = person_choices(person=person, guardians=guardians)


class GuardiansNotCalledForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Ändamål"), choices=Purpose.choices)
    reason = forms.ChoiceField(
        label=_("Skäl"), choices=GuardiansNotCalled.Reason.choices, widget=forms.RadioSelect
    )
    maturity_assessment = forms.CharField(
        label=_("Bedömning av barnets ålder och mognad"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Krävs när skälet är barnets vilja."),
    )
