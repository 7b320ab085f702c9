"""Which database a read goes to."""

from django.conf import settings


def replica() -> str:
    """The read replica's alias when one is configured (DATABASE_REPLICA_URL), else the primary's.
    Only for public reads that may lag the primary by a few seconds: published data, never a
    decision about access or a deadline."""
    return "replica" if "replica" in settings.DATABASES else "default"
