"""The database router: the read replica (DATABASE_REPLICA_URL) serves only the reads that
ask for it (``QuerySet.using(core.databases.read_alias())``: the statistics and the
overview); every other read and every write goes to the primary, and migrations run only
there."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS

from core.databases import REPLICA


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # Nothing is routed to the replica implicitly: a read that may lag asks for it by
        # name. Django then reads the primary, or, following a relation, the alias the
        # object came from.
        return None

    def db_for_write(self, model, **hints):
        # An object read from the replica is still saved on the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: a replica's object may point to a primary's.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary (streaming replication): it is never migrated.
        return db != REPLICA
