"""Labels of model choices, read without rebuilding the field's choices."""

from __future__ import annotations

from django.db import models


def choice_label(choices: type[models.Choices], value: object) -> str:
    """The label of ``value`` among ``choices`` in the active language, or the value itself
    when it is none of them: what ``get_FOO_display()`` says. That method builds the
    field's choices anew on every call (making each lazy label hashable), which a chef's
    list of fifty rows, each naming a meeting's kind, paid a tenth of its rendering for."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)
