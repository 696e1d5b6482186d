"""The access log, the largest table there is and written on every page that shows a case,
keeps no index twice: each entry written updates every index of the table."""

from __future__ import annotations

import pytest
from django.db import connection

from audit.models import AccessLogEntry


def _indexes() -> dict[str, tuple[list[str], str, bool]]:
    """The table's indexes: their columns, their operator classes and whether partial."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname,
                   array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o)
                         JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n
                         ORDER BY k.o),
                   pg_get_indexdef(x.indexrelid),
                   x.indpred IS NOT NULL
              FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
             WHERE x.indrelid = %s::regclass
            """,
            [AccessLogEntry._meta.db_table],
        )
        return {name: (columns, sql, partial) for name, columns, sql, partial in cursor.fetchall()}


@pytest.mark.django_db
def test_no_index_of_the_access_log_leads_another():
    indexes = _indexes()
    whole = {name: columns for name, (columns, sql, partial) in indexes.items() if not partial}
    doubled = [
        (name, other)
        for name, columns in whole.items()
        for other, longer in whole.items()
        if other != name
        and len(longer) > len(columns)
        and longer[: len(columns)] == columns
        # A unique index is a constraint, not a doubled read path.
        and "UNIQUE" not in indexes[name][1]
    ]
    assert doubled == []
    # Nothing asks a LIKE of a hash: no pattern index beside the unique one.
    assert not [name for name, (_c, sql, _p) in indexes.items() if "pattern_ops" in sql]
    # What the reads need is still there: a person's and a unit's entries by time, and the
    # chain's two unique hashes.
    assert whole["audit_entry_person_at"] == ["person_id", "at"]
    assert whole["audit_entry_unit_at"] == ["unit_id", "at"]
    unique = sorted(columns[0] for columns, sql, _p in indexes.values() if "UNIQUE" in sql)
    assert unique == ["entry_hash", "id", "previous_hash"]
