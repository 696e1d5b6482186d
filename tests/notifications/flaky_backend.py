"""A mail backend for tests: fails a given number of times, then delivers (to ``sent``)."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FlakyBackend(BaseEmailBackend):
    failures_left = 0
    die_on: str | None = None  # an address whose message kills the worker mid-send
    sent: list = []

    @classmethod
    def reset(cls, *, failures: int = 0, die_on: str | None = None) -> None:
        cls.failures_left, cls.die_on, cls.sent = failures, die_on, []

    def send_messages(self, email_messages):
        for message in email_messages:
            if self.die_on and self.die_on in message.to:
                type(self).die_on = None
                raise SystemExit("worker killed")
            if type(self).failures_left > 0:
                type(self).failures_left -= 1
                raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
            type(self).sent.append(message)
        return len(email_messages)
