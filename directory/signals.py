"""Signals the directory sends.

``guardians_changed`` is sent inside the transaction that registers or ends a vårdnadshavare,
with ``child`` and ``at``. Who must consent for a child depends on who the guardians are:
with a second guardian registered, one guardian's consent no longer suffices. What rests on
the consent (the cases' access grants) must follow in the same commit, so its receivers must
be quick and must not fail: a failure undoes the change.

``birth_date_changed`` is sent inside the transaction that corrects a person's personnummer
to one with another date of birth, with ``person`` and ``at``. Who must consent depends on
age (vårdnadshavare for a child, the child's own from 12 or 15, the person's own from 18),
so what rests on the consents follows in the same commit, as for ``guardians_changed``.
"""

from django.dispatch import Signal

guardians_changed = Signal()
birth_date_changed = Signal()
