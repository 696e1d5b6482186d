"""Forms shared by the case lists."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import PersonQuery, person_query_parse


class CaseSearchForm(forms.Form):
    """A case list's search: a whole personnummer or the words of a name (as Sök person
    reads it). ``parsed`` holds the reading, None for an empty search."""

    q = forms.CharField(
        label=_("Namn eller personnummer"),
        required=False,
        help_text=_("Ett helt personnummer, eller minst två bokstäver av namnet."),
    )
    parsed: PersonQuery | None = None

    def clean_q(self):
        query = self.cleaned_data["q"]
        self.parsed = person_query_parse(query, today=timezone.localdate())
        return query
