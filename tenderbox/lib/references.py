"""Human references such as TBX-2026-000042: a kind's letters, the year, and a running number."""

from django.db.models import Max
from django.utils import timezone


def next_reference(model, letters: str, *, digits: int) -> str:
    """The next free reference of `model` this year (unique constraints catch a race: the caller's
    transaction fails rather than reusing one)."""
    prefix = f"{letters}-{timezone.localdate().year}-"
    last = model.objects.filter(reference__startswith=prefix).aggregate(m=Max("reference"))["m"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:0{digits}d}"
