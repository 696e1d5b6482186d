"""Form fields render as native, labelled controls with their errors tied to them."""

from __future__ import annotations

import re

from django import forms
from django.template import Context, Template

from core.widgets import DateInput


class ExampleForm(forms.Form):
    name = forms.CharField(label="Namn", help_text="Som i folkbokföringen.")
    unit = forms.ChoiceField(label="Enhet", choices=[("", "---------"), ("1", "BUP Falun")])
    units = forms.MultipleChoiceField(
        label="Enheter att kalla", choices=[("1", "BUP Falun"), ("2", "Vårdcentral Ludvika")]
    )
    origin = forms.ChoiceField(
        label="Initiativ",
        choices=[("a", "Personen"), ("b", "En yrkesperson")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Anteckning", widget=forms.Textarea, required=False)
    on = forms.DateField(label="Datum", widget=DateInput, required=False)
    informed = forms.BooleanField(label="Informerad", required=False)
    document = forms.FileField(label="Inskannat dokument", required=False)


def render(form) -> str:
    return Template("{% load viewflow %}{% render form %}").render(Context({"form": form}))


def test_every_field_has_a_label_for_its_control():
    html = render(ExampleForm())
    assert "vf-field" not in html
    for field_id in ("id_name", "id_unit", "id_note", "id_on", "id_informed", "id_document"):
        assert f'<label class="sf-field__label" for="{field_id}">' in html
        assert f'id="{field_id}"' in html
    # A multiple choice is a group of check boxes named by its legend, never a listbox.
    assert re.search(
        r'<fieldset class="sf-choices" id="id_units"><legend[^>]*>Enheter att kalla', html
    )
    assert '<label for="id_units_1">Vårdcentral Ludvika</label>' in html
    assert "listbox" not in html
    assert '<input type="date"' in html
    assert re.search(r'<select [^>]*id="id_unit" name="unit"', html)


def test_required_fields_are_marked_in_their_labels():
    html = render(ExampleForm())
    name_label = re.search(r'<label class="sf-field__label" for="id_name">.*?</label>', html)[0]
    assert "*" in name_label and "(obligatoriskt)" in name_label
    note_label = re.search(r'<label class="sf-field__label" for="id_note">.*?</label>', html)[0]
    assert "*" not in note_label


def test_errors_and_help_are_tied_to_their_fields():
    form = ExampleForm(data={"name": "", "units": []})
    assert not form.is_valid()
    html = render(form)
    name = re.search(r'<input[^>]*id="id_name"[^>]*>', html)[0]
    assert 'aria-invalid="true"' in name
    assert 'aria-describedby="id_name_helptext id_name_error"' in name
    assert '<p class="sf-field__help" id="id_name_helptext">Som i folkbokföringen.</p>' in html
    assert re.search(r'<div class="sf-field__error" id="id_name_error"><p>[^<]+</p></div>', html)
    group = re.search(r'<fieldset[^>]*id="id_units"[^>]*>', html)
    assert group is not None
    assert 'aria-describedby="id_units_error"' in html
    note = re.search(r'<textarea[^>]*id="id_note"[^>]*>', html)[0]
    assert "aria-invalid" not in note


def test_chosen_values_stay_chosen():
    form = ExampleForm(data={"name": "Alva", "unit": "1", "units": ["2"], "origin": "b"})
    html = render(form)
    assert re.search(r'<input[^>]*value="Alva"', html)
    assert '<option value="1" selected="selected">BUP Falun</option>' in html
    assert re.search(r'<input type="checkbox" id="id_units_1" name="units" value="2" checked', html)
    assert re.search(r'<input type="radio" id="id_origin_1" name="origin" value="b" checked', html)
