"""The filters of one of the chef's lists (a GET form)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import Select
from directory.models import Unit, User

from .selectors import Cursor, Filterable, ListFilters, OverviewReader, list_filterable
from .statistics.categories import AGE_BANDS


class ListFilterForm(forms.Form):
    enhet = forms.ChoiceField(label=_("Enhet"), required=False, widget=Select)
    handlaggare = forms.ChoiceField(label=_("Handläggare"), required=False, widget=Select)
    alder = forms.ChoiceField(label=_("Åldersgrupp"), required=False, widget=Select)
    lagrum = forms.ChoiceField(label=_("Lagrum"), required=False, widget=Select)
    efter = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data=None, *, units: Sequence[Unit], handlers: Sequence[User], filterable: Filterable
    ):
        super().__init__(data)
        everything = _("Alla")
        if filterable.unit and len(units) > 1:
            self.fields["enhet"].choices = [("", everything)] + [
                (str(unit.pk), unit.name) for unit in units
            ]
        else:
            del self.fields["enhet"]
        if filterable.handler:
            self.fields["handlaggare"].choices = [("", everything)] + [
                (str(user.pk), user.get_full_name() or user.get_username()) for user in handlers
            ]
        else:
            del self.fields["handlaggare"]
        if filterable.age:
            self.fields["alder"].choices = [("", everything)] + [
                (band.code, _("%(band)s år") % {"band": band.label}) for band in AGE_BANDS
            ]
        else:
            del self.fields["alder"]
        if filterable.basis:
            self.fields["lagrum"].choices = [("", everything), *filterable.basis]
        else:
            del self.fields["lagrum"]

    @classmethod
    def for_list(cls, data, *, reader: OverviewReader, spec) -> ListFilterForm:
        """The form of the list ``spec`` as ``reader``'s chef sees it: her units, and the
        handläggare of them where the list has one."""
        filterable = list_filterable(spec)
        return cls(
            data,
            units=reader.units,
            handlers=list(reader.handlers()) if filterable.handler else [],
            filterable=filterable,
        )

    def clean_efter(self) -> Cursor | None:
        text = self.cleaned_data["efter"]
        return Cursor.parse(text) if text else None

    def chosen(self) -> tuple[ListFilters, Cursor | None]:
        """The filters and the page chosen; all rows from the first page where the choice is
        wrong (the errors say why)."""
        if not self.is_bound or not self.is_valid():
            return ListFilters(), None
        data = self.cleaned_data
        return (
            ListFilters(
                unit=int(data["enhet"]) if data.get("enhet") else None,
                handler=int(data["handlaggare"]) if data.get("handlaggare") else None,
                age=data.get("alder") or "",
                basis=data.get("lagrum") or "",
            ),
            data.get("efter"),
        )

    def query(self, *, after: Cursor | None) -> str:
        """The URL query of these filters with the page starting ``after``."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        if self.is_bound and self.is_valid():
            for name in ("enhet", "handlaggare", "alder", "lagrum"):
                if self.cleaned_data.get(name):
                    query[name] = self.cleaned_data[name]
        if after is not None:
            query["efter"] = str(after)
        return query.urlencode()
