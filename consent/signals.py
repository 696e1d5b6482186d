"""Signals the consent app sends.

``consent_ended`` is sent when a consent stops being in force, by withdrawal (``reason`` =
"withdrawn") or by running out (``reason`` = "expired"), with ``consent`` and ``at``. It is
sent after the change has committed: the end takes effect at once and never waits for, or
fails because of, a case someone is changing. Processes that rest on consent (SIP,
placement) connect to it to cancel kallelser and halt or hand back their open steps. A
receiver's failure is logged and does not undo the change, so a receiver that cannot finish
(its case is locked) must leave a durable record of what is left and retry it, as sipflow
does from the periodic tick.
"""

from django.dispatch import Signal

consent_ended = Signal()
