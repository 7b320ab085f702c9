"""Deployment checks (`tenderbox check --deploy`) for the production shape in docs/operations.md:
stateless web processes, so that any number of them can serve any request."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    # Rate-limit counters live in the cache: a per-process cache lets each gunicorn worker count on
    # its own, multiplying every limit by the number of processes.
    backend = settings.CACHES["default"]["BACKEND"]
    if getattr(settings, "PRODUCTION", False) and backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "The cache is per process, so rate limits are counted per worker.",
                hint="Set CACHE_REDIS_URL to a Redis shared by every web process.",
                id="tenderbox.W001",
            )
        ]
    return []


@checks.register(deploy=True)
def document_storage(app_configs, **kwargs):
    backend = settings.STORAGES["default"]["BACKEND"]
    if getattr(settings, "PRODUCTION", False) and backend.endswith("FileSystemStorage"):
        return [
            checks.Info(
                f"Documents are stored on this machine's disk ({settings.MEDIA_ROOT}): every web and "
                "worker process must share it, so this serves from one machine only.",
                hint="Set S3_BUCKET (and S3_ENDPOINT_URL for a store other than AWS) to scale out.",
                id="tenderbox.I001",
            )
        ]
    return []


@checks.register(deploy=True)
def shared_queue(app_configs, **kwargs):
    if getattr(settings, "PRODUCTION", False) and settings.HUEY.get("huey_class") == "huey.SqliteHuey":
        return [
            checks.Warning(
                "The task queue is a SQLite file on this machine: workers elsewhere cannot take its jobs.",
                hint="Set HUEY_REDIS_URL to the Redis every web and worker process shares.",
                id="tenderbox.W002",
            )
        ]
    return []
