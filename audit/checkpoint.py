"""Checkpoints of the access log's head, kept outside the database.

The hash chain proves that no entry was changed or removed *between* entries; it cannot tell
a log cut short at its end, or emptied, from one that never grew. ``manage.py audit_verify``
therefore appends, after each successful verification, one line to a file outside the
database (``settings.AUDIT_CHECKPOINT_PATH``): the time, the number of entries, the last
entry's id, its hash and the last entry that may carry the legacy (unsealed) hash, sealed
with an HMAC under the access log's key. The next verification compares the log with the
last line. Keep the file where the database's administrators cannot write (another host,
a file system with the append-only attribute, or a copy of each line to a central log).

A line::

    2026-11-23T09:00:00+00:00 count=3 last=17 head=<64 hex> legacy_until=0 hmac=<64 hex>
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from .chain import audit_hmac

#: Separates the checkpoints' seals from the entries' (which begin with a 64-digit hash).
_SEAL_PREFIX = "sipflow access log checkpoint\n"


class CheckpointError(Exception):
    """The checkpoint file cannot be trusted: a line is unreadable or not sealed."""


@dataclass(frozen=True)
class Checkpoint:
    at: dt.datetime
    count: int
    #: The id of the last entry, 0 for an empty log.
    last_pk: int
    head: str
    #: The last entry that may carry the legacy hash (0: none may).
    legacy_until: int

    def text(self) -> str:
        return (
            f"{self.at.astimezone(dt.UTC).isoformat()} count={self.count} last={self.last_pk} "
            f"head={self.head} legacy_until={self.legacy_until}"
        )

    def line(self) -> str:
        return f"{self.text()} hmac={audit_hmac(_SEAL_PREFIX + self.text())}"

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M:%S}"


def _parse(line: str, number: int, path: Path) -> Checkpoint:
    text, _, seal = line.rpartition(" hmac=")
    try:
        at_text, *pairs = text.split(" ")
        fields = dict(pair.split("=", 1) for pair in pairs)
        checkpoint = Checkpoint(
            at=dt.datetime.fromisoformat(at_text),
            count=int(fields["count"]),
            last_pk=int(fields["last"]),
            head=fields["head"],
            legacy_until=int(fields["legacy_until"]),
        )
    except (ValueError, KeyError) as error:
        raise CheckpointError(f"checkpoint line {number} of {path} cannot be read") from error
    if checkpoint.text() != text or not hmac.compare_digest(audit_hmac(_SEAL_PREFIX + text), seal):
        raise CheckpointError(
            f"checkpoint line {number} of {path} is not sealed with the access log's key: "
            "the file was changed, or the key is not the one it was written with"
        )
    return checkpoint


def checkpoint_last(*, path: Path) -> Checkpoint | None:
    """The last checkpoint in ``path``, after checking the seal of every line; None when
    the file does not exist or is empty."""
    try:
        lines = Path(path).read_text(encoding="ascii").splitlines()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointError(f"the checkpoint file {path} cannot be read: {error}") from error
    last = None
    for number, line in enumerate(lines, start=1):
        if line.strip():
            last = _parse(line, number, path)
    return last


def checkpoint_append(
    *,
    path: Path,
    count: int,
    last_pk: int,
    head: str,
    legacy_until: int,
    at: dt.datetime | None = None,
) -> Checkpoint:
    """Append a sealed checkpoint line to ``path`` (created, with its directory, if missing)
    and force it to disk."""
    checkpoint = Checkpoint(
        at=at or timezone.now(),
        count=count,
        last_pk=last_pk,
        head=head,
        legacy_until=legacy_until,
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, (checkpoint.line() + "\n").encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return checkpoint
