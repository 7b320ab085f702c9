"""The audit trail: one row per event, hash-chained so that edits and deletions are detected.

See docs/decisions/0002-audit-chain-and-erasure.md: the chain covers only fields that hold no
personal data plus a salted digest of the personal ones; erasure nulls the personal columns and the
salt, so the chain still verifies and the person is gone.
"""

import hashlib
import hmac
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

GENESIS_HASH = "0" * 64


def canonical_json(value) -> str:
    """Stable JSON text for hashing: sorted keys, no spaces, Django types as strings."""
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))


def normalise_state(value):
    """Turn a before/after mapping into plain JSON values, as the database will give it back."""
    if value is None:
        return None
    return json.loads(canonical_json(value))


class AuditChainHead(models.Model):
    """The end of the chain: one row holding the last sequence number and hash.

    Appending locks this row (SELECT … FOR UPDATE), which orders concurrent appends; on SQLite the
    database-wide write lock does the same. Verification compares the last event with it, so that
    deleting the newest events is detected too.
    """

    last_seq = models.PositiveBigIntegerField(default=0, help_text="Sequence number of the last event.")
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH, help_text="Hash of the last event.")

    class Meta:
        verbose_name = "audit chain head"

    def __str__(self):
        return f"Audit chain at #{self.last_seq}"


class AuditEvent(models.Model):
    """Something that happened: who did what to which object, when and from where.

    Never updated or deleted (a PostgreSQL trigger refuses it), except that erasure may blank the
    personal columns (`actor_label`, `ip_address`, `personal_salt`), which the chain does not cover.
    """

    seq = models.PositiveBigIntegerField(unique=True, help_text="Position in the chain, from 1, no gaps.")
    created_at = models.DateTimeField(db_index=True, help_text="When the event happened.")
    verb = models.CharField(max_length=80, db_index=True, help_text="What happened, as noun.verb.")
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True, help_text="User who acted.")
    organisation_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, help_text="Organisation the event belongs to."
    )
    subject_user_id = models.BigIntegerField(
        null=True,
        blank=True,
        db_index=True,
        help_text="User the event is about, when not the actor.",
    )
    object_type = models.CharField(max_length=80, blank=True, help_text="app_label.model of the object.")
    object_id = models.CharField(max_length=64, blank=True, help_text="Primary key of the object.")
    before = models.JSONField(null=True, blank=True, help_text="State before (no personal data).")
    after = models.JSONField(null=True, blank=True, help_text="State after (no personal data).")
    personal_digest = models.CharField(
        max_length=64, help_text="HMAC of the personal columns under personal_salt; chained."
    )
    prev_hash = models.CharField(max_length=64, help_text="Hash of the previous event.")
    hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of this event's chained fields.")
    # Personal columns: outside the chain, erased by blanking (with the salt).
    actor_label = models.CharField(
        max_length=254, blank=True, help_text="Email of the actor (or attempted email) at the time."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True, help_text="Address of the request.")
    personal_salt = models.CharField(
        max_length=32,
        blank=True,
        help_text="Random salt of personal_digest; erased with the columns.",
    )

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"#{self.seq} {self.verb}"

    def chained_fields(self) -> dict:
        return {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "verb": self.verb,
            "actor_id": self.actor_id,
            "organisation_id": self.organisation_id,
            "subject_user_id": self.subject_user_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
            "personal_digest": self.personal_digest,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.chained_fields()).encode()).hexdigest()

    def compute_personal_digest(self) -> str:
        personal = canonical_json({"actor_label": self.actor_label, "ip_address": self.ip_address})
        return hmac.new(self.personal_salt.encode(), personal.encode(), hashlib.sha256).hexdigest()

    @property
    def personal_erased(self) -> bool:
        return self.personal_salt == ""
