"""Password rules beyond Django's own, following NCSC guidance: length and a deny-list, no
composition rules. Django's CommonPasswordValidator supplies the common-password deny-list."""

from django.core.exceptions import ValidationError

# Argon2 hashes any length, but an unbounded password is a cheap denial-of-service.
MAX_PASSWORD_LENGTH = 256

# Words that make a password guessable for this service in particular (NCSC: deny-list context words).
SERVICE_WORDS = ("tenderbox", "password", "procurement", "qwerty")


class MaximumLengthValidator:
    def validate(self, password, user=None):
        if len(password) > MAX_PASSWORD_LENGTH:
            raise ValidationError(
                f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer.",
                code="password_too_long",
            )

    def get_help_text(self):
        return f"Your password must be {MAX_PASSWORD_LENGTH} characters or fewer."


class ServiceWordsValidator:
    def validate(self, password, user=None):
        lowered = password.lower()
        # A password that is only a service word with digits or symbols around it is refused.
        stripped = "".join(ch for ch in lowered if ch.isalpha())
        if stripped in SERVICE_WORDS:
            raise ValidationError(
                "Password is too easy to guess. Try three random words instead.",
                code="password_service_word",
            )

    def get_help_text(self):
        return "Your password cannot be just the name of this service."
