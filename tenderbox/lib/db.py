"""Which database a read goes to: the primary, or the read replica for bulk public reads."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica() -> str:
    """The read replica's alias when one is configured (DATABASE_REPLICA_URL), else the primary's."""
    return "replica" if "replica" in settings.DATABASES else "default"


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the replica when one is configured. Only for public reads that may lag
    the primary by a few seconds (published data: OCDS bulk downloads, register downloads), never a
    decision about access or a deadline, and nothing inside writes."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Sends the reads of a `replica_reads()` block to the replica; everything else to the primary.
    Installed only when a replica is configured; migrations never run on the replica."""

    def db_for_read(self, model, **hints):
        return replica() if _replica_reads.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db != "replica"
