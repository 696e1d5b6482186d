"""Input fields that refuse what the database or the date arithmetic cannot take, with a
Swedish message: text with a NUL or a lone surrogate, dates outside 1900-2199."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.validators import validate_plausible_date


def _no_surrogates(value: str) -> None:
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise serializers.ValidationError(_("Texten innehåller ogiltiga tecken."))


def _plausible(value: dt.date) -> None:
    try:
        validate_plausible_date(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages) from None


class Text(serializers.CharField):
    """Text as a form field takes it (NUL bytes are refused by DRF itself)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10_000)
        super().__init__(**kwargs)
        self.validators.append(_no_surrogates)


class PlausibleDate(serializers.DateField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(_plausible)


class PlausibleDateTime(serializers.DateTimeField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(lambda value: _plausible(value.date()))


class Ids(serializers.ListField):
    """A list of ids of one model, looked up in one query."""

    def __init__(self, *, queryset, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(child=serializers.PrimaryKeyRelatedField(queryset=queryset), **kwargs)


class Code(serializers.SlugRelatedField):
    """A code (slug) of one model, looked up by it: a code with a NUL or a lone surrogate is
    refused before the lookup, which PostgreSQL cannot take (a server error before)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            if "\x00" in data:
                raise serializers.ValidationError(_("Texten innehåller ogiltiga tecken."))
            _no_surrogates(data)
        return super().to_internal_value(data)


class Codes(serializers.ListField):
    """A list of codes (slugs) of one model, e.g. information categories."""

    def __init__(self, *, queryset, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(child=Code(slug_field="code", queryset=queryset), **kwargs)
