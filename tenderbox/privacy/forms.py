from django import forms

from tenderbox.lib.forms import GovukForm


class ComplaintForm(GovukForm):
    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(label="Your email address", help_text="We will reply to this address.")
    details = forms.CharField(
        label="Your complaint",
        widget=forms.Textarea,
        max_length=10000,
        help_text="Tell us what happened and what you would like us to do.",
    )


def _kind_choices():
    from tenderbox.privacy.models import SubjectRequest

    return SubjectRequest.Kind.choices


def _objection_choices():
    from tenderbox.privacy.register import PURPOSES, LegalBasis

    choices = [("", "Not an objection")]
    choices += [
        (p.key, p.use)
        for p in PURPOSES.values()
        if p.basis == LegalBasis.LEGITIMATE_INTEREST or p.key == "marketing"
    ]
    return choices


def _nation_choices():
    from tenderbox.privacy.rules import Nation

    return [(n.value, n.label) for n in Nation]


class RequestFields(GovukForm):
    kind = forms.ChoiceField(label="What would you like us to do?", choices=(), widget=forms.RadioSelect)
    details = forms.CharField(
        label="Tell us more",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
        help_text="For a correction: what is wrong and what it should say. For a review: what you want the "
        "reviewer to consider.",
    )
    objection_purpose = forms.ChoiceField(
        label="If you object, which use of your data do you object to?", required=False, choices=()
    )
    nation = forms.ChoiceField(
        label="Where in the UK do you live or work?",
        choices=(),
        help_text="Bank holidays differ between the nations of the UK, and move the date we must answer by.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kind_choices()
        self.fields["kind"].error_messages["required"] = "Choose what you would like us to do"
        self.fields["objection_purpose"].choices = _objection_choices()
        self.fields["nation"].choices = _nation_choices()

    def clean(self):
        data = super().clean()
        if data.get("kind") == "objection" and not data.get("objection_purpose"):
            self.add_error("objection_purpose", "Choose the use of your data you object to")
        if data.get("kind") == "rectification" and not (data.get("details") or "").strip():
            self.add_error("details", "Tell us what is wrong and what it should say")
        return data


class YourDataRequestForm(RequestFields):
    """A signed-in person's request: they re-enter their password, so their identity is verified."""

    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput,
        help_text="We ask again so that nobody else using your computer can ask for your data.",
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("The password is not right")
        return password


class PublicRequestForm(RequestFields):
    """Someone without an account, or acting for someone else."""

    subject_name = forms.CharField(label="Full name of the person the data is about", max_length=200)
    subject_email = forms.EmailField(
        label="Their email address", help_text="The address they use, or used, with Tenderbox."
    )
    acting = forms.ChoiceField(
        label="Are you that person?",
        choices=[("self", "Yes, I am asking about my own data"), ("other", "No, I am acting for them")],
        widget=forms.RadioSelect,
    )
    representative_name = forms.CharField(
        label="Your name (if you act for them)", required=False, max_length=200
    )
    representative_email = forms.EmailField(
        label="Your email address (if you act for them)",
        required=False,
        help_text="We send the link to confirm the request, and our answers, to this address.",
    )
    authority = forms.FileField(
        label="Your authority to act for them (if you act for them)",
        required=False,
        help_text="A signed letter of authority or a power of attorney, as a PDF, image or Word file.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acting"].error_messages["required"] = "Say whether you are the person or act for them"

    def clean(self):
        data = super().clean()
        if data.get("acting") == "other":
            if not (data.get("representative_name") or "").strip():
                self.add_error("representative_name", "Enter your name")
            if not data.get("representative_email"):
                self.add_error("representative_email", "Enter your email address")
            if not data.get("authority"):
                self.add_error("authority", "Upload your authority to act for them")
        return data
