"""Form widgets shared by the forms of several apps."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class DateInput(forms.DateInput):
    """The browser's own date picker."""

    input_type = "date"


class Select(forms.Select):
    """A single-choice select written in Python, the same HTML as Django's.

    Django's select renders one template per option, about half a millisecond each on this
    hardware: a chef's filter of a hundred handläggare and fifty units cost her list page
    more than its fifty rows. This one writes the options with ``format_html``."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = set(self.format_value(value))

        def options(choices) -> SafeString:
            written = []
            for choice_value, label in choices:
                text = "" if choice_value is None else str(choice_value)
                selected = text in chosen
                if selected:
                    chosen.clear()  # as Django's: the first option holding the value only
                written.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        text,
                        mark_safe(" selected") if selected else "",
                        label,
                    )
                )
            return mark_safe("".join(written))

        parts = []
        for group, choices in self.choices:
            if isinstance(choices, list | tuple):
                parts.append(
                    format_html('<optgroup label="{}">{}</optgroup>', group, options(choices))
                )
            else:
                parts.append(options([(group, choices)]))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(parts)),
        )
