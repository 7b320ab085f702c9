"""Published versions of the privacy notice, and who was told of, saw and accepted each one.

Imported by `privacy/models.py` so Django finds the models; the workflow is in `privacy/notices.py`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class NoticeVersionQuerySet(models.QuerySet):
    def in_effect(self, today=None):
        return self.filter(effective_on__lte=today or timezone.localdate())

    def upcoming(self, today=None):
        return self.filter(effective_on__gt=today or timezone.localdate())


class NoticeVersion(models.Model):
    """One published version of the privacy notice: its text as it was published, and from when it
    applies. A version is never edited or deleted, so every past version stays readable at its URL
    (`/privacy/notice/<version>`); a change is a new version.

    Lifecycle, derived from the date at request time (no job needed): upcoming (published,
    `effective_on` in the future: signed-in people see a banner and are emailed), in effect (the
    latest version whose `effective_on` has come), superseded (a later version took effect).
    """

    version = models.CharField(
        max_length=40,
        unique=True,
        help_text="Label of the version, used in its URL and recorded against accounts (e.g. 2027-01-15).",
    )
    summary = models.TextField(help_text="What changed, in plain words: shown in the banner and the email.")
    effective_on = models.DateField(
        db_index=True, help_text="The day (UK time) from which this version applies."
    )
    published_at = models.DateTimeField(default=timezone.now, help_text="When staff published it.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Staff who published it.",
    )
    emails_done_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When every account holder had been emailed about it; empty while the emailing runs.",
    )

    objects = NoticeVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on", "-published_at"]

    def __str__(self):
        return f"Privacy notice {self.version}"

    def text(self) -> str:
        """The whole notice as Markdown: what the draft is compared with."""
        from tenderbox.privacy.notices import Section, sections_markdown

        return sections_markdown(
            [Section(s.key, s.heading, s.body) for s in self.sections.order_by("position")]
        )


class NoticeSection(models.Model):
    """One section of a published notice (what we collect, purposes, retention, processors...), frozen
    as it was generated from the privacy map and the registers when it was published. The body is
    plain text with paragraphs, `- ` bullets, `| ... |` table rows and `[text](link)` links."""

    notice = models.ForeignKey(
        NoticeVersion,
        on_delete=models.PROTECT,
        related_name="sections",
        help_text="The version it is part of.",
    )
    position = models.PositiveSmallIntegerField(help_text="Order of the section in the notice.")
    key = models.CharField(max_length=40, help_text="Stable name of the section, its anchor on the page.")
    heading = models.CharField(max_length=200, help_text="The section's heading, as published.")
    body = models.TextField(
        help_text="The section's text, as published (paragraphs, bullets, tables, links)."
    )

    class Meta:
        ordering = ["notice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "position"], name="notice_section_position_unique"),
            models.UniqueConstraint(fields=["notice", "key"], name="notice_section_key_unique"),
        ]

    def __str__(self):
        return self.heading


class NoticeAcknowledgement(models.Model):
    """What one person was told of one notice version: emailed (before it took effect where possible),
    seen (the banner or the notice shown to them signed in), accepted (they confirmed they had read it,
    or it was the notice shown when they signed up). Accepting a notice is not consent to anything:
    the legal bases are those of the register. One row per person and version.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_acks", help_text="Who."
    )
    notice = models.ForeignKey(
        NoticeVersion,
        on_delete=models.PROTECT,
        related_name="acknowledgements",
        help_text="Which version of the notice.",
    )
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="When the change email was queued.")
    seen_at = models.DateTimeField(null=True, blank=True, help_text="When it was first shown to them.")
    accepted_at = models.DateTimeField(null=True, blank=True, help_text="When they accepted it.")
    accepted_via = models.CharField(
        max_length=40, blank=True, help_text="Where they accepted it (banner, sign-up)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "notice"], name="notice_ack_unique"),
        ]

    def __str__(self):
        return f"Acknowledgement of {self.notice_id} by {self.user_id}"
