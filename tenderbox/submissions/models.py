"""Sealed responses to procurements, and suppliers' reusable profiles."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from tenderbox.lib.errors import Conflict


class ProcurementKey(models.Model):
    """A procurement's tender key pair: the public half seals responses; the private half is stored
    wrapped under the master key and is only unwrapped by the opening step."""

    procurement = models.OneToOneField(
        "tenders.Procurement", on_delete=models.CASCADE, related_name="tender_key"
    )
    public_key = models.BinaryField(help_text="X25519 public key (32 bytes).")
    wrapped_private_key = models.BinaryField(
        help_text="X25519 private key, AES-GCM wrapped under the master key."
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Tender key of procurement {self.procurement_id}"


class SupplierProfile(models.Model):
    """What a supplier tells every buyer: entered once, offered again in every response (the part the
    central digital platform's core supplier information plays under PA23). The supplier controls it."""

    supplier = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="profile"
    )
    public_liability_cover = models.CharField(
        max_length=100, blank=True, help_text="Public liability cover, e.g. £5m."
    )
    employers_liability_cover = models.CharField(
        max_length=100, blank=True, help_text="Employer's liability cover."
    )
    insurance_expiry = models.DateField(
        null=True, blank=True, help_text="When the insurance certificates expire."
    )
    accreditations = models.TextField(
        blank=True, help_text="Accreditations held (ISO 9001, Cyber Essentials...)."
    )
    annual_turnover = models.CharField(max_length=100, blank=True, help_text="Latest annual turnover.")
    declarations_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the supplier confirmed the standard exclusion declarations hold for its responses.",
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    PREFILL_FIELDS = (
        "public_liability_cover",
        "employers_liability_cover",
        "insurance_expiry",
        "accreditations",
        "annual_turnover",
    )

    def __str__(self):
        return f"Profile of {self.supplier}"


def profile_document_path(instance, filename):
    return f"profiles/{instance.supplier_id}/{instance.pk}"


class ProfileDocument(models.Model):
    """A certificate or statement kept in the supplier's profile and attached to every new response
    (the supplier can remove it from a response). Stored encrypted, like response documents."""

    class Kind(models.TextChoices):
        INSURANCE = "insurance", "Insurance certificate"
        ACCREDITATION = "accreditation", "Accreditation certificate"
        FINANCIAL = "financial", "Financial statements"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    supplier = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="profile_documents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=profile_document_path, help_text="Encrypted content.")
    wrapped_key = models.BinaryField(help_text="The file's key, wrapped under the master key.")
    filename = models.CharField(max_length=200, help_text="Safe file name.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["supplier", "kind", "uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.supplier}"


class Response(models.Model):
    """A supplier's response to one procurement.

    States:
    - draft: being written; only the supplier's organisation sees it (encrypted at rest).
    - submitted: at least one sealed version is in; the latest one counts. The supplier may submit
      a new version or withdraw before the deadline.
    - withdrawn: the supplier withdrew before the deadline; earlier versions are kept, none counts.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.WITHDRAWN: {Status.SUBMITTED},
    }

    procurement = models.ForeignKey("tenders.Procurement", on_delete=models.PROTECT, related_name="responses")
    supplier = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="responses"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    draft = models.BinaryField(blank=True, default=b"", help_text="The working copy, AES-GCM encrypted.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="When the latest version went in.")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    shortened_retention_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the supplier asked in writing for its tender data to be kept no longer than the "
        "legal floor (privacy policy 4.1.1).",
    )
    retention_purged_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When retention purged the sealed content, draft and documents; the rows, times and "
        "receipt hashes stay as the record.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["procurement", "supplier"], name="response_unique")]

    def __str__(self):
        return f"Response of {self.supplier} to {self.procurement.reference}"

    def move(self, to: str, *, at) -> str:
        if to not in self.TRANSITIONS[self.Status(self.status)]:
            raise Conflict(
                f"A {self.get_status_display().lower()} response cannot become "
                f"{self.Status(to).label.lower()}."
            )
        before = self.status
        self.status = to
        if to == self.Status.SUBMITTED:
            self.submitted_at = at
        else:
            self.withdrawn_at = at
        self.save(update_fields=["status", "submitted_at", "withdrawn_at"])
        return before

    def current_version(self):
        if self.status != self.Status.SUBMITTED:
            return None
        return self.versions.order_by("-number").first()


class ResponseVersion(models.Model):
    """One sealed submission. Never changed after it is written; a resubmission is a new version.
    The one exception is retention: when its rule runs out, `sealed` is emptied (the row, number,
    times and receipt hash stay as the record; see privacy/retention_engine.py).

    `sealed` is the HPKE ciphertext of the whole response (answers, prices, declarations and the
    keys of its documents). `receipt_sha256` is the SHA-256 of the response's canonical plaintext:
    it is shown and emailed to the supplier, who can check it against what is opened.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(help_text="1 for the first submission, then 2, 3...")
    submitted_at = models.DateTimeField(help_text="Server time it was accepted, before the deadline.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sealed = models.BinaryField(help_text="HPKE ciphertext of the response.")
    receipt_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the canonical plaintext.")
    idempotency_key = models.CharField(max_length=64, help_text="Form token: a double click submits once.")

    class Meta:
        ordering = ["response", "number"]
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["response", "idempotency_key"], name="version_idempotency_unique"
            ),
        ]

    def __str__(self):
        return f"Version {self.number} of {self.response}"


def response_document_path(instance, filename):
    return f"responses/{instance.response.procurement_id}/{instance.pk}"


class ResponseDocument(models.Model):
    """A file attached to a response: stored encrypted under its own key. The key is wrapped for the
    supplier's draft and also carried inside each sealed version that includes the document."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=response_document_path, help_text="Encrypted content.")
    wrapped_key = models.BinaryField(help_text="The file's key, wrapped under the master key.")
    filename_sealed = models.BinaryField(help_text="The file name, encrypted with the file's key.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the plaintext.")
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    in_draft = models.BooleanField(default=True, help_text="Still part of the working copy.")

    def __str__(self):
        return f"Document {self.pk}"


class OpeningApproval(models.Model):
    """One buyer user's approval to open a procurement's tenders. Two different people are needed
    (four eyes): the second approval opens them."""

    procurement = models.ForeignKey(
        "tenders.Procurement", on_delete=models.CASCADE, related_name="opening_approvals"
    )
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["procurement", "approved_by"], name="opening_approval_unique")
        ]

    def __str__(self):
        return f"Opening approval for {self.procurement_id}"
