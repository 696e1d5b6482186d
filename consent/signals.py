"""Signals the consent app sends.

``consent_ended`` is sent when a consent stops being in force, by withdrawal (``reason`` =
"withdrawn") or by running out (``reason`` = "expired"), with ``consent`` and ``at``. It is
sent after the change has committed: the end takes effect at once and never waits for, or
fails because of, a case someone is changing. Processes that rest on consent (SIP,
placement) connect to it to cancel kallelser and halt or hand back their open steps. A
receiver's failure is logged and does not undo the change, so a receiver that cannot finish
(its case is locked) must leave a durable record of what is left and retry it, as sipflow
does from the periodic tick.

``consent_withdrawing`` is sent inside the withdrawal's own transaction, with ``consent``
and ``at``, so that what rests on the consent (cases.AccessGrant) ends in the same commit.
Its receivers must be quick and must not fail: a failure undoes the withdrawal.

``consent_registered`` is sent inside the registering transaction whenever something the
policy may now rest on is recorded (a consent, a nämnd decision, a record that the
vårdnadshavare are not called), and for every purpose when the subject's vårdnadshavare
change (directory.signals.guardians_changed), with ``subject``, ``purpose`` and ``at``:
processes re-derive who may see the subject's cases in the same commit.
"""

from django.dispatch import Signal

consent_ended = Signal()
consent_withdrawing = Signal()
consent_registered = Signal()
