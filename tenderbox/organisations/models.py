"""Organisations (contracting authorities and suppliers), memberships and invitations."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone


class Organisation(models.Model):
    """A contracting authority (buyer) or a supplier.

    Buyers record their authority type and region; suppliers their registration details, size and
    flags. A sole trader's legal name is a person's name, so the privacy map treats the supplier
    identity fields as personal data for sole traders.
    """

    class Kind(models.TextChoices):
        BUYER = "buyer", "Buyer (contracting authority)"
        SUPPLIER = "supplier", "Supplier"

    class AuthorityType(models.TextChoices):
        CENTRAL = "central_government", "Central government"
        LOCAL = "local_authority", "Local authority"
        NHS = "nhs", "NHS"
        EDUCATION = "education", "Education"
        DEVOLVED = "devolved", "Devolved administration"
        OTHER = "other_public", "Other public body"

    class Size(models.TextChoices):
        # OCDS partyDetails_scale codes.
        MICRO = "micro", "Micro (fewer than 10 staff)"
        SME = "sme", "Small or medium (fewer than 250 staff)"
        LARGE = "large", "Large (250 staff or more)"

    kind = models.CharField(max_length=10, choices=Kind.choices, help_text="Buyer or supplier.")
    name = models.CharField(max_length=200, help_text="Legal name.")
    trading_name = models.CharField(max_length=200, blank=True, help_text="Name traded under, if different.")
    authority_type = models.CharField(
        max_length=30,
        choices=AuthorityType.choices,
        blank=True,
        help_text="Buyers: kind of authority.",
    )
    companies_house_number = models.CharField(
        max_length=8,
        blank=True,
        help_text="Suppliers: Companies House registration number, if any.",
    )
    vat_number = models.CharField(max_length=14, blank=True, help_text="UK VAT number (GB or XI prefix).")
    address_line_1 = models.CharField(max_length=200, help_text="Registered or main address, first line.")
    address_line_2 = models.CharField(max_length=200, blank=True, help_text="Address, second line.")
    town = models.CharField(max_length=100, help_text="Town or city.")
    postcode = models.CharField(max_length=8, help_text="UK postcode, normalised (SW1A 1AA).")
    region = models.CharField(max_length=3, help_text="ITL level-1 region code (TLC…TLN).")
    phone = models.CharField(max_length=40, blank=True, help_text="Organisation's contact number.")
    contact_email = models.EmailField(blank=True, help_text="Organisation's contact address.")
    size = models.CharField(max_length=5, choices=Size.choices, blank=True, help_text="Suppliers: size.")
    is_vcse = models.BooleanField(
        default=False, help_text="Suppliers: voluntary, community or social enterprise."
    )
    is_sole_trader = models.BooleanField(
        default=False, help_text="Suppliers: a person trading on their own account."
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="When it was registered here.")

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"], name="org_kind_name_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["companies_house_number"],
                condition=~models.Q(companies_house_number=""),
                name="org_companies_house_unique",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_buyer(self) -> bool:
        return self.kind == self.Kind.BUYER

    @property
    def is_supplier(self) -> bool:
        return self.kind == self.Kind.SUPPLIER

    @property
    def is_sme(self) -> bool:
        return self.size in {self.Size.MICRO, self.Size.SME}

    def display_name(self) -> str:
        return self.trading_name or self.name


class Role(models.TextChoices):
    """What a member may do. Admins manage members; buyers run procurements; evaluators score;
    bidders respond to opportunities. Which roles an organisation offers depends on its kind."""

    ADMIN = "admin", "Organisation admin"
    BUYER = "buyer", "Buyer"
    EVALUATOR = "evaluator", "Evaluator"
    BIDDER = "bidder", "Supplier bidder"


ROLES_BY_KIND = {
    Organisation.Kind.BUYER: (Role.ADMIN, Role.BUYER, Role.EVALUATOR),
    Organisation.Kind.SUPPLIER: (Role.ADMIN, Role.BIDDER),
}


class Membership(models.Model):
    """A person's place in an organisation, with one role. Removing a member deletes the row, so
    access ends at once; the audit trail keeps the history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text="Member.",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text="Organisation.",
    )
    role = models.CharField(max_length=10, choices=Role.choices, help_text="What the member may do.")
    created_at = models.DateTimeField(default=timezone.now, help_text="When they joined.")

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_user_org_unique"),
        ]

    def __str__(self):
        return f"{self.user} in {self.organisation} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An emailed invitation to join an organisation with a role.

    States: pending (neither accepted, revoked nor expired), accepted, revoked, expired. Only the
    token's SHA-256 is stored, so a database reader cannot use it; it works once, for the invited
    address only, until `expires_at`.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text="Inviting organisation.",
    )
    email = models.EmailField(help_text="Address the invitation was sent to.")
    role = models.CharField(max_length=10, choices=Role.choices, help_text="Role offered.")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the emailed token.")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text="Admin who sent it.",
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="When it was sent.")
    expires_at = models.DateTimeField(help_text="After this the link no longer works.")
    accepted_at = models.DateTimeField(null=True, blank=True, help_text="When it was accepted.")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who accepted it.",
    )
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="When an admin withdrew it.")

    class Meta:
        ordering = ["-created_at"]
        # upper(), as email__iexact compares on PostgreSQL (erasure and the access export look up
        # invitations by address).
        indexes = [models.Index(Upper("email"), name="invitation_email_ci_idx")]

    def __str__(self):
        return f"Invitation to {self.organisation} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
