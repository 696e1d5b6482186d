"""The hash chain of the access log: each entry's hash covers the previous entry's hash and
the entry's own fields, so changing, removing or reordering an entry breaks every link
after it.

The canonical form below is frozen: entries already written are verified with it. A change
needs a new form used only for new entries (and a marker of which form an entry uses).
A refused attempt adds ``"refused": true`` (the field is its own marker): every entry
written before the field existed was granted, and hashes as it always did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from .models import AccessLogEntry

#: The previous_hash of the first entry.
GENESIS_HASH = "0" * 64

#: The PostgreSQL advisory lock taken while an entry is appended ("audit" in ASCII).
CHAIN_LOCK_KEY = 0x6175646974


def entry_digest(entry: AccessLogEntry, previous_hash: str) -> str:
    """SHA-256 (hex) of ``previous_hash`` followed by the entry's canonical JSON."""
    fields = {
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
    }
    if entry.refused:
        fields["refused"] = True
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256((previous_hash + canonical).encode("utf-8")).hexdigest()
