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
