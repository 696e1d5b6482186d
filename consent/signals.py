"""Signals the consent app sends inside the transaction of the change.

``consent_ended`` is sent when a consent stops being in force, by withdrawal (``reason`` =
"withdrawn") or by running out (``reason`` = "expired"), with ``consent`` and ``at``.
Processes that rest on consent (SIP, placement) connect to it to halt their open steps and
cancel pending invitations in the same transaction.
"""

from django.dispatch import Signal

consent_ended = Signal()
