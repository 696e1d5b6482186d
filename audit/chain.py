"""The hash chain of the access log: each entry's hash covers the previous entry's hash and
the entry's own fields, so changing, removing or reordering an entry breaks every link
after it.

Entries are sealed with HMAC-SHA256 under ``settings.AUDIT_HMAC_KEY``, a key the database
does not hold: whoever can write the table (its owner, a superuser) still cannot recompute
a chain that verifies. Entries written before sealing began carry a plain SHA-256 of the
same canonical form (``legacy_entry_digest``); the verifier accepts those only at the start
of the chain, before the first sealed entry (see ``audit.selectors.audit_verify``).

The canonical form is frozen for the entries already written: a new field goes into
``SEALED_FIELDS`` (and ``_values``) only, never into ``LEGACY_FIELDS``. ``refused`` (an
attempt the access checks turned away) came with sealing: every entry before it was granted.
A field added after sealing began (``OPTIONAL_FIELDS``: ``credential``, the API token a call
was made with) is sealed only where it is set, so the entries written before it keep the
canonical form they were sealed with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

from django.conf import settings

from .models import AccessLogEntry

#: The previous_hash of the first entry.
GENESIS_HASH = "0" * 64

#: The PostgreSQL advisory lock taken while an entry is appended ("audit" in ASCII).
CHAIN_LOCK_KEY = 0x6175646974

#: The fields the plain SHA-256 of the first entries covers. Frozen.
LEGACY_FIELDS = (
    "at",
    "user",
    "username",
    "unit",
    "organisation",
    "action",
    "object_type",
    "object_id",
    "person",
    "purpose",
    "path",
)
#: The fields the seal of every entry written now covers.
SEALED_FIELDS = (*LEGACY_FIELDS, "refused")
#: Sealed with the others when not empty.
OPTIONAL_FIELDS = ("credential",)


def _values(entry: AccessLogEntry) -> dict[str, object]:
    return {
        "at": entry.at.astimezone(dt.UTC).isoformat(),
        "user": entry.user_id,
        "username": entry.username,
        "unit": entry.unit_id,
        "organisation": entry.organisation_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "person": entry.person_id,
        "purpose": entry.purpose,
        "path": entry.path,
        "refused": entry.refused,
        "credential": entry.credential,
    }


def _canonical(entry: AccessLogEntry, fields: tuple[str, ...]) -> str:
    values = _values(entry)
    if fields == SEALED_FIELDS:
        fields = (*fields, *(name for name in OPTIONAL_FIELDS if values[name]))
    return json.dumps(
        {name: values[name] for name in fields},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )


def audit_hmac(message: str) -> str:
    """HMAC-SHA256 (hex) of ``message`` under the access log's key."""
    key = settings.AUDIT_HMAC_KEY.encode("utf-8")
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def entry_digest(entry: AccessLogEntry, previous_hash: str) -> str:
    """The seal of an entry: HMAC-SHA256 (hex), under the access log's key, of
    ``previous_hash`` followed by the entry's canonical JSON."""
    return audit_hmac(previous_hash + _canonical(entry, SEALED_FIELDS))


def legacy_entry_digest(entry: AccessLogEntry, previous_hash: str) -> str:
    """SHA-256 (hex) of ``previous_hash`` followed by the entry's canonical JSON: the hash of
    the entries written before sealing began. Anyone can compute it; it is only ever
    accepted before the first sealed entry."""
    canonical = _canonical(entry, LEGACY_FIELDS)
    return hashlib.sha256((previous_hash + canonical).encode("utf-8")).hexdigest()
