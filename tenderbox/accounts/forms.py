"""Sign-up, sign-in, two-factor and profile forms."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError

from tenderbox.lib.forms import GovukForm
from tenderbox.privacy.models import MARKETING_CONSENT_WORDING

User = get_user_model()


class SignUpForm(GovukForm):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will send a link to this address to check it is yours.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = forms.CharField(label="Phone number (optional)", max_length=40, required=False)
    password = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="At least 12 characters. Three random words make a strong password you can remember.",
    )
    adult = forms.BooleanField(
        label="I am 18 or over",
        error_messages={"required": "Confirm that you are 18 or over to use Tenderbox"},
    )
    marketing = forms.BooleanField(label=MARKETING_CONSENT_WORDING, required=False)

    def __init__(self, *args, invitation=None, **kwargs):
        super().__init__(*args, initial={"email": invitation.email} if invitation else None, **kwargs)
        self.invitation = invitation

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if self.invitation is not None and email.lower() != self.invitation.email.lower():
            raise ValidationError(
                f"Use the address the invitation was sent to ({self.invitation.email}), or create an "
                "account without the invitation."
            )
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account already uses this email address. Sign in, or reset your password if "
                "you have forgotten it."
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class SignInForm(GovukForm):
    email = forms.EmailField(label="Email address", max_length=254)
    password = forms.CharField(label="Password", strip=False)


class TokenForm(GovukForm):
    token = forms.CharField(
        label="Security code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()


class ConfirmTotpForm(GovukForm):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        min_length=6,
        error_messages={"min_length": "Enter the 6-digit code"},
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise ValidationError("The code is 6 digits, like 123456")
        return token


class PasswordConfirmForm(GovukForm):
    password = forms.CharField(label="Your password", strip=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("The password is not right")
        return password


class EmailForm(GovukForm):
    email = forms.EmailField(label="Email address", max_length=254)


class SetPasswordForm(GovukForm):
    password = forms.CharField(
        label="New password",
        strip=False,
        help_text="At least 12 characters. Three random words make a strong password you can remember.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, self.user)
        return password


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone"]
        labels = {"full_name": "Full name", "phone": "Phone number (optional)"}
        help_texts = {"full_name": "", "phone": ""}
        error_messages = {"full_name": {"required": "Enter your full name"}}
