"""The cookie choice, as the banner's buttons and the cookies page's radios send it."""

from django import forms

from tenderbox.lib.forms import GovukForm


class CookieChoiceForm(GovukForm):
    analytics = forms.TypedChoiceField(
        label="Do you want to accept analytics cookies?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        error_messages={
            "required": "Select yes if you want to accept analytics cookies",
            "invalid_choice": "Select yes if you want to accept analytics cookies",
        },
        widget=forms.RadioSelect,
    )
