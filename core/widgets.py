"""Form widgets shared by the forms of several apps."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """The browser's own date picker."""

    input_type = "date"
