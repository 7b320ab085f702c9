"""Evaluation of opened tenders, and the award decision."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from tenderbox.lib.errors import Conflict


class Assignment(models.Model):
    """An evaluator assigned to a procurement.

    States:
    - pending: must declare any conflict of interest (PA23 s.81-83) before seeing a tender.
    - cleared: declared no conflict; may see opened tenders and score them.
    - conflicted: declared a conflict; removed from the evaluation, sees nothing.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Conflict declaration needed"
        CLEARED = "cleared", "No conflict declared"
        CONFLICTED = "conflicted", "Conflict declared: removed"

    TRANSITIONS = {
        Status.PENDING: {Status.CLEARED, Status.CONFLICTED},
        Status.CLEARED: {Status.CONFLICTED},
        Status.CONFLICTED: set(),
    }

    procurement = models.ForeignKey(
        "tenders.Procurement", on_delete=models.CASCADE, related_name="assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    declared_at = models.DateTimeField(null=True, blank=True, help_text="When the declaration was made.")
    declaration = models.TextField(blank=True, help_text="The conflict declared, if any.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["procurement", "evaluator"], name="assignment_unique")]

    def __str__(self):
        return f"{self.evaluator} on {self.procurement.reference}"

    def declare(self, *, conflict: bool, text: str, at) -> str:
        to = self.Status.CONFLICTED if conflict else self.Status.CLEARED
        if to not in self.TRANSITIONS[self.Status(self.status)]:
            raise Conflict(
                "Your declaration is already recorded."
                if self.status == to
                else "A declared conflict cannot be withdrawn: ask the buyer to assign someone else."
            )
        before = self.status
        self.status = to
        self.declared_at = at
        self.declaration = text.strip()
        self.save(update_fields=["status", "declared_at", "declaration"])
        return before


class SelectionMark(models.Model):
    """A pass or fail mark on one supplier's answer to one selection question, with the reason."""

    version = models.ForeignKey(
        "submissions.ResponseVersion", on_delete=models.CASCADE, related_name="selection_marks"
    )
    question = models.ForeignKey("tenders.SelectionQuestion", on_delete=models.CASCADE, related_name="marks")
    passed = models.BooleanField()
    reason = models.TextField(blank=True, help_text="Required for a fail: recorded as the exclusion reason.")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "question"], name="selection_mark_unique")]

    def __str__(self):
        return f"{'Pass' if self.passed else 'Fail'}: {self.question_id}"


class Score(models.Model):
    """One evaluator's independent score of one tender on one quality criterion, with justification.
    Hidden from other evaluators until moderation."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    version = models.ForeignKey(
        "submissions.ResponseVersion", on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey("tenders.AwardCriterion", on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField()
    justification = models.TextField()
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "version", "criterion"], name="score_unique")
        ]

    def __str__(self):
        return f"{self.score} on {self.criterion_id}"


class ModeratedScore(models.Model):
    """The agreed score of one tender on one quality criterion, and why (moderation)."""

    version = models.ForeignKey(
        "submissions.ResponseVersion", on_delete=models.CASCADE, related_name="moderated"
    )
    criterion = models.ForeignKey(
        "tenders.AwardCriterion", on_delete=models.CASCADE, related_name="moderated"
    )
    score = models.PositiveSmallIntegerField()
    reason = models.TextField(help_text="Why this score was agreed; shown in the assessment summary.")
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "criterion"], name="moderated_unique")]

    def __str__(self):
        return f"Agreed {self.score} on {self.criterion_id}"


class Award(models.Model):
    """The winner of one lot (or of the whole contract, with `lot` empty), chosen by the award
    decision. `tie_break_reason` records how a tie at the top was decided, never silently."""

    procurement = models.ForeignKey("tenders.Procurement", on_delete=models.CASCADE, related_name="awards")
    lot = models.ForeignKey(
        "tenders.Lot", on_delete=models.CASCADE, null=True, blank=True, related_name="awards"
    )
    version = models.ForeignKey(
        "submissions.ResponseVersion", on_delete=models.PROTECT, related_name="awards"
    )
    total = models.DecimalField(max_digits=7, decimal_places=3, help_text="Weighted total out of 100.")
    tie_break_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["procurement", "lot"], name="award_unique")]

    def __str__(self):
        return f"Award of {self.procurement.reference}"


class AssessmentSummary(models.Model):
    """What PA23 s.50 requires each assessed supplier to be given before the contract award notice:
    its own scores and reasons, and the winner's. Stored as rendered text, as it was sent."""

    procurement = models.ForeignKey("tenders.Procurement", on_delete=models.CASCADE, related_name="summaries")
    supplier = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="summaries"
    )
    text = models.TextField(help_text="The summary as given to the supplier.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["procurement", "supplier"], name="summary_unique")]

    def __str__(self):
        return f"Assessment summary for {self.supplier}"
