"""Signals the directory sends.

``guardians_changed`` is sent inside the transaction that registers or ends a vårdnadshavare,
with ``child`` and ``at``. Who must consent for a child depends on who the guardians are:
with a second guardian registered, one guardian's consent no longer suffices. What rests on
the consent (the cases' access grants) must follow in the same commit, so its receivers must
be quick and must not fail: a failure undoes the change.
"""

from django.dispatch import Signal

guardians_changed = Signal()
