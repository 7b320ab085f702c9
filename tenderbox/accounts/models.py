"""People who sign in to Tenderbox."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Email addresses are matched without regard to case: Alice@x and alice@x are one person.
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).strip(), **fields)
        user.set_password(password)
        user.save()
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("email_verified_at", timezone.now())
        fields.setdefault("adult_declared_at", timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with a Tenderbox account, identified by email address.

    A user belongs to organisations through memberships (organisations app). An account is usable
    once the email address is verified. Buyer staff and Tenderbox staff must use two-factor sign-in;
    suppliers are offered it. `erased_at` marks an account whose personal data has been erased:
    the row stays so that records pointing at it keep their shape, but names and contact details
    are gone.
    """

    email = models.EmailField(
        max_length=254,
        unique=True,
        help_text="Sign-in name and contact address; unique without regard to case.",
    )
    full_name = models.CharField(max_length=200, help_text="The person's name, as they gave it.")
    phone = models.CharField(max_length=40, blank=True, help_text="Optional contact number.")
    is_staff = models.BooleanField(
        default=False, help_text="Tenderbox staff: may use the admin site (two-factor required)."
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive accounts cannot sign in (held, suspended or erased)."
    )
    date_joined = models.DateTimeField(default=timezone.now, help_text="When the account was made.")
    email_verified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person proved control of the email address."
    )
    adult_declared_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person declared they are 18 or over (policy 1.3).",
    )
    privacy_notice_version = models.CharField(
        max_length=40, blank=True, help_text="Version of the privacy notice shown at sign-up."
    )
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person's personal data was erased."
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [
            # On upper(email): Django's case-insensitive lookups (email__iexact: every sign-in, every
            # email to an address) compare upper() on PostgreSQL, so this index also finds the account;
            # one on lower() was never used by them, and each lookup read the whole table.
            models.UniqueConstraint(Upper("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_verified_email(self) -> bool:
        return self.email_verified_at is not None

    def verify_email(self) -> bool:
        """Record that the person proved control of their address; False if already done."""
        if self.email_verified_at is not None:
            return False
        self.email_verified_at = timezone.now()
        self.save(update_fields=["email_verified_at"])
        return True

    def requires_two_factor(self) -> bool:
        """Buyer staff and Tenderbox staff must sign in with a second factor."""
        if self.is_staff or self.is_superuser:
            return True
        return self.memberships.filter(organisation__kind="buyer").exists()

    def has_two_factor(self) -> bool:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return TOTPDevice.objects.filter(user=self, confirmed=True).exists()


class SignupScreening(models.Model):
    """The automated fraud screening of one sign-up, and any human review of it.

    States:
    - cleared: the score was under the threshold, or a reviewer cleared the account.
    - held: the score reached the threshold; the person can use nothing until a person decides, and
      may ask for that decision with their representations (UK GDPR Arts. 22A-22D).
    - refused: a reviewer decided the account may not be used (with reasons told to the person).
    """

    class Decision(models.TextChoices):
        CLEARED = "cleared", "Cleared"
        HELD = "held", "Held for review"
        REFUSED = "refused", "Refused after review"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="screening")
    ip_address = models.GenericIPAddressField(null=True, blank=True, help_text="Address of the sign-up.")
    network = models.CharField(
        max_length=50, blank=True, db_index=True, help_text="/24 or /48 of the address."
    )
    score = models.PositiveSmallIntegerField(help_text="Sum of the weights of the rules that fired.")
    rules_fired = models.CharField(max_length=300, blank=True, help_text="Codes of the rules that fired.")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    screened_at = models.DateTimeField(default=timezone.now, db_index=True)
    review_requested_at = models.DateTimeField(null=True, blank=True)
    representations = models.TextField(
        blank=True, help_text="What the person asked the reviewer to consider."
    )
    reviewed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True, help_text="The reviewer's reasons, told to the person.")

    def __str__(self):
        return f"Screening: {self.get_decision_display()}"

    def rule_codes(self) -> list[str]:
        return [c for c in self.rules_fired.split(",") if c]
